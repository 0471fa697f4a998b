#pragma once
#include "corridor/graph/road_graph.hpp"

namespace corridor::cli {

// Length of road: a two-way road counted once, a one-way road once.
inline double road_length_m(const graph::RoadGraph& g) {
  double total = 0;
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    const auto back = g.find_arc(g.head[a], g.tail[a]);
    if (back == graph::k_invalid || g.tail[a] < g.head[a]) total += g.length_m[a];
  }
  return total;
}

}  // namespace corridor::cli

#pragma once
// Which roads a scenario closes at a given instant: hazards active then,
// ceasefire roads outside all of their windows, areas any party forbids, and
// the roads leaving checkpoints that a party refuses.
#include <string>
#include <vector>

#include "corridor/graph/road_graph.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/route/arc_set.hpp"
#include "corridor/scenario/scenario.hpp"

namespace corridor::route {

// The arcs whose geometry meets the area (crosses, touches or lies inside).
std::vector<graph::ArcId> arcs_meeting(const graph::RoadGraph& g, const geo::MultiPolygon& area,
                                       const geo::Box& box);

struct ClosureCause {
  std::string kind;    // "hazard", "ceasefire", "area", "checkpoint"
  std::string id;      // the feature's id
  std::string reason;  // "active 11:00Z-13:30Z", "forbidden by party B"...
  std::uint32_t arcs = 0;
};

struct Closures {
  ArcSet closed;
  std::vector<ClosureCause> causes;
};

// Closures of `s` at instant t. Checkpoints are snapped with `index` within
// max_snap_m; one too far from any road closes nothing and is reported.
Closures closures_at(const graph::RoadGraph& g, const graph::SpatialIndex& index, const scenario::Scenario& s,
                     geo::UnixSeconds t, double max_snap_m);

}  // namespace corridor::route

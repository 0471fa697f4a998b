#pragma once
// Which arcs of a graph an area touches: the geometry behind every closure.
#include <vector>

#include "corridor/geo/area.hpp"
#include "corridor/graph/road_graph.hpp"

namespace corridor::graph {

// The arcs whose geometry (shape points included) meets the area: crosses,
// touches or lies inside it.
std::vector<ArcId> arcs_meeting(const RoadGraph& g, const geo::Area& area);

}  // namespace corridor::graph

#pragma once
// Which arcs of a graph an area touches: the geometry behind every closure.
#include <vector>

#include "corridor/geo/geo.hpp"
#include "corridor/graph/road_graph.hpp"

namespace corridor::graph {

// The arcs whose geometry (shape points included) meets the area: crosses,
// touches or lies inside it. `box` is the area's bounding box.
std::vector<ArcId> arcs_meeting(const RoadGraph& g, const geo::MultiPolygon& area, const geo::Box& box);

}  // namespace corridor::graph

#pragma once
// Free-flow travel times from a set of sources to every node (or from every
// node to a set of targets, searching backward): the plain Dijkstra that
// landmarks, goal-directed planning and the bounds all start from.
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "corridor/graph/road_graph.hpp"
#include "corridor/route/arc_set.hpp"

namespace corridor::route {

inline constexpr std::int64_t k_unreachable = std::numeric_limits<std::int64_t>::max() / 4;

enum class Direction { forward, backward };

// Each source is (node, start time in ms). Forward: the earliest arrival at
// every node; backward: the time from every node to the nearest source.
// Arcs in `closed` (may be null) are not used. Unreachable: k_unreachable.
std::vector<std::int64_t> one_to_all(const graph::RoadGraph& g,
                                     const std::vector<std::pair<graph::NodeId, std::int64_t>>& sources,
                                     Direction direction, const ArcSet* closed = nullptr);

}  // namespace corridor::route

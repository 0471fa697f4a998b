#pragma once
#include "corridor/graph/road_graph.hpp"

namespace corridor::graph {

struct Components {
  std::uint32_t count = 0;
  std::uint32_t largest = 0;           // nodes in the largest component
  std::vector<std::uint32_t> of_node;  // component id per node
};

// Weakly connected components (arc directions ignored): islands of roads.
Components weak_components(const RoadGraph& g);

// Strongly connected components (Tarjan, iterative): sets of nodes that can
// all reach each other. A point snapped outside the largest one may reach few
// destinations.
Components strong_components(const RoadGraph& g);

}  // namespace corridor::graph

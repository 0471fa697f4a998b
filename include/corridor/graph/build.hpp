#pragma once
#include "corridor/graph/road_graph.hpp"
#include "corridor/osm/network.hpp"

namespace corridor::graph {

// Builds the compact graph from a network as read from its source: orders
// nodes along a Hilbert curve, sorts arcs once by (tail, head), keeps the
// fastest of parallel arcs, and inverts the arc list into first_out/in_first.
// Consumes `net` (its arrays are released as they are permuted).
RoadGraph build(osm::RawNetwork&& net);

// Fills in_first/in_arc from head (a counting sort of arc ids by head):
// every graph built from a list of arcs needs it.
void index_incoming_arcs(RoadGraph& g);
// Checks every invariant of road_graph.hpp; returns "" or what is wrong.
std::string check_invariants(const RoadGraph& g);

}  // namespace corridor::graph

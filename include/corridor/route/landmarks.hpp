#pragma once
// ALT: A* search with landmarks and the triangle inequality (Goldberg and
// Harrelson, "Computing the shortest path: A* search meets graph theory",
// SODA 2005), bidirectional with average potentials.
//
// Landmark distances are computed once on the graph without closures.
// Closing arcs only lengthens distances, so the bounds stay valid and
// consistent under any closure set: queries stay exact, and a new hazard
// needs no new preprocessing.
#include <cstdint>
#include <vector>

#include "corridor/graph/road_graph.hpp"
#include "corridor/route/dijkstra.hpp"

namespace corridor::route {

class Landmarks {
 public:
  // Picks `count` landmarks in the largest strongly connected component by
  // farthest selection and computes distances to and from each.
  Landmarks(const graph::RoadGraph& g, std::uint32_t count = 16);

  [[nodiscard]] std::uint32_t count() const noexcept { return count_; }
  // Whether v lies in the component the landmarks cover.
  [[nodiscard]] bool covers(NodeId v) const noexcept { return in_component_[v]; }
  // A lower bound on the travel time from v to t (both covered), in ms.
  [[nodiscard]] std::uint32_t lower_bound(NodeId v, NodeId t) const noexcept;
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  std::uint32_t count_ = 0;
  // Interleaved per node for locality: to_[v * count + i] = d(v, L_i),
  // from_[v * count + i] = d(L_i, v).
  std::vector<std::uint32_t> to_;
  std::vector<std::uint32_t> from_;
  std::vector<bool> in_component_;
};

// A query object for goal-directed routes: BidirectionalDijkstra with the
// landmarks' potentials (same contract as BidirectionalDijkstra::run).
class BidirectionalAlt {
 public:
  BidirectionalAlt(const graph::RoadGraph& g, const Landmarks& landmarks) : search_(g), landmarks_(landmarks) {}
  Route run(NodeId s, NodeId t, const ArcSet* closed = nullptr) { return search_.run(s, t, closed, &landmarks_); }

 private:
  BidirectionalDijkstra search_;
  const Landmarks& landmarks_;
};

}  // namespace corridor::route

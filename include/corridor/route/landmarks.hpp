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

class BidirectionalAlt {
 public:
  BidirectionalAlt(const graph::RoadGraph& g, const Landmarks& landmarks);

  // Same contract as BidirectionalDijkstra::run. Falls back to plain
  // bidirectional Dijkstra when s or t lies outside the landmarks' component.
  Route run(NodeId s, NodeId t, const ArcSet* closed = nullptr);

 private:
  const graph::RoadGraph& g_;
  const Landmarks& lm_;
  BidirectionalDijkstra plain_;
  std::vector<std::uint64_t> dist_[2];
  std::vector<ArcId> parent_[2];
  std::vector<std::uint32_t> stamp_[2];
  NodeHeap heap_[2];
  std::uint32_t current_ = 0;
};

}  // namespace corridor::route

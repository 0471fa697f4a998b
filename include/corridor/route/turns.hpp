#pragma once
// Turn restrictions for node-based searches, by splitting the junctions they
// apply at: a node v becomes one node per distinct set F of turns forbidden
// to the arcs entering it ((v, {}) for a start at v and every unrestricted
// arc). An arc u->v enters (v, F(arc)); the copy (u, G) of u has a copy of
// every arc leaving u that G does not forbid. A chain of arcs forbidden in a
// row (a restriction over via ways) gets its own copies along its arcs,
// each knowing the arcs driven since the chain's first, the last one
// without the chain's last arc. A path in the split graph is exactly a path
// in the road graph that makes no forbidden turn, so every search
// (Dijkstra, ALT, CCH) honours the restrictions unchanged and stays
// node-based (Winter, "Modeling costs of turns in route planning",
// GeoInformatica 2002, models turns by such expanded graphs). Chains that
// overlap are tracked together, as Aho-Corasick matches many patterns.
//
// Nodes 0..n-1 of the split graph are the road graph's own nodes (v, {});
// the copies follow. The split graph holds what searches read: the
// topology (first_out, head, tail, in_first, in_arc), node_id, time_ms,
// length_m and the CCH order; everything else about an arc is its road arc's
// (road_arc). `lower` maps a route found on it back to road arcs and nodes.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "corridor/graph/road_graph.hpp"
#include "corridor/route/arc_set.hpp"
#include "corridor/route/dijkstra.hpp"

namespace corridor::route {

class TurnSplit {
 public:
  // The road graph must outlive the split and have turns (g.turn_from).
  explicit TurnSplit(const graph::RoadGraph& g);

  [[nodiscard]] const graph::RoadGraph& graph() const noexcept { return split_; }
  [[nodiscard]] const graph::RoadGraph& road() const noexcept { return road_; }

  // The road arc a split arc copies, and the road node a split node copies.
  [[nodiscard]] ArcId road_arc(ArcId a) const noexcept { return origin_arc_[a]; }
  [[nodiscard]] NodeId road_node(NodeId v) const noexcept {
    return v < road_.node_count() ? v : origin_node_[v - road_.node_count()];
  }
  // The split arcs copying road arc a; the first leaves a's own tail (tail, {}).
  [[nodiscard]] std::span<const ArcId> copies(ArcId a) const noexcept {
    return {copy_.data() + copy_first_[a], copy_.data() + copy_first_[a + 1]};
  }
  // The split nodes copying road node v, v itself first.
  [[nodiscard]] std::span<const NodeId> copies_of_node(NodeId v) const noexcept {
    return {node_copy_.data() + node_copy_first_[v], node_copy_.data() + node_copy_first_[v + 1]};
  }

  // The closures on the split graph: every copy of a closed road arc.
  [[nodiscard]] ArcSet lift(const ArcSet& closed) const;
  [[nodiscard]] std::optional<ArcSet> lift(const ArcSet* closed) const {
    return closed ? std::optional<ArcSet>(lift(*closed)) : std::nullopt;
  }
  // A route found on the split graph, in road arcs and nodes.
  void lower(Route& r) const;

  // Bytes the split adds.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  const graph::RoadGraph& road_;
  graph::RoadGraph split_;
  std::vector<ArcId> origin_arc_;          // per split arc
  std::vector<NodeId> origin_node_;        // per copy node (ids n..)
  std::vector<std::uint32_t> copy_first_;  // per road arc + 1
  std::vector<ArcId> copy_;
  std::vector<std::uint32_t> node_copy_first_;  // per road node + 1
  std::vector<NodeId> node_copy_;
};

}  // namespace corridor::route

#pragma once
// Customizable Contraction Hierarchies (Dibbelt, Strasser, Wagner,
// "Customizable Contraction Hierarchies", JEA 2016), with the elimination-
// tree query of Buchhold, Sanders and Wagner ("Real-time Traffic Assignment
// Using Engineered Customizable Contraction Hierarchies", JEA 2019).
//
// Three phases, each reusable by the next many times:
// - CchTopology: a nested-dissection order of the nodes (METIS_NodeND on
//   the undirected road graph) and the chordal supergraph it induces: for
//   each node its neighbours of higher rank, the "upward arcs". Depends only
//   on the graph.
// - CchMetric: the weights of the upward arcs in both directions for one
//   metric, the free-flow times with a set of arcs closed (hazards, windows,
//   rules): each original arc's time, then the lower-triangle relaxation in
//   rank order. A closure state is one metric.
// - CchQuery: a shortest path s -> t: walk up the elimination tree from s
//   relaxing upward arcs forward and from t backward, meet at the common
//   ancestor with the least sum, unpack the shortcuts to original arcs.
//   No priority queue; scratch state sized once, reset along the two paths.
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "corridor/graph/road_graph.hpp"
#include "corridor/route/arc_set.hpp"
#include "corridor/route/dijkstra.hpp"

namespace corridor::route {

// The nested-dissection order of the graph's nodes (METIS_NodeND on the
// undirected graph, fixed seed): order[r] is the node of rank r.
std::vector<NodeId> nested_dissection_order(const graph::RoadGraph& g);

class CchTopology {
 public:
  // Contracts in the graph's stored order (RoadGraph::cch_order), or in a
  // nested-dissection order computed now when it has none.
  explicit CchTopology(const graph::RoadGraph& g);
  // With a given order: order[r] is the node of rank r (0 is contracted first).
  CchTopology(const graph::RoadGraph& g, std::vector<NodeId> order);

  [[nodiscard]] std::uint32_t node_count() const noexcept { return static_cast<std::uint32_t>(rank_.size()); }
  [[nodiscard]] std::uint32_t arc_count() const noexcept { return static_cast<std::uint32_t>(up_head_.size()); }
  [[nodiscard]] std::uint32_t rank(NodeId v) const noexcept { return rank_[v]; }
  [[nodiscard]] NodeId node(std::uint32_t r) const noexcept { return order_[r]; }
  // The upward arc from rank lo to rank hi (lo < hi), or graph::k_invalid.
  [[nodiscard]] std::uint32_t find(std::uint32_t lo, std::uint32_t hi) const noexcept;
  // The lower rank of an upward arc.
  [[nodiscard]] std::uint32_t tail(std::uint32_t arc) const noexcept;
  // Bytes of the arrays in memory.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  friend class CchMetric;
  friend class CchQuery;
  void contract(const graph::RoadGraph& g);

  std::vector<NodeId> order_;           // rank -> node
  std::vector<std::uint32_t> rank_;     // node -> rank
  std::vector<std::uint32_t> first_;    // rank -> its upward arcs, CSR (node_count + 1)
  std::vector<std::uint32_t> up_head_;  // per upward arc: the higher rank, ascending per tail
  std::vector<std::uint32_t> parent_;   // elimination tree: lowest upward neighbour, k_invalid at a root
  // Per rank y, the lower ranks x with an upward arc x -> y, ascending, and
  // those arcs: the bottoms of the lower triangles of y's own arcs. Only
  // the partial customisation needs them (24-26 bytes per node): built at
  // its first use, once, thread-safely.
  void build_down_lists() const;
  mutable std::once_flag down_built_;
  mutable std::vector<std::uint32_t> down_first_;
  mutable std::vector<std::uint32_t> down_tail_;
  mutable std::vector<std::uint32_t> down_arc_;  // the upward arc x -> y of each
  std::vector<ArcId> forward_arc_;               // per upward arc: the original arc low -> high, or k_invalid
  std::vector<ArcId> backward_arc_;              // the original arc high -> low, or k_invalid
};

class CchMetric {
 public:
  // Customises the free-flow times of g with the arcs in `closed` (may be
  // null) removed.
  CchMetric(const CchTopology& topology, const graph::RoadGraph& g, const ArcSet* closed = nullptr);
  // Customises again for another set of closed arcs.
  void customize(const ArcSet* closed);
  // The same after the closure state changed on `changed` original arcs
  // only (closed or reopened): only the upward arcs whose weight can depend
  // on them are recomputed, lowest first, each from its original arc and
  // its lower triangles, and what depends on a weight that changed after it
  // (the partial customisation of Buchhold, Sanders and Wagner); a full
  // customisation when more than 1 % of the arcs reopened. When arcs only
  // close (a new hazard), only the arcs whose value came from a closed arc
  // are recomputed, and a node left with no open arc is marked isolated
  // without a look at its arcs.
  void update(const ArcSet* closed, const std::vector<ArcId>& changed);

  [[nodiscard]] const CchTopology& topology() const noexcept { return t_; }
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  friend class CchQuery;
  static constexpr std::uint32_t k_inf = 0x3FFFFFFFu;  // no path (about 12 days in ms)
  struct Recomputed {
    std::uint32_t forward, backward, forward_via, backward_via;
  };
  [[nodiscard]] std::uint32_t original(ArcId a, const ArcSet* closed) const noexcept;
  [[nodiscard]] Recomputed recompute(std::uint32_t y, std::uint32_t e, const ArcSet* closed) const;
  [[nodiscard]] bool has_open_arc(NodeId v, const ArcSet& closed) const noexcept;
  void close(const ArcSet& closed, const std::vector<ArcId>& changed);
  const CchTopology& t_;
  const graph::RoadGraph& g_;
  std::vector<std::uint32_t> forward_, backward_;  // per upward arc: low -> high, high -> low
  // Per rank, 1 when a closing left the node with no open arc: every upward
  // arc at it (up or down) counts as infinite whatever is stored, so a new
  // hazard writes one byte per node inside it instead of its arcs. Queries
  // and triangles pass such nodes by; a reopening makes their arcs
  // infinite for real first.
  std::vector<std::uint8_t> isolated_;
  // The middle rank of the lower triangle each weight comes from, or
  // k_invalid when it is the original arc's.
  std::vector<std::uint32_t> forward_via_, backward_via_;
};

class CchQuery {
 public:
  explicit CchQuery(const CchTopology& topology);
  // The fastest route from s to t under the metric (Route::settled counts
  // the nodes on the two elimination-tree paths).
  Route run(const CchMetric& metric, NodeId s, NodeId t);
  // The fastest route from any of the sources to any of the targets,
  // counting their offsets (at most a few of each: the union of their
  // elimination-tree paths is swept once). Route::source and target say
  // which were used; time_ms leaves their offsets out.
  Route run(const CchMetric& metric, std::span<const Endpoint> sources, std::span<const Endpoint> targets);

 private:
  void unpack(const CchMetric& m, std::uint32_t arc, bool forward, std::vector<ArcId>& out) const;
  const CchTopology& t_;
  std::vector<std::uint32_t> forward_dist_, backward_dist_;        // per rank
  std::vector<std::uint32_t> forward_pred_, backward_pred_;        // per rank: the upward arc it was reached by
  std::vector<std::uint32_t> source_ranks_, target_ranks_, walk_;  // per query, kept to spare the allocations
};

}  // namespace corridor::route

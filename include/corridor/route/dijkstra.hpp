#pragma once
// Fastest paths by free-flow travel time on the CSR road graph.
//
// BidirectionalDijkstra is a query object: it holds its own scratch state
// (distances, heaps) sized to the graph once and reset in O(1) per query by
// a timestamp, so one object answers many queries without allocation. The
// graph is shared and immutable; use one query object per thread.
#include <cstdint>
#include <vector>

#include "corridor/graph/road_graph.hpp"
#include "corridor/route/arc_set.hpp"

namespace corridor::route {

class Landmarks;
using graph::ArcId;
using graph::NodeId;

struct Route {
  NodeId source = graph::k_invalid;
  NodeId target = graph::k_invalid;
  bool found = false;
  std::uint64_t time_ms = 0;  // sum of the arcs' free-flow times
  double length_m = 0;
  std::vector<ArcId> arcs;  // in driving order
  // A route between snapped points starts and ends inside segments: it
  // drives its first arc from start_at of its length on and its last arc up
  // to end_at (one arc: from start_at to end_at). time_ms and length_m count
  // those parts only.
  double start_at = 0;
  double end_at = 1;
  std::uint32_t settled = 0;  // nodes settled by the search (for benchmarks)
};

// A place a search may start or end at, with the time already spent getting
// there (or still to spend from there): the ends of a snapped segment.
struct Endpoint {
  NodeId node = graph::k_invalid;
  std::uint32_t offset_ms = 0;
};

// The share of the route's i-th arc it drives: 1 but where it starts or ends
// inside an arc.
double driven_share(const Route& r, std::size_t i) noexcept;
// The geometry of the part of the route's i-th arc it drives.
std::vector<geo::LonLat> driven_points(const graph::RoadGraph& g, const Route& r, std::size_t i);
// The nodes a route passes, source first.
std::vector<NodeId> route_nodes(const graph::RoadGraph& g, const Route& r);
// Its geometry: the source (or the point inside the first arc it starts
// at), then every shape point and node it passes, to the point it ends at.
std::vector<geo::LonLat> route_points(const graph::RoadGraph& g, const Route& r);

// A 4-ary min-heap of node ids keyed by distance, with decrease-key through
// a position array. Positions are valid for nodes whose stamp matches.
class NodeHeap {
 public:
  explicit NodeHeap(std::uint32_t node_count);
  void clear(std::uint32_t stamp) noexcept;
  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
  [[nodiscard]] std::uint64_t min_key() const noexcept { return heap_.front().key; }
  // Inserts v or lowers its key; returns false when v already has a key <= key.
  bool push_or_decrease(NodeId v, std::uint64_t key) noexcept;
  NodeId pop() noexcept;

 private:
  struct Entry {
    std::uint64_t key;
    NodeId node;
  };
  void sift_up(std::size_t i) noexcept;
  void sift_down(std::size_t i) noexcept;
  std::vector<Entry> heap_;
  std::vector<std::uint32_t> pos_;    // index in heap_, or k_popped
  std::vector<std::uint32_t> stamp_;  // pos_ valid when stamp_ == current_
  std::uint32_t current_ = 0;
};

class BidirectionalDijkstra {
 public:
  explicit BidirectionalDijkstra(const graph::RoadGraph& g);

  // Fastest route from s to t avoiding the arcs in `closed` (may be null).
  // With `landmarks` the search is goal-directed (bidirectional ALT) and
  // settles far fewer nodes; the route is the same fastest one.
  Route run(NodeId s, NodeId t, const ArcSet* closed = nullptr, const Landmarks* landmarks = nullptr);

 private:
  void next_stamp() noexcept;
  const graph::RoadGraph& g_;
  std::vector<std::uint64_t> dist_[2];
  std::vector<ArcId> parent_[2];
  std::vector<std::uint32_t> stamp_[2];
  NodeHeap heap_[2];
  std::uint32_t current_ = 0;
};

}  // namespace corridor::route

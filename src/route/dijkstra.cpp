#include "corridor/route/dijkstra.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace corridor::route {
namespace {
constexpr std::uint64_t k_inf = std::numeric_limits<std::uint64_t>::max() / 4;  // inf + inf cannot overflow
constexpr std::uint32_t k_popped = 0xFFFFFFFFu;
constexpr std::size_t k_arity = 4;
}  // namespace

NodeHeap::NodeHeap(std::uint32_t node_count) : pos_(node_count, 0), stamp_(node_count, 0) {}

void NodeHeap::clear(std::uint32_t stamp) noexcept {
  heap_.clear();
  current_ = stamp;
}

bool NodeHeap::push_or_decrease(NodeId v, std::uint64_t key) noexcept {
  if (stamp_[v] != current_) {
    stamp_[v] = current_;
    pos_[v] = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back({key, v});
    sift_up(heap_.size() - 1);
    return true;
  }
  if (pos_[v] == k_popped || heap_[pos_[v]].key <= key) return false;
  heap_[pos_[v]].key = key;
  sift_up(pos_[v]);
  return true;
}

NodeId NodeHeap::pop() noexcept {
  const NodeId v = heap_.front().node;
  pos_[v] = k_popped;
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) {
    pos_[heap_.front().node] = 0;
    sift_down(0);
  }
  return v;
}

void NodeHeap::sift_up(std::size_t i) noexcept {
  const Entry e = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / k_arity;
    if (heap_[parent].key <= e.key) break;
    heap_[i] = heap_[parent];
    pos_[heap_[i].node] = static_cast<std::uint32_t>(i);
    i = parent;
  }
  heap_[i] = e;
  pos_[e.node] = static_cast<std::uint32_t>(i);
}

void NodeHeap::sift_down(std::size_t i) noexcept {
  const Entry e = heap_[i];
  const std::size_t n = heap_.size();
  for (;;) {
    const std::size_t first = i * k_arity + 1;
    if (first >= n) break;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < std::min(first + k_arity, n); ++c) {
      if (heap_[c].key < heap_[best].key) best = c;
    }
    if (heap_[best].key >= e.key) break;
    heap_[i] = heap_[best];
    pos_[heap_[i].node] = static_cast<std::uint32_t>(i);
    i = best;
  }
  heap_[i] = e;
  pos_[e.node] = static_cast<std::uint32_t>(i);
}

BidirectionalDijkstra::BidirectionalDijkstra(const graph::RoadGraph& g)
    : g_(g), heap_{NodeHeap(g.node_count()), NodeHeap(g.node_count())} {
  for (int d = 0; d < 2; ++d) {
    dist_[d].assign(g.node_count(), k_inf);
    parent_[d].assign(g.node_count(), graph::k_invalid);
    stamp_[d].assign(g.node_count(), 0);
  }
}

void BidirectionalDijkstra::next_stamp() noexcept {
  if (++current_ == 0) {  // wrapped: reset the stamps once every 2^32 queries
    for (auto& s : stamp_) std::fill(s.begin(), s.end(), 0);
    current_ = 1;
  }
  heap_[0].clear(current_);
  heap_[1].clear(current_);
}

Route BidirectionalDijkstra::run(NodeId s, NodeId t, const ArcSet* closed) {
  assert(s < g_.node_count() && t < g_.node_count());
  next_stamp();
  Route route;
  route.source = s;
  route.target = t;
  auto dist = [&](int d, NodeId v) { return stamp_[d][v] == current_ ? dist_[d][v] : k_inf; };
  auto relax_to = [&](int d, NodeId v, std::uint64_t key, ArcId via) {
    if (key >= dist(d, v)) return;
    stamp_[d][v] = current_;
    dist_[d][v] = key;
    parent_[d][v] = via;
    heap_[d].push_or_decrease(v, key);
  };
  relax_to(0, s, 0, graph::k_invalid);
  relax_to(1, t, 0, graph::k_invalid);

  std::uint64_t best = s == t ? 0 : k_inf;
  NodeId meet = s == t ? s : graph::k_invalid;
  // Stop when no path through an unsettled node can beat the best one found:
  // min key forward + min key backward >= best (Dijkstra's bidirectional
  // stopping rule, as in Goldberg and Harrelson's analysis).
  while (!heap_[0].empty() && !heap_[1].empty() && heap_[0].min_key() + heap_[1].min_key() < best) {
    const int d = heap_[0].min_key() <= heap_[1].min_key() ? 0 : 1;
    const NodeId u = heap_[d].pop();
    ++route.settled;
    const std::uint64_t du = dist_[d][u];
    if (d == 0) {
      for (ArcId a = g_.first_out[u]; a < g_.first_out[u + 1]; ++a) {
        if (closed && closed->contains(a)) continue;
        const NodeId v = g_.head[a];
        const std::uint64_t dv = du + g_.time_ms[a];
        relax_to(0, v, dv, a);
        if (const auto other = dist(1, v); dv + other < best && dist(0, v) == dv) {
          best = dv + other;
          meet = v;
        }
      }
    } else {
      for (ArcId i = g_.in_first[u]; i < g_.in_first[u + 1]; ++i) {
        const ArcId a = g_.in_arc[i];
        if (closed && closed->contains(a)) continue;
        const NodeId v = g_.tail[a];
        const std::uint64_t dv = du + g_.time_ms[a];
        relax_to(1, v, dv, a);
        if (const auto other = dist(0, v); dv + other < best && dist(1, v) == dv) {
          best = dv + other;
          meet = v;
        }
      }
    }
  }
  if (meet == graph::k_invalid) return route;

  route.found = true;
  route.time_ms = best;
  for (NodeId v = meet; parent_[0][v] != graph::k_invalid && v != s; v = g_.tail[parent_[0][v]]) {
    route.arcs.push_back(parent_[0][v]);
  }
  std::reverse(route.arcs.begin(), route.arcs.end());
  for (NodeId v = meet; v != t && parent_[1][v] != graph::k_invalid; v = g_.head[parent_[1][v]]) {
    route.arcs.push_back(parent_[1][v]);
  }
  for (auto a : route.arcs) route.length_m += g_.length_m[a];
  return route;
}

std::vector<NodeId> route_nodes(const graph::RoadGraph& g, const Route& r) {
  std::vector<NodeId> nodes;
  if (!r.found) return nodes;
  nodes.push_back(r.source);
  for (auto a : r.arcs) nodes.push_back(g.head[a]);
  return nodes;
}

}  // namespace corridor::route

#include "corridor/route/landmarks.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <queue>

#include "corridor/graph/components.hpp"

namespace corridor::route {
namespace {

constexpr std::uint32_t k_unreached = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t k_inf = std::numeric_limits<std::uint64_t>::max() / 4;
// Keys carry signed potentials; this offset keeps them unsigned.
constexpr std::int64_t k_offset = std::int64_t{1} << 40;

// One-to-all Dijkstra, forward (over out-arcs) or backward (over in-arcs).
std::vector<std::uint32_t> one_to_all(const graph::RoadGraph& g, NodeId s, bool backward) {
  std::vector<std::uint32_t> dist(g.node_count(), k_unreached);
  NodeHeap heap(g.node_count());
  heap.clear(1);
  std::vector<std::uint64_t> d(g.node_count(), k_inf);
  d[s] = 0;
  heap.push_or_decrease(s, 0);
  while (!heap.empty()) {
    const NodeId u = heap.pop();
    dist[u] = static_cast<std::uint32_t>(std::min<std::uint64_t>(d[u], k_unreached - 1));
    auto relax = [&](NodeId v, ArcId a) {
      const auto nd = d[u] + g.time_ms[a];
      if (nd < d[v]) {
        d[v] = nd;
        heap.push_or_decrease(v, nd);
      }
    };
    if (backward) {
      for (auto i = g.in_first[u]; i < g.in_first[u + 1]; ++i) relax(g.tail[g.in_arc[i]], g.in_arc[i]);
    } else {
      for (auto a = g.first_out[u]; a < g.first_out[u + 1]; ++a) relax(g.head[a], a);
    }
  }
  return dist;
}

}  // namespace

Landmarks::Landmarks(const graph::RoadGraph& g, std::uint32_t count) {
  const auto n = g.node_count();
  in_component_.assign(n, false);
  if (n == 0) return;
  const auto scc = graph::strong_components(g);
  std::vector<std::uint32_t> size(scc.count, 0);
  for (auto c : scc.of_node) ++size[c];
  const auto big = static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
  NodeId start = graph::k_invalid;
  for (NodeId v = 0; v < n; ++v) {
    in_component_[v] = scc.of_node[v] == big;
    if (in_component_[v] && start == graph::k_invalid) start = v;
  }
  count_ = std::min<std::uint32_t>(count, size[big]);
  to_.assign(static_cast<std::size_t>(n) * count_, 0);
  from_.assign(static_cast<std::size_t>(n) * count_, 0);

  // Farthest selection: each new landmark is the covered node farthest (in
  // round-trip time) from the nearest landmark chosen so far.
  std::vector<std::uint64_t> nearest(n, k_inf);
  auto farthest = [&] {
    NodeId best = start;
    for (NodeId v = 0; v < n; ++v) {
      if (in_component_[v] && nearest[v] > nearest[best]) best = v;
    }
    return best;
  };
  const auto seed_dist = one_to_all(g, start, false);
  for (NodeId v = 0; v < n; ++v) nearest[v] = seed_dist[v];
  for (std::uint32_t i = 0; i < count_; ++i) {
    const NodeId l = farthest();
    const auto from_l = one_to_all(g, l, false);
    const auto to_l = one_to_all(g, l, true);
    for (NodeId v = 0; v < n; ++v) {
      from_[static_cast<std::size_t>(v) * count_ + i] = from_l[v];
      to_[static_cast<std::size_t>(v) * count_ + i] = to_l[v];
      if (in_component_[v]) nearest[v] = std::min<std::uint64_t>(nearest[v], std::uint64_t{from_l[v]} + to_l[v]);
    }
  }
}

std::uint32_t Landmarks::lower_bound(NodeId v, NodeId t) const noexcept {
  // d(v,t) >= d(v,L) - d(t,L) and d(v,t) >= d(L,t) - d(L,v) for every L.
  const std::uint32_t* tv = &to_[static_cast<std::size_t>(v) * count_];
  const std::uint32_t* tt = &to_[static_cast<std::size_t>(t) * count_];
  const std::uint32_t* fv = &from_[static_cast<std::size_t>(v) * count_];
  const std::uint32_t* ft = &from_[static_cast<std::size_t>(t) * count_];
  std::int64_t best = 0;
  for (std::uint32_t i = 0; i < count_; ++i) {
    best = std::max({best, std::int64_t{tv[i]} - tt[i], std::int64_t{ft[i]} - fv[i]});
  }
  return static_cast<std::uint32_t>(best);
}

std::size_t Landmarks::memory_bytes() const noexcept {
  return (to_.size() + from_.size()) * sizeof(std::uint32_t) + in_component_.size() / 8;
}

BidirectionalAlt::BidirectionalAlt(const graph::RoadGraph& g, const Landmarks& landmarks)
    : g_(g), lm_(landmarks), plain_(g), heap_{NodeHeap(g.node_count()), NodeHeap(g.node_count())} {
  for (int d = 0; d < 2; ++d) {
    dist_[d].assign(g.node_count(), k_inf);
    parent_[d].assign(g.node_count(), graph::k_invalid);
    stamp_[d].assign(g.node_count(), 0);
  }
}

Route BidirectionalAlt::run(NodeId s, NodeId t, const ArcSet* closed) {
  assert(s < g_.node_count() && t < g_.node_count());
  // Outside the covered component the bounds are not defined; every s-t path
  // of two covered nodes stays inside it (it is strongly connected).
  if (!lm_.covers(s) || !lm_.covers(t) || s == t) return plain_.run(s, t, closed);
  if (++current_ == 0) {
    for (auto& st : stamp_) std::fill(st.begin(), st.end(), 0);
    current_ = 1;
  }
  heap_[0].clear(current_);
  heap_[1].clear(current_);
  Route route;
  route.source = s;
  route.target = t;

  // Average potential (in half-milliseconds): p(v) = h_t(v) - h_s(v), where
  // h_t(v) bounds d(v,t) and h_s(v) bounds d(s,v). Forward keys are
  // 2 d_f(v) + p(v), backward keys 2 d_b(v) - p(v); both searches then run
  // on consistent reduced costs and stop when the two minimum keys add up to
  // at least twice the best path (Ikeda et al.'s average potential).
  auto potential = [&](NodeId v) -> std::int64_t {
    if (!lm_.covers(v)) return 0;
    return std::int64_t{lm_.lower_bound(v, t)} - std::int64_t{lm_.lower_bound(s, v)};
  };
  auto dist = [&](int d, NodeId v) { return stamp_[d][v] == current_ ? dist_[d][v] : k_inf; };
  auto relax_to = [&](int d, NodeId v, std::uint64_t dv, ArcId via) {
    if (dv >= dist(d, v)) return false;
    stamp_[d][v] = current_;
    dist_[d][v] = dv;
    parent_[d][v] = via;
    const std::int64_t p = d == 0 ? potential(v) : -potential(v);
    heap_[d].push_or_decrease(v, static_cast<std::uint64_t>(2 * static_cast<std::int64_t>(dv) + p + k_offset));
    return true;
  };
  relax_to(0, s, 0, graph::k_invalid);
  relax_to(1, t, 0, graph::k_invalid);
  std::uint64_t best = k_inf;
  NodeId meet = graph::k_invalid;
  while (!heap_[0].empty() && !heap_[1].empty()) {
    if (best != k_inf && heap_[0].min_key() + heap_[1].min_key() >= 2 * best + 2 * static_cast<std::uint64_t>(k_offset)) {
      break;
    }
    const int d = heap_[0].min_key() <= heap_[1].min_key() ? 0 : 1;
    const NodeId u = heap_[d].pop();
    ++route.settled;
    const std::uint64_t du = dist_[d][u];
    auto scan = [&](NodeId v, ArcId a) {
      if (closed && closed->contains(a)) return;
      const std::uint64_t dv = du + g_.time_ms[a];
      relax_to(d, v, dv, a);
      if (const auto other = dist(1 - d, v); other != k_inf && dist(d, v) == dv && dv + other < best) {
        best = dv + other;
        meet = v;
      }
    };
    if (d == 0) {
      for (ArcId a = g_.first_out[u]; a < g_.first_out[u + 1]; ++a) scan(g_.head[a], a);
    } else {
      for (ArcId i = g_.in_first[u]; i < g_.in_first[u + 1]; ++i) scan(g_.tail[g_.in_arc[i]], g_.in_arc[i]);
    }
  }
  if (meet == graph::k_invalid) return route;
  route.found = true;
  route.time_ms = best;
  for (NodeId v = meet; v != s; v = g_.tail[parent_[0][v]]) route.arcs.push_back(parent_[0][v]);
  std::reverse(route.arcs.begin(), route.arcs.end());
  for (NodeId v = meet; v != t; v = g_.head[parent_[1][v]]) route.arcs.push_back(parent_[1][v]);
  for (auto a : route.arcs) route.length_m += g_.length_m[a];
  return route;
}

}  // namespace corridor::route

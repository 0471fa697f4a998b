#include "corridor/route/cch.hpp"

#include <metis.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>

namespace corridor::route {

// METIS_NodeND's perm: "perm[r] is the vertex of rank r".
std::vector<NodeId> nested_dissection_order(const graph::RoadGraph& g) {
  const auto n = g.node_count();
  std::vector<std::vector<idx_t>> adjacent(n);
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    if (g.tail[a] == g.head[a]) continue;
    adjacent[g.tail[a]].push_back(static_cast<idx_t>(g.head[a]));
    adjacent[g.head[a]].push_back(static_cast<idx_t>(g.tail[a]));
  }
  std::vector<idx_t> xadj{0}, adjncy;
  for (auto& list : adjacent) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    adjncy.insert(adjncy.end(), list.begin(), list.end());
    xadj.push_back(static_cast<idx_t>(adjncy.size()));
  }
  std::vector<NodeId> order(n);
  if (n == 0) return order;
  if (adjncy.empty()) {
    std::iota(order.begin(), order.end(), NodeId{0});
    return order;
  }
  idx_t nvtxs = static_cast<idx_t>(n);
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = 1;  // the same order on every run
  std::vector<idx_t> perm(n), iperm(n);
  const int status = METIS_NodeND(&nvtxs, xadj.data(), adjncy.data(), nullptr, options, perm.data(), iperm.data());
  if (status != METIS_OK) throw std::runtime_error("METIS_NodeND failed with status " + std::to_string(status));
  for (std::uint32_t r = 0; r < n; ++r) order[r] = static_cast<NodeId>(perm[r]);
  return order;
}

CchTopology::CchTopology(const graph::RoadGraph& g)
    : CchTopology(g, g.cch_order.empty() ? nested_dissection_order(g) : g.cch_order) {}

CchTopology::CchTopology(const graph::RoadGraph& g, std::vector<NodeId> order) : order_(std::move(order)) {
  if (order_.size() != g.node_count()) throw std::invalid_argument("CchTopology: the order must rank every node");
  rank_.assign(g.node_count(), graph::k_invalid);
  for (std::uint32_t r = 0; r < order_.size(); ++r) rank_[order_[r]] = r;
  if (std::find(rank_.begin(), rank_.end(), graph::k_invalid) != rank_.end())
    throw std::invalid_argument("CchTopology: the order must be a permutation of the nodes");
  contract(g);
}

void CchTopology::contract(const graph::RoadGraph& g) {
  const auto n = node_count();
  // Each rank's higher-ranked neighbours; contracting rank r in order makes
  // them a clique, which (for a chordal completion) it suffices to pass on
  // to the lowest of them, r's parent in the elimination tree.
  std::vector<std::vector<std::uint32_t>> up(n);
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    const auto u = rank_[g.tail[a]], v = rank_[g.head[a]];
    if (u != v) up[std::min(u, v)].push_back(std::max(u, v));
  }
  parent_.assign(n, graph::k_invalid);
  std::vector<std::uint32_t> merged;
  for (std::uint32_t r = 0; r < n; ++r) {
    auto& mine = up[r];
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
    if (mine.empty()) continue;
    const auto p = mine.front();
    parent_[r] = p;
    auto& theirs = up[p];
    std::sort(theirs.begin(), theirs.end());
    theirs.erase(std::unique(theirs.begin(), theirs.end()), theirs.end());
    merged.clear();
    std::set_union(theirs.begin(), theirs.end(), mine.begin() + 1, mine.end(), std::back_inserter(merged));
    theirs.swap(merged);
  }
  first_.assign(n + 1, 0);
  for (std::uint32_t r = 0; r < n; ++r) first_[r + 1] = first_[r] + static_cast<std::uint32_t>(up[r].size());
  up_head_.reserve(first_[n]);
  for (auto& list : up) {
    up_head_.insert(up_head_.end(), list.begin(), list.end());
    std::vector<std::uint32_t>().swap(list);
  }
  forward_arc_.assign(up_head_.size(), graph::k_invalid);
  backward_arc_.assign(up_head_.size(), graph::k_invalid);
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    const auto u = rank_[g.tail[a]], v = rank_[g.head[a]];
    if (u == v) continue;
    if (u < v)
      forward_arc_[find(u, v)] = a;
    else
      backward_arc_[find(v, u)] = a;
  }
}

void CchTopology::build_down_lists() const {
  std::call_once(down_built_, [this] {
    const auto n = node_count();
    down_first_.assign(n + 1, 0);
    for (const auto y : up_head_) ++down_first_[y + 1];
    for (std::uint32_t r = 0; r < n; ++r) down_first_[r + 1] += down_first_[r];
    down_arc_.resize(up_head_.size());
    auto next = down_first_;
    for (std::uint32_t e = 0; e < up_head_.size(); ++e) down_arc_[next[up_head_[e]]++] = e;
  });
}

std::uint32_t CchTopology::tail(std::uint32_t arc) const noexcept {
  return static_cast<std::uint32_t>(std::upper_bound(first_.begin(), first_.end(), arc) - first_.begin() - 1);
}

std::uint32_t CchTopology::find(std::uint32_t lo, std::uint32_t hi) const noexcept {
  const auto begin = up_head_.begin() + first_[lo], end = up_head_.begin() + first_[lo + 1];
  const auto it = std::lower_bound(begin, end, hi);
  return it != end && *it == hi ? static_cast<std::uint32_t>(it - up_head_.begin()) : graph::k_invalid;
}

std::size_t CchTopology::memory_bytes() const noexcept {
  return sizeof(std::uint32_t) * (order_.size() + rank_.size() + first_.size() + up_head_.size() + parent_.size() +
                                  down_first_.size() + down_arc_.size() + forward_arc_.size() + backward_arc_.size());
}

CchMetric::CchMetric(const CchTopology& topology, const graph::RoadGraph& g, const ArcSet* closed)
    : t_(topology), g_(g) {
  customize(closed);
}

void CchMetric::customize(const ArcSet* closed) {
  const auto m = t_.arc_count();
  forward_.resize(m);
  backward_.resize(m);
  forward_via_.assign(m, graph::k_invalid);
  backward_via_.assign(m, graph::k_invalid);
  const auto weight = [&](ArcId a) {
    if (a == graph::k_invalid || (closed != nullptr && closed->contains(a))) return k_inf;
    return std::min(k_inf, g_.time_ms[a]);
  };
  for (std::uint32_t e = 0; e < m; ++e) {
    forward_[e] = weight(t_.forward_arc_[e]);
    backward_[e] = weight(t_.backward_arc_[e]);
  }
  // Lower triangles x < y < z in rank order: y -> x -> z may be shorter
  // than the arc y -> z, and z -> x -> y than z -> y. When x comes, the
  // arcs below it are final.
  for (std::uint32_t x = 0; x < t_.node_count(); ++x) {
    const auto begin = t_.first_[x], end = t_.first_[x + 1];
    for (auto i = begin; i < end; ++i) {
      const auto y = t_.up_head_[i];
      const auto down_y = backward_[i], up_y = forward_[i];  // y -> x, x -> y
      if (down_y >= k_inf && up_y >= k_inf) continue;
      auto yz = t_.first_[y];  // both lists ascend: walk y's arcs alongside
      for (auto j = i + 1; j < end; ++j) {
        const auto z = t_.up_head_[j];
        while (t_.up_head_[yz] < z) ++yz;  // the arc y -> z exists: the graph is chordal
        if (const auto c = down_y + forward_[j]; c < forward_[yz]) {
          forward_[yz] = c;
          forward_via_[yz] = x;
        }
        if (const auto c = backward_[j] + up_y; c < backward_[yz]) {
          backward_[yz] = c;
          backward_via_[yz] = x;
        }
      }
    }
  }
}

void CchMetric::update(const ArcSet* closed, const std::vector<ArcId>& changed) {
  // Closing a district (thousands of arcs) reaches most of the hierarchy's
  // top: the full customisation, one sequential pass, is faster then
  // (bench/README.md: 10-13 ms against 24-78 ms for 8-9k arcs).
  if (changed.size() * 100 > g_.arc_count()) return customize(closed);
  t_.build_down_lists();
  const auto weight = [&](ArcId a) {
    if (a == graph::k_invalid || (closed != nullptr && closed->contains(a))) return k_inf;
    return std::min(k_inf, g_.time_ms[a]);
  };
  // Upward arcs to recompute, lowest tail first: an arc's lower triangles
  // have lower bottoms, so they are final when it comes.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> heap;  // (tail rank, arc), a min-heap
  std::vector<bool> queued(t_.arc_count(), false);
  const auto push = [&](std::uint32_t lo, std::uint32_t e) {
    if (e == graph::k_invalid || queued[e]) return;
    queued[e] = true;
    heap.emplace_back(lo, e);
    std::push_heap(heap.begin(), heap.end(), std::greater<>());
  };
  for (const auto a : changed) {
    const auto u = t_.rank_[g_.tail[a]], v = t_.rank_[g_.head[a]];
    if (u != v) push(std::min(u, v), t_.find(std::min(u, v), std::max(u, v)));
  }
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
    const auto [y, e] = heap.back();
    heap.pop_back();
    queued[e] = false;
    const auto z = t_.up_head_[e];
    auto forward = weight(t_.forward_arc_[e]), backward = weight(t_.backward_arc_[e]);
    auto forward_via = graph::k_invalid, backward_via = graph::k_invalid;
    for (auto i = t_.down_first_[y]; i < t_.down_first_[y + 1]; ++i) {
      const auto xy = t_.down_arc_[i];
      const auto x = t_.tail(xy);
      const auto xz = t_.find(x, z);
      if (xz == graph::k_invalid) continue;
      if (const auto c = backward_[xy] + forward_[xz]; c < forward) {
        forward = c;
        forward_via = x;
      }
      if (const auto c = backward_[xz] + forward_[xy]; c < backward) {
        backward = c;
        backward_via = x;
      }
    }
    forward_via_[e] = forward_via;
    backward_via_[e] = backward_via;
    const auto old_forward = forward_[e], old_backward = backward_[e];
    if (forward == old_forward && backward == old_backward) continue;
    forward_[e] = forward;
    backward_[e] = backward;
    // The arcs whose lower triangle with bottom y uses this one, when the
    // triangle now beats them or was what they were worth before.
    for (auto j = t_.first_[y]; j < t_.first_[y + 1]; ++j) {
      const auto w = t_.up_head_[j];
      if (w == z) continue;
      const auto lo = std::min(z, w), hi = std::max(z, w);
      const auto a = t_.find(lo, hi);
      // Through y: lo -> y -> hi and hi -> y -> lo, before and after.
      const auto via = [&](bool now, bool up) {
        const auto to_y = [&](std::uint32_t end) {  // end -> y
          return end == z ? (now ? backward : old_backward) : backward_[j];
        };
        const auto from_y = [&](std::uint32_t end) {  // y -> end
          return end == z ? (now ? forward : old_forward) : forward_[j];
        };
        return up ? to_y(lo) + from_y(hi) : to_y(hi) + from_y(lo);
      };
      const auto affected = [&](bool up, std::uint32_t current) {
        const auto before = via(false, up), after = via(true, up);
        return after < current || (before == current && after != before);
      };
      if (affected(true, forward_[a]) || affected(false, backward_[a])) push(lo, a);
    }
  }
}

std::size_t CchMetric::memory_bytes() const noexcept {
  return sizeof(std::uint32_t) * (forward_.size() + backward_.size() + forward_via_.size() + backward_via_.size());
}

CchQuery::CchQuery(const CchTopology& topology)
    : t_(topology),
      forward_dist_(topology.node_count(), CchMetric::k_inf),
      backward_dist_(topology.node_count(), CchMetric::k_inf),
      forward_pred_(topology.node_count(), graph::k_invalid),
      backward_pred_(topology.node_count(), graph::k_invalid) {}

Route CchQuery::run(const CchMetric& m, NodeId s, NodeId t) {
  const Endpoint source{s, 0}, target{t, 0};
  auto route = run(m, std::span(&source, 1), std::span(&target, 1));
  route.source = s;
  route.target = t;
  return route;
}

namespace {
// Calls visit(x) for each rank on the elimination-tree paths up from
// `ranks`, once each, lowest first: the paths merge where they meet.
template <typename Visit>
void up_paths(const std::vector<std::uint32_t>& parent, std::vector<std::uint32_t> ranks, Visit&& visit) {
  for (;;) {
    const auto x = *std::min_element(ranks.begin(), ranks.end());
    if (x == graph::k_invalid) return;
    for (auto& r : ranks) {
      if (r == x) r = parent[x];
    }
    visit(x);
  }
}
}  // namespace

Route CchQuery::run(const CchMetric& m, std::span<const Endpoint> sources, std::span<const Endpoint> targets) {
  Route route;
  const auto inf = CchMetric::k_inf;
  std::vector<std::uint32_t> source_ranks, target_ranks;
  for (const auto& e : sources) source_ranks.push_back(t_.rank_[e.node]);
  for (const auto& e : targets) target_ranks.push_back(t_.rank_[e.node]);
  if (sources.empty() || targets.empty()) return route;
  // Forward up the tree from the sources, backward from the targets, each
  // starting at its offset.
  const auto sweep = [&](std::span<const Endpoint> ends, const std::vector<std::uint32_t>& ranks,
                         std::vector<std::uint32_t>& dist, std::vector<std::uint32_t>& pred,
                         const std::vector<std::uint32_t>& weight) {
    for (std::size_t i = 0; i < ends.size(); ++i) {
      if (ends[i].offset_ms < dist[ranks[i]]) {
        dist[ranks[i]] = ends[i].offset_ms;
        pred[ranks[i]] = graph::k_invalid;
      }
    }
    up_paths(t_.parent_, ranks, [&](std::uint32_t x) {
      ++route.settled;
      const auto d = dist[x];
      if (d >= inf) return;
      for (auto e = t_.first_[x]; e < t_.first_[x + 1]; ++e) {
        const auto y = t_.up_head_[e];
        if (const auto c = d + weight[e]; c < dist[y]) {
          dist[y] = c;
          pred[y] = e;
        }
      }
    });
  };
  sweep(sources, source_ranks, forward_dist_, forward_pred_, m.forward_);
  sweep(targets, target_ranks, backward_dist_, backward_pred_, m.backward_);
  std::uint32_t best = inf, meet = graph::k_invalid;
  up_paths(t_.parent_, target_ranks, [&](std::uint32_t x) {
    if (forward_dist_[x] < inf && backward_dist_[x] < inf && forward_dist_[x] + backward_dist_[x] < best) {
      best = forward_dist_[x] + backward_dist_[x];
      meet = x;
    }
  });
  if (meet != graph::k_invalid) {
    route.found = true;
    // source ... meet by upward arcs driven forward, then meet ... target by
    // upward arcs driven downward; a path ends where no arc reached it.
    std::vector<std::uint32_t> up_arcs;
    auto y = meet;
    for (; forward_pred_[y] != graph::k_invalid; y = t_.tail(forward_pred_[y])) up_arcs.push_back(forward_pred_[y]);
    const auto first = y;
    std::reverse(up_arcs.begin(), up_arcs.end());
    for (const auto e : up_arcs) unpack(m, e, true, route.arcs);
    for (y = meet; backward_pred_[y] != graph::k_invalid; y = t_.tail(backward_pred_[y])) {
      unpack(m, backward_pred_[y], false, route.arcs);
    }
    route.source = t_.order_[first];
    route.target = t_.order_[y];
    route.time_ms = best - forward_dist_[first] - backward_dist_[y];
    for (const auto a : route.arcs) route.length_m += m.g_.length_m[a];
  }
  // Reset what the sweeps touched: the paths up from every end (every
  // upward neighbour of a node is its ancestor in the elimination tree).
  for (auto* ranks : {&source_ranks, &target_ranks}) {
    up_paths(t_.parent_, *ranks, [&](std::uint32_t x) { forward_dist_[x] = backward_dist_[x] = inf; });
  }
  return route;
}

// Appends the original arcs of upward arc `arc` driven low -> high
// (forward) or high -> low, expanding the lower triangles it came from.
void CchQuery::unpack(const CchMetric& m, std::uint32_t arc, bool forward, std::vector<ArcId>& out) const {
  const auto via = forward ? m.forward_via_[arc] : m.backward_via_[arc];
  if (via == graph::k_invalid) {
    out.push_back(forward ? t_.forward_arc_[arc] : t_.backward_arc_[arc]);
    return;
  }
  const auto lo = t_.tail(arc);
  const auto hi = t_.up_head_[arc];
  if (forward) {  // lo -> via -> hi
    unpack(m, t_.find(via, lo), false, out);
    unpack(m, t_.find(via, hi), true, out);
  } else {  // hi -> via -> lo
    unpack(m, t_.find(via, hi), false, out);
    unpack(m, t_.find(via, lo), true, out);
  }
}

}  // namespace corridor::route

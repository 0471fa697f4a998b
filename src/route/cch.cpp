#include "corridor/route/cch.hpp"

#include <metis.h>

#include <algorithm>
#include <bit>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

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
    down_tail_.resize(up_head_.size());
    down_arc_.resize(up_head_.size());
    auto next = down_first_;
    for (std::uint32_t x = 0; x < n; ++x) {
      for (auto e = first_[x]; e < first_[x + 1]; ++e) {
        const auto i = next[up_head_[e]]++;
        down_tail_[i] = x;
        down_arc_[i] = e;
      }
    }
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
  return sizeof(std::uint32_t) *
         (order_.size() + rank_.size() + first_.size() + up_head_.size() + parent_.size() + down_first_.size() +
          down_tail_.size() + down_arc_.size() + forward_arc_.size() + backward_arc_.size());
}

CchMetric::CchMetric(const CchTopology& topology, const graph::RoadGraph& g, const ArcSet* closed)
    : t_(topology), g_(g) {
  customize(closed);
}

std::uint32_t CchMetric::original(ArcId a, const ArcSet* closed) const noexcept {
  if (a == graph::k_invalid || (closed != nullptr && closed->contains(a))) return k_inf;
  return std::min(k_inf, g_.time_ms[a]);
}

void CchMetric::customize(const ArcSet* closed) {
  const auto m = t_.arc_count();
  forward_.resize(m);
  backward_.resize(m);
  forward_via_.assign(m, graph::k_invalid);
  backward_via_.assign(m, graph::k_invalid);
  isolated_.assign(t_.node_count(), 0);  // the arcs at a node with no open arc come out infinite
  for (std::uint32_t e = 0; e < m; ++e) {
    forward_[e] = original(t_.forward_arc_[e], closed);
    backward_[e] = original(t_.backward_arc_[e], closed);
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

// Upward arc e = y -> z from its original arcs and every lower triangle
// x < y < z: the ranks x in both y's and z's downward lists (a merge of
// the two ascending lists), with the witnesses. Needs the arcs below y to
// be final and the downward lists built. Isolated ranks x have no open
// arc: left out.
CchMetric::Recomputed CchMetric::recompute(std::uint32_t y, std::uint32_t e, const ArcSet* closed) const {
  const auto z = t_.up_head_[e];
  Recomputed r{original(t_.forward_arc_[e], closed), original(t_.backward_arc_[e], closed), graph::k_invalid,
               graph::k_invalid};
  const auto* heads = t_.up_head_.data();
  const auto relax = [&](std::uint32_t x, const std::uint32_t* xy, const std::uint32_t* xz) {
    const auto i = static_cast<std::uint32_t>(xy - heads), j = static_cast<std::uint32_t>(xz - heads);
    if (const auto c = backward_[i] + forward_[j]; c < r.forward) {  // y -> x -> z
      r.forward = c;
      r.forward_via = x;
    }
    if (const auto c = backward_[j] + forward_[i]; c < r.backward) {  // z -> x -> y
      r.backward = c;
      r.backward_via = x;
    }
  };
  const auto* tails = t_.down_tail_.data();
  auto i = t_.down_first_[y], i_end = t_.down_first_[y + 1];
  auto j = t_.down_first_[z], j_end = t_.down_first_[z + 1];
  if (std::min(i_end - i, j_end - j) * 16 < (i_end - i) + (j_end - j)) {
    // One list much shorter (near the top, z's is long): look each of its
    // ranks' upward arcs up instead of walking the long one.
    const bool from_y = i_end - i <= j_end - j;
    for (auto k = from_y ? i : j; k != (from_y ? i_end : j_end); ++k) {
      const auto x = tails[k];
      if (isolated_[x] != 0) continue;
      const auto* end = heads + t_.first_[x + 1];
      const auto* xy = from_y ? heads + t_.down_arc_[k] : std::lower_bound(heads + t_.first_[x], end, y);
      if (xy == end || *xy != y) continue;
      const auto* xz = from_y ? std::lower_bound(xy + 1, end, z) : heads + t_.down_arc_[k];
      if (xz != end && *xz == z) relax(x, xy, xz);
    }
    return r;
  }
  // Walk both, ascending; where they meet, the arcs x -> y and x -> z are
  // the two lists' entries.
  while (i != i_end && j != j_end) {
    const auto a = tails[i], b = tails[j];
    if (a == b && isolated_[a] == 0) relax(a, heads + t_.down_arc_[i], heads + t_.down_arc_[j]);
    i += a <= b ? 1 : 0;  // no branch to mispredict: the lists interleave at random
    j += b <= a ? 1 : 0;
  }
  return r;
}

void CchMetric::update(const ArcSet* closed, const std::vector<ArcId>& changed) {
  if (closed != nullptr && std::all_of(changed.begin(), changed.end(), [&](ArcId a) { return closed->contains(a); }))
    return close(*closed, changed);
  // Reopening a district (thousands of arcs) reaches most of the
  // hierarchy's top: the full customisation, one sequential pass, is
  // faster then (bench/README.md).
  if (changed.size() * 100 > g_.arc_count()) return customize(closed);
  t_.build_down_lists();
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
  // The arcs at nodes a closing left isolated kept what they were worth
  // before. They are made infinite, what they counted as: then the arcs
  // that reopen below find every weight as the old state had it.
  for (std::uint32_t r = 0; r < t_.node_count(); ++r) {
    if (std::exchange(isolated_[r], 0) == 0) continue;
    const auto reset = [&](std::uint32_t e) {
      forward_[e] = backward_[e] = k_inf;
      forward_via_[e] = backward_via_[e] = graph::k_invalid;
    };
    for (auto e = t_.first_[r]; e < t_.first_[r + 1]; ++e) reset(e);
    for (auto i = t_.down_first_[r]; i < t_.down_first_[r + 1]; ++i) reset(t_.down_arc_[i]);
  }
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
    const auto now = recompute(y, e, closed);
    forward_via_[e] = now.forward_via;
    backward_via_[e] = now.backward_via;
    const auto forward = now.forward, backward = now.backward;
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
      const auto via = [&](bool after, bool up) {
        const auto to_y = [&](std::uint32_t end) {  // end -> y
          return end == z ? (after ? backward : old_backward) : backward_[j];
        };
        const auto from_y = [&](std::uint32_t end) {  // y -> end
          return end == z ? (after ? forward : old_forward) : forward_[j];
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

namespace {
// Calls visit(r) for each rank r whose bit is set, ascending.
template <typename Visit>
void for_each_rank(const std::vector<std::uint64_t>& bits, Visit&& visit) {
  for (std::size_t word = 0; word < bits.size(); ++word) {
    for (auto b = bits[word]; b != 0; b &= b - 1) visit(static_cast<std::uint32_t>(word * 64 + std::countr_zero(b)));
  }
}

// What CchMetric::close marks while it works, all zero between calls.
struct CloseScratch {
  std::vector<std::uint8_t> changed;           // per upward arc: its weight changed
  std::vector<std::uint64_t> changed_heads;    // per rank x: bit h % 64 for each changed upward arc x -> h
  std::vector<std::uint64_t> ends, ancestors;  // a bit per rank
  // Grows, with zeros, to a graph of n ranks and m upward arcs.
  void size_for(std::uint32_t n, std::uint32_t m) {
    if (changed.size() < m) changed.resize(m, 0);
    if (changed_heads.size() < n) changed_heads.resize(n, 0);
    if (ends.size() < (n + 63) / 64) {
      ends.resize((n + 63) / 64, 0);
      ancestors.resize((n + 63) / 64, 0);
    }
  }
};
}  // namespace

bool CchMetric::has_open_arc(NodeId v, const ArcSet& closed) const noexcept {
  for (auto a = g_.first_out[v]; a < g_.first_out[v + 1]; ++a) {
    if (!closed.contains(a)) return true;
  }
  for (auto i = g_.in_first[v]; i < g_.in_first[v + 1]; ++i) {
    if (!closed.contains(g_.in_arc[i])) return true;
  }
  return false;
}

// Closing arcs only raises weights, so an upward arc changes only when
// what its value came from (its witness: the original arc or one lower
// triangle) changed; the others keep their value and are never looked at.
// A node left with no open arc (most nodes inside a hazard) is marked
// isolated: its arcs count as infinite from then on, nothing written to
// them. And an arc y -> z depends only on arcs inside y's subtree of the
// elimination tree, so only the arcs of the closed arcs' ends and their
// ancestors can change: those are looked at, in rank order. On Milan's
// benchmark box (9,195 arcs closed) 6,444 nodes are left with no open arc,
// and 1,174 upward arcs at 769 other ancestors are recomputed.
void CchMetric::close(const ArcSet& closed, const std::vector<ArcId>& changed) {
  t_.build_down_lists();
  const auto n = t_.node_count();
  // Scratch, all zero between calls: reset below where it was set. Kept
  // per thread, it costs a new hazard no allocation.
  thread_local CloseScratch s;
  s.size_for(n, t_.arc_count());
  // Per rank x, bit h % 64 set when its upward arc x -> h changed: most
  // witnesses through x are then seen unchanged without a search (with 32
  // bits, twice as many were searched on Milan's box).
  const auto bit = [](std::uint32_t r) { return std::uint64_t{1} << (r % 64); };
  const auto mark = [](std::vector<std::uint64_t>& bits, std::uint32_t r) {
    const bool was = (bits[r / 64] >> (r % 64) & 1u) != 0;
    bits[r / 64] |= std::uint64_t{1} << (r % 64);
    return was;
  };
  // The changed arcs' ends and their ancestors, as bits per rank: then
  // taken in rank order, near each other in the metric's arrays.
  for (const auto a : changed) {
    const auto u = t_.rank_[g_.tail[a]], v = t_.rank_[g_.head[a]];
    mark(s.ends, u);
    mark(s.ends, v);
    for (auto r = std::min(u, v); r != graph::k_invalid && !mark(s.ancestors, r);) r = t_.parent_[r];
  }
  for_each_rank(s.ends, [&](std::uint32_t r) {
    if (isolated_[r] == 0 && !has_open_arc(t_.order_[r], closed)) isolated_[r] = 1;
  });
  // Whether the witness of e = y -> z in one direction (original arc or
  // the triangle through `via`) changed.
  const auto witness_changed = [&](std::uint32_t y, std::uint32_t e, std::uint32_t via, ArcId original_arc,
                                   std::uint32_t weight) {
    if (weight >= k_inf) return false;
    if (via == graph::k_invalid) return closed.contains(original_arc);
    if (isolated_[via] != 0) return true;  // a finite weight came through it
    const auto z = t_.up_head_[e];
    return ((s.changed_heads[via] & bit(y)) != 0 && s.changed[t_.find(via, y)] != 0) ||
           ((s.changed_heads[via] & bit(z)) != 0 && s.changed[t_.find(via, z)] != 0);
  };
  for_each_rank(s.ancestors, [&](std::uint32_t y) {
    if (isolated_[y] != 0) return;
    for (auto e = t_.first_[y]; e < t_.first_[y + 1]; ++e) {
      if (isolated_[t_.up_head_[e]] != 0) continue;
      if (!witness_changed(y, e, forward_via_[e], t_.forward_arc_[e], forward_[e]) &&
          !witness_changed(y, e, backward_via_[e], t_.backward_arc_[e], backward_[e]))
        continue;
      const auto now = recompute(y, e, &closed);
      forward_via_[e] = now.forward_via;
      backward_via_[e] = now.backward_via;
      if (now.forward == forward_[e] && now.backward == backward_[e]) continue;
      forward_[e] = now.forward;
      backward_[e] = now.backward;
      s.changed[e] = 1;
      s.changed_heads[y] |= bit(t_.up_head_[e]);
    }
  });
  for_each_rank(s.ancestors, [&](std::uint32_t y) {
    if (std::exchange(s.changed_heads[y], 0) == 0) return;
    std::fill(s.changed.begin() + t_.first_[y], s.changed.begin() + t_.first_[y + 1], 0);
  });
  std::fill(s.ends.begin(), s.ends.end(), 0);
  std::fill(s.ancestors.begin(), s.ancestors.end(), 0);
}

std::size_t CchMetric::memory_bytes() const noexcept {
  return sizeof(std::uint32_t) * (forward_.size() + backward_.size() + forward_via_.size() + backward_via_.size()) +
         isolated_.size();
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
// `ranks` is scratch: a copy of the ends, walked up.
template <typename Visit>
void up_paths(const std::vector<std::uint32_t>& parent, const std::vector<std::uint32_t>& ends,
              std::vector<std::uint32_t>& ranks, Visit&& visit) {
  ranks.assign(ends.begin(), ends.end());
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
  auto& source_ranks = source_ranks_;
  auto& target_ranks = target_ranks_;
  source_ranks.clear();
  target_ranks.clear();
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
    // An isolated node (CchMetric::isolated_) is reached by no arc and
    // leaves by none: only as an end itself.
    up_paths(t_.parent_, ranks, walk_, [&](std::uint32_t x) {
      ++route.settled;
      const auto d = dist[x];
      if (d >= inf || m.isolated_[x] != 0) return;
      for (auto e = t_.first_[x]; e < t_.first_[x + 1]; ++e) {
        const auto y = t_.up_head_[e];
        if (const auto c = d + weight[e]; c < dist[y] && m.isolated_[y] == 0) {
          dist[y] = c;
          pred[y] = e;
        }
      }
    });
  };
  sweep(sources, source_ranks, forward_dist_, forward_pred_, m.forward_);
  sweep(targets, target_ranks, backward_dist_, backward_pred_, m.backward_);
  std::uint32_t best = inf, meet = graph::k_invalid;
  up_paths(t_.parent_, target_ranks, walk_, [&](std::uint32_t x) {
    if (forward_dist_[x] < inf && backward_dist_[x] < inf && forward_dist_[x] + backward_dist_[x] < best) {
      best = forward_dist_[x] + backward_dist_[x];
      meet = x;
    }
  });
  if (meet != graph::k_invalid) {
    route.found = true;
    // source ... meet by upward arcs driven forward, then meet ... target by
    // upward arcs driven downward; a path ends where no arc reached it.
    auto& up_arcs = walk_;
    up_arcs.clear();
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
    up_paths(t_.parent_, *ranks, walk_, [&](std::uint32_t x) { forward_dist_[x] = backward_dist_[x] = inf; });
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

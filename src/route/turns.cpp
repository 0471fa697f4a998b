#include "corridor/route/turns.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <span>

#include "corridor/graph/build.hpp"

namespace corridor::route {

TurnSplit::TurnSplit(const graph::RoadGraph& g) : road_(g) {
  const auto n = g.node_count();
  const auto m = g.arc_count();
  // The turns forbidden after arc a: turn_to[forbid_first[a] .. forbid_first[a+1]).
  std::vector<std::uint32_t> forbid_first(m + 1, 0);
  for (auto f : g.turn_from) ++forbid_first[f + 1];
  std::partial_sum(forbid_first.begin(), forbid_first.end(), forbid_first.begin());
  auto forbidden = [&](ArcId a) {
    return std::span<const ArcId>(g.turn_to.data() + forbid_first[a], g.turn_to.data() + forbid_first[a + 1]);
  };

  // The split node each arc enters; per copy, the arcs it forbids and the
  // arcs that lead on along a forbidden chain, to the chain's next copy.
  std::vector<NodeId> enters(g.head.begin(), g.head.end());
  std::vector<std::vector<ArcId>> forbid;
  std::vector<std::vector<std::pair<ArcId, NodeId>>> along;
  auto new_copy = [&](NodeId v, std::span<const ArcId> f) {
    origin_node_.push_back(v);
    forbid.emplace_back(f.begin(), f.end());
    along.emplace_back();
    return static_cast<NodeId>(n + origin_node_.size() - 1);
  };
  // Chains over via ways: a trie of copies from each chain's first arc, a
  // copy standing for the arcs driven since (Winter's expansion, along a
  // path), with Aho-Corasick failure links so that a chain starting inside
  // another is tracked too: a copy's state is the longest run of its
  // arcs that begins some chain.
  std::vector<char> starts_chain(m, 0);
  std::vector<NodeId> fail;  // per copy: the state its arcs' longest proper suffix reaches
  for (std::size_t c = 0; c + 1 < g.turn_chain_first.size(); ++c) {
    const std::span<const ArcId> chain(g.turn_chain_arc.data() + g.turn_chain_first[c],
                                       g.turn_chain_arc.data() + g.turn_chain_first[c + 1]);
    if (!starts_chain[chain[0]]) {
      starts_chain[chain[0]] = 1;
      enters[chain[0]] = new_copy(g.head[chain[0]], forbidden(chain[0]));
    }
    NodeId at = enters[chain[0]];
    for (std::size_t i = 1; i + 1 < chain.size(); ++i) {
      auto& next = along[at - n];
      const auto it = std::find_if(next.begin(), next.end(), [&](const auto& e) { return e.first == chain[i]; });
      if (it != next.end()) {
        at = it->second;
        continue;
      }
      const auto copy = new_copy(g.head[chain[i]], forbidden(chain[i]));
      along[at - n].emplace_back(chain[i], copy);
      at = copy;
    }
    forbid[at - n].push_back(chain.back());
  }
  fail.assign(origin_node_.size(), graph::k_invalid);
  auto child = [&](NodeId x, ArcId a) {
    for (const auto& [arc, copy] : along[x - n]) {
      if (arc == a) return copy;
    }
    return graph::k_invalid;
  };
  // Breadth first from the chains' first arcs: a copy's failure state is
  // known before its children's.
  std::vector<NodeId> queue;
  for (ArcId a = 0; a < m; ++a) {
    if (starts_chain[a]) queue.push_back(enters[a]);
  }
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const auto p = queue[i];
    for (const auto& [a, c] : along[p - n]) {
      NodeId q = fail[p - n];
      while (q != graph::k_invalid && child(q, a) == graph::k_invalid) q = fail[q - n];
      fail[c - n] = q != graph::k_invalid ? child(q, a) : (starts_chain[a] ? enters[a] : graph::k_invalid);
      if (const auto f = fail[c - n]; f != graph::k_invalid)
        forbid[c - n].insert(forbid[c - n].end(), forbid[f - n].begin(), forbid[f - n].end());
      queue.push_back(c);
    }
  }
  // Turns over a node: one copy per distinct set forbidden to arcs entering.
  std::map<std::vector<ArcId>, NodeId> copy_of_set;
  for (NodeId v = 0; v < n; ++v) {
    copy_of_set.clear();
    for (auto i = g.in_first[v]; i < g.in_first[v + 1]; ++i) {
      const auto a = g.in_arc[i];
      const auto f = forbidden(a);
      if (f.empty() || starts_chain[a]) continue;
      auto [it, fresh] = copy_of_set.try_emplace(std::vector<ArcId>(f.begin(), f.end()), graph::k_invalid);
      if (fresh) it->second = new_copy(v, f);
      enters[a] = it->second;
    }
  }
  for (auto& f : forbid) {
    std::sort(f.begin(), f.end());
    f.erase(std::unique(f.begin(), f.end()), f.end());
  }
  const auto split_n = static_cast<NodeId>(n + origin_node_.size());

  // The arcs of every split node, by head.
  std::vector<std::pair<NodeId, ArcId>> out;  // (head, road arc) of one node
  split_.first_out.assign(split_n + 1, 0);
  for (NodeId x = 0; x < split_n; ++x) {
    const auto v = road_node(x);
    const std::span<const ArcId> f = x < n ? std::span<const ArcId>{} : forbid[x - n];
    out.clear();
    for (auto a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
      if (std::binary_search(f.begin(), f.end(), a)) continue;
      // Along a chain, or into the state of the longest run that still
      // begins one, or else where the arc enters.
      NodeId h = graph::k_invalid;
      for (NodeId q = x >= n && x - n < fail.size() ? x : graph::k_invalid;
           q != graph::k_invalid && h == graph::k_invalid; q = fail[q - n]) {
        h = child(q, a);
      }
      out.emplace_back(h != graph::k_invalid ? h : enters[a], a);
    }
    std::sort(out.begin(), out.end());
    for (const auto& [h, a] : out) {
      split_.tail.push_back(x);
      split_.head.push_back(h);
      origin_arc_.push_back(a);
    }
    split_.first_out[x + 1] = static_cast<ArcId>(split_.head.size());
  }
  const auto split_m = static_cast<ArcId>(split_.head.size());
  graph::index_incoming_arcs(split_);

  // Searches read the topology, times and lengths; the rest of an arc is
  // its road arc's (road_arc). node_id counts the nodes.
  for (NodeId x = 0; x < split_n; ++x) split_.node_id.push_back(g.node_id[road_node(x)]);
  for (auto a : origin_arc_) {
    split_.time_ms.push_back(g.time_ms[a]);
    split_.length_m.push_back(g.length_m[a]);
  }

  copy_first_.assign(m + 1, 0);
  for (auto a : origin_arc_) ++copy_first_[a + 1];
  std::partial_sum(copy_first_.begin(), copy_first_.end(), copy_first_.begin());
  copy_.resize(split_m);
  std::vector<std::uint32_t> next(copy_first_.begin(), copy_first_.end() - 1);
  for (ArcId a = 0; a < split_m; ++a) copy_[next[origin_arc_[a]]++] = a;

  node_copy_first_.assign(n + 1, 0);
  for (NodeId x = 0; x < split_n; ++x) ++node_copy_first_[road_node(x) + 1];
  std::partial_sum(node_copy_first_.begin(), node_copy_first_.end(), node_copy_first_.begin());
  node_copy_.resize(split_n);
  next.assign(node_copy_first_.begin(), node_copy_first_.end() - 1);
  for (NodeId x = 0; x < split_n; ++x) node_copy_[next[road_node(x)]++] = x;

  // A copy sits just below its node in the road graph's nested-dissection
  // order: it has the same neighbours, so the order stays a good one.
  if (!g.cch_order.empty()) {
    split_.cch_order.reserve(split_n);
    for (auto v : g.cch_order) {
      const auto c = copies_of_node(v);
      split_.cch_order.insert(split_.cch_order.end(), c.begin() + 1, c.end());
      split_.cch_order.push_back(v);
    }
  }
}

ArcSet TurnSplit::lift(const ArcSet& closed) const {
  ArcSet out(split_.arc_count());
  for (ArcId a = 0; a < split_.arc_count(); ++a) {
    if (closed.contains(origin_arc_[a])) out.insert(a);
  }
  return out;
}

void TurnSplit::lower(Route& r) const {
  for (auto& a : r.arcs) a = origin_arc_[a];
  if (r.source != graph::k_invalid) r.source = road_node(r.source);
  if (r.target != graph::k_invalid) r.target = road_node(r.target);
}

std::size_t TurnSplit::memory_bytes() const noexcept {
  return split_.memory_bytes() + (origin_arc_.size() + origin_node_.size() + copy_first_.size() + copy_.size() +
                                  node_copy_first_.size() + node_copy_.size()) *
                                     sizeof(std::uint32_t);
}

}  // namespace corridor::route

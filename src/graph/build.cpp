#include "corridor/graph/build.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace corridor::graph {
namespace {

// Position of (x, y) along a Hilbert curve filling a 2^16 x 2^16 grid
// (the classic rotate-and-flip formulation).
std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y) {
  constexpr std::uint32_t n = 1u << 16;
  std::uint64_t d = 0;
  for (std::uint32_t s = n / 2; s > 0; s /= 2) {
    const std::uint32_t rx = (x & s) ? 1 : 0;
    const std::uint32_t ry = (y & s) ? 1 : 0;
    d += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = n - 1 - x;
        y = n - 1 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

// new_of_old[v]: the node's position in Hilbert order over the nodes' bbox.
std::vector<NodeId> hilbert_order(const osm::RawNetwork& net) {
  const auto n = net.node_id.size();
  std::vector<NodeId> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (n == 0) return order;
  const auto [min_lon, max_lon] = std::minmax_element(net.node_lon.begin(), net.node_lon.end());
  const auto [min_lat, max_lat] = std::minmax_element(net.node_lat.begin(), net.node_lat.end());
  const double span_lon = std::max<double>(1, static_cast<double>(*max_lon) - *min_lon);
  const double span_lat = std::max<double>(1, static_cast<double>(*max_lat) - *min_lat);
  std::vector<std::uint64_t> key(n);
  for (std::size_t v = 0; v < n; ++v) {
    const auto x = static_cast<std::uint32_t>((net.node_lon[v] - static_cast<double>(*min_lon)) / span_lon * 65535.0);
    const auto y = static_cast<std::uint32_t>((net.node_lat[v] - static_cast<double>(*min_lat)) / span_lat * 65535.0);
    key[v] = hilbert_index(x, y);
  }
  std::sort(order.begin(), order.end(),
            [&](NodeId a, NodeId b) { return key[a] < key[b] || (key[a] == key[b] && a < b); });
  std::vector<NodeId> new_of_old(n);
  for (std::size_t i = 0; i < n; ++i) new_of_old[order[i]] = static_cast<NodeId>(i);
  return new_of_old;
}

template <typename T>
std::vector<T> permute(const std::vector<T>& values, const std::vector<NodeId>& new_of_old) {
  std::vector<T> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) out[new_of_old[i]] = values[i];
  return out;
}

// The arcs of `way` entering v, or leaving it.
std::vector<ArcId> way_arcs(const RoadGraph& g, NodeId v, std::int64_t way, bool entering) {
  std::vector<ArcId> out;
  if (entering) {
    for (auto i = g.in_first[v]; i < g.in_first[v + 1]; ++i) {
      if (g.way_id[g.in_arc[i]] == way) out.push_back(g.in_arc[i]);
    }
  } else {
    for (auto a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
      if (g.way_id[a] == way) out.push_back(a);
    }
  }
  return out;
}

// The chains of arcs over a restriction's via ways from the head of `from`
// to a node where an arc of its to way leaves, each using every via way;
// the arc of the to way is last. At most a few: via ways are short.
std::vector<std::vector<ArcId>> via_paths(const RoadGraph& g, ArcId from, const osm::RawRestriction& r,
                                          const std::unordered_map<std::int64_t, std::vector<ArcId>>& arcs_of) {
  std::vector<std::vector<ArcId>> out;
  std::vector<ArcId> path;
  auto on_via = [&](ArcId a) {
    return std::find(r.via_ways.begin(), r.via_ways.end(), g.way_id[a]) != r.via_ways.end();
  };
  auto covers = [&] {
    return std::all_of(r.via_ways.begin(), r.via_ways.end(), [&](std::int64_t w) {
      return std::any_of(path.begin(), path.end(), [&](ArcId a) { return g.way_id[a] == w; });
    });
  };
  constexpr std::size_t k_longest = 64;  // via arcs: a way of a few segments
  auto walk = [&](auto&& self, NodeId v) -> void {
    if (!path.empty() && covers()) {
      for (auto t : arcs_of.at(r.to_way)) {
        if (g.tail[t] != v || g.head[t] == g.tail[path.back()]) continue;
        out.push_back(path);
        out.back().push_back(t);
      }
    }
    if (path.size() == k_longest || out.size() > 4) return;
    for (auto a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
      const auto back = !path.empty() ? g.tail[path.back()] : g.tail[from];
      if (!on_via(a) || g.head[a] == back) continue;
      if (std::any_of(path.begin(), path.end(), [&](ArcId p) { return g.tail[p] == g.head[a]; })) continue;
      path.push_back(a);
      self(self, g.head[a]);
      path.pop_back();
    }
  };
  walk(walk, g.head[from]);
  return out;
}

// Turns the restrictions into forbidden pairs of arcs (over a node) and
// forbidden chains of arcs (over via ways); returns how many restrictions
// matched the graph (their ways routable and meeting as tagged).
std::uint64_t add_turn_restrictions(RoadGraph& g, const std::vector<osm::RawRestriction>& restrictions) {
  if (restrictions.empty()) return 0;
  std::unordered_map<std::int64_t, NodeId> node_of;
  std::unordered_map<std::int64_t, std::vector<ArcId>> arcs_of;  // ways of via-way restrictions
  for (const auto& r : restrictions) {
    if (r.via_ways.empty()) {
      node_of.emplace(r.via_node, k_invalid);
      continue;
    }
    arcs_of.try_emplace(r.from_way);
    arcs_of.try_emplace(r.to_way);
    for (auto w : r.via_ways) arcs_of.try_emplace(w);
  }
  for (NodeId v = 0; v < g.node_count(); ++v) {
    if (auto it = node_of.find(g.node_id[v]); it != node_of.end()) it->second = v;
  }
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    if (auto it = arcs_of.find(g.way_id[a]); it != arcs_of.end()) it->second.push_back(a);
  }
  std::vector<std::pair<ArcId, ArcId>> turns;
  std::vector<std::vector<ArcId>> chains;
  std::uint64_t kept = 0;
  for (const auto& r : restrictions) {
    if (!r.via_ways.empty()) {
      bool matched = false;
      for (auto f : arcs_of.at(r.from_way)) {
        const auto paths = via_paths(g, f, r, arcs_of);
        if (paths.empty()) continue;
        matched = true;
        if (!r.only) {
          for (const auto& p : paths) {
            chains.push_back({f});
            chains.back().insert(chains.back().end(), p.begin(), p.end());
          }
          continue;
        }
        if (paths.size() != 1) continue;  // only one way on: ambiguous, not applied
        // Every step off the one way on is forbidden: a turn at the first
        // node, a chain after that.
        std::vector<ArcId> prefix{f};
        for (const auto next : paths.front()) {
          const auto v = g.head[prefix.back()];
          for (auto x = g.first_out[v]; x < g.first_out[v + 1]; ++x) {
            if (x == next) continue;
            if (prefix.size() == 1) {
              turns.emplace_back(f, x);
            } else {
              chains.push_back(prefix);
              chains.back().push_back(x);
            }
          }
          prefix.push_back(next);
        }
      }
      kept += matched;
      continue;
    }
    const auto v = node_of[r.via_node];
    if (v == k_invalid) continue;
    const auto from = way_arcs(g, v, r.from_way, true);
    auto to = way_arcs(g, v, r.to_way, false);
    if (from.empty() || to.empty()) continue;
    ++kept;
    for (auto f : from) {
      // A U-turn restriction (from and to the same way) forbids turning
      // back, not going on along the way.
      auto allowed_or_forbidden = to;
      if (r.from_way == r.to_way) {
        std::erase_if(allowed_or_forbidden, [&](ArcId t) { return g.head[t] != g.tail[f]; });
      }
      if (!r.only) {
        for (auto t : allowed_or_forbidden) turns.emplace_back(f, t);
        continue;
      }
      for (auto t = g.first_out[v]; t < g.first_out[v + 1]; ++t) {
        if (std::find(allowed_or_forbidden.begin(), allowed_or_forbidden.end(), t) == allowed_or_forbidden.end())
          turns.emplace_back(f, t);
      }
    }
  }
  std::sort(turns.begin(), turns.end());
  turns.erase(std::unique(turns.begin(), turns.end()), turns.end());
  for (const auto& [f, t] : turns) {
    g.turn_from.push_back(f);
    g.turn_to.push_back(t);
  }
  std::sort(chains.begin(), chains.end());
  chains.erase(std::unique(chains.begin(), chains.end()), chains.end());
  if (!chains.empty()) {
    g.turn_chain_first.push_back(0);
    for (const auto& c : chains) {
      g.turn_chain_arc.insert(g.turn_chain_arc.end(), c.begin(), c.end());
      g.turn_chain_first.push_back(static_cast<std::uint32_t>(g.turn_chain_arc.size()));
    }
  }
  return kept;
}

}  // namespace

RoadGraph build(osm::RawNetwork&& net) {
  RoadGraph g;
  const auto new_of_old = hilbert_order(net);
  g.node_id = permute(net.node_id, new_of_old);
  g.lat = permute(net.node_lat, new_of_old);
  g.lon = permute(net.node_lon, new_of_old);
  net.node_id = {};
  net.node_lat = {};
  net.node_lon = {};
  for (auto& a : net.arcs) {
    a.tail = new_of_old[a.tail];
    a.head = new_of_old[a.head];
  }
  // Sort once by (tail, head, time): the first of parallel arcs is the fastest.
  std::sort(net.arcs.begin(), net.arcs.end(), [](const osm::RawArc& a, const osm::RawArc& b) {
    if (a.tail != b.tail) return a.tail < b.tail;
    if (a.head != b.head) return a.head < b.head;
    if (a.time_ms != b.time_ms) return a.time_ms < b.time_ms;
    return a.capacity_vph > b.capacity_vph;
  });
  net.arcs.erase(
      std::unique(net.arcs.begin(), net.arcs.end(),
                  [](const osm::RawArc& a, const osm::RawArc& b) { return a.tail == b.tail && a.head == b.head; }),
      net.arcs.end());

  const std::size_t n = g.node_id.size();
  const std::size_t m = net.arcs.size();
  const bool has_shapes = !net.shape_lat.empty();
  g.first_out.assign(n + 1, 0);
  g.head.resize(m);
  g.tail.resize(m);
  g.time_ms.resize(m);
  g.length_m.resize(m);
  g.capacity_vph.resize(m);
  g.road_class.resize(m);
  g.lanes.resize(m);
  g.way_id.resize(m);
  g.name.resize(m);
  if (has_shapes) g.shape_first.assign(m + 1, 0);
  for (std::size_t i = 0; i < m; ++i) {
    const auto& a = net.arcs[i];
    ++g.first_out[a.tail + 1];
    g.tail[i] = a.tail;
    g.head[i] = a.head;
    g.time_ms[i] = a.time_ms;
    g.length_m[i] = a.length_m;
    g.capacity_vph[i] = a.capacity_vph;
    g.road_class[i] = a.road_class;
    g.lanes[i] = a.lanes;
    g.way_id[i] = a.way_id;
    g.name[i] = a.name;
    if (has_shapes) {
      for (auto k = a.shape_begin; k < a.shape_end; ++k) {
        g.shape_lat.push_back(net.shape_lat[k]);
        g.shape_lon.push_back(net.shape_lon[k]);
      }
      g.shape_first[i + 1] = static_cast<std::uint32_t>(g.shape_lat.size());
    }
  }
  std::partial_sum(g.first_out.begin(), g.first_out.end(), g.first_out.begin());

  index_incoming_arcs(g);

  g.class_names = std::move(net.class_names);
  g.names = std::move(net.names);
  const auto turns_kept = add_turn_restrictions(g, net.restrictions);
  g.meta = {{"source_kind", net.source_kind},
            {"ways_read", net.stats.ways_read},
            {"ways_routable", net.stats.ways_routable},
            {"missing_nodes", net.stats.missing_nodes}};
  if (net.stats.restrictions_read > 0) {
    g.meta["turn_restrictions"] = {
        {"read", net.stats.restrictions_read},
        {"via_way", net.stats.restrictions_via_way},
        {"honoured", turns_kept},
        {"forbidden_turns", g.turn_from.size()},
        {"forbidden_chains", g.turn_chain_first.empty() ? 0 : g.turn_chain_first.size() - 1}};
  }
  return g;
}

void index_incoming_arcs(RoadGraph& g) {
  g.in_first.assign(g.first_out.size(), 0);
  for (auto h : g.head) ++g.in_first[h + 1];
  std::partial_sum(g.in_first.begin(), g.in_first.end(), g.in_first.begin());
  g.in_arc.resize(g.head.size());
  std::vector<ArcId> fill(g.in_first.begin(), g.in_first.end() - 1);
  for (ArcId a = 0; a < g.head.size(); ++a) g.in_arc[fill[g.head[a]]++] = a;
}

std::string check_invariants(const RoadGraph& g) {
  const std::size_t n = g.node_id.size();
  const std::size_t m = g.head.size();
  auto bad = [](const std::string& what) { return what; };
  if (g.lat.size() != n || g.lon.size() != n) return bad("node arrays differ in length");
  if (g.first_out.size() != n + 1 || g.in_first.size() != n + 1)
    return bad("first_out/in_first size is not node count + 1");
  if (g.tail.size() != m || g.time_ms.size() != m || g.length_m.size() != m || g.capacity_vph.size() != m ||
      g.road_class.size() != m || g.lanes.size() != m || g.way_id.size() != m || g.in_arc.size() != m ||
      g.name.size() != m) {
    return bad("arc arrays differ in length");
  }
  if (g.first_out[0] != 0 || g.first_out[n] != m || g.in_first[0] != 0 || g.in_first[n] != m) {
    return bad("first_out/in_first do not span the arcs");
  }
  // Monotone with both ends checked means every offset lies in [0, m]: only
  // then may the loops below index the arc arrays with them.
  for (std::size_t v = 0; v < n; ++v) {
    if (g.first_out[v] > g.first_out[v + 1]) return bad("first_out is not monotone at node " + std::to_string(v));
    if (g.in_first[v] > g.in_first[v + 1]) return bad("in_first is not monotone at node " + std::to_string(v));
  }
  if (!g.shape_first.empty()) {
    if (g.shape_first.size() != m + 1 || g.shape_first[0] != 0 || g.shape_first[m] != g.shape_lat.size() ||
        g.shape_lon.size() != g.shape_lat.size()) {
      return bad("shape arrays inconsistent");
    }
    for (std::size_t a = 0; a < m; ++a) {
      if (g.shape_first[a] > g.shape_first[a + 1]) return bad("shape_first is not monotone");
    }
  }
  for (std::size_t v = 0; v < n; ++v) {
    for (auto a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
      if (g.tail[a] != v) return bad("tail does not match first_out at arc " + std::to_string(a));
      if (g.head[a] >= n) return bad("head out of range at arc " + std::to_string(a));
      if (a > g.first_out[v] && g.head[a - 1] >= g.head[a])
        return bad("arcs of node " + std::to_string(v) + " not sorted");
    }
    for (auto i = g.in_first[v]; i < g.in_first[v + 1]; ++i) {
      if (g.in_arc[i] >= m || g.head[g.in_arc[i]] != v) return bad("in_arc does not match heads");
    }
  }
  for (auto c : g.road_class) {
    if (c >= g.class_names.size()) return bad("road class out of range");
  }
  if (g.names.empty()) return bad("name table is empty");
  for (auto name : g.name) {
    if (name >= g.names.size()) return bad("road name out of range");
  }
  if (g.turn_from.size() != g.turn_to.size()) return bad("turn_from and turn_to differ in length");
  for (std::size_t i = 0; i < g.turn_from.size(); ++i) {
    const auto f = g.turn_from[i], t = g.turn_to[i];
    if (f >= m || t >= m || g.head[f] != g.tail[t]) return bad("turn " + std::to_string(i) + " does not join two arcs");
    if (i > 0 && (g.turn_from[i - 1] > f || (g.turn_from[i - 1] == f && g.turn_to[i - 1] >= t)))
      return bad("turns not sorted at " + std::to_string(i));
  }
  if (!g.turn_chain_first.empty() || !g.turn_chain_arc.empty()) {
    const auto& first = g.turn_chain_first;
    if (first.empty() || first.front() != 0 || first.back() != g.turn_chain_arc.size())
      return bad("turn_chain_first does not span turn_chain_arc");
    for (std::size_t c = 0; c + 1 < first.size(); ++c) {
      if (first[c + 1] < first[c] + 3) return bad("turn chain " + std::to_string(c) + " has fewer than 3 arcs");
      for (auto i = first[c]; i < first[c + 1]; ++i) {
        const auto a = g.turn_chain_arc[i];
        if (a >= m || (i > first[c] && g.head[g.turn_chain_arc[i - 1]] != g.tail[a]))
          return bad("turn chain " + std::to_string(c) + " is not a chain of arcs");
      }
    }
  }
  if (!g.cch_order.empty()) {
    if (g.cch_order.size() != n) return bad("cch_order does not rank every node");
    std::vector<bool> seen(n, false);
    for (auto v : g.cch_order) {
      if (v >= n || seen[v]) return bad("cch_order is not a permutation of the nodes");
      seen[v] = true;
    }
  }
  return "";
}

}  // namespace corridor::graph

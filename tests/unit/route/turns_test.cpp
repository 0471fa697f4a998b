// Turn restrictions through the split graph (route::TurnSplit) against an
// arc-based Dijkstra written here, which labels arcs instead of nodes and
// checks every turn itself: on random graphs with random forbidden turns and
// closures, for every algorithm, between nodes and between snapped points.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <queue>
#include <random>

#include "corridor/graph/build.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/route/router.hpp"
#include "corridor/route/turns.hpp"
#include "network_builder.hpp"
#include "test_support.hpp"

namespace corridor::route {
namespace {

// Every turn at every node forbidden with probability 1 / one_in, and as
// many chains of three arcs (a restriction over a via way of one segment).
void add_random_turns(graph::RoadGraph& g, std::mt19937_64& rng, int one_in) {
  std::vector<std::pair<ArcId, ArcId>> turns;
  std::vector<std::vector<ArcId>> chains;
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    const auto v = g.head[a];
    for (auto t = g.first_out[v]; t < g.first_out[v + 1]; ++t) {
      if (rng() % static_cast<std::uint64_t>(one_in) == 0) turns.emplace_back(a, t);
      if (rng() % static_cast<std::uint64_t>(one_in) != 0) continue;
      const auto w = g.head[t];
      if (g.first_out[w] == g.first_out[w + 1]) continue;
      chains.push_back({a, t, g.first_out[w] + static_cast<ArcId>(rng() % (g.first_out[w + 1] - g.first_out[w]))});
    }
  }
  std::sort(turns.begin(), turns.end());
  g.turn_from.clear();
  g.turn_to.clear();
  for (const auto& [f, t] : turns) {
    g.turn_from.push_back(f);
    g.turn_to.push_back(t);
  }
  g.turn_chain_first = {0};
  g.turn_chain_arc.clear();
  for (const auto& c : chains) {
    g.turn_chain_arc.insert(g.turn_chain_arc.end(), c.begin(), c.end());
    g.turn_chain_first.push_back(static_cast<std::uint32_t>(g.turn_chain_arc.size()));
  }
  ASSERT_EQ(graph::check_invariants(g), "");
}

bool chain_forbidden(const graph::RoadGraph& g, ArcId a, ArcId b, ArcId c) {
  for (std::size_t k = 0; k + 1 < g.turn_chain_first.size(); ++k) {
    const auto* p = g.turn_chain_arc.data() + g.turn_chain_first[k];
    if (p[0] == a && p[1] == b && p[2] == c) return true;
  }
  return false;
}

// The fastest time from s to t making no forbidden turn and driving no
// forbidden chain, labelling pairs of arcs (the last two driven).
std::optional<std::uint64_t> reference(const graph::RoadGraph& g, NodeId s, NodeId t, const ArcSet* closed) {
  if (s == t) return 0;
  using State = std::pair<ArcId, ArcId>;  // (arc before, arc); k_invalid before the first
  using Item = std::pair<std::uint64_t, State>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  std::map<State, std::uint64_t> dist;
  auto open = [&](ArcId a) { return closed == nullptr || !closed->contains(a); };
  auto relax = [&](State st, std::uint64_t d) {
    const auto it = dist.find(st);
    if (it != dist.end() && it->second <= d) return;
    dist[st] = d;
    queue.emplace(d, st);
  };
  for (auto a = g.first_out[s]; a < g.first_out[s + 1]; ++a) {
    if (open(a)) relax({graph::k_invalid, a}, g.time_ms[a]);
  }
  while (!queue.empty()) {
    const auto [d, st] = queue.top();
    queue.pop();
    if (d > dist[st]) continue;
    const auto [before, a] = st;
    if (g.head[a] == t) return d;
    for (auto b = g.first_out[g.head[a]]; b < g.first_out[g.head[a] + 1]; ++b) {
      if (!open(b) || g.turn_forbidden(a, b)) continue;
      if (before != graph::k_invalid && chain_forbidden(g, before, a, b)) continue;
      relax({a, b}, d + g.time_ms[b]);
    }
  }
  return std::nullopt;
}

// A route is a chain of open road arcs making no forbidden turn.
void expect_drivable(const graph::RoadGraph& g, const Route& r, const ArcSet* closed) {
  for (std::size_t k = 0; k < r.arcs.size(); ++k) {
    ASSERT_LT(r.arcs[k], g.arc_count());
    if (closed != nullptr) {
      EXPECT_FALSE(closed->contains(r.arcs[k]));
    }
    if (k == 0) continue;
    ASSERT_EQ(g.tail[r.arcs[k]], g.head[r.arcs[k - 1]]);
    EXPECT_FALSE(g.turn_forbidden(r.arcs[k - 1], r.arcs[k])) << "turn " << r.arcs[k - 1] << " -> " << r.arcs[k];
    if (k > 1) {
      EXPECT_FALSE(chain_forbidden(g, r.arcs[k - 2], r.arcs[k - 1], r.arcs[k]));
    }
  }
}

// The split graph's CSR is sound and every arc copies its road arc.
void expect_consistent(const graph::RoadGraph& g, const TurnSplit& split) {
  const auto& s = split.graph();
  ASSERT_EQ(s.first_out.size(), s.in_first.size());
  ASSERT_EQ(s.first_out.back(), s.arc_count());
  for (NodeId x = 0; x + 1 < s.first_out.size(); ++x) {
    for (auto a = s.first_out[x]; a < s.first_out[x + 1]; ++a) {
      ASSERT_EQ(s.tail[a], x);
      if (a > s.first_out[x]) {
        EXPECT_LT(s.head[a - 1], s.head[a]) << "arcs sorted by head";
      }
      const auto r = split.road_arc(a);
      EXPECT_EQ(g.tail[r], split.road_node(x));
      EXPECT_EQ(g.head[r], split.road_node(s.head[a]));
      EXPECT_EQ(s.time_ms[a], g.time_ms[r]);
    }
    for (auto i = s.in_first[x]; i < s.in_first[x + 1]; ++i) EXPECT_EQ(s.head[s.in_arc[i]], x);
  }
  if (!s.cch_order.empty()) {
    auto order = s.cch_order;
    std::sort(order.begin(), order.end());
    for (NodeId x = 0; x < order.size(); ++x) ASSERT_EQ(order[x], x) << "the order ranks every node once";
  }
}

TEST(TurnSplit, EveryAlgorithmEqualsTheArcBasedSearch) {
  const auto seed = testing::test_seed();
  SCOPED_TRACE("CORRIDOR_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 6; ++round) {
    auto g = graph::build(testing::NetworkBuilder::random_grid(10 + round, rng));
    add_random_turns(g, rng, round % 2 == 0 ? 3 : 8);
    ArcSet closed(g.arc_count());
    for (ArcId a = 0; a < g.arc_count(); ++a) {
      if (rng() % 7 == 0) closed.insert(a);
    }
    const TurnSplit split(g);
    expect_consistent(g, split);
    std::uniform_int_distribution<NodeId> pick(0, g.node_count() - 1);
    const ArcSet* const states[] = {nullptr, &closed};
    for (const ArcSet* c : states) {
      for (const auto algorithm : {Algorithm::cch, Algorithm::alt, Algorithm::dijkstra}) {
        Router router(g, algorithm, c);
        for (int q = 0; q < 40; ++q) {
          const NodeId s = pick(rng), t = pick(rng);
          const auto want = reference(g, s, t, c);
          const auto got = router.run(s, t);
          ASSERT_EQ(got.found, want.has_value()) << to_string(algorithm) << " " << s << " -> " << t;
          if (!want) continue;
          EXPECT_EQ(got.time_ms, *want) << to_string(algorithm) << " " << s << " -> " << t;
          expect_drivable(g, got, c);
          std::uint64_t sum = 0;
          for (auto a : got.arcs) sum += g.time_ms[a];
          EXPECT_EQ(sum, got.time_ms);
          if (!got.arcs.empty()) {
            EXPECT_EQ(g.tail[got.arcs.front()], s);
            EXPECT_EQ(g.head[got.arcs.back()], t);
          }
        }
      }
    }
  }
}

TEST(TurnSplit, SnappedRoutesAgreeAcrossAlgorithms) {
  const auto seed = testing::test_seed();
  SCOPED_TRACE("CORRIDOR_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed + 1);
  for (int round = 0; round < 3; ++round) {
    auto g = graph::build(testing::NetworkBuilder::random_grid(14 + round, rng));
    add_random_turns(g, rng, 4);
    const graph::SpatialIndex index(g);
    Router cch(g, Algorithm::cch, nullptr), dijkstra(g, Algorithm::dijkstra, nullptr);
    std::uniform_real_distribution<double> lon(7.99, 8.04), lat(48.99, 49.04);
    for (int i = 0; i < 200; ++i) {
      const auto from = index.nearest_segment({lon(rng), lat(rng)}, 1e6);
      const auto to = index.nearest_segment({lon(rng), lat(rng)}, 1e6);
      ASSERT_TRUE(from && to);
      const auto got = cch.run(*from, *to);
      const auto want = dijkstra.run(*from, *to);
      ASSERT_EQ(got.found, want.found) << i;
      if (!got.found) continue;
      EXPECT_EQ(got.time_ms, want.time_ms) << i;
      expect_drivable(g, got, nullptr);
      if (!got.arcs.empty()) {
        EXPECT_EQ(g.tail[got.arcs.front()], got.source);
        EXPECT_EQ(g.head[got.arcs.back()], got.target);
      }
    }
  }
}

TEST(TurnSplit, CopiesOnlyTheRestrictedJunctions) {
  std::mt19937_64 rng(testing::test_seed() + 2);
  auto g = graph::build(testing::NetworkBuilder::random_grid(12, rng));
  const auto n = g.node_count();
  NodeId v = 0;  // a junction: an arc in, two out
  while (v < n && (g.in_first[v + 1] == g.in_first[v] || g.first_out[v + 1] - g.first_out[v] < 2)) ++v;
  ASSERT_LT(v, n);
  g.turn_from.push_back(g.in_arc[g.in_first[v]]);
  g.turn_to.push_back(g.first_out[v]);
  const TurnSplit split(g);
  // One restricted arc into v: one copy of v, with every arc leaving v but
  // the forbidden one.
  ASSERT_EQ(split.graph().node_count(), n + 1);
  EXPECT_EQ(split.road_node(n), v);
  EXPECT_EQ(split.copies_of_node(v).size(), 2u);
  EXPECT_EQ(split.graph().arc_count(), g.arc_count() + (g.first_out[v + 1] - g.first_out[v]) - 1);
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    ASSERT_FALSE(split.copies(a).empty());
    EXPECT_EQ(split.graph().tail[split.copies(a).front()], g.tail[a]) << "the first copy leaves the road tail";
    for (auto c : split.copies(a)) EXPECT_EQ(split.road_arc(c), a);
  }
  // The stored nested-dissection order carries over, copies below their node.
  g.cch_order.resize(n);
  for (NodeId u = 0; u < n; ++u) g.cch_order[u] = n - 1 - u;
  const TurnSplit ordered(g);
  expect_consistent(g, ordered);
  const auto& order = ordered.graph().cch_order;
  EXPECT_EQ(std::find(order.begin(), order.end(), n) + 1, std::find(order.begin(), order.end(), v));
}

TEST(TurnSplit, TheGraphFileKeepsTheTurnsAndChecksThem) {
  std::mt19937_64 rng(testing::test_seed() + 3);
  auto g = graph::build(testing::NetworkBuilder::random_grid(8, rng));
  add_random_turns(g, rng, 5);
  ASSERT_FALSE(g.turn_from.empty());
  testing::TempDir dir;
  graph::write_graph(g, dir / "t.graph");
  const auto back = graph::read_graph(dir / "t.graph");
  EXPECT_EQ(back.turn_from, g.turn_from);
  EXPECT_EQ(back.turn_to, g.turn_to);
  for (std::size_t i = 0; i < g.turn_from.size(); ++i) EXPECT_TRUE(back.turn_forbidden(g.turn_from[i], g.turn_to[i]));
  std::size_t allowed = 0;
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    const auto v = g.head[a];
    for (auto b = g.first_out[v]; b < g.first_out[v + 1]; ++b) allowed += !back.turn_forbidden(a, b);
  }
  std::size_t turns = 0;
  for (ArcId a = 0; a < g.arc_count(); ++a) turns += g.first_out[g.head[a] + 1] - g.first_out[g.head[a]];
  EXPECT_EQ(allowed + g.turn_from.size(), turns);
  // A turn between arcs that do not meet is refused with its index.
  auto bad = g;
  bad.turn_to[0] = bad.turn_from[0];
  EXPECT_NE(graph::check_invariants(bad).find("turn 0 does not join two arcs"), std::string::npos);
  bad = g;
  std::swap(bad.turn_from.front(), bad.turn_from.back());
  std::swap(bad.turn_to.front(), bad.turn_to.back());
  EXPECT_FALSE(graph::check_invariants(bad).empty());
}

}  // namespace
}  // namespace corridor::route

#include <gtest/gtest.h>

#include <set>

#include "corridor/graph/build.hpp"
#include "corridor/graph/components.hpp"
#include "network_builder.hpp"
#include "test_support.hpp"

namespace corridor::graph {
namespace {

using testing::NetworkBuilder;

NodeId by_external(const RoadGraph& g, std::int64_t id) {
  for (NodeId v = 0; v < g.node_count(); ++v) {
    if (g.node_id[v] == id) return v;
  }
  return k_invalid;
}

TEST(Build, CsrMatchesTheArcList) {
  NetworkBuilder b;
  const auto a = b.node(8.000, 49.000, 1);
  const auto c = b.node(8.010, 49.000, 2);
  const auto d = b.node(8.010, 49.010, 3);
  b.arc(a, c, 1000, true).arc(c, d, 2000).arc(d, a, 500);
  const auto g = build(b.build());
  EXPECT_EQ(check_invariants(g), "");
  ASSERT_EQ(g.node_count(), 3u);
  ASSERT_EQ(g.arc_count(), 4u);
  const auto n1 = by_external(g, 1), n2 = by_external(g, 2), n3 = by_external(g, 3);
  ASSERT_NE(g.find_arc(n1, n2), k_invalid);
  ASSERT_NE(g.find_arc(n2, n1), k_invalid);
  EXPECT_EQ(g.time_ms[g.find_arc(n2, n3)], 2000u);
  EXPECT_EQ(g.find_arc(n3, n2), k_invalid);
  EXPECT_EQ(g.time_ms[g.find_arc(n3, n1)], 500u);
  // Coordinates follow their nodes through the reordering.
  EXPECT_NEAR(g.where(n3).lon, 8.010, 1e-7);
  EXPECT_NEAR(g.where(n3).lat, 49.010, 1e-7);
  // Incoming arcs of n1: from n2 and n3.
  std::set<NodeId> in;
  for (auto i = g.in_first[n1]; i < g.in_first[n1 + 1]; ++i) in.insert(g.tail[g.in_arc[i]]);
  EXPECT_EQ(in, (std::set<NodeId>{n2, n3}));
}

TEST(Build, KeepsTheFastestOfParallelArcs) {
  NetworkBuilder b;
  const auto a = b.node(8.0, 49.0, 1);
  const auto c = b.node(8.001, 49.0, 2);
  b.arc(a, c, 900).arc(a, c, 700).arc(a, c, 800);
  const auto g = build(b.build());
  ASSERT_EQ(g.arc_count(), 1u);
  EXPECT_EQ(g.time_ms[0], 700u);
}

TEST(Build, RandomNetworksKeepEveryArcAndInvariant) {
  std::mt19937_64 rng(testing::test_seed());
  for (int round = 0; round < 20; ++round) {
    auto net = NetworkBuilder::random_grid(12, rng);
    // Expected (external tail, external head, time) triples.
    std::set<std::tuple<std::int64_t, std::int64_t, std::uint32_t>> expected;
    for (const auto& a : net.arcs) expected.insert({net.node_id[a.tail], net.node_id[a.head], a.time_ms});
    const auto g = build(std::move(net));
    ASSERT_EQ(check_invariants(g), "");
    std::set<std::tuple<std::int64_t, std::int64_t, std::uint32_t>> got;
    for (ArcId a = 0; a < g.arc_count(); ++a) got.insert({g.node_id[g.tail[a]], g.node_id[g.head[a]], g.time_ms[a]});
    EXPECT_EQ(got, expected);
  }
}

TEST(Components, WeakAndStrong) {
  NetworkBuilder b;
  const auto a = b.node(8.000, 49.0, 1), c = b.node(8.001, 49.0, 2), d = b.node(8.002, 49.0, 3);
  const auto e = b.node(8.100, 49.1, 4), f = b.node(8.101, 49.1, 5);
  b.arc(a, c, 10, true).arc(c, d, 10);  // d reachable but cannot return
  b.arc(e, f, 10, true);                // an island
  const auto g = build(b.build());
  const auto weak = weak_components(g);
  EXPECT_EQ(weak.count, 2u);
  EXPECT_EQ(weak.largest, 3u);
  const auto strong = strong_components(g);
  EXPECT_EQ(strong.count, 3u);  // {a,c}, {d}, {e,f}
  EXPECT_EQ(strong.largest, 2u);
  EXPECT_EQ(strong.of_node[by_external(g, 1)], strong.of_node[by_external(g, 2)]);
  EXPECT_NE(strong.of_node[by_external(g, 2)], strong.of_node[by_external(g, 3)]);
}

}  // namespace
}  // namespace corridor::graph

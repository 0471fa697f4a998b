#include <gtest/gtest.h>

#include <random>

#include "corridor/graph/build.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/landmarks.hpp"
#include "network_builder.hpp"
#include "test_support.hpp"

namespace corridor::route {
namespace {

// A route is a chain of arcs from s to t whose times add up to its time.
void expect_valid(const graph::RoadGraph& g, const Route& r, NodeId s, NodeId t, const ArcSet* closed) {
  ASSERT_TRUE(r.found);
  std::uint64_t sum = 0;
  NodeId at = s;
  for (auto a : r.arcs) {
    ASSERT_EQ(g.tail[a], at);
    if (closed) {
      ASSERT_FALSE(closed->contains(a)) << "route uses closed arc " << a;
    }
    sum += g.time_ms[a];
    at = g.head[a];
  }
  EXPECT_EQ(at, t);
  EXPECT_EQ(sum, r.time_ms);
  const auto nodes = route_nodes(g, r);
  ASSERT_EQ(nodes.size(), r.arcs.size() + 1);
  EXPECT_EQ(nodes.front(), s);
  EXPECT_EQ(nodes.back(), t);
}

TEST(BidirectionalDijkstra, EqualsReferenceOnRandomGraphs) {
  const auto seed = testing::test_seed();
  SCOPED_TRACE("CORRIDOR_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 15; ++round) {
    const auto g = graph::build(testing::NetworkBuilder::random_grid(15, rng));
    BidirectionalDijkstra query(g);
    const Landmarks landmarks(g, 4);
    BidirectionalAlt alt(g, landmarks);
    std::uniform_int_distribution<NodeId> pick(0, g.node_count() - 1);
    // Random closures on half the rounds.
    ArcSet closed(g.arc_count());
    const bool with_closures = round % 2 == 1;
    if (with_closures) {
      for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
        if (rng() % 5 == 0) closed.insert(a);
      }
    }
    const ArcSet* c = with_closures ? &closed : nullptr;
    for (int q = 0; q < 40; ++q) {
      const NodeId s = pick(rng), t = pick(rng);
      const auto want = testing::reference_times(g, s, c)[t];
      const auto r = query.run(s, t, c);
      const auto a = alt.run(s, t, c);
      if (want == std::numeric_limits<std::uint64_t>::max()) {
        EXPECT_FALSE(r.found) << s << "->" << t;
        EXPECT_FALSE(a.found) << s << "->" << t;
        continue;
      }
      ASSERT_TRUE(a.found) << "ALT " << s << "->" << t;
      EXPECT_EQ(a.time_ms, want) << "ALT " << s << "->" << t;
      expect_valid(g, a, s, t, c);
      ASSERT_TRUE(r.found) << s << "->" << t;
      EXPECT_EQ(r.time_ms, want) << s << "->" << t;
      expect_valid(g, r, s, t, c);
    }
  }
}

TEST(BidirectionalDijkstra, SourceEqualsTarget) {
  std::mt19937_64 rng(1);
  const auto g = graph::build(testing::NetworkBuilder::random_grid(4, rng));
  BidirectionalDijkstra query(g);
  const auto r = query.run(3, 3);
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.time_ms, 0u);
  EXPECT_TRUE(r.arcs.empty());
  EXPECT_EQ(route_nodes(g, r), std::vector<NodeId>{3});
}

TEST(BidirectionalDijkstra, ReusesScratchAcrossManyQueries) {
  std::mt19937_64 rng(testing::test_seed());
  const auto g = graph::build(testing::NetworkBuilder::random_grid(8, rng));
  BidirectionalDijkstra query(g);
  // The same query, asked between many others, always gets the same answer.
  const auto first = query.run(0, g.node_count() - 1);
  std::uniform_int_distribution<NodeId> pick(0, g.node_count() - 1);
  for (int i = 0; i < 500; ++i) {
    query.run(pick(rng), pick(rng));
    const auto again = query.run(0, g.node_count() - 1);
    ASSERT_EQ(again.found, first.found);
    ASSERT_EQ(again.time_ms, first.time_ms);
  }
}

}  // namespace
}  // namespace corridor::route

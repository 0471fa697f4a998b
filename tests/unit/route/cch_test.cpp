// Customizable Contraction Hierarchies against bidirectional Dijkstra: on
// random graphs and on every shipped extract, with and without random
// closures, and after customising again for other closures (closing and
// reopening, hazards one after another). Every CCH route is a chain of arcs from s to t, none closed,
// whose times add up to the fastest time.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <random>

#include "corridor/graph/build.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/route/cch.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/router.hpp"
#include "network_builder.hpp"
#include "test_support.hpp"

namespace corridor::route {
namespace {

void expect_same(const graph::RoadGraph& g, const Route& cch, const Route& want, NodeId s, NodeId t,
                 const ArcSet* closed) {
  ASSERT_EQ(cch.found, want.found) << s << " -> " << t;
  if (!want.found) return;
  EXPECT_EQ(cch.time_ms, want.time_ms) << s << " -> " << t;
  std::uint64_t sum = 0;
  NodeId at = s;
  for (const auto a : cch.arcs) {
    ASSERT_NE(a, graph::k_invalid);
    ASSERT_EQ(g.tail[a], at) << s << " -> " << t;
    if (closed != nullptr) {
      ASSERT_FALSE(closed->contains(a)) << "closed arc " << a;
    }
    sum += g.time_ms[a];
    at = g.head[a];
  }
  EXPECT_EQ(at, t);
  EXPECT_EQ(sum, cch.time_ms);
}

ArcSet random_closures(const graph::RoadGraph& g, std::mt19937_64& rng, int one_in) {
  ArcSet closed(g.arc_count());
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    if (rng() % static_cast<std::uint64_t>(one_in) == 0) closed.insert(a);
  }
  return closed;
}

TEST(Cch, EqualsDijkstraOnRandomGraphs) {
  const auto seed = testing::test_seed();
  SCOPED_TRACE("CORRIDOR_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 12; ++round) {
    const auto g = graph::build(testing::NetworkBuilder::random_grid(12 + round, rng));
    const CchTopology topology(g);
    CchMetric metric(topology, g);
    CchQuery cch(topology);
    BidirectionalDijkstra dijkstra(g);
    std::uniform_int_distribution<NodeId> pick(0, g.node_count() - 1);
    // Free flow, then closures, then other closures, then free flow again:
    // each a customisation of the same metric object.
    for (int state = 0; state < 4; ++state) {
      const auto closures = random_closures(g, rng, 4);
      const ArcSet* closed = state % 2 == 1 ? &closures : nullptr;
      metric.customize(closed);
      for (int q = 0; q < 60; ++q) {
        const NodeId s = pick(rng), t = pick(rng);
        expect_same(g, cch.run(metric, s, t), dijkstra.run(s, t, closed), s, t, closed);
      }
    }
  }
}

// Partial customisation: close and reopen arcs in steps, updating only what
// changed; every answer stays Dijkstra's under the current closures.
// Routes between snapped points: the CCH sweeps both ends of each segment
// at once, Dijkstra tries every pair of ends; the fastest times agree.
TEST(Cch, SnappedEndsAgreeWithEveryPairOfEnds) {
  const auto seed = testing::test_seed();
  SCOPED_TRACE("CORRIDOR_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 4; ++round) {
    const auto g = graph::build(testing::NetworkBuilder::random_grid(15 + round, rng));
    const graph::SpatialIndex index(g);
    const auto closed = random_closures(g, rng, round == 0 ? 1000000 : 6);
    Router cch(g, Algorithm::cch, &closed), dijkstra(g, Algorithm::dijkstra, &closed);
    std::uniform_real_distribution<double> lon(7.99, 8.04), lat(48.99, 49.04);
    for (int i = 0; i < 300; ++i) {
      const auto from = index.nearest_segment({lon(rng), lat(rng)}, 1e6);
      const auto to = index.nearest_segment({lon(rng), lat(rng)}, 1e6);
      ASSERT_TRUE(from && to);
      const auto got = cch.run(*from, *to);
      const auto want = dijkstra.run(*from, *to);
      ASSERT_EQ(got.found, want.found) << i;
      if (!want.found) continue;
      EXPECT_EQ(got.time_ms, want.time_ms) << i;
      if (got.arcs.empty()) {  // both on one node
        EXPECT_EQ(got.source, got.target);
        EXPECT_EQ(got.time_ms, 0u);
        continue;
      }
      EXPECT_EQ(g.tail[got.arcs.front()], got.source);
      for (std::size_t k = 0; k < got.arcs.size(); ++k) {
        ASSERT_FALSE(closed.contains(got.arcs[k]));
        if (k > 0) {
          ASSERT_EQ(g.tail[got.arcs[k]], g.head[got.arcs[k - 1]]);
        }
      }
      // Inside a segment (not on a node), the route starts or ends on it.
      auto inside = [](const graph::SegmentSnap& s) { return s.fraction > 0 && s.fraction < 1; };
      if (inside(*from)) {
        EXPECT_TRUE(got.arcs.front() == from->arc || got.arcs.front() == from->reverse);
      }
      if (inside(*to)) {
        EXPECT_TRUE(got.arcs.back() == to->arc || got.arcs.back() == to->reverse);
      }
    }
  }
}

// Every other node to every third, against Dijkstra.
void expect_same_on_many_pairs(const graph::RoadGraph& g, CchQuery& cch, const CchMetric& metric,
                               BidirectionalDijkstra& dijkstra, const ArcSet* closed) {
  for (NodeId s = 0; s < g.node_count(); s += 2) {
    for (NodeId t = 1; t < g.node_count(); t += 3)
      expect_same(g, cch.run(metric, s, t), dijkstra.run(s, t, closed), s, t, closed);
  }
}

TEST(Cch, PartialCustomisationFollowsClosingAndReopening) {
  const auto seed = testing::test_seed();
  SCOPED_TRACE("CORRIDOR_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed + 3);
  for (int round = 0; round < 6; ++round) {
    const auto g = graph::build(testing::NetworkBuilder::random_grid(10 + round, rng));
    const CchTopology topology(g);
    auto metric = std::make_unique<CchMetric>(topology, g);
    CchQuery cch(topology);
    BidirectionalDijkstra dijkstra(g);
    ArcSet closed(g.arc_count());
    for (int step = 0; step < 8; ++step) {
      // Close a few arcs, reopen a few of the closed ones.
      std::vector<graph::ArcId> changed;
      ArcSet next(g.arc_count());
      for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
        const bool was = closed.contains(a);
        // Few changes on most steps (partial), many on every fourth (full).
        const bool now = was ? rng() % 3 != 0 : rng() % (step % 4 == 3 ? 12 : 400) == 0;
        if (now) next.insert(a);
        if (now != was) changed.push_back(a);
      }
      EXPECT_EQ(ArcSet::difference(&closed, &next), changed);
      closed = next;
      // Every other step as the service derives a new closure state: a copy
      // of the metric, customised again where the states differ.
      if (step % 2 == 1) metric = std::make_unique<CchMetric>(*metric);
      metric->update(&closed, changed);
      expect_same_on_many_pairs(g, cch, *metric, dijkstra, &closed);
    }
  }
}

// The arcs at the nodes within `degrees` of node v (lat and lon): a hazard
// that leaves the nodes inside it with no open arc.
std::vector<graph::ArcId> arcs_near(const graph::RoadGraph& g, NodeId v, std::int32_t degrees_e7) {
  const auto near = [&](NodeId u) {
    return std::abs(g.lat[u] - g.lat[v]) <= degrees_e7 && std::abs(g.lon[u] - g.lon[v]) <= degrees_e7;
  };
  std::vector<graph::ArcId> arcs;
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    if (near(g.tail[a]) || near(g.head[a])) arcs.push_back(a);
  }
  return arcs;
}

// New hazards one after another (arcs only close: the witness-driven
// partial customisation), then all of them lifted at once.
TEST(Cch, PartialCustomisationFollowsHazardsOneAfterAnother) {
  const auto seed = testing::test_seed();
  SCOPED_TRACE("CORRIDOR_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed + 5);
  for (int round = 0; round < 6; ++round) {
    const auto g = graph::build(testing::NetworkBuilder::random_grid(10 + round, rng));
    const CchTopology topology(g);
    CchMetric metric(topology, g);
    CchQuery cch(topology);
    BidirectionalDijkstra dijkstra(g);
    std::uniform_int_distribution<NodeId> pick(0, g.node_count() - 1);
    ArcSet closed(g.arc_count());
    std::vector<graph::ArcId> all;
    for (int hazard = 0; hazard < 5; ++hazard) {
      // A hazard, or a few single arcs (a shelled bridge).
      auto arcs = hazard % 2 == 0 ? arcs_near(g, pick(rng), 30'000) : std::vector<graph::ArcId>{};
      for (int k = 0; k < 3; ++k) arcs.push_back(static_cast<graph::ArcId>(rng() % g.arc_count()));
      std::vector<graph::ArcId> changed;
      for (const auto a : arcs) {
        if (closed.contains(a)) continue;
        closed.insert(a);
        changed.push_back(a);
      }
      all.insert(all.end(), changed.begin(), changed.end());
      metric.update(&closed, changed);
      expect_same_on_many_pairs(g, cch, metric, dijkstra, &closed);
    }
    // A few roads inside the hazards cleared: nodes left with no open arc
    // have one again (a partial customisation, under 1 % of the arcs).
    ArcSet cleared(g.arc_count());
    std::vector<graph::ArcId> reopened;
    for (const auto a : all) {
      if (reopened.size() < 2 && rng() % 4 == 0)
        reopened.push_back(a);
      else
        cleared.insert(a);
    }
    ASSERT_LT(reopened.size() * 100, g.arc_count());
    metric.update(&cleared, reopened);
    expect_same_on_many_pairs(g, cch, metric, dijkstra, &cleared);
    metric.update(nullptr, all);
    expect_same_on_many_pairs(g, cch, metric, dijkstra, nullptr);
  }
}

TEST(Cch, AGivenOrderMustRankEveryNode) {
  std::mt19937_64 rng(1);
  const auto g = graph::build(testing::NetworkBuilder::random_grid(5, rng));
  EXPECT_THROW(CchTopology(g, std::vector<NodeId>(3, 0)), std::invalid_argument);
  std::vector<NodeId> twice(g.node_count(), 0);
  EXPECT_THROW(CchTopology(g, twice), std::invalid_argument);
  // Any permutation gives correct routes, only slower ones.
  std::vector<NodeId> identity(g.node_count());
  for (NodeId v = 0; v < g.node_count(); ++v) identity[v] = v;
  const CchTopology topology(g, identity);
  const CchMetric metric(topology, g);
  CchQuery cch(topology);
  BidirectionalDijkstra dijkstra(g);
  for (NodeId s = 0; s < g.node_count(); s += 3) {
    for (NodeId t = 0; t < g.node_count(); t += 4)
      expect_same(g, cch.run(metric, s, t), dijkstra.run(s, t), s, t, nullptr);
  }
}

constexpr bool under_address_sanitizer() {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
  return true;
#endif
  return false;
}

class CchExtract : public ::testing::TestWithParam<std::string> {};

TEST_P(CchExtract, EqualsDijkstraOnAThousandPairs) {
  const auto g = graph::build(osm::read_osm(testing::osm_extract(GetParam()), osm::Profile::defaults()));
  const CchTopology topology(g);
  // The hierarchy's size: a few upward arcs per node.
  EXPECT_LT(topology.arc_count(), 8u * g.node_count());
  CchMetric metric(topology, g);
  CchQuery cch(topology);
  BidirectionalDijkstra dijkstra(g);
  std::mt19937_64 rng(testing::test_seed() + 11);
  std::uniform_int_distribution<NodeId> pick(0, g.node_count() - 1);
  const auto closures = random_closures(g, rng, 50);
  // Two hazards of about 1 km, the second added to the first, then the
  // first lifted: partial customisations, closing and reopening.
  const auto first = arcs_near(g, pick(rng), 50'000), second = arcs_near(g, pick(rng), 50'000);
  ArcSet both(g.arc_count()), only_second(g.arc_count());
  for (const auto a : first) both.insert(a);
  for (const auto a : second) {
    both.insert(a);
    only_second.insert(a);
  }
  // Under AddressSanitizer (make sanitize) a fifth of the pairs: the same
  // code paths, at a fifth of the sanitizer's cost.
  const int pairs = under_address_sanitizer() ? 200 : 1000;
  const ArcSet* closed = nullptr;
  for (int q = 0; q < pairs; ++q) {
    if (q == pairs / 4) {  // random closures everywhere, in full
      metric.customize(&closures);
      closed = &closures;
    } else if (q == pairs / 2) {  // the first hazard, then the second beside it
      metric.customize(nullptr);
      ArcSet first_only(g.arc_count());
      for (const auto a : first) first_only.insert(a);
      metric.update(&first_only, first);
      metric.update(&both, ArcSet::difference(&first_only, &both));
      closed = &both;
    } else if (q == 3 * pairs / 4) {  // the first lifted
      metric.update(&only_second, ArcSet::difference(&both, &only_second));
      closed = &only_second;
    }
    const NodeId s = pick(rng), t = pick(rng);
    expect_same(g, cch.run(metric, s, t), dijkstra.run(s, t, closed), s, t, closed);
  }
}

INSTANTIATE_TEST_SUITE_P(RealExtracts, CchExtract,
                         ::testing::Values("andorra-2021-10.osm.pbf", "monaco-2016-03.osm.pbf",
                                           "liechtenstein-2013-08-03.osm.pbf", "malta-2016-11.osm.pbf",
                                           "heidelberg-ors-test.osm.pbf", "rhein-neckar-rnv-2016-12.osm.pbf",
                                           "milan-small.osm.pbf"),
                         [](const auto& extract) { return extract.param.substr(0, extract.param.find('-')); });

}  // namespace
}  // namespace corridor::route

// End to end on every real road extract in ../shared/data/osm: import,
// file round trip, and routes against the reference Dijkstra, with and
// without a hazard polygon.
#include <gtest/gtest.h>

#include <random>

#include "corridor/graph/area.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/graph/components.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/landmarks.hpp"
#include "test_support.hpp"

namespace corridor {
namespace {

using graph::NodeId;

class Extract : public ::testing::TestWithParam<std::string> {};

std::vector<NodeId> nodes_of_largest_scc(const graph::RoadGraph& g) {
  const auto scc = graph::strong_components(g);
  std::vector<std::uint32_t> size(scc.count, 0);
  for (auto c : scc.of_node) ++size[c];
  const auto big = static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
  std::vector<NodeId> nodes;
  for (NodeId v = 0; v < g.node_count(); ++v) {
    if (scc.of_node[v] == big) nodes.push_back(v);
  }
  return nodes;
}

TEST_P(Extract, ImportsToAPlausibleConsistentGraph) {
  const auto& g = testing::imported_extract(GetParam());
  EXPECT_EQ(graph::check_invariants(g), "");
  EXPECT_GT(g.node_count(), 10'000u);
  EXPECT_GT(g.arc_count(), g.node_count());      // most roads are two-way
  EXPECT_LT(g.arc_count(), 3 * g.node_count());  // and road nodes have low degree
  EXPECT_GT(g.total_arc_length_m(), 200'000.0);  // at least 100 km of road
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    ASSERT_GT(g.capacity_vph[a], 0u);
    // Free-flow speed stays within the profile's range (1..300 km/h).
    if (g.length_m[a] > 5) {
      const double kmh = g.length_m[a] / (g.time_ms[a] / 1000.0) * 3.6;
      ASSERT_LE(kmh, 300.5) << "arc " << a;
      ASSERT_GE(kmh, 1.0) << "arc " << a;
    }
  }
  const auto scc = graph::strong_components(g);
  EXPECT_GT(scc.largest, g.node_count() / 2) << "most of the network should be mutually reachable";
}

TEST_P(Extract, GraphFileRoundTrip) {
  const auto& g = testing::imported_extract(GetParam());
  testing::TempDir dir;
  graph::write_graph(g, dir / "x.graph");
  const auto h = graph::read_graph(dir / "x.graph");
  EXPECT_EQ(h.head, g.head);
  EXPECT_EQ(h.time_ms, g.time_ms);
  EXPECT_EQ(h.node_id, g.node_id);
}

TEST_P(Extract, RoutesEqualReferenceDijkstraOn200Pairs) {
  const auto& g = testing::imported_extract(GetParam());
  const auto candidates = nodes_of_largest_scc(g);
  const auto seed = testing::test_seed();
  SCOPED_TRACE("CORRIDOR_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, candidates.size() - 1);
  route::BidirectionalDijkstra query(g);
  const route::Landmarks landmarks(g, 8);
  route::BidirectionalAlt alt(g, landmarks);
  std::uint64_t settled_alt = 0, settled_plain = 0;
  // 40 sources x 5 targets: one reference search per source.
  for (int i = 0; i < 40; ++i) {
    const NodeId s = candidates[pick(rng)];
    const auto reference = testing::reference_times(g, s);
    for (int j = 0; j < 5; ++j) {
      const NodeId t = candidates[pick(rng)];
      const auto r = query.run(s, t);
      ASSERT_TRUE(r.found) << s << "->" << t;
      ASSERT_EQ(r.time_ms, reference[t]) << s << "->" << t;
      const auto via_alt = alt.run(s, t);
      ASSERT_TRUE(via_alt.found) << s << "->" << t;
      ASSERT_EQ(via_alt.time_ms, reference[t]) << "ALT " << s << "->" << t;
      settled_alt += via_alt.settled;
      settled_plain += r.settled;
      NodeId at = s;
      std::uint64_t sum = 0;
      for (auto a : r.arcs) {
        ASSERT_EQ(g.tail[a], at);
        ASSERT_EQ(g.find_arc(g.tail[a], g.head[a]), a);
        sum += g.time_ms[a];
        at = g.head[a];
      }
      ASSERT_EQ(at, t);
      ASSERT_EQ(sum, r.time_ms);
    }
  }
  // Goal direction pays off on average (not on every single query).
  EXPECT_LT(settled_alt, settled_plain);
}

TEST_P(Extract, RoutesNeverCrossAnActiveHazard) {
  const auto& g = testing::imported_extract(GetParam());
  const auto candidates = nodes_of_largest_scc(g);
  std::mt19937_64 rng(testing::test_seed() + 1);
  std::uniform_int_distribution<std::size_t> pick(0, candidates.size() - 1);
  route::BidirectionalDijkstra query(g);
  const route::Landmarks landmarks(g, 8);
  route::BidirectionalAlt alt(g, landmarks);
  int detours = 0;
  for (int i = 0; i < 20; ++i) {
    const NodeId s = candidates[pick(rng)], t = candidates[pick(rng)];
    const auto plain = query.run(s, t);
    ASSERT_TRUE(plain.found);
    if (plain.arcs.size() < 10) continue;
    // A ~400 m square hazard around the middle of the fastest route.
    const auto mid = g.where(g.head[plain.arcs[plain.arcs.size() / 2]]);
    const double d = 0.002;
    const geo::Area area({{{{mid.lon - d, mid.lat - d},
                            {mid.lon + d, mid.lat - d},
                            {mid.lon + d, mid.lat + d},
                            {mid.lon - d, mid.lat + d},
                            {mid.lon - d, mid.lat - d}}}});
    route::ArcSet closed(g.arc_count());
    for (auto a : graph::arcs_meeting(g, area)) closed.insert(a);
    if (closed.contains(plain.arcs.front()) || closed.contains(plain.arcs.back())) continue;
    const auto r = query.run(s, t, &closed);
    const auto want = testing::reference_times(g, s, &closed)[t];
    const auto via_alt = alt.run(s, t, &closed);
    EXPECT_EQ(via_alt.found, r.found);
    if (via_alt.found) {
      EXPECT_EQ(via_alt.time_ms, want) << "ALT with a hazard";
    }
    if (want == std::numeric_limits<std::uint64_t>::max()) {
      EXPECT_FALSE(r.found);
      continue;
    }
    ASSERT_TRUE(r.found);
    EXPECT_EQ(r.time_ms, want);
    EXPECT_GE(r.time_ms, plain.time_ms);
    for (auto a : r.arcs) {
      ASSERT_FALSE(area.meets(g.where(g.tail[a]), g.where(g.head[a]))) << "route crosses the hazard on arc " << a;
    }
    ++detours;
  }
  EXPECT_GT(detours, 0) << "no query exercised a hazard";
}

INSTANTIATE_TEST_SUITE_P(RealExtracts, Extract, ::testing::ValuesIn(testing::road_extracts()),
                         [](const auto& param_info) {
                           std::string name = param_info.param.substr(0, param_info.param.find('.'));
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace corridor

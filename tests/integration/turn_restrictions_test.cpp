// Turn restrictions on real extracts, checked against the raw OSM relations
// read independently of the importer (raw_osm.hpp): a route through a
// relation's via node, coming from its from way, may not go on along its to
// way (no_*) or along any other way (only_*); a route coming from the from
// way along all of a no_* relation's via ways may not go on along its to
// way. The same routes without the restrictions do make such turns, so the
// check is not vacuous.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/route/router.hpp"
#include "raw_osm.hpp"
#include "test_support.hpp"

namespace corridor {
namespace {

class TurnRestrictionsOnExtract : public ::testing::TestWithParam<std::string> {};

// Turns a path of OSM node ids makes that a raw restriction forbids.
int forbidden_turns(const testing::RawOsm& raw, const std::vector<std::int64_t>& path,
                    const std::multimap<std::int64_t, const testing::RawTurnRestriction*>& at,
                    const std::vector<const testing::RawTurnRestriction*>& over_ways) {
  auto ways = [&](std::int64_t a, std::int64_t b) {
    const auto it = raw.step_ways.find({a, b});
    return it == raw.step_ways.end() ? std::vector<std::int64_t>{} : it->second;
  };
  auto has = [](const std::vector<std::int64_t>& v, std::int64_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  int count = 0;
  // Over via ways: from the from way, every step on a via way (all of them
  // used), then a step on the to way.
  for (const auto* r : over_ways) {
    for (std::size_t k = 1; k + 1 < path.size(); ++k) {
      if (!has(ways(path[k - 1], path[k]), r->from_way)) continue;
      std::vector<std::int64_t> used;
      std::size_t j = k;
      for (; j + 1 < path.size(); ++j) {
        const auto on = ways(path[j], path[j + 1]);
        const auto via =
            std::find_if(r->via_ways.begin(), r->via_ways.end(), [&](std::int64_t w) { return has(on, w); });
        if (via == r->via_ways.end()) break;
        used.push_back(*via);
      }
      const bool all =
          std::all_of(r->via_ways.begin(), r->via_ways.end(), [&](std::int64_t w) { return has(used, w); });
      if (all && j + 1 < path.size() && has(ways(path[j], path[j + 1]), r->to_way)) ++count;
    }
  }
  for (std::size_t k = 1; k + 1 < path.size(); ++k) {
    const auto p = path[k - 1], n = path[k], q = path[k + 1];
    const auto in = ways(p, n), out = ways(n, q);
    for (auto [it, end] = at.equal_range(n); it != end; ++it) {
      const auto& r = *it->second;
      if (!has(in, r.from_way)) continue;
      // A restriction from a way onto itself is a U-turn restriction.
      const bool onto = has(out, r.to_way) && (r.from_way != r.to_way || q == p);
      if (r.only ? !has(out, r.to_way) : onto) ++count;
    }
  }
  return count;
}

TEST_P(TurnRestrictionsOnExtract, RoutesMakeNoTurnTheRawRelationsForbid) {
  const auto pbf = testing::osm_extract(GetParam());
  const auto raw = testing::read_raw_osm(pbf);
  ASSERT_FALSE(raw.restrictions.empty());
  const auto g = graph::build(osm::read_osm(pbf, osm::Profile::defaults()));
  ASSERT_FALSE(g.turn_from.empty());
  // The relations whose ways both pass their via node on the roads.
  std::set<std::pair<std::int64_t, std::int64_t>> enters, leaves;  // (node, way)
  for (const auto& [step, ws] : raw.step_ways) {
    for (auto w : ws) {
      leaves.emplace(step.first, w);
      enters.emplace(step.second, w);
    }
  }
  std::multimap<std::int64_t, const testing::RawTurnRestriction*> at;
  std::vector<const testing::RawTurnRestriction*> over_ways;  // no_* over via ways
  for (const auto& r : raw.restrictions) {
    if (r.via_node == 0) {
      if (!r.only) over_ways.push_back(&r);
      continue;
    }
    if (enters.count({r.via_node, r.from_way}) > 0 && leaves.count({r.via_node, r.to_way}) > 0) {
      at.emplace(r.via_node, &r);
    }
  }

  auto free = g;
  free.turn_from.clear();
  free.turn_to.clear();
  route::Router with(g, route::Algorithm::cch, nullptr), without(free, route::Algorithm::cch, nullptr);
  std::mt19937_64 rng(testing::test_seed() + 11);
  // Routes from and to the restricted junctions' neighbourhoods, where the
  // turns are, and across the map.
  std::vector<graph::NodeId> junctions;
  for (graph::NodeId v = 0; v < g.node_count(); ++v) {
    if (at.count(g.node_id[v]) > 0) junctions.push_back(v);
  }
  ASSERT_FALSE(junctions.empty());
  std::uniform_int_distribution<graph::NodeId> any(0, g.node_count() - 1);
  std::uniform_int_distribution<std::size_t> junction(0, junctions.size() - 1);
  // Random pairs, then each forbidden chain's ends (the manoeuvre itself).
  std::vector<std::pair<graph::NodeId, graph::NodeId>> pairs;
  for (int i = 0; i < 400; ++i) pairs.emplace_back(any(rng), i % 2 == 0 ? any(rng) : junctions[junction(rng)]);
  for (std::size_t c = 0; c + 1 < g.turn_chain_first.size(); ++c) {
    pairs.emplace_back(g.tail[g.turn_chain_arc[g.turn_chain_first[c]]],
                       g.head[g.turn_chain_arc[g.turn_chain_first[c + 1] - 1]]);
  }
  int made_without = 0, routes = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [s, t] = pairs[i];
    const auto r = with.run(s, t);
    const auto plain = without.run(s, t);
    if (!r.found) continue;
    ASSERT_TRUE(plain.found) << "restrictions cannot open a route";
    ++routes;
    std::vector<std::int64_t> path, free_path;
    for (auto v : route::route_nodes(g, r)) path.push_back(g.node_id[v]);
    for (auto v : route::route_nodes(g, plain)) free_path.push_back(g.node_id[v]);
    ASSERT_EQ(forbidden_turns(raw, path, at, over_ways), 0) << "route " << i << " from node " << path.front();
    EXPECT_GE(r.time_ms, plain.time_ms) << "a restriction cannot make a route faster";
    made_without += forbidden_turns(raw, free_path, at, over_ways);
  }
  EXPECT_GT(routes, 200);
  EXPECT_GT(made_without, 0) << "without the restrictions some route should make a forbidden turn";
  std::printf(
      "%s: %zu restrictions over a node on the roads, %zu no_* over via ways, %d routes, %d forbidden turns "
      "made without them\n",
      GetParam().c_str(), at.size(), over_ways.size(), routes, made_without);
}

INSTANTIATE_TEST_SUITE_P(RealExtracts, TurnRestrictionsOnExtract,
                         ::testing::Values("heidelberg-ors-test.osm.pbf", "milan-small.osm.pbf"),
                         [](const auto& extract) { return extract.param.substr(0, extract.param.find('-')); });

}  // namespace
}  // namespace corridor

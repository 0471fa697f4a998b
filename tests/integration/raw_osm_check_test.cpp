// Checks `corridor route` output against the raw OSM data, read here with
// libosmium independently of the importer: every step of a path is a pair of
// consecutive nodes of one highway way, driven in a direction its tags
// allow, and the duration is the sum of length / speed recomputed from the
// raw coordinates and tags.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "raw_osm.hpp"
#include "test_support.hpp"

namespace corridor {
namespace {

class RawOsmCheck : public ::testing::TestWithParam<std::string> {};

TEST_P(RawOsmCheck, RoutesFollowRawWaysAndTimes) {
  const auto pbf = testing::osm_extract(GetParam());
  const auto raw = testing::read_raw_osm(pbf);
  testing::TempDir dir;
  const auto graph = (dir / "map.graph").string();
  ASSERT_EQ(testing::run_corridor({"import", pbf.string(), "-o", graph, "--quiet"}).exit_code, 0);

  std::mt19937_64 rng(testing::test_seed() + 7);
  std::uniform_int_distribution<std::size_t> pick(0, raw.road_points.size() - 1);
  int checked = 0;
  for (int i = 0; i < 12; ++i) {
    const auto a = raw.road_points[pick(rng)], b = raw.road_points[pick(rng)];
    auto fmt = [](std::pair<double, double> p) { return std::to_string(p.first) + "," + std::to_string(p.second); };
    const auto r = testing::run_corridor({"route", graph, "--from", fmt(a), "--to", fmt(b)});
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.err;
    if (r.exit_code == 3) continue;  // e.g. a one-way dead end: NoRoute is a valid answer
    const auto out = nlohmann::json::parse(r.out);
    const auto path = out["path"].get<std::vector<std::int64_t>>();
    // The points snap inside segments: the first and last steps are driven
    // from and to the snapped points, the share the snap's fraction says.
    const auto steps = path.size() - 1;
    auto share = [&](const nlohmann::json& snap, std::size_t k, bool first) {
      const auto& s = snap["segment"];
      const double f = s["fraction"].get<double>();
      const auto from = s["from_node"].get<std::int64_t>(), to = s["to_node"].get<std::int64_t>();
      if (f <= 0 || f >= 1) return 1.0;  // on a node: the whole step
      if (path[k] == from && path[k + 1] == to) return first ? 1 - f : f;
      EXPECT_TRUE(path[k] == to && path[k + 1] == from) << "the route does not start and end on its snapped segments";
      return first ? f : 1 - f;
    };
    double seconds = 0, metres = 0;
    for (std::size_t k = 0; k < steps; ++k) {
      const auto it = raw.steps.find({path[k], path[k + 1]});
      ASSERT_NE(it, raw.steps.end()) << "step " << path[k] << " -> " << path[k + 1]
                                     << " is not an allowed segment of any routable way";
      double part = 1;
      if (k == 0) part = share(out["snap"]["from"], k, true);
      if (k + 1 == steps) part += share(out["snap"]["to"], k, false) - 1;
      // The importer rounds each segment to whole milliseconds.
      seconds += part * std::max(0.001, std::round(it->second.seconds() * 1000) / 1000);
      metres += part * it->second.length_m;
    }
    EXPECT_NEAR(out["duration_s"].get<double>(), seconds, 0.001 * static_cast<double>(path.size()));
    EXPECT_NEAR(out["distance_m"].get<double>(), metres, 0.01 * static_cast<double>(path.size()) + 0.5);
    ++checked;
  }
  EXPECT_GT(checked, 5);
}

INSTANTIATE_TEST_SUITE_P(RealExtracts, RawOsmCheck,
                         ::testing::Values("andorra-2021-10.osm.pbf", "monaco-2016-03.osm.pbf",
                                           "rhein-neckar-rnv-2016-12.osm.pbf"),
                         [](const auto& param_info) { return param_info.param.substr(0, param_info.param.find('-')); });

}  // namespace
}  // namespace corridor

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
    double seconds = 0, metres = 0;
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      const auto it = raw.steps.find({path[k], path[k + 1]});
      ASSERT_NE(it, raw.steps.end()) << "step " << path[k] << " -> " << path[k + 1]
                                     << " is not an allowed segment of any routable way";
      // The importer rounds each segment to whole milliseconds.
      seconds += std::max(0.001, std::round(it->second.seconds() * 1000) / 1000);
      metres += it->second.length_m;
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

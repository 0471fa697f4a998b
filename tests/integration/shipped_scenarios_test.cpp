// The shipped exercise scenarios, end to end through the real binary:
// import, plan, and the plan accepted by `corridor check` and by a check
// against the raw OSM data; the summary carries bounds and they hold;
// every checkpoint is reported with the vehicles that pass it.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "raw_osm.hpp"
#include "test_support.hpp"

namespace corridor {
namespace {

struct Shipped {
  const char* scenario;
  const char* extract;
};

class ShippedScenario : public ::testing::TestWithParam<Shipped> {};

TEST_P(ShippedScenario, PlansChecksValidAndReportsItsGap) {
  const auto& param = GetParam();
  testing::TempDir dir;
  const auto pbf = testing::osm_extract(param.extract);
  const auto scenario = testing::shipped_scenario(param.scenario).string();
  const auto graph = (dir / "map.graph").string();
  const auto plan = (dir / "plan.json").string();
  ASSERT_EQ(testing::run_corridor({"import", pbf.string(), "-o", graph, "--quiet"}).exit_code, 0);
  const auto planned = testing::run_corridor({"plan", graph, scenario, "-o", plan, "--geojson",
                                              (dir / "plan.geojson").string(), "--csv", (dir / "plan.csv").string()});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_NE(planned.err.find("people out"), std::string::npos) << planned.err;
  EXPECT_NE(planned.err.find("ceasefire"), std::string::npos) << planned.err;

  const auto checked = testing::run_corridor({"check", graph, scenario, plan});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  std::ifstream in(plan);
  const auto doc = nlohmann::json::parse(in);
  const auto& s = doc["summary"];
  ASSERT_GT(doc["movements"].size(), 10u);
  EXPECT_GT(s["people_evacuated"].get<std::int64_t>(), 0);
  EXPECT_LE(s["people_evacuated"].get<std::int64_t>(), s["upper_bound_people"].get<std::int64_t>());
  if (s["people_evacuated"] == s["people"]) {
    ASSERT_FALSE(s["lower_bound_s"].is_null());
    EXPECT_LE(s["lower_bound_s"].get<double>(), s["egress_s"].get<double>() + 1e-3);
    EXPECT_GE(s["egress_gap"].get<double>(), 1.0);
  } else {
    EXPECT_TRUE(s["lower_bound_s"].is_null());
    EXPECT_FALSE(doc["unmet"].empty());
  }
  EXPECT_GE(s["people_gap"].get<double>(), 1.0);

  // Each checkpoint's line says how many vehicles pass it (leave its node),
  // as the plan's paths have it, or that none does.
  for (const auto& snap : doc["snaps"]) {
    if (snap["kind"] != "checkpoint") continue;
    std::int64_t vehicles = 0;
    for (const auto& m : doc["movements"]) {
      const auto& path = m["path"];
      for (std::size_t k = 0; k + 1 < path.size(); ++k) {
        if (path[k] == snap["node"]) vehicles += m["vehicles"].get<std::int64_t>();
      }
    }
    const auto line = "checkpoint " + snap["id"].get<std::string>() + ": " +
                      (vehicles > 0 ? std::to_string(vehicles) + " vehicles pass it" : "no movement passes it");
    EXPECT_NE(planned.err.find(line), std::string::npos) << line << "\n" << planned.err;
  }

  // Against the raw OSM data: every step a drivable segment of a road in an
  // allowed direction, never faster than free flow.
  const auto raw = testing::read_raw_osm(pbf);
  std::size_t steps = 0;
  for (const auto& m : doc["movements"]) {
    const auto path = m["path"].get<std::vector<std::int64_t>>();
    const auto times = m["times_s"].get<std::vector<double>>();
    ASSERT_EQ(path.size(), times.size());
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      const auto it = raw.steps.find({path[k], path[k + 1]});
      ASSERT_NE(it, raw.steps.end()) << path[k] << " -> " << path[k + 1] << " is not a drivable segment";
      ASSERT_GE(times[k + 1] - times[k], it->second.seconds() - 0.002) << "faster than free flow";
      ++steps;
    }
  }
  EXPECT_GT(steps, 1000u);
}

INSTANTIATE_TEST_SUITE_P(
    Exercises, ShippedScenario,
    ::testing::Values(Shipped{"andorra-exercise.geojson", "andorra-2021-10.osm.pbf"},
                      Shipped{"mannheim-exercise.geojson", "rhein-neckar-rnv-2016-12.osm.pbf"}),
    [](const auto& param_info) {
      return std::string(param_info.param.scenario).substr(0, std::string(param_info.param.scenario).find('-'));
    });

}  // namespace
}  // namespace corridor

// The shipped city-scale pedestrian instance (bench/instances/README.md):
// its generator reproduces it byte for byte from the Heidelberg extract, it
// imports (227 links of 0 s among them), and its plan passes `corridor
// check` within 5 % of its proven lower bound.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor {
namespace {

const std::filesystem::path k_shipped = std::filesystem::path(CORRIDOR_SOURCE_DIR) / "bench/instances/heidelberg-walk";

TEST(WalkInstance, TheGeneratorReproducesTheShippedFilesAndTheyPlanAndCheck) {
  testing::TempDir dir;
  const auto graph = (dir / "heidelberg.graph").string();
  ASSERT_EQ(testing::run_corridor(
                {"import", testing::osm_extract("heidelberg-ors-test.osm.pbf").string(), "-o", graph, "--quiet"})
                .exit_code,
            0);
  const auto out = dir / "walk";
  const auto command = std::string(CORRIDOR_MAKE_WALK_INSTANCE) + " '" + graph + "' '" + out.string() + "' 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  for (const char* file : {"network.geojson", "scenario.geojson"}) {
    EXPECT_TRUE(testing::read_text(out / file) == testing::read_text(k_shipped / file))
        << file << " differs from the shipped one: run bash bench/instances/make.sh and commit the result";
  }

  const auto walk = (dir / "walk.graph").string();
  const auto imported = testing::run_corridor({"import", (k_shipped / "network.geojson").string(), "-o", walk});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(testing::has(imported.err, "5995 nodes, 15338 arcs")) << imported.err;

  const auto scenario = (k_shipped / "scenario.geojson").string();
  const auto plan = (dir / "plan.json").string();
  const auto planned = testing::run_corridor({"plan", walk, scenario, "-o", plan});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  const auto checked = testing::run_corridor({"check", walk, scenario, plan});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  std::ifstream in(plan);
  const auto doc = nlohmann::json::parse(in);
  const auto& s = doc["summary"];
  EXPECT_EQ(s["people"], 29718);
  EXPECT_EQ(s["people_evacuated"], 29718);
  ASSERT_FALSE(s["lower_bound_s"].is_null());
  EXPECT_LE(s["lower_bound_s"].get<double>(), s["egress_s"].get<double>());
  // Destination capacities bind here: the plan is guided by the assignment
  // of people to destinations, and the assignment bound proves it within 5 %.
  EXPECT_EQ(s["lower_bound_method"], "assignment") << s.dump();
  EXPECT_LE(s["egress_s"].get<double>(), 1.05 * s["lower_bound_s"].get<double>()) << s.dump();
}

}  // namespace
}  // namespace corridor

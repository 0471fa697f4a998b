// `corridor simulate` through the real binary on the Andorra exercise: the
// plan reproduced without incidents, the default model's summary, JSON and
// GeoJSON, the same result on one and two threads, re-planning side by
// side, and bad input.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor::testing {
namespace {

using nlohmann::json;

class CliSimulate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    run({"import", osm_extract("andorra-2021-10.osm.pbf").string(), "-o", p("map.graph"), "--quiet"});
    run({"plan", p("map.graph"), scenario(), "-o", p("plan.json"), "--quiet"});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static CommandResult run(const std::vector<std::string>& args, int expected = 0) {
    const auto r = run_corridor(args);
    if (r.exit_code != expected) ADD_FAILURE() << args[0] << " exited " << r.exit_code << ": " << r.err << r.out;
    return r;
  }
  static std::string p(const std::string& name) { return (dir_->path() / name).string(); }
  static json read_json(const std::string& name) {
    std::ifstream in(p(name));
    return json::parse(in);
  }
  static std::string scenario() { return shipped_scenario("andorra-exercise.geojson").string(); }
  static CommandResult simulate(std::vector<std::string> extra, int expected = 0) {
    std::vector<std::string> args{"simulate", p("map.graph"), scenario(), p("plan.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, expected);
  }
  static TempDir* dir_;
};
TempDir* CliSimulate::dir_ = nullptr;

TEST_F(CliSimulate, WithoutIncidentsEveryRunIsThePlan) {
  simulate({"--runs", "3", "--json", p("quiet.json"), "-q"});
  const auto plan = read_json("plan.json");
  const auto sim = read_json("quiet.json");
  EXPECT_EQ(sim["runs"], 3);
  EXPECT_EQ(sim["people_out"]["min"], plan["summary"]["people_evacuated"]);
  EXPECT_EQ(sim["people_out"]["max"], plan["summary"]["people_evacuated"]);
  EXPECT_EQ(sim["egress_s"]["max"], plan["summary"]["egress_s"]);
  EXPECT_EQ(sim["egress_s"]["min"], plan["summary"]["egress_s"]);
  EXPECT_EQ(sim["windows"][0]["p_suffices"], 1.0);
}

TEST_F(CliSimulate, TheDefaultModelPrintsDistributionsAndFragileCorridors) {
  const auto r = simulate({"--incidents", "--runs", "50", "--seed", "7", "--threads", "1", "--json", p("one.json"),
                           "--geojson", p("blocking.geojson")});
  for (const char* part : {"50 runs (seed 7)", "people out by the horizon", "P90", "egress", "window valley-ceasefire",
                           "most fragile corridors:", "1. "}) {
    EXPECT_TRUE(has(r.out, part)) << part << "\n" << r.out;
  }
  const auto sim = read_json("one.json");
  for (const char* key : {"runs", "people_out", "egress_s", "windows", "fragile", "corridors", "model"}) {
    EXPECT_TRUE(sim.contains(key)) << key;
  }
  for (const char* key : {"mean", "p10", "p50", "p90", "min", "max"}) EXPECT_TRUE(sim["egress_s"].contains(key)) << key;
  EXPECT_LE(sim["people_out"]["max"].get<double>(),
            read_json("plan.json")["summary"]["people_evacuated"].get<double>());
  ASSERT_FALSE(sim["fragile"].empty());
  const auto blocking = read_json("blocking.geojson");
  EXPECT_EQ(blocking["attribution"], "© OpenStreetMap contributors");
  ASSERT_FALSE(blocking["features"].empty());
  EXPECT_GT(blocking["features"][0]["properties"]["blocked_share"].get<double>(), 0);

  // The same seed on two threads: the same JSON, byte for byte.
  simulate({"--incidents=default", "--runs", "50", "--seed", "7", "--threads", "2", "--json", p("two.json"), "-q"});
  std::ifstream one(p("one.json")), two(p("two.json"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(one), {}), std::string(std::istreambuf_iterator<char>(two), {}));
}

TEST_F(CliSimulate, ReplanDrivesTheSameRunsReplanningSideBySide) {
  const auto r = simulate({"--incidents", "--runs", "4", "--seed", "3", "--replan", "--json", p("replan.json")});
  for (const char* part :
       {"convoys wait for closed roads to open:", "the operation re-plans when a hazard", "re-plans a run: mean"}) {
    EXPECT_TRUE(has(r.out, part)) << part << "\n" << r.out;
  }
  const auto sim = read_json("replan.json");
  ASSERT_TRUE(sim.contains("replan")) << sim.dump();
  for (const char* key : {"people_out", "egress_s", "p_complete", "windows", "replans"}) {
    EXPECT_TRUE(sim["replan"].contains(key)) << key;
  }
  EXPECT_EQ(sim["replan"]["windows"].size(), sim["windows"].size());
  EXPECT_LE(sim["replan"]["people_out"]["max"].get<double>(), 23000);
}

TEST_F(CliSimulate, BadModelsAndOptionsGetAClearError) {
  { std::ofstream(p("bad.json")) << R"({"hazards": {"per_hour": 1, "duration_min": [180, 30]}})"; }
  auto r = simulate({"--incidents=" + p("bad.json")}, 2);
  EXPECT_TRUE(has(r.err, "hazards.duration_min: the range is reversed")) << r.err;
  {
    std::ofstream(p("area.json")) << R"({"hazards": {"per_hour": 1, "areas": ["front-west"], "duration_min": [1, 2]}})";
  }
  r = simulate({"--incidents=" + p("area.json")}, 2);
  EXPECT_TRUE(has(r.err, "hazards.areas[0]")) << r.err;
  EXPECT_TRUE(has(r.err, "northern-heights")) << r.err;
  r = simulate({"--incidents=" + p("missing.json")}, 2);
  EXPECT_TRUE(has(r.err, "missing.json")) << r.err;
  r = simulate({"--runs", "0"}, 2);
  EXPECT_TRUE(has(r.err, "--runs")) << r.err;
}

}  // namespace
}  // namespace corridor::testing

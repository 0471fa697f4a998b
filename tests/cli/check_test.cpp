// `corridor check` through the real binary: exit 0 for a valid plan, 1 with
// one line per violation for a broken one, 2 for files it cannot use.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ascii_map.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A street a-b-c-d of 100 m segments (residential: 600 veh/h, 10 per minute)
// and a detour a-e-f-d; 400 people at a go to a camp at d.
//
//   a---b---c---d
//   |           |
//   e-----------f
class CliCheck : public ::testing::Test {
 protected:
  CliCheck()
      : map_(R"(
a---b---c---d
|           |
e-----------f
)",
             25.0) {
    map_.way("abcd", {{"highway", "residential"}});
    map_.way("aefd", {{"highway", "residential"}});
    const auto pbf = map_.write_pbf(dir_ / "map.osm.pbf");
    graph_ = dir_ / "map.graph";
    const auto r = run_corridor({"import", "-q", pbf.string(), "-o", graph_.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    scenario_ = write("scenario.geojson", scenario(400));
  }

  json point(char node) const {
    const auto p = map_.where(node);
    return {{"type", "Point"}, {"coordinates", {p.lon, p.lat}}};
  }

  json scenario(int people) const {
    json features = json::array();
    features.push_back(
        {{"type", "Feature"},
         {"geometry", point('a')},
         {"properties", {{"kind", "origin"}, {"id", "town"}, {"people", people}, {"persons_per_vehicle", 20}}}});
    features.push_back(
        {{"type", "Feature"},
         {"geometry", point('d')},
         {"properties", {{"kind", "destination"}, {"id", "camp"}, {"capacity", 1000}, {"controlled_by", "A"}}}});
    return {{"type", "FeatureCollection"},
            {"corridor",
             {{"name", "drawn street"},
              {"start", "2022-03-05T09:00:00+01:00"},
              {"horizon_hours", 12},
              {"parties", json::array({{{"id", "A"}, {"name", "Party A"}}, {{"id", "B"}, {"name", "Party B"}}})},
              {"rules", json::array({{{"party", "A"}, {"forbid", {{"destinations_controlled_by", {"B"}}}}}})}}},
            {"features", features}};
  }

  static json movement(int vehicles, int people, double t0) {
    json path = json::array();
    for (char c : std::string("abcd")) path.push_back(AsciiMap::osm_id(c));
    return {{"origin", "town"}, {"destination", "camp"}, {"vehicles", vehicles},
            {"people", people}, {"path", path},          {"times_s", {t0, t0 + 20, t0 + 40, t0 + 60}}};
  }

  // Two movements of 10 vehicles along a-b-c-d, in steps 0 and 1.
  static json valid_plan() {
    return {{"scenario", "drawn street"},
            {"start", "2022-03-05T09:00:00+01:00"},
            {"summary",
             {{"people", 400},
              {"people_evacuated", 400},
              {"vehicles", 20},
              {"egress_s", 120.0},
              {"lower_bound_s", 100.0},
              {"upper_bound_people", 400}}},
            {"movements", json::array({movement(10, 200, 0), movement(10, 200, 60)})},
            {"unmet", json::array()}};
  }

  fs::path write(const std::string& name, const json& document) const {
    const auto path = dir_ / name;
    std::ofstream(path) << document.dump(2);
    return path;
  }

  CommandResult check(const fs::path& plan, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"check", graph_.string(), scenario_.string(), plan.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_corridor(args);
  }

  TempDir dir_;
  AsciiMap map_;
  fs::path graph_;
  fs::path scenario_;
};

TEST_F(CliCheck, ValidPlanExitsZeroAndSaysWhatWasChecked) {
  const auto r = check(write("plan.json", valid_plan()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "plan is valid: 2 movements, 20 vehicles, 400 people checked against map.graph and scenario.geojson "
            "(6 segment entries, 0 hazards, 0 ceasefire zones, 0 checkpoints, 1 rule)\n");
}

TEST_F(CliCheck, EveryViolationIsOneLineAndTheExitCodeIsOne) {
  auto plan = valid_plan();
  // One vehicle too many enters a-b and b-c in step 0.
  plan["movements"][1] = movement(1, 20, 30);
  plan["unmet"].push_back({{"origin", "town"}, {"people", 180}, {"reason", "no time"}});
  plan["summary"] = {{"people", 400},  {"people_evacuated", 220},  {"vehicles", 11},
                     {"egress_s", 90}, {"lower_bound_s", nullptr}, {"upper_bound_people", 400}};
  const auto r = check(write("plan.json", plan));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out,
            "movements[1].path[0..1]: capacity: segment 1000 -> 1001 gets 11 vehicles entering in step 0 "
            "(2022-03-05T08:00:00Z to 2022-03-05T08:01:00Z), capacity 10 (600 vehicles/h); from movements 0, 1\n"
            "movements[1].path[1..2]: capacity: segment 1001 -> 1002 gets 11 vehicles entering in step 0 "
            "(2022-03-05T08:00:00Z to 2022-03-05T08:01:00Z), capacity 10 (600 vehicles/h); from movements 0, 1\n");
  EXPECT_TRUE(has(r.err, "plan is invalid: 2 violations (capacity 2)")) << r.err;
}

TEST_F(CliCheck, SeveralConstraintsAtOnce) {
  auto plan = valid_plan();
  plan["movements"][0]["times_s"] = {0, 5, 40, 60};         // too fast on a-b
  plan["movements"][1]["path"][3] = AsciiMap::osm_id('f');  // c -> f is no road
  plan["summary"]["vehicles"] = 19;
  const auto r = check(write("plan.json", plan));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "movements[0].times_s[0..1]: speed: takes 5 s over segment 1000 -> 1001")) << r.out;
  EXPECT_TRUE(has(r.out, "movements[1].path[2..3]: segment: there is no road segment 1002 -> 1005 in the map"))
      << r.out;
  EXPECT_TRUE(has(r.out, "movements[1].path[3]: snap: ends at node 1005, but destination \"camp\" snaps to node 1003"))
      << r.out;
  EXPECT_TRUE(has(r.out, "summary.vehicles: summary: is 19 but the movements use 20 vehicles")) << r.out;
}

TEST_F(CliCheck, JsonReport) {
  auto plan = valid_plan();
  plan["summary"]["people"] = 399;
  const auto bad = check(write("bad.json", plan), {"--json"});
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  const auto report = json::parse(bad.out);
  EXPECT_FALSE(report["valid"].get<bool>());
  ASSERT_EQ(report["violations"].size(), 1u) << report.dump(2);
  EXPECT_EQ(report["violations"][0]["constraint"], "summary");
  EXPECT_EQ(report["violations"][0]["path"], "summary.people");
  EXPECT_EQ(report["checked"]["movements"], 2);

  const auto good = check(write("good.json", valid_plan()), {"--json"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_TRUE(json::parse(good.out)["valid"].get<bool>());
}

TEST_F(CliCheck, PlanThatIsNotJsonIsAFormatViolation) {
  const auto path = dir_ / "plan.json";
  std::ofstream(path) << "movements: none";
  const auto r = check(path);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(has(r.out, "format: ")) << r.out;
  EXPECT_TRUE(has(r.out, "is not JSON")) << r.out;
}

TEST_F(CliCheck, MaxSnapDistanceApplies) {
  // The origin and the camp lie exactly on nodes: any positive distance snaps them.
  EXPECT_EQ(check(write("plan.json", valid_plan()), {"--max-snap-m", "0.5"}).exit_code, 0);
  const auto r = check(write("plan.json", valid_plan()), {"--max-snap-m", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--max-snap-m")) << r.err;
}

TEST_F(CliCheck, FilesItCannotUseExitTwo) {
  const auto plan = write("plan.json", valid_plan());
  const auto missing_plan = check(dir_ / "missing.json");
  EXPECT_EQ(missing_plan.exit_code, 2);
  EXPECT_TRUE(has(missing_plan.err, "missing.json")) << missing_plan.err;

  const auto missing_map = run_corridor({"check", (dir_ / "none.graph").string(), scenario_.string(), plan.string()});
  EXPECT_EQ(missing_map.exit_code, 2);
  EXPECT_TRUE(has(missing_map.err, "none.graph")) << missing_map.err;

  const auto bad_scenario = write("bad.geojson", scenario(-5));
  const auto r = run_corridor({"check", graph_.string(), bad_scenario.string(), plan.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "features[0].properties.people")) << r.err;

  EXPECT_EQ(run_corridor({"check", graph_.string(), scenario_.string()}).exit_code, 2);  // no plan given
}

TEST_F(CliCheck, IsListedAmongTheCommands) {
  const auto help = run_corridor({"--help"});
  EXPECT_TRUE(has(help.out, "check")) << help.out;
  const auto unknown = run_corridor({"chek"});
  EXPECT_TRUE(has(unknown.err, "check")) << unknown.err;
}

}  // namespace
}  // namespace corridor::testing

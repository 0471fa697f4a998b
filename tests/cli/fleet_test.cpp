// `corridor plan` and `corridor check` on the Andorra exercise's fleet
// variant (examples/fleet): 60 buses shuttling from the border to the three
// towns, the duty roster, the fleet-size report, and the commands that do
// not take fleets yet saying so.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor::testing {
namespace {

using nlohmann::json;

class CliFleet : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const auto imported =
        run_corridor({"import", osm_extract("andorra-2021-10.osm.pbf").string(), "-o", p("map.graph"), "--quiet"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    planned_ = new CommandResult(run_corridor({"plan", p("map.graph"), scenario(), "-o", p("plan.json"), "--csv",
                                               p("roster.csv"), "--geojson", p("plan.geojson")}));
  }
  static void TearDownTestSuite() {
    delete planned_;
    delete dir_;
  }
  static std::string p(const std::string& name) { return (dir_->path() / name).string(); }
  static std::string scenario() { return example("fleet/andorra-fleet.geojson").string(); }
  static json read_json(const std::string& name) {
    std::ifstream in(p(name));
    return json::parse(in);
  }
  static TempDir* dir_;
  static CommandResult* planned_;
};
TempDir* CliFleet::dir_ = nullptr;
CommandResult* CliFleet::planned_ = nullptr;

TEST_F(CliFleet, PlansEveryoneOutAndChecks) {
  ASSERT_EQ(planned_->exit_code, 0) << planned_->err;
  EXPECT_TRUE(has(planned_->err, "people out      23000 of 23000")) << planned_->err;
  EXPECT_TRUE(has(planned_->err, "fleet           60 of 60 vehicles")) << planned_->err;
  const auto plan = read_json("plan.json");
  EXPECT_EQ(plan["summary"]["people_evacuated"], 23000);
  EXPECT_EQ(plan["summary"]["vehicles"], 60);
  EXPECT_EQ(plan["fleet"].size(), 60u);
  EXPECT_EQ(plan["fleet"][0]["legs"][0]["kind"], "inbound");
  EXPECT_EQ(plan["fleet"][0]["legs"][0]["from"], "la-seu-depot");
  // Bounds around the plan, from the round trips.
  EXPECT_LE(plan["summary"]["lower_bound_s"].get<double>(), plan["summary"]["egress_s"].get<double>());
  EXPECT_EQ(plan["summary"]["lower_bound_method"], "fleet round trips");
  const auto c = run_corridor({"check", p("map.graph"), scenario(), p("plan.json")});
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_TRUE(has(c.out, "fleet legs, 60 vehicles, 23000 people")) << c.out;
}

TEST_F(CliFleet, AnswersTheFleetSizeQuestions) {
  ASSERT_EQ(planned_->exit_code, 0) << planned_->err;
  const auto report = read_json("plan.json")["fleet_report"];
  EXPECT_EQ(report["vehicles"], 60);
  ASSERT_EQ(report["sizes"].size(), 5u);  // 40, 50, 60, 70, 80 vehicles
  EXPECT_EQ(report["sizes"][0]["vehicles"], 40);
  EXPECT_EQ(report["sizes"][2]["egress_s"], read_json("plan.json")["summary"]["egress_s"]);
  // More vehicles never take longer here.
  for (std::size_t i = 1; i < report["sizes"].size(); ++i)
    EXPECT_LE(report["sizes"][i]["egress_s"].get<double>(), report["sizes"][i - 1]["egress_s"].get<double>());
  ASSERT_EQ(report["windows"].size(), 1u);
  EXPECT_LE(report["windows"][0]["vehicles_needed"].get<int>(), 60);  // the plan itself fits its window
  EXPECT_TRUE(has(planned_->err, "round trips a vehicle")) << planned_->err;
  EXPECT_TRUE(has(planned_->err, "everyone is out before it closes with")) << planned_->err;
}

TEST_F(CliFleet, RosterAndMapShowEveryLeg) {
  ASSERT_EQ(planned_->exit_code, 0) << planned_->err;
  const auto csv = read_text(p("roster.csv"));
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "vehicle,leg,kind,from,to,vehicles,people,aid_t,departure_utc,arrival_utc,departure_local,arrival_local,"
            "travel_min,via");
  EXPECT_TRUE(has(csv, "\"la-seu-depot/1\",1,inbound,\"la-seu-depot\"")) << csv.substr(0, 400);
  const auto geo = read_json("plan.geojson");
  const auto plan = read_json("plan.json");
  std::size_t legs = 0;
  for (const auto& v : plan["fleet"]) legs += v["legs"].size();
  EXPECT_EQ(geo["features"].size(), legs);
  EXPECT_EQ(geo["features"][0]["properties"]["vehicle"], "la-seu-depot/1");
}

TEST_F(CliFleet, CommandsThatDriveMovementsOnlySaySo) {
  ASSERT_EQ(planned_->exit_code, 0) << planned_->err;
  const auto r = run_corridor({"simulate", p("map.graph"), scenario(), p("plan.json"), "--runs", "2"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(has(r.err, "shuttle fleet")) << r.err;
}

}  // namespace
}  // namespace corridor::testing

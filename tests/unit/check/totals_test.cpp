// Capacities per time step, fleets, loads, conservation of people,
// destination capacities and the summary.
#include "check_testing.hpp"

namespace corridor::check::testing {
namespace {

using Found = std::vector<std::string>;

TEST(CheckTotals, OneVehicleTooManyOnASegmentInOneStep) {
  auto plan = base_plan();
  // 10 + 1 vehicles enter a-b (and b-c) in step 0; residential: 600 veh/h = 10 per minute.
  plan["movements"][1] = movement("town", "camp", 1, 20, "abcd", {30, 50, 70, 90});
  plan["unmet"].push_back({{"origin", "town"}, {"people", 180}, {"reason", "no time"}});
  fix_summary(plan);
  plan["summary"]["lower_bound_s"] = nullptr;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), (Found{"movements[1].path[0..1] capacity", "movements[1].path[1..2] capacity"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[1].path[0..1]"),
            "segment 1000 -> 1001 gets 11 vehicles entering in step 0 (2022-03-05T08:00:00Z to "
            "2022-03-05T08:01:00Z), capacity 10 (600 vehicles/h); from movements 0, 1");
}

TEST(CheckTotals, CapacityCountsEntriesNotVehiclesOnTheRoad) {
  auto plan = base_plan();
  // Movement 1 enters a-b at 60 s, the first instant of step 1, while movement 0 is still on b-c-d.
  plan["movements"][1]["times_s"] = {60, 80, 100, 120};
  EXPECT_TRUE(run_check(base_scenario(), plan).valid());
  plan["movements"][1]["times_s"] = {59.999, 80, 100, 120};
  EXPECT_EQ(found(run_check(base_scenario(), plan)), Found{"movements[1].path[0..1] capacity"});
}

TEST(CheckTotals, CheckpointOverCapacity) {
  auto s = base_scenario();
  s["features"].push_back(feature(
      point_at('b'), {{"kind", "checkpoint"}, {"id", "cp-m"}, {"vehicles_per_hour", 540}, {"operated_by", "M"}}));
  const auto report = run_check(s, base_plan());
  EXPECT_EQ(found(report),
            (Found{"movements[0].path[1] checkpoint-capacity", "movements[1].path[1] checkpoint-capacity"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].path[1]"),
            "checkpoint \"cp-m\" (node 1001) is passed by 10 vehicles in step 0 (2022-03-05T08:00:00Z to "
            "2022-03-05T08:01:00Z), capacity 9 (540 vehicles/h); from movement 0");
}

TEST(CheckTotals, DestinationOverCapacity) {
  auto s = base_scenario();
  feature_named(s, "camp")["properties"]["capacity"] = 300;
  const auto report = run_check(s, base_plan());
  EXPECT_EQ(found(report), Found{"movements[1].people destination-capacity"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[1].people"),
            "destination \"camp\" receives 400 people (movements 0, 1), capacity 300");
}

TEST(CheckTotals, TooManyVehiclesForTheFleet) {
  auto plan = base_plan();
  plan["movements"].push_back(movement("town", "camp", 1, 0, "abcd", {120, 140, 160, 180}));
  fix_summary(plan);
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[2].vehicles fleet"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[2].vehicles"),
            "origin \"town\" sends 21 vehicles (movements 0, 1, 2) but its fleet is 20 (400 people, 20 per vehicle)");
}

TEST(CheckTotals, MorePeopleThanTheVehiclesSeat) {
  auto plan = base_plan();
  plan["movements"][0]["people"] = 190;
  plan["movements"][1]["people"] = 210;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[1].people load"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[1].people"),
            "210 people do not fit in 10 vehicles of 20 persons (origin \"town\"): at most 200");
}

TEST(CheckTotals, PeopleNotConserved) {
  auto plan = base_plan();
  plan["movements"][1]["people"] = 180;
  fix_summary(plan);
  plan["summary"]["lower_bound_s"] = nullptr;
  auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"unmet conservation"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "unmet"),
            "origin \"town\" has 400 people; its movements carry 380 and unmet lists 0: 20 people are unaccounted for");

  plan["unmet"].push_back({{"origin", "town"}, {"people", 40}, {"reason", "no room"}});
  report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"unmet[0].people conservation"}) << all_lines(report);
  EXPECT_TRUE(has(message_at(report, "unmet[0].people"), "unmet lists 40: 20 people too many"));
}

TEST(CheckTotals, WrongSummaryNumbers) {
  auto plan = base_plan();
  plan["summary"] = {{"people", 401},     {"people_evacuated", 399},  {"vehicles", 19},
                     {"egress_s", 119.0}, {"lower_bound_s", 130.0},   {"upper_bound_people", 300},
                     {"egress_gap", 2.0}, {"people_gap", 300.0 / 399}};
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report),
            (Found{"summary.egress_gap summary", "summary.egress_s summary", "summary.lower_bound_s summary",
                   "summary.people summary", "summary.people_evacuated summary", "summary.upper_bound_people summary",
                   "summary.vehicles summary"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "summary.egress_s"), "is 119 s but the last movement arrives at 120 s");
  EXPECT_EQ(message_at(report, "summary.lower_bound_s"),
            "is 130 s, more than this plan's egress time 120 s: it is not a lower bound");
  EXPECT_EQ(message_at(report, "summary.upper_bound_people"),
            "is 300, fewer than the 400 people this plan evacuates: it is not an upper bound");
}

TEST(CheckTotals, NoLowerBoundWhileEveryoneGetsOut) {
  auto plan = base_plan();
  plan["summary"]["lower_bound_s"] = nullptr;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"summary.lower_bound_s summary"}) << all_lines(report);
  EXPECT_TRUE(has(message_at(report, "summary.lower_bound_s"), "yet this plan evacuates all 400 people"));
}

TEST(CheckTotals, GapsThatAgreeWithTheSummaryPass) {
  auto plan = base_plan();
  plan["summary"]["egress_gap"] = 1.2;
  plan["summary"]["people_gap"] = 1.0;
  EXPECT_TRUE(run_check(base_scenario(), plan).valid());
}

}  // namespace
}  // namespace corridor::check::testing

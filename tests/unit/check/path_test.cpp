// A movement's path and times: where it starts and ends, which segments it
// drives in which direction, how fast, and when.
#include "check_testing.hpp"

namespace corridor::check::testing {
namespace {

using Found = std::vector<std::string>;

TEST(CheckPath, PathNotStartingAtTheOriginsNode) {
  auto plan = base_plan();
  plan["movements"][0] = movement("town", "camp", 10, 200, "bcd", {20, 40, 60});
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[0].path[0] snap"}) << all_lines(report);
  const auto message = message_at(report, "movements[0].path[0]");
  EXPECT_TRUE(has(message, "starts at node 1001, but origin \"town\" snaps to node 1000")) << message;
}

TEST(CheckPath, PathNotEndingAtTheDestinationsNode) {
  auto plan = base_plan();
  plan["movements"][1] = movement("town", "camp", 10, 200, "abc", {60, 80, 100});
  fix_summary(plan);
  plan["summary"]["lower_bound_s"] = 60.0;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[1].path[2] snap"}) << all_lines(report);
  EXPECT_TRUE(has(message_at(report, "movements[1].path[2]"), "destination \"camp\" snaps to node 1003"));
}

TEST(CheckPath, SnapsThatDisagreeWithTheChecker) {
  auto plan = base_plan();
  plan["snaps"][1]["node"] = id('c');
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"snaps[1].node snap"}) << all_lines(report);
  EXPECT_TRUE(has(message_at(report, "snaps[1].node"), "destination \"camp\" snaps to node 1003 (0 m away), not 1002"));
}

TEST(CheckPath, SegmentThatDoesNotExist) {
  auto plan = base_plan();
  plan["movements"][0] = movement("town", "camp", 10, 200, "acd", {0, 40, 60});
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[0].path[0..1] segment"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].path[0..1]"), "there is no road segment 1000 -> 1002 in the map");
}

TEST(CheckPath, NodeThatIsNotInTheMap) {
  auto plan = base_plan();
  plan["movements"][0]["path"][1] = 987654321;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[0].path[1] segment"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].path[1]"), "node 987654321 is not a node of the map");
}

TEST(CheckPath, OneWayDrivenBackwards) {
  auto plan = base_plan();
  // d -> h against the one-way h -> d.
  plan["movements"][1] = movement("town", "south-camp", 10, 200, "abcdh", {60, 80, 100, 120, 140});
  fix_summary(plan);
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[1].path[3..4] segment"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[1].path[3..4]"),
            "segment 1003 -> 1007 drives a one-way road backwards (only 1007 -> 1003 is allowed)");
}

TEST(CheckPath, OneWayDrivenTheRightWayIsFine) {
  auto plan = base_plan();
  plan["movements"][1] = movement("town", "camp", 10, 200, "aefghd", {60, 70, 90, 110, 130, 140});
  fix_summary(plan);
  const auto report = run_check(base_scenario(), plan);
  EXPECT_TRUE(report.valid()) << all_lines(report);
}

TEST(CheckPath, FasterThanFreeFlow) {
  auto plan = base_plan();
  plan["movements"][0]["times_s"] = {0, 10, 40, 60};  // 100 m in 10 s is 36 km/h on a 25 km/h street
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[0].times_s[0..1] speed"}) << all_lines(report);
  const auto message = message_at(report, "movements[0].times_s[0..1]");
  EXPECT_TRUE(has(message, "takes 10 s over segment 1000 -> 1001 (100 m), faster than its free-flow time 14."))
      << message;
}

TEST(CheckPath, TimesThatGoBackwards) {
  auto plan = base_plan();
  plan["movements"][0]["times_s"] = {0, 20, 15, 60};
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[0].times_s[1..2] speed"}) << all_lines(report);
  EXPECT_TRUE(has(message_at(report, "movements[0].times_s[1..2]"),
                  "passes node 1002 at 2022-03-05T08:00:15Z (+15 s, step 0), before passing node 1001 at "
                  "2022-03-05T08:00:20Z"));
}

TEST(CheckPath, DepartureBeforeTheEarliestDeparture) {
  auto s = base_scenario();
  feature_named(s, "town")["properties"]["earliest_departure"] = "2022-03-05T09:01:00+01:00";
  const auto report = run_check(s, base_plan());  // movement 1 departs at 60 s: allowed
  EXPECT_EQ(found(report), Found{"movements[0].times_s[0] earliest-departure"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].times_s[0]"),
            "departs at 2022-03-05T08:00:00Z (+0 s, step 0), before origin \"town\"'s earliest departure "
            "2022-03-05T08:01:00Z");
}

TEST(CheckPath, DepartureBeforeTheScenarioStarts) {
  auto plan = base_plan();
  plan["movements"][0]["times_s"] = {-0.5, 20, 40, 60};
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[0].times_s[0] earliest-departure"}) << all_lines(report);
  EXPECT_TRUE(has(message_at(report, "movements[0].times_s[0]"), "2022-03-05T07:59:59.5Z (-0.5 s, step -1)"));
}

TEST(CheckPath, ArrivalAfterTheHorizon) {
  auto plan = base_plan();
  plan["movements"][1]["times_s"] = {43150, 43170, 43190, 43210.5};
  fix_summary(plan);
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[1].times_s[3] horizon"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[1].times_s[3]"),
            "arrives at 2022-03-05T20:00:10.5Z (+43210.5 s, step 720), after the horizon ends at "
            "2022-03-05T20:00:00Z (12 h after the start)");
}

TEST(CheckPath, TimetableStampsMustMatchTheTimes) {
  auto plan = base_plan();
  plan["movements"][0]["departure"] = "2022-03-05T08:00:00Z";
  plan["movements"][0]["arrival"] = "2022-03-05T08:01:00Z";
  plan["movements"][1]["departure"] = "2022-03-05T09:01:00+01:00";
  plan["movements"][1]["arrival"] = "2022-03-05T08:05:00Z";
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[1].arrival timetable"}) << all_lines(report);
}

}  // namespace
}  // namespace corridor::check::testing

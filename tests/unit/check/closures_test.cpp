// Hazards, ceasefire windows and the parties' rules.
#include "check_testing.hpp"

namespace corridor::check::testing {
namespace {

using Found = std::vector<std::string>;

json hazard_around(const std::string& nodes, const std::string& from, const std::string& until) {
  return feature(polygon_around(nodes), {{"kind", "hazard"}, {"id", "shelling"}, {"from", from}, {"until", until}});
}

json ceasefire_around(const std::string& nodes, const std::string& from, const std::string& until) {
  return feature(polygon_around(nodes),
                 {{"kind", "ceasefire"}, {"id", "cf"}, {"windows", json::array({json::array({from, until})})}});
}

TEST(CheckClosures, MovementThroughAnActiveHazard) {
  auto s = base_scenario();
  s["features"].push_back(hazard_around("c", "2022-03-05T09:01:30+01:00", "2022-03-05T10:00:00+01:00"));
  const auto report = run_check(s, base_plan());
  // Movement 0 is past c before the hazard starts; movement 1 is on b-c and c-d after.
  EXPECT_EQ(found(report), Found{"movements[1].path[1..3] hazard"}) << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[1].path[1..3]"),
            "2 segments from node 1001 to node 1003 meet hazard \"shelling\", closed from 2022-03-05T08:01:30Z until "
            "2022-03-05T09:00:00Z; the movement is on them from 2022-03-05T08:01:20Z (+80 s, step 1) until "
            "2022-03-05T08:02:00Z (+120 s, step 2)");
}

TEST(CheckClosures, HazardWithoutTimesIsAlwaysActive) {
  auto s = base_scenario();
  s["features"].push_back(feature(polygon_around("ab"), {{"kind", "hazard"}, {"id", "minefield"}}));
  const auto report = run_check(s, base_plan());
  // a-b and b-c both meet the box around a and b; c-d does not.
  EXPECT_EQ(found(report), (Found{"movements[0].path[0..2] hazard", "movements[1].path[0..2] hazard"}))
      << all_lines(report);
  EXPECT_TRUE(has(message_at(report, "movements[0].path[0..2]"), "closed always"));
}

TEST(CheckClosures, CeasefireRoadOutsideEveryWindow) {
  auto s = base_scenario();
  s["features"].push_back(ceasefire_around("c", "2022-03-05T09:10:00+01:00", "2022-03-05T10:00:00+01:00"));
  const auto report = run_check(s, base_plan());
  EXPECT_EQ(found(report), (Found{"movements[0].path[1..3] window", "movements[1].path[1..3] window"}))
      << all_lines(report);
  EXPECT_TRUE(has(message_at(report, "movements[0].path[1..3]"),
                  "meet ceasefire zone \"cf\"; the movement is on them from 2022-03-05T08:00:20Z (+20 s, step 0) until "
                  "2022-03-05T08:01:00Z (+60 s, step 1), outside every window (from 2022-03-05T08:10:00Z until "
                  "2022-03-05T09:00:00Z)"))
      << message_at(report, "movements[0].path[1..3]");
}

TEST(CheckClosures, StillOnACeasefireRoadWhenItsWindowCloses) {
  auto s = base_scenario();
  // Open 09:00:00 to 09:00:50: movement 0 is on c-d from 40 s to 60 s.
  s["features"].push_back(ceasefire_around("d", "2022-03-05T09:00:00+01:00", "2022-03-05T09:00:50+01:00"));
  const auto report = run_check(s, base_plan());
  EXPECT_EQ(found(report), (Found{"movements[0].path[2..3] window", "movements[1].path[2..3] window"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].path[2..3]"),
            "segment 1002 -> 1003 meets ceasefire zone \"cf\"; the movement enters at 2022-03-05T08:00:40Z (+40 s, "
            "step 0) inside the window from 2022-03-05T08:00:00Z until 2022-03-05T08:00:50Z but is still on it until "
            "2022-03-05T08:01:00Z (+60 s, step 1), after the window closes");
}

TEST(CheckClosures, ForbiddenDestination) {
  auto plan = base_plan();
  plan["movements"][1] = movement("town", "west-camp", 10, 200, "ae", {60, 70});
  fix_summary(plan);
  plan["summary"]["lower_bound_s"] = 50.0;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), Found{"movements[1].destination rule-destination"}) << all_lines(report);
  EXPECT_EQ(
      message_at(report, "movements[1].destination"),
      "destination \"west-camp\" is controlled by B, and party A (rules[0]) forbids destinations controlled by B");
}

TEST(CheckClosures, ForbiddenArea) {
  auto s = base_scenario();
  feature_named(s, "front")["geometry"] = polygon_around("b");
  const auto report = run_check(s, base_plan());
  EXPECT_EQ(found(report), (Found{"movements[0].path[0..2] rule-area", "movements[1].path[0..2] rule-area"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].path[0..2]"),
            "2 segments from node 1000 to node 1002 meet area \"front\", which party B (rules[1]) forbids");
}

TEST(CheckClosures, AreaNoRuleForbidsIsFine) {
  auto s = base_scenario();
  s["features"].push_back(feature(polygon_around("bc"), {{"kind", "area"}, {"id", "market"}}));
  EXPECT_TRUE(run_check(s, base_plan()).valid());
}

TEST(CheckClosures, RefusedCheckpoint) {
  auto s = base_scenario();
  s["features"].push_back(feature(
      point_at('b'), {{"kind", "checkpoint"}, {"id", "cp-a"}, {"vehicles_per_hour", 6000}, {"operated_by", "A"}}));
  const auto report = run_check(s, base_plan());
  EXPECT_EQ(found(report), (Found{"movements[0].path[1] rule-checkpoint", "movements[1].path[1] rule-checkpoint"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].path[1]"),
            "passes checkpoint \"cp-a\" (node 1001) operated by A, which party B (rules[1]) refuses");
}

TEST(CheckClosures, RuleOfEveryPartyCounts) {
  auto s = base_scenario();
  s["corridor"]["rules"].push_back({{"party", "M"}, {"forbid", {{"destinations_controlled_by", {"B"}}}}});
  auto plan = base_plan();
  plan["movements"][1] = movement("town", "west-camp", 10, 200, "ae", {60, 70});
  fix_summary(plan);
  plan["summary"]["lower_bound_s"] = 50.0;
  const auto report = run_check(s, plan);
  EXPECT_EQ(found(report), Found{"movements[1].destination rule-destination"}) << all_lines(report);
  EXPECT_TRUE(has(message_at(report, "movements[1].destination"),
                  "party A (rules[0]) and party M (rules[2]) forbid destinations controlled by B"));
}

}  // namespace
}  // namespace corridor::check::testing

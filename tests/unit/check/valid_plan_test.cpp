// Plans that keep every constraint pass with no violation, and the report's
// forms (lines, JSON, counts).
#include <fstream>

#include "check_testing.hpp"
#include "corridor/error.hpp"

namespace corridor::check::testing {
namespace {

TEST(CheckValid, HandMadePlanPasses) {
  const auto report = run_check(base_scenario(), base_plan());
  EXPECT_TRUE(report.valid()) << all_lines(report);
  EXPECT_EQ(report.checked.movements, 2u);
  EXPECT_EQ(report.checked.vehicles, 20);
  EXPECT_EQ(report.checked.people, 400);
  EXPECT_EQ(report.checked.segment_entries, 6u);
  EXPECT_EQ(report.checked.distinct_segments, 3u);
  EXPECT_EQ(report.checked.destinations, 3u);
  EXPECT_EQ(report.checked.rules, 2u);
}

TEST(CheckValid, RespectedHazardsWindowsCheckpointsAndAreasPass) {
  auto s = base_scenario();
  // Shelling around c starts only after both movements have passed.
  s["features"].push_back(feature(polygon_around("c"), {{"kind", "hazard"},
                                                        {"id", "later"},
                                                        {"from", "2022-03-05T09:02:00+01:00"},
                                                        {"until", "2022-03-05T11:00:00+01:00"}}));
  // Shelling around c that ended exactly when the first movement entered b -> c.
  s["features"].push_back(feature(polygon_around("c"), {{"kind", "hazard"},
                                                        {"id", "earlier"},
                                                        {"from", "2022-03-05T08:00:00+01:00"},
                                                        {"until", "2022-03-05T09:00:20+01:00"}}));
  s["features"].push_back(
      feature(polygon_around("b"),
              {{"kind", "ceasefire"},
               {"id", "cf"},
               {"windows", json::array({json::array({"2022-03-05T09:00:00+01:00", "2022-03-05T09:01:40+01:00"})})}}));
  s["features"].push_back(feature(
      point_at('b'), {{"kind", "checkpoint"}, {"id", "cp-m"}, {"vehicles_per_hour", 600}, {"operated_by", "M"}}));
  // A refused checkpoint at the destination is never passed: nothing leaves it.
  s["features"].push_back(feature(
      point_at('d'), {{"kind", "checkpoint"}, {"id", "cp-a"}, {"vehicles_per_hour", 60}, {"operated_by", "A"}}));
  feature_named(s, "front")["geometry"] = polygon_around("fg");
  const auto report = run_check(s, base_plan());
  EXPECT_TRUE(report.valid()) << all_lines(report);
  EXPECT_EQ(report.checked.hazards, 2u);
  EXPECT_EQ(report.checked.ceasefires, 1u);
  EXPECT_EQ(report.checked.checkpoints, 2u);
}

TEST(CheckValid, UnmetPeopleBalanceTheOrigin) {
  auto plan = base_plan();
  plan["movements"].erase(1);
  plan["unmet"].push_back({{"origin", "town"}, {"people", 200}, {"reason", "all routes closed"}});
  plan["summary"]["lower_bound_s"] = nullptr;
  plan["summary"]["upper_bound_people"] = 200;
  fix_summary(plan);
  const auto report = run_check(base_scenario(), plan);
  EXPECT_TRUE(report.valid()) << all_lines(report);
}

TEST(CheckValid, WaitingOnASegmentAndMillisecondRoundingAreAllowed) {
  const auto& g = drawn_graph();
  double free_flow = 0;
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    if (g.node_id[g.tail[a]] == id('a') && g.node_id[g.head[a]] == id('b')) free_flow = g.time_ms[a] / 1000.0;
  }
  ASSERT_GT(free_flow, 14.0);
  auto plan = base_plan();
  // Exactly the free-flow time less a millisecond of rounding, then a long wait.
  const double at_b = free_flow - 0.001;
  plan["movements"][0]["times_s"] = {0.0, at_b, at_b + free_flow, 3000.0};
  fix_summary(plan);
  plan["summary"]["egress_s"] = 3000.0005;  // within rounding
  const auto report = run_check(base_scenario(), plan);
  EXPECT_TRUE(report.valid()) << all_lines(report);
}

TEST(CheckValid, MovementThatStaysAtItsOriginNeedsNoSegment) {
  auto s = base_scenario();
  feature_named(s, "camp")["geometry"] = point_at('a');
  auto plan = base_plan();
  plan["movements"][1] = movement("town", "camp", 10, 200, "a", {30});
  plan["movements"][0] = movement("town", "camp", 10, 200, "a", {0});
  fix_summary(plan);
  plan["summary"]["lower_bound_s"] = 0.0;
  plan["snaps"] = json::array();
  const auto report = run_check(s, plan);
  EXPECT_TRUE(report.valid()) << all_lines(report);
}

TEST(CheckValid, ReportReadsAsLinesAndJson) {
  auto plan = base_plan();
  plan["summary"]["vehicles"] = 21;
  const auto report = run_check(base_scenario(), plan);
  ASSERT_EQ(report.violations.size(), 1u) << all_lines(report);
  EXPECT_EQ(to_line(report.violations[0]), "summary.vehicles: summary: is 21 but the movements use 20 vehicles");
  const auto j = to_json(report);
  EXPECT_FALSE(j["valid"].get<bool>());
  EXPECT_EQ(j["violations"][0]["constraint"], "summary");
  EXPECT_EQ(j["violations"][0]["path"], "summary.vehicles");
  EXPECT_EQ(j["checked"]["movements"], 2);
  EXPECT_EQ(j["checked"]["people"], 400);
  EXPECT_EQ(to_line({"format", "", "not JSON"}), "format: not JSON");
}

TEST(CheckValid, PlanFileIsReadAndCheckedAndTextThatIsNotJsonIsAFormatViolation) {
  corridor::testing::TempDir dir;
  const auto s = scenario::parse_scenario(base_scenario().dump(), "drawn.geojson");
  {
    std::ofstream(dir / "plan.json") << base_plan().dump(2);
    std::ofstream(dir / "broken.json") << "{\"movements\": [";
  }
  EXPECT_TRUE(check_plan_file(drawn_graph(), s, dir / "plan.json").valid());
  const auto broken = check_plan_file(drawn_graph(), s, dir / "broken.json");
  ASSERT_EQ(broken.violations.size(), 1u);
  EXPECT_EQ(broken.violations[0].constraint, "format");
  EXPECT_TRUE(has(broken.violations[0].message, "is not JSON")) << broken.violations[0].message;
  EXPECT_THROW(check_plan_file(drawn_graph(), s, dir / "missing.json"), IoError);
  EXPECT_THROW(check_plan_file(drawn_graph(), s, dir.path()), IoError);
}

}  // namespace
}  // namespace corridor::check::testing

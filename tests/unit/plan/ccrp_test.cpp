// The heuristic planner on small drawn maps whose best egress time can be
// worked out by hand. Every plan goes through the independent checker, and
// the proven bounds must hold around it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ascii_map.hpp"
#include "corridor/check/check.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/plan/assignment.hpp"
#include "corridor/plan/bounds.hpp"
#include "corridor/plan/ccrp.hpp"
#include "corridor/plan/exact.hpp"
#include "corridor/plan/run.hpp"
#include "corridor/units.hpp"
#include "test_support.hpp"

namespace corridor::plan {
namespace {

using testing::AsciiMap;

std::string point(geo::LonLat p) {
  std::ostringstream out;
  out.precision(10);
  out << "[" << p.lon << "," << p.lat << "]";
  return out.str();
}

std::string feature(const std::string& geometry, const std::string& properties) {
  return R"({"type": "Feature", "geometry": )" + geometry + R"(, "properties": )" + properties + "}";
}

std::string point_feature(geo::LonLat p, const std::string& properties) {
  return feature(R"({"type": "Point", "coordinates": )" + point(p) + "}", properties);
}

std::string polygon_feature(const std::string& rings, const std::string& properties) {
  return feature(R"({"type": "Polygon", "coordinates": )" + rings + "}", properties);
}

std::string scenario_text(const std::vector<std::string>& features, const std::string& rules = "[]",
                          double horizon_hours = 6) {
  std::string text =
      R"({"type": "FeatureCollection", "corridor": {"name": "drawn", "start": "2022-03-05T09:00:00+01:00",
    "horizon_hours": )" +
      std::to_string(horizon_hours) +
      R"(, "time_step_s": 60, "parties": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
    "rules": )" +
      rules + R"(}, "features": [)";
  for (std::size_t i = 0; i < features.size(); ++i) text += (i ? "," : "") + features[i];
  return text + "]}";
}

// A drawn map, its scenario, the plan and everything proven about it.
struct Planned {
  graph::RoadGraph g;
  scenario::Scenario s;
  std::unique_ptr<graph::SpatialIndex> index;
  std::unique_ptr<Instance> in;
  PlanResult plan;
  nlohmann::json doc;
  check::CheckReport report;
};

std::unique_ptr<Planned> plan_for(const AsciiMap& m, const std::string& scenario) {
  auto p = std::make_unique<Planned>();
  testing::TempDir dir;
  p->g = graph::build(osm::read_osm(m.write_pbf(dir / "m.osm.pbf"), osm::Profile::defaults()));
  p->s = scenario::parse_scenario(scenario, "drawn.geojson");
  p->index = std::make_unique<graph::SpatialIndex>(p->g);
  p->in = std::make_unique<Instance>(p->g, *p->index, p->s, 1000);
  p->plan = plan_ccrp(*p->in);
  p->plan.bounds = cut_bounds(*p->in);
  p->doc = to_json(*p->in, p->plan);
  p->report = check::check_plan(p->g, p->s, p->doc);
  return p;
}

std::string violations(const check::CheckReport& r) {
  std::string text;
  for (const auto& v : r.violations) text += "\n  " + check::to_line(v);
  return text;
}

// Cells of 100 m at 36 km/h (10 m/s): 10 s per cell.
const testing::Tags k_road = {{"highway", "residential"}, {"maxspeed", "36"}};  // 600 veh/h: 10 per minute

// `people` alone in their vehicles on one 600 m road (60 s), to a
// destination with room for all.
std::unique_ptr<Planned> one_road(int people) {
  AsciiMap m("a-----b", 100);
  m.way("ab", k_road);
  const auto who = std::to_string(people);
  return plan_for(m, scenario_text({point_feature(m.where('a'), R"({"kind": "origin", "id": "o", "people": )" + who +
                                                                    R"(, "persons_per_vehicle": 1})"),
                                    point_feature(m.where('b'), R"({"kind": "destination", "id": "d", "capacity": )" +
                                                                    who + R"(, "controlled_by": "A"})")}));
}

TEST(Ccrp, BottleneckRoadSendsTenVehiclesAMinute) {
  const auto p = one_road(100);
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  // 100 vehicles, 10 per step: the last group leaves in step 9 (540 s) and
  // arrives 60 s later.
  EXPECT_EQ(p->plan.people_evacuated(), 100);
  EXPECT_NEAR(to_seconds(p->plan.egress()), 600.0, 0.5);
  ASSERT_TRUE(p->plan.bounds.lower_bound_egress);
  EXPECT_NEAR(to_seconds(*p->plan.bounds.lower_bound_egress), 600.0, 0.5);  // the bound is tight here
  EXPECT_EQ(p->plan.bounds.upper_bound_people, 100);
}

// A crossing at b: coming from a (west), c is a left turn. A
// no_left_turn relation sends the convoys round the block b-d-g-c, and the
// checker refuses a plan that makes the turn.
TEST(Ccrp, ConvoysMakeNoForbiddenTurn) {
  AsciiMap m(R"(
      c---g
      |   |
  a---b---d
  )",
             100);
  for (const char* w : {"ab", "bd", "bc", "cg", "gd"}) m.way(w, k_road);
  m.restriction(1, 'b', 3, "no_left_turn");
  const auto scenario = scenario_text(
      {point_feature(m.where('a'), R"({"kind": "origin", "id": "o", "people": 20, "persons_per_vehicle": 1})"),
       point_feature(m.where('c'), R"({"kind": "destination", "id": "d", "capacity": 20, "controlled_by": "A"})")});
  const auto p = plan_for(m, scenario);
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  ASSERT_EQ(p->plan.people_evacuated(), 20);
  const std::vector<std::int64_t> round = {AsciiMap::osm_id('a'), AsciiMap::osm_id('b'), AsciiMap::osm_id('d'),
                                           AsciiMap::osm_id('g'), AsciiMap::osm_id('c')};
  for (const auto& mv : p->doc["movements"]) EXPECT_EQ(mv["path"].get<std::vector<std::int64_t>>(), round);
  // The same plan turning left at b: the checker names the turn.
  auto doc = p->doc;
  auto& first = doc["movements"][0];
  first["path"] = {AsciiMap::osm_id('a'), AsciiMap::osm_id('b'), AsciiMap::osm_id('c')};
  first["times_s"] = {first["times_s"][0], first["times_s"][1], first["times_s"][4]};
  const auto report = check::check_plan(p->g, p->s, doc);
  const auto turn = std::find_if(report.violations.begin(), report.violations.end(),
                                 [](const check::Violation& v) { return v.constraint == "turn"; });
  ASSERT_NE(turn, report.violations.end()) << violations(report);
  EXPECT_EQ(turn->path, "movements[0].path[0..2]");
  EXPECT_NE(turn->message.find("turns at node " + std::to_string(AsciiMap::osm_id('b'))), std::string::npos);

  // The optimal method's network knows no turns: its optimum turns left
  // at b, so the heuristic's plan round the block is the one returned.
  const auto optimum = solve_optimal(*p->in);
  EXPECT_FALSE(check::check_plan(p->g, p->s, to_json(*p->in, optimum)).valid());
  RunOptions exact;
  exact.method = Method::optimal;
  std::string notes;
  exact.note = [&](const std::string& line) { notes += line + "\n"; };
  const auto kept = run_plan(*p->in, exact);
  EXPECT_EQ(kept.people_evacuated(), 20);
  const auto kept_doc = to_json(*p->in, kept);
  EXPECT_TRUE(check::check_plan(p->g, p->s, kept_doc).valid());
  for (const auto& mv : kept_doc["movements"]) EXPECT_EQ(mv["path"].get<std::vector<std::int64_t>>(), round);
  EXPECT_TRUE(testing::has(notes, "knows no turn restrictions, turns at node " + std::to_string(AsciiMap::osm_id('b'))))
      << notes;
}

// The one conversion between instants and planner milliseconds: open
// interval ends stay beyond every horizon, and planner times before the
// start round down to the second before.
TEST(Instance, ConvertsInstantsAndPlannerTimeInOnePlace) {
  const auto p = one_road(1);
  const auto& in = *p->in;
  const auto start = p->s.start;
  EXPECT_EQ(in.after_start(start), 0);
  EXPECT_EQ(in.after_start(start + std::chrono::minutes(90)), 90 * 60'000);
  EXPECT_EQ(in.after_start(scenario::k_always_from), -k_never);
  EXPECT_EQ(in.after_start(scenario::k_always_until), k_never);
  EXPECT_EQ(in.after_start(geo::unix_seconds(std::int64_t{1} << 60)), k_never / 1000 * 1000);  // clamped, no overflow
  EXPECT_EQ(in.instant(0), start);
  EXPECT_EQ(in.instant(59'999), start + std::chrono::seconds(59));
  EXPECT_EQ(in.instant(-1), start - std::chrono::seconds(1));
  EXPECT_EQ(in.step(), 60'000);
  EXPECT_EQ(in.horizon(), 6 * 3'600'000);
  EXPECT_EQ(in.arc_capacity(0, 0), 10);  // 600 vehicles per hour, 60 s steps
  EXPECT_EQ(in.arc_capacity(0, 7), 10);
}

// DESIGN.md's capacity per step and the other conversions of units.hpp.
TEST(Units, CapacityPerStepKeepsTheHourlyRateAndTimesKeepMilliseconds) {
  // 1,000 an hour at 60 s: u = 16.67, steps admit 16, 17, 17, 16, 17, 17, ...
  const StepRate thousand(1000.0, 60);
  EXPECT_EQ(thousand.at(0), 16);
  EXPECT_EQ(thousand.at(1), 17);
  EXPECT_EQ(thousand.at(2), 17);
  EXPECT_EQ(thousand.over(0, 59), 1000);  // one hour: exactly the hourly rate
  EXPECT_EQ(thousand.most(), 17);
  EXPECT_EQ(StepRate(600.0, 60).at(5), 10);
  // 1 an hour at 10 s: one vehicle in the 360th step, none before.
  const StepRate one(1.0, 10);
  EXPECT_EQ(one.over(0, 358), 0);
  EXPECT_EQ(one.at(359), 1);
  EXPECT_EQ(one.most(), 1);
  EXPECT_EQ(StepRate(0.0, 60).at(3), 0);
  // 1.5 a step alternate 1, 2; exactly 2 a step stay 2 (no rounding up to 3).
  EXPECT_EQ(StepRate(90.0, 60).at(0), 1);
  EXPECT_EQ(StepRate(90.0, 60).at(1), 2);
  EXPECT_EQ(StepRate(120.0, 60).at(0), 2);
  EXPECT_EQ(StepRate(120.0, 60).at(1), 2);
  // DESIGN.md's examples: 2.5 a step alternate 2, 3; 0.25 admit one every fourth step.
  const StepRate two_and_a_half(9000.0, 1);
  EXPECT_EQ(two_and_a_half.at(0) + two_and_a_half.at(1), 5);
  EXPECT_EQ(two_and_a_half.at(0), 2);
  const StepRate quarter(900.0, 1);
  EXPECT_EQ(quarter.over(0, 3), 1);
  EXPECT_EQ(quarter.over(0, 7), 2);
  // A fractional checkpoint rate, and split into substeps summing to the step.
  EXPECT_EQ(StepRate(7.5, 3600).at(0), 7);
  EXPECT_EQ(StepRate(7.5, 3600).at(1), 8);
  const auto sixths = thousand.split(6);
  for (int k = 0; k < 10; ++k) EXPECT_EQ(sixths.over(6 * k, 6 * k + 5), thousand.at(k)) << "step " << k;
  // Far steps do not overflow.
  const StepRate fast(4e9, 3600);
  EXPECT_EQ(fast.at(std::int64_t{1} << 40), 4'000'000'000);
  EXPECT_DOUBLE_EQ(to_seconds(1'234), 1.234);
  EXPECT_EQ(to_milliseconds(2.5), 2'500);
  EXPECT_EQ(to_milliseconds(0.0004), 0);
  EXPECT_DOUBLE_EQ(travel_ms(100, 36), 10'000);
  EXPECT_DOUBLE_EQ(to_kilometres(6'900), 6.9);
}

// A link of no length (travel_time_s 0, as networks from simulators have
// them) still admits only its capacity per step: 10 vehicles through a
// 120-vehicles-an-hour link at 60 s steps leave it in pairs.
TEST(Ccrp, ZeroTimeLinkStillObeysItsCapacityPerStep) {
  testing::TempDir dir;
  const auto link = [](int from, int to, double lon0, double lon1, int seconds, int vph) {
    return R"({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[)" + std::to_string(lon0) +
           ", 49.0], [" + std::to_string(lon1) + R"(, 49.0]]}, "properties": {"from": )" + std::to_string(from) +
           R"(, "to": )" + std::to_string(to) + R"(, "oneway": true, "travel_time_s": )" + std::to_string(seconds) +
           R"(, "capacity_vph": )" + std::to_string(vph) + "}}";
  };
  std::ofstream(dir / "net.geojson") << R"({"type": "FeatureCollection", "features": [)" +
                                            link(1, 2, 8.0, 8.01, 60, 6000) + "," + link(2, 3, 8.01, 8.0101, 0, 120) +
                                            "," + link(3, 2, 8.0101, 8.01, 0, 120) + "]}";
  auto p = std::make_unique<Planned>();
  p->g = graph::build(osm::read_geojson_network(dir / "net.geojson", osm::Profile::defaults()));
  p->s = scenario::parse_scenario(
      scenario_text(
          {point_feature({8.0, 49.0}, R"({"kind": "origin", "id": "o", "people": 10, "persons_per_vehicle": 1})"),
           point_feature({8.0101, 49.0},
                         R"({"kind": "destination", "id": "d", "capacity": 10, "controlled_by": "A"})")}),
      "zero.geojson");
  p->index = std::make_unique<graph::SpatialIndex>(p->g);
  p->in = std::make_unique<Instance>(p->g, *p->index, p->s, 1000);
  p->plan = plan_ccrp(*p->in);
  p->plan.bounds = cut_bounds(*p->in);
  p->report = check::check_plan(p->g, p->s, to_json(*p->in, p->plan));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  EXPECT_EQ(p->plan.people_evacuated(), 10);
  // Pairs enter the link at 60, 120, 180, 240 and 300 s, and are out then.
  EXPECT_NEAR(to_seconds(p->plan.egress()), 300.0, 0.5);
  ASSERT_TRUE(p->plan.bounds.lower_bound_egress);
  EXPECT_LE(*p->plan.bounds.lower_bound_egress, p->plan.egress());
  // The exact method finds the same: the link is the bottleneck.
  const auto optimal = solve_optimal(*p->in);
  EXPECT_EQ(optimal.people_evacuated(), 10);
  EXPECT_NEAR(to_seconds(optimal.egress()), 300.0, 0.5);
  EXPECT_TRUE(check::check_plan(p->g, p->s, to_json(*p->in, optimal)).valid());
  // So does the time-expanded engine's own decomposition, which cancels the
  // cycles a maximum flow may carry around the two links of no time.
  ExactLimits raw;
  raw.tidy_copies = 0;
  const auto engine = solve_optimal(*p->in, raw);
  EXPECT_EQ(engine.people_evacuated(), 10);
  EXPECT_NEAR(to_seconds(engine.egress()), 300.0, 0.5);
  EXPECT_TRUE(check::check_plan(p->g, p->s, to_json(*p->in, engine)).valid());
}

TEST(Ccrp, CheckpointLimitsThePassage) {
  AsciiMap m("a--c--b", 100);
  m.way("acb", k_road);
  const auto p = plan_for(
      m,
      scenario_text(
          {point_feature(m.where('a'), R"({"kind": "origin", "id": "o", "people": 20, "persons_per_vehicle": 1})"),
           point_feature(m.where('b'), R"({"kind": "destination", "id": "d", "capacity": 1000, "controlled_by": "A"})"),
           point_feature(m.where('c'),
                         R"({"kind": "checkpoint", "id": "cp", "vehicles_per_hour": 120, "operated_by": "B"})")}));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  // 2 vehicles a minute pass c: the 20th passes in step 9 (540 s), then 30 s to b.
  EXPECT_NEAR(to_seconds(p->plan.egress()), 570.0, 0.5);
  EXPECT_LE(*p->plan.bounds.lower_bound_egress, p->plan.egress());
  EXPECT_NEAR(to_seconds(*p->plan.bounds.lower_bound_egress), 570.0, 0.5);
}

TEST(Ccrp, HazardSendsVehiclesRoundOrMakesThemWait) {
  // Short way a-b-c (1.2 km, 120 s), long way a-d-e-f-c (0.2 + 0.6 + 0.6 +
  // 0.2 km: 160 s); rows are 100 m apart too.
  const char* drawing = R"(
    a-----b-----c
    |           |
    d-----e-----f
  )";
  AsciiMap m(drawing, 100);
  m.way("abc", k_road);
  m.way("adefc", k_road);
  const auto hazard = polygon_feature(
      m.polygon_around("b", 30),
      R"({"kind": "hazard", "id": "shelling", "from": "2022-03-05T09:00:00+01:00", "until": "2022-03-05T09:30:00+01:00"})");
  const auto p = plan_for(
      m,
      scenario_text(
          {point_feature(m.where('a'), R"({"kind": "origin", "id": "o", "people": 30, "persons_per_vehicle": 1})"),
           point_feature(m.where('c'), R"({"kind": "destination", "id": "d", "capacity": 1000, "controlled_by": "A"})"),
           hazard}));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  EXPECT_EQ(p->plan.people_evacuated(), 30);
  for (const auto& mv : p->plan.movements) {
    for (auto v : mv.nodes) EXPECT_NE(p->g.node_id[v], AsciiMap::osm_id('b')) << "a movement went through the shelling";
  }
  // 10 a minute on the long way: the third group leaves at 120 s, arrives at 280 s.
  EXPECT_NEAR(to_seconds(p->plan.egress()), 280.0, 0.5);
  EXPECT_LE(*p->plan.bounds.lower_bound_egress, p->plan.egress());
}

TEST(Ccrp, LeavesLaterWhenNoRoadToWaitOnStaysOpen) {
  // o-x-d, 400 m and 600 m. x-d is shelled for the first hour; o-x, the
  // road a convoy would wait on, from minute 5 to minute 90. Leaving at
  // once no convoy gets through; leaving at minute 90 every one does.
  AsciiMap m("o---x-----d", 100);
  m.way("oxd", k_road);
  const auto shelled = [&](const char* nodes, const char* id, const char* from, const char* until) {
    return polygon_feature(m.polygon_around(nodes, 30), std::string(R"({"kind": "hazard", "id": ")") + id +
                                                            R"(", "from": ")" + from + R"(", "until": ")" + until +
                                                            R"("})");
  };
  const auto p = plan_for(
      m,
      scenario_text(
          {point_feature(m.where('o'), R"({"kind": "origin", "id": "o", "people": 3, "persons_per_vehicle": 1})"),
           point_feature(m.where('d'), R"({"kind": "destination", "id": "d", "capacity": 10, "controlled_by": "A"})"),
           polygon_feature("[[" + point(m.offset('x', 250, -30)) + "," + point(m.offset('x', 350, -30)) + "," +
                               point(m.offset('x', 350, 30)) + "," + point(m.offset('x', 250, 30)) + "," +
                               point(m.offset('x', 250, -30)) + "]]",
                           R"({"kind": "hazard", "id": "east", "from": "2022-03-05T09:00:00+01:00",
                               "until": "2022-03-05T10:00:00+01:00"})"),
           shelled("o", "west", "2022-03-05T09:05:00+01:00", "2022-03-05T10:30:00+01:00")}));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  EXPECT_EQ(p->plan.people_evacuated(), 3);
  for (const auto& mv : p->plan.movements) EXPECT_GE(mv.departure(), 90 * 60'000) << mv.id;
}

TEST(Ccrp, WindowTooShortLeavesPeopleWithAReason) {
  AsciiMap m("a-----b", 100);
  m.way("ab", k_road);
  const auto cease = polygon_feature(
      m.polygon_around("ab", 50),
      R"({"kind": "ceasefire", "id": "cf", "windows": [["2022-03-05T09:00:00+01:00", "2022-03-05T09:05:00+01:00"]]})");
  const auto p = plan_for(
      m,
      scenario_text(
          {point_feature(m.where('a'), R"({"kind": "origin", "id": "o", "people": 100, "persons_per_vehicle": 1})"),
           point_feature(m.where('b'), R"({"kind": "destination", "id": "d", "capacity": 1000, "controlled_by": "A"})"),
           cease}));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  // Five minutes, 60 s on the road: groups entering at 0..240 s are off by 300 s.
  EXPECT_EQ(p->plan.people_evacuated(), 50);
  ASSERT_EQ(p->plan.unmet.size(), 1u);
  EXPECT_EQ(p->plan.unmet[0].people, 50);
  EXPECT_NE(p->plan.unmet[0].reason.find("not enough time"), std::string::npos) << p->plan.unmet[0].reason;
  EXPECT_NE(p->plan.unmet[0].reason.find("ceasefire cf"), std::string::npos) << p->plan.unmet[0].reason;
  EXPECT_GE(p->plan.bounds.upper_bound_people, 50);
  EXPECT_EQ(p->plan.bounds.upper_bound_people, 50);  // the window is the bottleneck the bound sees
  EXPECT_FALSE(p->plan.bounds.lower_bound_egress);   // nobody can get everyone out
}

TEST(Ccrp, RuleLeavesOnlyOneDestination) {
  const char* drawing = R"(
    x-----a-----y
  )";
  AsciiMap m(drawing, 100);
  m.way("xay", k_road);
  const auto p = plan_for(
      m, scenario_text(
             {point_feature(m.where('a'), R"({"kind": "origin", "id": "o", "people": 40, "persons_per_vehicle": 2})"),
              point_feature(m.where('x'),
                            R"({"kind": "destination", "id": "west", "capacity": 1000, "controlled_by": "B"})"),
              point_feature(m.where('y'),
                            R"({"kind": "destination", "id": "east", "capacity": 1000, "controlled_by": "A"})")},
             R"([{"party": "A", "forbid": {"destinations_controlled_by": ["B"]}}])"));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  for (const auto& mv : p->doc["movements"]) EXPECT_EQ(mv["destination"], "east");
  // 20 vehicles, 10 a minute, 60 s: 120 s.
  EXPECT_NEAR(to_seconds(p->plan.egress()), 120.0, 0.5);
  EXPECT_NEAR(to_seconds(*p->plan.bounds.lower_bound_egress), 120.0, 0.5);
}

TEST(Ccrp, NoAcceptableDestinationIsExplained) {
  AsciiMap m("a-----b", 100);
  m.way("ab", k_road);
  const auto p = plan_for(
      m, scenario_text({point_feature(m.where('a'), R"({"kind": "origin", "id": "o", "people": 10})"),
                        point_feature(m.where('b'),
                                      R"({"kind": "destination", "id": "d", "capacity": 1000, "controlled_by": "B"})")},
                       R"([{"party": "A", "forbid": {"destinations_controlled_by": ["B"]}}])"));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  ASSERT_EQ(p->plan.unmet.size(), 1u);
  EXPECT_EQ(p->plan.unmet[0].reason,
            "no destination is acceptable to every party: d (party A forbids destinations controlled by B)");
  EXPECT_EQ(p->plan.bounds.upper_bound_people, 0);
}

TEST(Ccrp, DestinationCapacitySplitsTheFlow) {
  const char* drawing = R"(
    x-----a-----y
  )";
  AsciiMap m(drawing, 100);
  m.way("xay", k_road);
  const auto p = plan_for(
      m, scenario_text(
             {point_feature(m.where('a'), R"({"kind": "origin", "id": "o", "people": 100, "persons_per_vehicle": 4})"),
              point_feature(m.where('x'),
                            R"({"kind": "destination", "id": "west", "capacity": 40, "controlled_by": "A"})"),
              point_feature(m.where('y'),
                            R"({"kind": "destination", "id": "east", "capacity": 1000, "controlled_by": "A"})")}));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  std::int64_t west = 0;
  for (const auto& mv : p->doc["movements"]) {
    if (mv["destination"] == "west") west += mv["people"].get<std::int64_t>();
  }
  EXPECT_LE(west, 40);
  EXPECT_EQ(p->plan.people_evacuated(), 100);
}

// Destinations whose capacities bind: origin a is nearest the small
// destination d, which origin b needs (its other way out is long). CCRP's
// earliest-arrival choice sends a to d and b the long way (90 s); the
// assignment bound proves 40 s (everyone needs a destination: b at d in
// 30 s, a at x in 40 s), and the plan guided by that assignment reaches it.
TEST(Ccrp, BindingDestinationsAreAssignedBeforePlanning) {
  const char* drawing = R"(
    x---a-d--b
  )";
  AsciiMap m(drawing, 100);
  m.way("xadb", k_road);
  const auto p = plan_for(
      m,
      scenario_text(
          {point_feature(m.where('a'), R"({"kind": "origin", "id": "a", "people": 10, "persons_per_vehicle": 1})"),
           point_feature(m.where('b'), R"({"kind": "origin", "id": "b", "people": 10, "persons_per_vehicle": 1})"),
           point_feature(m.where('d'), R"({"kind": "destination", "id": "d", "capacity": 10, "controlled_by": "A"})"),
           point_feature(m.where('x'),
                         R"({"kind": "destination", "id": "x", "capacity": 1000, "controlled_by": "A"})")}));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  EXPECT_NEAR(to_seconds(p->plan.egress()), 90.0, 0.5);  // plain CCRP: b walks the long way

  const auto assignment = assign_destinations(*p->in);
  ASSERT_TRUE(assignment);
  EXPECT_TRUE(assignment->binds);
  ASSERT_TRUE(assignment->bounds.lower_bound_egress);
  EXPECT_NEAR(to_seconds(*assignment->bounds.lower_bound_egress), 40.0, 0.5);
  EXPECT_EQ(assignment->bounds.lower_bound_method, "assignment");

  const auto planned = run_plan(*p->in, {});
  const auto report = check::check_plan(p->g, p->s, to_json(*p->in, planned));
  ASSERT_TRUE(report.valid()) << violations(report);
  EXPECT_EQ(planned.people_evacuated(), 20);
  EXPECT_NEAR(to_seconds(planned.egress()), 40.0, 0.5);
  ASSERT_TRUE(planned.bounds.lower_bound_egress);
  EXPECT_NEAR(to_seconds(*planned.bounds.lower_bound_egress), 40.0, 0.5);
}

}  // namespace
}  // namespace corridor::plan

namespace corridor::plan {
namespace {

TEST(CutBounds, PartlyFilledVehiclesAreCountedLast) {
  // One vehicle a minute passes the checkpoint at a; 18 minutes of horizon
  // leave 18 slots. Fleets of 15-seat vehicles: 262 people (17 full + 7) and
  // 188 (12 full + 8): at best 18 full vehicles, 270 people, get out.
  AsciiMap m("a-----b", 100);
  m.way("ab", k_road);
  const auto p = plan_for(
      m,
      scenario_text(
          {point_feature(m.where('a'), R"({"kind": "origin", "id": "o1", "people": 262, "persons_per_vehicle": 15})"),
           point_feature(m.where('a'), R"({"kind": "origin", "id": "o2", "people": 188, "persons_per_vehicle": 15})"),
           point_feature(m.where('b'), R"({"kind": "destination", "id": "d", "capacity": 1000, "controlled_by": "A"})"),
           point_feature(m.where('a'),
                         R"({"kind": "checkpoint", "id": "cp", "vehicles_per_hour": 60, "operated_by": "A"})")},
          "[]", 0.3));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  EXPECT_EQ(p->plan.bounds.upper_bound_people, 270);
  EXPECT_LE(p->plan.people_evacuated(), 270);
}

TEST(CutBounds, ANarrowStretchInsideAChainOfRoadsBinds) {
  // a-b and d-e 10 vehicles a minute, the service road b-c-d between them
  // 5 (300 veh/h); b, c and d only pass traffic on, so the minimum cut
  // joins a-e into one arc of its least capacity and names b-c-d's first
  // segment: 50 vehicles take 10 steps through it.
  AsciiMap m("a--b--c--d--e", 100);
  m.way("ab", k_road);
  m.way("bcd", {{"highway", "service"}, {"maxspeed", "36"}});
  m.way("de", k_road);
  const auto p = plan_for(
      m, scenario_text(
             {point_feature(m.where('a'), R"({"kind": "origin", "id": "o", "people": 50, "persons_per_vehicle": 1})"),
              point_feature(m.where('e'),
                            R"({"kind": "destination", "id": "d", "capacity": 1000, "controlled_by": "A"})")}));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  EXPECT_EQ(p->plan.people_evacuated(), 50);
  ASSERT_TRUE(p->plan.bounds.lower_bound_egress);
  EXPECT_LE(*p->plan.bounds.lower_bound_egress, p->plan.egress());
  // Through the wide roads alone 50 vehicles would need 5 steps; the
  // narrow stretch takes 10: the last enters it in step 9 at the earliest.
  EXPECT_GE(to_seconds(*p->plan.bounds.lower_bound_egress), 9 * 60.0);
  EXPECT_NEAR(to_seconds(*p->plan.bounds.lower_bound_egress), to_seconds(p->plan.egress()), 60.0);
}

TEST(CutBounds, PeopleAlreadyAtADestinationAreOut) {
  AsciiMap m("a-----b", 100);
  m.way("ab", k_road);
  const auto p = plan_for(
      m,
      scenario_text(
          {point_feature(m.where('b'), R"({"kind": "origin", "id": "there", "people": 635, "persons_per_vehicle": 5})"),
           point_feature(m.where('a'), R"({"kind": "origin", "id": "here", "people": 10, "persons_per_vehicle": 5})"),
           point_feature(m.where('b'),
                         R"({"kind": "destination", "id": "d", "capacity": 1000, "controlled_by": "A"})")}));
  ASSERT_TRUE(p->report.valid()) << violations(p->report);
  EXPECT_EQ(p->plan.people_evacuated(), 645);
  EXPECT_EQ(p->plan.bounds.upper_bound_people, 645);
  ASSERT_TRUE(p->plan.bounds.lower_bound_egress);
  EXPECT_LE(*p->plan.bounds.lower_bound_egress, p->plan.egress());
}

}  // namespace
}  // namespace corridor::plan

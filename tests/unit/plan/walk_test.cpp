// The first mile on foot: people of an origin with walk_to walk to a pick-up
// point on the foot network, in groups the ways' pedestrian capacity allows,
// and the fleet loads them no sooner than they arrive. Drawn maps with
// hand-worked answers; every plan goes through the independent checker.
#include <gtest/gtest.h>

#include <cmath>

#include "corridor/check/check.hpp"
#include "corridor/error.hpp"
#include "corridor/plan/run.hpp"
#include "corridor/plan/walk.hpp"
#include "exact_testing.hpp"

namespace corridor::plan::exact_test {
namespace {

const Tags k_road = {{"highway", "residential"}, {"maxspeed", "36"}};

// o-p a footway (not drivable), p-x-d a road. Each '-' is 100 m: the
// footway is 600 m (540 s at the walking profile's 4 km/h), each road
// stretch 600 m (60 s at 36 km/h).
const char* k_map = "o-----p-----x-----d";

struct Walking {
  std::unique_ptr<Case> c;
  graph::RoadGraph foot;
  WalkPlan walks;
  PlanResult plan;
  nlohmann::json doc;
  check::CheckReport report;
};

std::string violations(const check::CheckReport& r) {
  std::string out;
  for (const auto& v : r.violations) out += check::to_line(v) + "\n";
  return out;
}

AsciiMap drawn(const Tags& footway = {{"highway", "footway"}}) {
  AsciiMap m(k_map, 100);
  m.way("op", footway);
  m.way("pxd", k_road);
  return m;
}

std::string scenario(const AsciiMap& m, int people, const std::string& walker_extra = "",
                     const std::string& more = "") {
  const std::string depot = R"({"type": "Feature", "geometry": )" + point(m.where('d')) +
                            R"(, "properties": {"kind": "depot", "id": "base", "vehicles": 1, "seats": 10, )"
                            R"("load_min": 5, "unload_min": 5}})";
  const std::string pickup = R"({"type": "Feature", "geometry": )" + point(m.where('p')) +
                             R"(, "properties": {"kind": "pickup", "id": "square"}})";
  return scenario_text(depot + "," + pickup + "," +
                       origin(m, 'o', "village", people, R"(, "walk_to": ["square"])" + walker_extra) + "," +
                       destination(m, 'x', "camp", 1000) + more);
}

Walking planned(const AsciiMap& m, const std::string& text) {
  Walking w;
  w.c = prepare(m, text);
  testing::TempDir dir;
  w.foot = graph::build(osm::read_osm(m.write_pbf(dir / "foot.osm.pbf"), osm::Profile::walking()));
  for (auto& t : w.foot.time_ms) t = static_cast<std::uint32_t>(std::lround(t / 1000.0) * 1000);
  w.walks = plan_walks(w.foot, *w.c->in, 1000);
  add_arrivals(*w.c->in, w.walks.walks);
  RunOptions options;
  options.walks = &w.walks;
  w.plan = run_plan(*w.c->in, options);
  w.doc = to_json(*w.c->in, w.plan);
  w.report = check::check_plan(w.c->g, w.c->s, w.doc);
  return w;
}

TEST(Walk, PeopleWalkThenTheBusShuttles) {
  const auto m = drawn();
  const auto w = planned(m, scenario(m, 50));
  ASSERT_TRUE(w.report.valid()) << violations(w.report);
  ASSERT_EQ(w.plan.walks.size(), 1u);
  const auto& walk = w.plan.walks[0];
  EXPECT_EQ(walk.duration(), 540'000);  // 600 m at 4 km/h
  EXPECT_NEAR(walk.distance_m, 600, 1);
  EXPECT_EQ(walk.path.size(), 2u);  // o, p
  // A footway takes 4500 people an hour: 75 a minute, so all 50 leave at once.
  ASSERT_EQ(walk.groups.size(), 1u);
  EXPECT_EQ(walk.groups[0], (std::pair<Ms, std::int64_t>{0, 50}));
  // The bus is at p at 120 s but loads from 540 s, when they arrive: out at
  // 540 + 300 + 60 = 900 s, then four more trips of 720 s each.
  EXPECT_EQ(w.plan.people_evacuated(), 50);
  EXPECT_EQ(w.plan.egress(), 900'000 + 4 * 720'000);
  const auto& first = w.plan.fleet.at(0).legs.at(1);
  EXPECT_EQ(first.departure(), 840'000);
  // The bound knows the last walker arrives at 540 s and the one bus makes
  // five trips: it is exact here.
  ASSERT_TRUE(w.plan.bounds.lower_bound_egress);
  EXPECT_EQ(*w.plan.bounds.lower_bound_egress, w.plan.egress());
  EXPECT_EQ(w.doc["summary"]["people"], 50);
  EXPECT_EQ(w.doc["summary"]["walking"]["people"], 50);
  EXPECT_EQ(w.doc["walks"][0]["groups"], nlohmann::json::parse("[[0.0, 50]]"));
}

TEST(Walk, APathsCapacitySpreadsTheWalkersOverSteps) {
  // A path takes 3000 people an hour: 50 in each 60 s step.
  const auto m = drawn({{"highway", "path"}});
  const auto w = planned(m, scenario(m, 120));
  ASSERT_TRUE(w.report.valid()) << violations(w.report);
  const auto& groups = w.plan.walks.at(0).groups;
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0], (std::pair<Ms, std::int64_t>{0, 50}));
  EXPECT_EQ(groups[1], (std::pair<Ms, std::int64_t>{60'000, 50}));
  EXPECT_EQ(groups[2], (std::pair<Ms, std::int64_t>{120'000, 20}));
  EXPECT_EQ(w.plan.people_evacuated(), 120);
}

TEST(Walk, TooFarOrThroughAHazardTheyCannotWalk) {
  const auto m = drawn();
  const auto far = planned(m, scenario(m, 50, R"(, "walk_max_m": 400)"));
  ASSERT_EQ(far.plan.unmet.size(), 1u);
  EXPECT_TRUE(far.plan.unmet[0].walker);
  EXPECT_EQ(far.plan.unmet[0].people, 50);
  EXPECT_NE(far.plan.unmet[0].reason.find("within walk_max_m 400 m"), std::string::npos) << far.plan.unmet[0].reason;
  EXPECT_EQ(far.doc["unmet"][0]["origin"], "village");
  EXPECT_EQ(far.plan.people_evacuated(), 0);
  EXPECT_TRUE(far.report.valid()) << violations(far.report);

  // Shelling on the footway (whenever it is) closes it to walkers.
  const auto shelled = planned(m, scenario(m, 50, "", "," + hazard(m, "op", "shelling", 3600, 7200)));
  ASSERT_EQ(shelled.plan.unmet.size(), 1u);
  EXPECT_TRUE(shelled.plan.walks.empty());
  EXPECT_TRUE(shelled.report.valid()) << violations(shelled.report);
}

TEST(Walk, TheCheckerCatchesLoadingBeforeTheWalkersArrive) {
  const auto m = drawn();
  auto w = planned(m, scenario(m, 50));
  ASSERT_TRUE(w.report.valid()) << violations(w.report);
  auto late = w.doc;
  late["walks"][0]["groups"][0][0] = 3600.0;  // they would leave an hour later
  const auto report = check::check_plan(w.c->g, w.c->s, late);
  ASSERT_FALSE(report.valid());
  EXPECT_EQ(report.violations[0].constraint, "gathering") << violations(report);

  auto lost = w.doc;
  lost["walks"][0]["people"] = 40;
  lost["walks"][0]["groups"][0][1] = 40;
  const auto conservation = check::check_plan(w.c->g, w.c->s, lost);
  std::string codes;
  for (const auto& v : conservation.violations) codes += v.constraint + " ";
  EXPECT_NE(codes.find("conservation"), std::string::npos) << violations(conservation);

  auto elsewhere = w.doc;
  elsewhere["walks"][0]["origin"] = "nobody";
  EXPECT_FALSE(check::check_plan(w.c->g, w.c->s, elsewhere).valid());
}

TEST(Walk, WalkersNeedAFootNetwork) {
  const auto m = drawn();
  auto c = prepare(m, scenario(m, 50));
  try {
    run_plan(*c->in, {});
    FAIL() << "planned walkers without their walks";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--walk-map"), std::string::npos) << e.what();
  }
  // A road network is not a foot network.
  EXPECT_THROW(require_foot_network(c->g, "roads.graph"), InputError);
}

}  // namespace
}  // namespace corridor::plan::exact_test

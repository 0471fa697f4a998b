// The exact method and the time-expanded bounds on hand-worked cases. Every
// drawn segment is 600 m (six 100 m cells) driven at 36 km/h: exactly one
// 60 s step. Residential roads admit ceil(600 * 60 / 3600) = 10 vehicles
// per step, primary roads 25; origins fill buses of 40.
#include "exact_testing.hpp"

#include "corridor/error.hpp"

namespace corridor::plan::exact_test {
namespace {

constexpr Ms k_step = 60'000;
const Tags k_residential = {{"highway", "residential"}, {"maxspeed", "36"}};
const Tags k_primary = {{"highway", "primary"}, {"maxspeed", "36"}};

struct Solved {
  std::unique_ptr<Case> c;
  PlanResult plan;
  std::optional<Bounds> bounds;
};

// The worked cases count in whole steps: one copy per step.
const ExactLimits k_whole_steps = limits(3'000'000, 1);

Solved solve(const AsciiMap& m, const std::string& scenario_json, const ExactLimits& limits = k_whole_steps) {
  Solved r;
  r.c = prepare(m, scenario_json);
  r.plan = solve_optimal(*r.c->in, limits);
  r.bounds = time_expanded_bounds(*r.c->in);
  expect_valid(*r.c->in, r.plan);
  return r;
}

TEST(ExactPlan, BottleneckRoad) {
  AsciiMap m("a-----b-----c", 100);
  m.way("ab", k_primary);
  m.way("bc", k_residential);
  // 2000 people: 50 buses. a->b takes 25 per step, b->c only 10: buses reach
  // b from step 1, b->c admits 10 per step from step 1, so the 50th enters
  // it in step 5 and arrives at step 6: 360 s.
  const auto r = solve(m, scenario_text(origin(m, 'a', "town", 2000) + "," + destination(m, 'c', "camp", 100000)));
  EXPECT_EQ(r.plan.method, "optimal");
  EXPECT_EQ(r.plan.people_evacuated(), 2000);
  EXPECT_EQ(r.plan.vehicles_used(), 50);
  EXPECT_TRUE(r.plan.unmet.empty());
  EXPECT_EQ(r.plan.egress(), 6 * k_step);
  ASSERT_TRUE(r.bounds && r.bounds->lower_bound_egress);
  EXPECT_EQ(*r.bounds->lower_bound_egress, 6 * k_step);  // step multiples: the relaxation is tight
  EXPECT_EQ(r.bounds->upper_bound_people, 2000);
  EXPECT_EQ(r.bounds->lower_bound_method, "time-expanded");
  ASSERT_TRUE(r.plan.bounds.lower_bound_egress);
  EXPECT_EQ(*r.plan.bounds.lower_bound_egress, 6 * k_step);
  for (const auto& mv : r.plan.movements) EXPECT_EQ(r.c->letters(mv), "abc");
}

TEST(ExactPlan, CheckpointMetersTheFlow) {
  AsciiMap m("a-----b-----c", 100);
  m.way("abc", k_residential);
  // 400 people: 10 buses, all on a->b in step 0. The checkpoint at b passes
  // ceil(120 * 60 / 3600) = 2 per step, in steps 1..5: the last arrives at
  // step 6, 360 s (without it: 120 s).
  const auto features = origin(m, 'a', "town", 400) + "," + destination(m, 'c', "camp", 100000);
  const auto r = solve(m, scenario_text(features + "," + checkpoint(m, 'b', "cp", 120, "B")));
  EXPECT_EQ(r.plan.people_evacuated(), 400);
  EXPECT_EQ(r.plan.egress(), 6 * k_step);
  ASSERT_TRUE(r.bounds && r.bounds->lower_bound_egress);
  EXPECT_EQ(*r.bounds->lower_bound_egress, 6 * k_step);
  const auto free = solve(m, scenario_text(features));
  EXPECT_EQ(free.plan.egress(), 2 * k_step);
}

const char* k_square = R"(
  a-----b-----c
  |           |
  |           |
  |           |
  |           |
  |           |
  d-----e-----f
)";

TEST(ExactPlan, HazardClosesTheShortRouteForAWhile) {
  AsciiMap m(k_square, 100);
  m.way("abc", k_residential);
  m.way("adefc", k_residential);
  // 1600 people: 40 buses from a to c; the short route a-b-c takes 2 steps,
  // the long one a-d-e-f-c 4. Open roads: 10 on a->b in steps 0-3 arrive at
  // steps 2-5, 10 on a->d in step 0 at step 4: 40 by step 4 (240 s).
  const auto features = origin(m, 'a', "town", 1600) + "," + destination(m, 'c', "camp", 100000);
  const auto open = solve(m, scenario_text(features));
  EXPECT_EQ(open.plan.egress(), 4 * k_step);
  // Shelling around b until 120 s: a->b opens in step 2. By step 4 only
  // 10 (a->b in step 2) + 10 (a->d in step 0) arrive; by step 5, 40: 300 s.
  const auto r = solve(m, scenario_text(features + "," + hazard(m, "b", "shelling", 0, 120)));
  EXPECT_EQ(r.plan.people_evacuated(), 1600);
  EXPECT_EQ(r.plan.egress(), 5 * k_step);
  ASSERT_TRUE(r.bounds && r.bounds->lower_bound_egress);
  EXPECT_EQ(*r.bounds->lower_bound_egress, 5 * k_step);
  std::int64_t long_way = 0;
  for (const auto& mv : r.plan.movements) {
    if (r.c->letters(mv) == "adefc")
      long_way += mv.vehicles;
    else
      EXPECT_GE(mv.times.front(), 2 * k_step);  // the short way only once open
  }
  EXPECT_EQ(long_way, 20);
}

TEST(ExactPlan, CeasefireWindowTooShortLeavesPeopleBehind) {
  AsciiMap m("a-----b-----c", 100);
  m.way("abc", k_residential);
  // The road is open only for the first 300 s, and a bus must be off it by
  // then: b->c entries in steps 1-4, so 40 of the 50 buses (1600 of 2000
  // people) get out, the last arriving at 300 s.
  const auto features = origin(m, 'a', "town", 2000) + "," + destination(m, 'c', "camp", 100000) + "," +
                        ceasefire(m, "abc", "cf", 0, 300);
  const auto r = solve(m, scenario_text(features));
  EXPECT_EQ(r.plan.people_evacuated(), 1600);
  EXPECT_EQ(r.plan.egress(), 5 * k_step);
  ASSERT_EQ(r.plan.unmet.size(), 1u);
  EXPECT_EQ(r.plan.unmet[0].people, 400);
  EXPECT_FALSE(r.plan.unmet[0].reason.empty());
  ASSERT_TRUE(r.bounds);
  EXPECT_FALSE(r.bounds->lower_bound_egress);  // nobody can get everyone out
  EXPECT_EQ(r.bounds->upper_bound_people, 1600);
  EXPECT_FALSE(r.plan.bounds.lower_bound_egress);
  EXPECT_EQ(r.plan.bounds.upper_bound_people, 1600);
}

const char* k_line = "c-----a-----b-----d";

TEST(ExactPlan, RuleLeavesOnlyTheFarDestination) {
  AsciiMap m(k_line, 100);
  m.way("cabd", k_residential);
  // B refuses the near camp (controlled by A, one step away): 20 buses go
  // to the far one, 10 per step on a->b in steps 0 and 1, arriving at steps
  // 2 and 3: 180 s.
  const auto features = origin(m, 'a', "town", 800) + "," + destination(m, 'c', "west", 100000, "A") + "," +
                        destination(m, 'd', "east", 100000, "B");
  const auto r =
      solve(m, scenario_text(features, R"({"party": "B", "forbid": {"destinations_controlled_by": ["A"]}})"));
  EXPECT_EQ(r.plan.people_evacuated(), 800);
  EXPECT_EQ(r.plan.egress(), 3 * k_step);
  for (const auto& mv : r.plan.movements) {
    EXPECT_EQ(mv.destination, 1u);
    EXPECT_EQ(r.c->letters(mv), "abd");
  }
  ASSERT_TRUE(r.bounds && r.bounds->lower_bound_egress);
  EXPECT_EQ(*r.bounds->lower_bound_egress, 3 * k_step);
  // Without the rule half go west: 10 per step each way, all out by step 2.
  const auto free = solve(m, scenario_text(features));
  EXPECT_EQ(free.plan.egress(), 2 * k_step);
}

TEST(ExactPlan, DestinationCapacityHolds) {
  AsciiMap m(k_line, 100);
  m.way("cabd", k_residential);
  // 30 buses; west takes 400 people (10 buses, arriving at step 1), so 20
  // go east in steps 0 and 1, the last arriving at step 3: 180 s.
  const auto features =
      origin(m, 'a', "town", 1200) + "," + destination(m, 'c', "west", 400) + "," + destination(m, 'd', "east", 100000);
  const auto r = solve(m, scenario_text(features));
  EXPECT_EQ(r.plan.people_evacuated(), 1200);
  EXPECT_EQ(r.plan.egress(), 3 * k_step);
  ASSERT_TRUE(r.bounds && r.bounds->lower_bound_egress);
  EXPECT_EQ(*r.bounds->lower_bound_egress, 3 * k_step);
}

TEST(ExactPlan, LateDepartureOffTheStepGrid) {
  AsciiMap m("a-----c", 100);
  m.way("ac", k_residential);
  // Departure from 90 s: the exact model starts buses at the next boundary,
  // 120 s, so they arrive at 180 s. No plan arrives before 90 + 60 = 150 s,
  // which the bound finds (the relaxation alone would say 120 s).
  const auto features = origin(m, 'a', "town", 400, R"(, "earliest_departure": ")" + at(90) + "\"") + "," +
                        destination(m, 'c', "camp", 100000);
  const auto r = solve(m, scenario_text(features));
  EXPECT_EQ(r.plan.egress(), 3 * k_step);
  for (const auto& mv : r.plan.movements) EXPECT_EQ(mv.departure(), 2 * k_step);
  ASSERT_TRUE(r.bounds && r.bounds->lower_bound_egress);
  EXPECT_EQ(*r.bounds->lower_bound_egress, 150'000);
  // In copies every 10 s the 10 per step are split 1, 2, 2, 1, 2, 2: buses
  // enter from 90 s, the last at 140 s, arriving at 200 s. Automatic
  // resolution keeps the better plan, whole steps.
  EXPECT_EQ(solve(m, scenario_text(features), limits(3'000'000, 6)).plan.egress(), 200'000);
  EXPECT_EQ(solve(m, scenario_text(features), ExactLimits()).plan.egress(), 180'000);
  // One bus leaves at 90 s and meets the bound.
  const auto one = origin(m, 'a', "town", 40, R"(, "earliest_departure": ")" + at(90) + "\"") + "," +
                   destination(m, 'c', "camp", 100000);
  EXPECT_EQ(solve(m, scenario_text(one), ExactLimits()).plan.egress(), 150'000);
}

TEST(ExactPlan, FinerCopiesFollowShortSections) {
  AsciiMap m(R"(
    a--b--c
       |
       |
       d
  )",
             100);
  m.way("abc", k_residential);
  m.way("bd", k_residential);
  // a->b and b->c take 30 s each; b is a junction, so each is a section of
  // its own. In whole steps a bus enters b->c at 60 s and arrives at 90 s.
  // In 10 s copies one bus arrives at 60 s, the bound; two buses share the
  // 10 per step as 1, 2, 2, 1, 2, 2 per 10 s: the second enters a->b at
  // 10 s, b->c at 40 s, and arrives at 70 s.
  const auto one = origin(m, 'a', "town", 40) + "," + destination(m, 'c', "camp", 100000);
  EXPECT_EQ(solve(m, scenario_text(one)).plan.egress(), 90'000);
  const auto fine = solve(m, scenario_text(one), limits(3'000'000, 6));
  EXPECT_EQ(fine.plan.egress(), 60'000);
  ASSERT_TRUE(fine.bounds && fine.bounds->lower_bound_egress);
  EXPECT_EQ(*fine.bounds->lower_bound_egress, 60'000);
  const auto two = origin(m, 'a', "town", 80) + "," + destination(m, 'c', "camp", 100000);
  EXPECT_EQ(solve(m, scenario_text(two), limits(3'000'000, 6)).plan.egress(), 70'000);
  // Automatic: the finest resolution that fits.
  EXPECT_EQ(solve(m, scenario_text(two), ExactLimits()).plan.egress(), 70'000);
}

TEST(ExactPlan, PartlyFilledBusesAndDifferentFleets) {
  AsciiMap m("a-----b-----c", 100);
  m.way("abc", k_residential);
  // 50 people in buses of 40 (2 vehicles, the second with 10) and 95 in
  // vans of 10 (10 vehicles, the last with 5) share a->b: 12 vehicles, 10
  // per step: steps 0 and 1, the last arriving at step 3.
  const auto features = origin(m, 'a', "buses", 50) + "," +
                        origin(m, 'a', "vans", 95, R"(, "persons_per_vehicle": 10)") + "," +
                        destination(m, 'c', "camp", 100000);
  const auto r = solve(m, scenario_text(features));
  EXPECT_EQ(r.plan.people_evacuated(), 145);
  EXPECT_EQ(r.plan.vehicles_used(), 12);
  EXPECT_EQ(r.plan.egress(), 3 * k_step);
  ASSERT_TRUE(r.bounds && r.bounds->lower_bound_egress);
  EXPECT_LE(*r.bounds->lower_bound_egress, r.plan.egress());
}

TEST(ExactPlan, TheMostPeopleWhenNotAllCanLeave) {
  AsciiMap m("a-----b-----c", 100);
  m.way("abc", k_residential);
  // The window lets 10 vehicles through (a->b in step 0, b->c in step 1).
  // Full buses of 40 beat vans of 10 and the partly filled last bus.
  const auto features = origin(m, 'a', "buses", 170) + "," +
                        origin(m, 'a', "vans", 200, R"(, "persons_per_vehicle": 10)") + "," +
                        destination(m, 'c', "camp", 100000) + "," + ceasefire(m, "abc", "cf", 0, 120);
  const auto r = solve(m, scenario_text(features));
  // 4 full buses (160) + 6 vans (60).
  EXPECT_EQ(r.plan.people_evacuated(), 220);
  EXPECT_EQ(r.plan.egress(), 2 * k_step);
  ASSERT_TRUE(r.bounds);
  EXPECT_EQ(r.bounds->upper_bound_people, 220);  // the 10 fullest vehicles
  EXPECT_FALSE(r.bounds->lower_bound_egress);
}

TEST(ExactPlan, TooLargeIsAClearError) {
  AsciiMap m("a-----b-----c", 100);
  m.way("abc", k_residential);
  const auto c = prepare(m, scenario_text(origin(m, 'a', "town", 400) + "," + destination(m, 'c', "camp", 1000)));
  try {
    (void)solve_optimal(*c->in, limits(10));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "--method optimal");
    EXPECT_NE(std::string(e.what()).find("too large"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2 nodes x 721 steps"), std::string::npos) << e.what();
  }
  // The relaxed network for the whole horizon does not fit in 10 copies
  // either: the bound is proven on a condensed one (many steps per copy,
  // still a relaxation), named as such, and still holds the free-flow
  // arrival of 2 steps; in 5, not even one copy per node fits.
  const auto bounds = time_expanded_bounds(*c->in, limits(10));
  ASSERT_TRUE(bounds && bounds->lower_bound_egress);
  EXPECT_EQ(*bounds->lower_bound_egress, 2 * k_step);
  EXPECT_NE(bounds->lower_bound_method.find("condensed to"), std::string::npos) << bounds->lower_bound_method;
  EXPECT_FALSE(time_expanded_bounds(*c->in, limits(5)));
  // A condensed bound never exceeds the one at the scenario's step.
  const auto full = time_expanded_bounds(*c->in, limits(3'000'000));
  ASSERT_TRUE(full && full->lower_bound_egress);
  EXPECT_EQ(full->lower_bound_method, "time-expanded");
  EXPECT_LE(*bounds->lower_bound_egress, *full->lower_bound_egress);
}

}  // namespace
}  // namespace corridor::plan::exact_test

// The exact method and the bounds on random road grids: every plan keeps
// every rule, the bounds hold, and where the two models coincide (copies
// every step, segment times whole steps, no closures, one bus size, full
// buses, roomy destinations) the bound equals the optimum.
#include <random>

#include "corridor/plan/assignment.hpp"
#include "corridor/plan/bounds.hpp"
#include "corridor/plan/ccrp.hpp"
#include "corridor/plan/run.hpp"
#include "exact_testing.hpp"
#include "network_builder.hpp"

namespace corridor::plan::exact_test {
namespace {

std::string polygon_around(geo::LonLat p, double pad_deg) {
  std::ostringstream out;
  out.precision(12);
  out << "[[[" << p.lon - pad_deg << "," << p.lat - pad_deg << "],[" << p.lon + pad_deg << "," << p.lat - pad_deg
      << "],[" << p.lon + pad_deg << "," << p.lat + pad_deg << "],[" << p.lon - pad_deg << "," << p.lat + pad_deg
      << "],[" << p.lon - pad_deg << "," << p.lat - pad_deg << "]]]";
  return out.str();
}

// A 6x6 grid with two origins and two destinations. `aligned`: segment
// times rounded up to whole 30 s steps, nothing closed, buses of 40 filled,
// destinations that hold everybody; otherwise random sizes, rules, a
// hazard, a ceasefire and a checkpoint.
std::unique_ptr<Case> random_case(std::mt19937_64& rng, bool aligned, double horizon_hours) {
  auto c = std::make_unique<Case>();
  c->g = graph::build(testing::NetworkBuilder::random_grid(6, rng));
  if (aligned) {
    for (auto& t : c->g.time_ms) t = std::max<std::uint32_t>(1, (t + 29'999) / 30'000) * 30'000;
  }
  c->index = std::make_unique<graph::SpatialIndex>(c->g);
  std::uniform_int_distribution<NodeId> any_node(0, c->g.node_count() - 1);
  std::uniform_int_distribution<int> people(1, 10);
  std::uniform_int_distribution<int> coin(0, 1);
  auto feature = [&](const std::string& geometry, const std::string& properties) {
    return R"({"type": "Feature", "geometry": )" + geometry + R"(, "properties": {)" + properties + "}}";
  };
  std::string features;
  for (int o = 0; o < 2; ++o) {
    std::string props = R"("kind": "origin", "id": "o)" + std::to_string(o) + R"(", "people": )";
    if (aligned) {
      props += std::to_string(40 * people(rng));
    } else {
      props += std::to_string(37 * people(rng) + 3) + R"(, "persons_per_vehicle": )" + (coin(rng) ? "40" : "15");
      if (coin(rng)) props += R"(, "earliest_departure": ")" + at(45 * people(rng)) + "\"";
    }
    features += feature(point(c->g.where(any_node(rng))), props) + ",";
  }
  for (int d = 0; d < 2; ++d) {
    const std::string capacity = aligned ? "100000" : std::to_string(150 * people(rng));
    features += feature(point(c->g.where(any_node(rng))), R"("kind": "destination", "id": "d)" + std::to_string(d) +
                                                              R"(", "capacity": )" + capacity +
                                                              R"(, "controlled_by": ")" + (d == 0 ? "A" : "B") + "\"");
    features += ",";
  }
  std::string rules;
  if (!aligned) {
    features +=
        feature(R"({"type": "Polygon", "coordinates": )" + polygon_around(c->g.where(any_node(rng)), 0.0004) + "}",
                R"("kind": "hazard", "id": "h", "from": ")" + at(60 * people(rng)) + R"(", "until": ")" +
                    at(600 + 90 * people(rng)) + "\"") +
        ",";
    features +=
        feature(R"({"type": "Polygon", "coordinates": )" + polygon_around(c->g.where(any_node(rng)), 0.0004) + "}",
                R"("kind": "ceasefire", "id": "cf", "windows": [[")" + at(0) + R"(", ")" + at(300 * people(rng)) +
                    R"("]])") +
        ",";
    features +=
        feature(point(c->g.where(any_node(rng))), R"("kind": "checkpoint", "id": "cp", "vehicles_per_hour": )" +
                                                      std::to_string(60 * people(rng)) + R"(, "operated_by": "M")");
    if (coin(rng)) rules = R"({"party": "B", "forbid": {"destinations_controlled_by": ["A"]}})";
  } else {
    features.pop_back();
  }
  c->s = scenario::parse_scenario(scenario_text(features, rules, 30, horizon_hours), "random.geojson");
  c->in = std::make_unique<Instance>(c->g, *c->index, c->s, 1000);
  return c;
}

TEST(ExactRandom, PlansKeepEveryRuleAndTheBoundsHold) {
  std::mt19937_64 rng(testing::test_seed());
  SCOPED_TRACE("seed " + std::to_string(testing::test_seed()));
  for (int round = 0; round < 25; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto c = random_case(rng, false, round % 3 == 0 ? 0.15 : 1.0);
    const auto plan = solve_optimal(*c->in);
    expect_valid(*c->in, plan);
    const auto bounds = time_expanded_bounds(*c->in);
    ASSERT_TRUE(bounds);
    EXPECT_GE(bounds->upper_bound_people, plan.people_evacuated());
    if (plan.unmet.empty()) {
      ASSERT_TRUE(bounds->lower_bound_egress);
      EXPECT_LE(*bounds->lower_bound_egress, plan.egress());
    }
  }
}

TEST(ExactRandom, OnTheStepGridTheBoundIsTheOptimum) {
  std::mt19937_64 rng(testing::test_seed() + 1);
  SCOPED_TRACE("seed " + std::to_string(testing::test_seed()));
  int compared = 0;
  for (int round = 0; round < 25; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto c = random_case(rng, true, round % 2 == 0 ? 0.05 : 1.0);
    const auto plan = solve_optimal(*c->in, limits(3'000'000, 1));  // whole steps
    expect_valid(*c->in, plan);
    const auto bounds = time_expanded_bounds(*c->in);
    ASSERT_TRUE(bounds);
    EXPECT_EQ(bounds->upper_bound_people, plan.people_evacuated());
    EXPECT_EQ(bounds->lower_bound_egress.has_value(), plan.unmet.empty());
    if (plan.unmet.empty() && bounds->lower_bound_egress) {
      EXPECT_EQ(*bounds->lower_bound_egress, plan.egress());
      ++compared;
    }
    // The other proofs hold around the optimum: the condensed network (here
    // forced by a small size limit) and the assignment of people to destinations.
    if (const auto condensed = time_expanded_bounds(*c->in, limits(40))) {
      EXPECT_GE(condensed->upper_bound_people, plan.people_evacuated()) << condensed->lower_bound_method;
      if (plan.unmet.empty()) {
        ASSERT_TRUE(condensed->lower_bound_egress) << condensed->lower_bound_method;
        EXPECT_LE(*condensed->lower_bound_egress, plan.egress()) << condensed->lower_bound_method;
      }
    }
    if (const auto assignment = assign_destinations(*c->in)) {
      EXPECT_GE(assignment->bounds.upper_bound_people, plan.people_evacuated());
      if (plan.unmet.empty()) {
        ASSERT_TRUE(assignment->bounds.lower_bound_egress);
        EXPECT_LE(*assignment->bounds.lower_bound_egress, plan.egress());
      }
    }
    // The default pipeline (heuristic, guided where destinations bind,
    // strongest bounds) gives a valid plan no better than the optimum.
    const auto planned = run_plan(*c->in, {});
    expect_valid(*c->in, planned);
    EXPECT_LE(planned.people_evacuated(), plan.people_evacuated());
    if (planned.unmet.empty() && plan.unmet.empty()) {
      EXPECT_GE(planned.egress(), plan.egress());
    }
  }
  EXPECT_GT(compared, 0);
}

// The heuristic against the exact optimum and both bounds: on the step grid
// the time-expanded bound is the optimum, so the heuristic can match it but
// never beat it, and the cut bound must hold around both.
TEST(ExactRandom, HeuristicNeverBeatsTheOptimumAndTheCutBoundHolds) {
  std::mt19937_64 rng(testing::test_seed() + 2);
  SCOPED_TRACE("seed " + std::to_string(testing::test_seed()));
  for (int round = 0; round < 25; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto c = random_case(rng, round % 2 == 0, round % 3 == 0 ? 0.15 : 1.0);
    const auto cut = cut_bounds(*c->in);
    auto heuristic = plan_ccrp(*c->in);
    heuristic.bounds = cut;
    expect_valid(*c->in, heuristic);
    const auto optimal = solve_optimal(*c->in);
    EXPECT_GE(cut.upper_bound_people, optimal.people_evacuated());
    EXPECT_GE(cut.upper_bound_people, heuristic.people_evacuated());
    if (heuristic.unmet.empty()) {
      ASSERT_TRUE(cut.lower_bound_egress);
      EXPECT_LE(*cut.lower_bound_egress, heuristic.egress());
    }
    if (optimal.unmet.empty() && cut.lower_bound_egress) {
      EXPECT_LE(*cut.lower_bound_egress, optimal.egress());
    }
    const auto expanded = time_expanded_bounds(*c->in);
    ASSERT_TRUE(expanded);
    EXPECT_LE(heuristic.people_evacuated(), expanded->upper_bound_people);
    if (heuristic.unmet.empty()) {
      ASSERT_TRUE(expanded->lower_bound_egress);
      EXPECT_GE(heuristic.egress(), *expanded->lower_bound_egress);
    }
  }
}

// The time-expanded engine's own decomposition (forced here; by default only
// networks over 400,000 copies use it) gives plans as valid and as quick as
// the tidy minimum-cost flow on the same network, with mixed bus sizes,
// closures, checkpoints and binding destinations among the cases.
TEST(ExactRandom, TheEngineFlowDecomposesIntoPlansAsQuickAsTheTidyFlow) {
  std::mt19937_64 rng(testing::test_seed() + 3);
  SCOPED_TRACE("seed " + std::to_string(testing::test_seed()));
  int compared = 0;
  for (int round = 0; round < 30; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto c = random_case(rng, round % 2 == 0, round % 3 == 0 ? 0.15 : 1.0);
    auto raw = limits(3'000'000, 1);
    raw.tidy_copies = 0;
    const auto engine = solve_optimal(*c->in, raw);
    const auto tidy = solve_optimal(*c->in, limits(3'000'000, 1));
    expect_valid(*c->in, engine);
    EXPECT_EQ(engine.people_evacuated(), tidy.people_evacuated());
    if (engine.unmet.empty() && tidy.unmet.empty()) {
      const Ms step = c->in->step();
      EXPECT_EQ((engine.egress() + step - 1) / step, (tidy.egress() + step - 1) / step);
      ++compared;
    }
  }
  EXPECT_GT(compared, 0);
}

}  // namespace
}  // namespace corridor::plan::exact_test

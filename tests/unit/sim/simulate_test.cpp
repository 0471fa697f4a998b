// The simulation on drawn maps whose answer is known, on the Andorra
// exercise (no incidents: every run is the plan; thread count and seed;
// monotonicity), and the incident model's errors.
#include <gtest/gtest.h>

#include <fstream>

#include "ascii_map.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/plan/ccrp.hpp"
#include "corridor/scenario/scenario.hpp"
#include "sim/engine.hpp"
#include "test_support.hpp"

namespace corridor::sim {
namespace {

using nlohmann::json;
using testing::AsciiMap;

// Cells of 100 m at 36 km/h: 10 s a cell; 600 vehicles an hour a road.
const testing::Tags k_road = {{"highway", "residential"}, {"maxspeed", "36"}};

json scenario_doc(const std::vector<json>& features) {
  return {{"type", "FeatureCollection"},
          {"corridor",
           {{"name", "drawn"},
            {"start", "2022-03-05T09:00:00+01:00"},
            {"horizon_hours", 6},
            {"time_step_s", 60},
            {"parties", {{{"id", "A"}, {"name", "A"}}}}}},
          {"features", features}};
}

// A map, its scenario, and the plan CCRP makes for it.
struct Case {
  graph::RoadGraph g;
  std::unique_ptr<graph::SpatialIndex> index;
  scenario::Scenario s;
  std::unique_ptr<plan::Instance> in;
  plan::PlanResult plan;
};

std::unique_ptr<Case> make_case(graph::RoadGraph g, const scenario::Scenario& s) {
  auto c = std::make_unique<Case>();
  c->g = std::move(g);
  c->index = std::make_unique<graph::SpatialIndex>(c->g);
  c->s = s;
  c->in = std::make_unique<plan::Instance>(c->g, *c->index, c->s, 1000);
  c->plan = plan::plan_ccrp(*c->in);
  return c;
}

std::unique_ptr<Case> drawn_case(const AsciiMap& m, const json& doc) {
  testing::TempDir dir;
  return make_case(graph::build(osm::read_osm(m.write_pbf(dir / "m.osm.pbf"), osm::Profile::defaults())),
                   scenario::parse_scenario(doc.dump(), "drawn"));
}

// One road, o to d by way of a checkpoint c.
//   o----c----d
AsciiMap one_road() {
  AsciiMap m(R"(
    o----c----d
  )",
             100);
  m.way("ocd", k_road);
  return m;
}

std::vector<json> town_and_camp(const AsciiMap& m, int people) {
  return {
      m.point_feature('o', {{"kind", "origin"}, {"id", "town"}, {"people", people}, {"persons_per_vehicle", 10}}),
      m.point_feature('d', {{"kind", "destination"}, {"id", "camp"}, {"capacity", 100000}, {"controlled_by", "A"}})};
}

// A draw with nothing random in it.
Draw quiet_draw(const Prepared& p) {
  Draw d;
  d.slowdown.assign(p.in.checkpoints.size(), -1);
  d.slip.assign(p.movement_count(), 0);
  d.breakdown_first.assign(p.movement_count() + 1, 0);
  return d;
}

TEST(Simulate, WithoutIncidentsEveryRunIsThePlan) {
  const auto m = one_road();
  auto features = town_and_camp(m, 500);
  features.push_back(
      m.point_feature('c', {{"kind", "checkpoint"}, {"id", "cp"}, {"vehicles_per_hour", 120}, {"operated_by", "A"}}));
  const auto doc = scenario_doc(features);
  const auto c = drawn_case(m, doc);
  SimulateOptions options;
  options.runs = 5;
  options.replan = ReplanContext{&doc, c->index.get(), 1000};
  const auto r = simulate(*c->in, c->plan, IncidentModel{}, options);
  ASSERT_TRUE(r.replan);
  EXPECT_EQ(r.replan->replans.max, 0);
  EXPECT_EQ(r.replan->people_out.min, 500);
  EXPECT_EQ(r.replan->egress.max, c->plan.egress());
  EXPECT_EQ(r.plan_people_out, 500);
  EXPECT_EQ(r.wait.people_out.min, 500);
  EXPECT_EQ(r.wait.people_out.max, 500);
  EXPECT_EQ(r.wait.egress.min, c->plan.egress());
  EXPECT_EQ(r.wait.egress.max, c->plan.egress());
  EXPECT_EQ(r.wait.p_complete, 1.0);
  EXPECT_TRUE(r.wait.segments.empty());
}

TEST(Simulate, AHazardOnTheOnlyRoadDelaysTheEgressByExactlyTheClosure) {
  const auto m = one_road();
  const auto c = drawn_case(m, scenario_doc(town_and_camp(m, 10)));  // one vehicle, leaves at 0
  ASSERT_EQ(c->plan.movements.size(), 1u);
  const Prepared p(*c->in, c->plan, IncidentModel{});
  auto d = quiet_draw(p);
  // Shelling 20 m from o closes the road o-c from the departure for 30 min.
  d.hazards.push_back({0, 30 * 60'000, m.offset('o', 20, 0), 20});
  Engine engine(p);
  Tallies tallies(p);
  const auto run = engine.run(d, tallies);
  EXPECT_EQ(run.people_out, 10);
  EXPECT_EQ(run.egress, c->plan.egress() + 30 * 60'000);
  // The road it waited at is the one that blocked it, for the whole closure.
  const auto first_arc = p.plan_arc[0];
  EXPECT_EQ(tallies.arc_blocked[first_arc], 1);
  EXPECT_EQ(tallies.arc_wait[first_arc], 30 * 60'000);
  EXPECT_EQ(tallies.movement_blocked[0], 1);
  EXPECT_EQ(tallies.movement_delay[0], 30 * 60'000);
}

// Two roads from o to d: 1000 m straight on, 1400 m the way round.
//   o---------d
//   |         |
//   a---------b
AsciiMap two_roads() {
  AsciiMap m(R"(
    o---------d
    |         |
    a---------b
  )",
             100);
  m.way("od", k_road);
  m.way("oabd", k_road);
  return m;
}

TEST(Simulate, ReplanningGoesRoundAHazardThatWaitingSitsOut) {
  const auto m = two_roads();
  const auto doc = scenario_doc(town_and_camp(m, 10));  // one vehicle, leaves at 0
  const auto c = drawn_case(m, doc);
  ASSERT_EQ(c->plan.movements.size(), 1u);
  ASSERT_EQ(c->plan.movements[0].nodes.size(), 2u);  // straight on
  const Prepared p(*c->in, c->plan, IncidentModel{});
  auto d = quiet_draw(p);
  // Shelling on the straight road from the departure, for an hour.
  d.hazards.push_back({0, 60 * 60'000, m.offset('o', 500, 0), 20});
  Engine engine(p);
  Tallies tallies(p);
  const auto waited = engine.run(d, tallies);
  EXPECT_EQ(waited.egress, c->plan.egress() + 60 * 60'000);

  const ReplanContext context{&doc, c->index.get(), 1000};
  const ReplanRun replanning(p, IncidentModel{}, context, nullptr);
  const auto replanned = replanning.run(engine, d);
  EXPECT_EQ(replanned.replans, 1u);
  EXPECT_EQ(replanned.people_out, 10);
  EXPECT_TRUE(replanned.complete);
  // The way round at the same speed: 1.4 times the straight road's time.
  EXPECT_NEAR(static_cast<double>(replanned.egress), 1.4 * static_cast<double>(c->plan.egress()), 1000.0);

  // A hazard far from the road is no reason to re-plan.
  auto far = quiet_draw(p);
  far.hazards.push_back({0, 60 * 60'000, m.offset('o', 500, -1000), 20});
  const auto calm = replanning.run(engine, far);
  EXPECT_EQ(calm.replans, 0u);
  EXPECT_EQ(calm.egress, c->plan.egress());
}

TEST(Simulate, ACheckpointAtHalfCapacityDoublesTheQueue) {
  const auto m = one_road();
  auto features = town_and_camp(m, 200);  // 20 vehicles
  // One vehicle a step: the plan passes them over 20 steps.
  features.push_back(
      m.point_feature('c', {{"kind", "checkpoint"}, {"id", "cp"}, {"vehicles_per_hour", 60}, {"operated_by", "A"}}));
  const auto c = drawn_case(m, scenario_doc(features));
  const Prepared p(*c->in, c->plan, IncidentModel{});
  Ms first_pass = plan::k_never;
  for (std::size_t s = 0; s < p.arc.size(); ++s) {
    if (p.checkpoint[s] >= 0) first_pass = std::min(first_pass, p.entry[s]);
  }
  ASSERT_LT(first_pass, plan::k_never);
  const Ms travel_after = c->plan.egress() - [&] {
    Ms last = 0;
    for (std::size_t s = 0; s < p.arc.size(); ++s) last = p.checkpoint[s] >= 0 ? std::max(last, p.entry[s]) : last;
    return last;
  }();
  // The queue's length: the time steps from the first vehicle's to the
  // last one's passing, both counted.
  const auto steps = [&](Ms egress) { return (egress - travel_after) / 60'000 - first_pass / 60'000 + 1; };
  EXPECT_EQ(steps(c->plan.egress()), 20);

  auto d = quiet_draw(p);
  d.slowdown[0] = 0;
  d.slowdowns.push_back({0, p.horizon, 0.5, StepRate(30, 60)});
  Engine engine(p);
  Tallies tallies(p);
  const auto run = engine.run(d, tallies);
  EXPECT_EQ(run.people_out, 200);
  // Half the rate lets one through every other step.
  EXPECT_EQ(steps(run.egress), 40);
}

TEST(Simulate, HazardsInANamedAreaCloseOnlyRoadsThere) {
  const auto m = one_road();
  auto features = town_and_camp(m, 10);
  features.push_back({{"type", "Feature"},
                      {"geometry", {{"type", "Polygon"}, {"coordinates", json::parse(m.polygon_around("d", 5))}}},
                      {"properties", {{"kind", "area"}, {"id", "far-east"}}}});
  const auto c = drawn_case(m, scenario_doc(features));
  IncidentModel model;
  model.hazards.per_hour = 2;
  model.hazards.areas = {"far-east"};
  model.hazards.radius_m = {Range::Kind::uniform, 1, 1};
  model.hazards.duration_min = {Range::Kind::uniform, 30, 30};
  const Prepared p(*c->in, c->plan, model);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (const auto& h : draw(p, model, seed).hazards) {
      EXPECT_LT(geo::distance_m(h.centre, m.where('d')), 20) << "seed " << seed;
    }
  }
  model.hazards.areas = {"front-west"};
  try {
    const Prepared bad(*c->in, c->plan, model);
    FAIL() << "an unknown area was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "hazards.areas[0]");
    EXPECT_TRUE(testing::has(e.what(), "front-west")) << e.what();
    EXPECT_TRUE(testing::has(e.what(), "far-east")) << e.what();
  }
}

// The Andorra exercise, planned once for the tests below.
const Case& andorra() {
  static const auto c = make_case(testing::imported_extract("andorra-2021-10.osm.pbf"),
                                  scenario::load_scenario(testing::shipped_scenario("andorra-exercise.geojson")));
  return *c;
}

TEST(Simulate, TheAndorraExerciseWithoutIncidentsIsThePlanInEveryRun) {
  const auto& c = andorra();
  SimulateOptions options;
  options.runs = 3;
  const auto r = simulate(*c.in, c.plan, IncidentModel{}, options);
  EXPECT_EQ(r.wait.people_out.min, c.plan.people_evacuated());
  EXPECT_EQ(r.wait.people_out.max, c.plan.people_evacuated());
  EXPECT_EQ(r.wait.egress.min, c.plan.egress());
  EXPECT_EQ(r.wait.egress.max, c.plan.egress());
  for (const auto& w : r.wait.windows) EXPECT_EQ(w.p_suffices, 1.0) << w.ceasefire;
}

TEST(Simulate, TheSameSeedGivesTheSameResultOnOneAndTwoThreads) {
  const auto& c = andorra();
  SimulateOptions options;
  options.runs = 24;
  options.seed = testing::test_seed();
  options.threads = 1;
  const auto one = simulate(*c.in, c.plan, IncidentModel::defaults(), options).to_json(*c.in);
  options.threads = 2;
  const auto two = simulate(*c.in, c.plan, IncidentModel::defaults(), options).to_json(*c.in);
  EXPECT_EQ(one.dump(), two.dump());
  options.seed += 1;
  const auto other = simulate(*c.in, c.plan, IncidentModel::defaults(), options).to_json(*c.in);
  EXPECT_NE(one["people_out"].dump() + one["egress_s"].dump(), other["people_out"].dump() + other["egress_s"].dump());
}

TEST(Simulate, ReplanningIsTheSameOnOneAndTwoThreadsAndNeverGetsMoreOutThanThereAre) {
  const auto& c = andorra();
  std::ifstream file(testing::shipped_scenario("andorra-exercise.geojson"));
  const auto doc = json::parse(file);
  SimulateOptions options;
  options.runs = 6;
  options.seed = testing::test_seed();
  options.threads = 1;
  options.replan = ReplanContext{&doc, c.index.get(), 1000};
  const auto one = simulate(*c.in, c.plan, IncidentModel::defaults(), options);
  options.threads = 2;
  const auto two = simulate(*c.in, c.plan, IncidentModel::defaults(), options);
  EXPECT_EQ(one.to_json(*c.in).dump(), two.to_json(*c.in).dump());
  ASSERT_TRUE(one.replan);
  EXPECT_LE(one.replan->people_out.max, 23000);
  EXPECT_EQ(one.replan->windows.size(), one.wait.windows.size());
}

TEST(Simulate, MoreIncidentsNeverRaiseTheMeanPeopleOut) {
  const auto& c = andorra();
  SimulateOptions options;
  options.runs = 40;
  options.threads = 2;
  options.seed = testing::test_seed();
  SCOPED_TRACE("seed " + std::to_string(options.seed));
  double previous = static_cast<double>(c.plan.people_evacuated());
  for (const double scale : {0.5, 1.0, 2.0, 4.0}) {
    auto model = IncidentModel::defaults();
    model.hazards.per_hour *= scale;
    model.checkpoints.probability = std::min(1.0, model.checkpoints.probability * scale);
    model.breakdowns.per_vehicle_hour *= scale;
    model.departure_delay_min.b *= scale;
    const auto r = simulate(*c.in, c.plan, model, options);
    EXPECT_LE(r.wait.people_out.mean, previous) << "scale " << scale;
    EXPECT_LE(r.wait.people_out.max, c.plan.people_evacuated());
    previous = r.wait.people_out.mean;
  }
}

std::string model_error(const std::string& text) {
  try {
    parse_model(json::parse(text));
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(IncidentModel, BadModelsNameTheField) {
  EXPECT_EQ(model_error(R"({"hazards": {"per_hour": -1, "duration_min": [1, 2]}})"),
            "hazards.per_hour: must be between 0 and 1000, got -1");
  EXPECT_EQ(model_error(R"({"hazards": {"per_hour": 1, "duration_min": [180, 30]}})"),
            "hazards.duration_min: the range is reversed: [180,30] (write [low, high])");
  EXPECT_EQ(model_error(R"({"checkpoints": {"capacity_factor": [0.5, 1.5]}})"),
            "checkpoints.capacity_factor[1]: must be between 0 and 1, got 1.5");
  EXPECT_EQ(model_error(R"({"breakdowns": {"per_vehicle_hour": 0.1}})"),
            "breakdowns.delay_min: is needed when breakdowns.per_vehicle_hour is above 0");
  EXPECT_EQ(model_error(R"({"hazard": {}})"),
            "hazard: unknown key (expected one of: hazards, checkpoints, breakdowns, departure_delay_min)");
  EXPECT_EQ(model_error(R"({"departure_delay_min": {"lognormal": [1]}})"),
            "departure_delay_min.lognormal: must be [mu, sigma], got [1]");
  EXPECT_EQ(model_error(R"({"departure_delay_min": "soon"})"),
            "departure_delay_min: must be [low, high] or {\"lognormal\": [mu, sigma]}, got \"soon\"");
  EXPECT_EQ(model_error("[]"), "must be an object, got []");
  EXPECT_EQ(model_error(R"({"departure_delay_min": {"lognormal": [1.5, 0.5]}})"), "accepted");
}

TEST(IncidentModel, TheDefaultsAreTheDocumentedModelAndRoundTrip) {
  const auto d = IncidentModel::defaults();
  EXPECT_TRUE(d.any());
  EXPECT_FALSE(IncidentModel{}.any());
  EXPECT_EQ(d.hazards.per_hour, 0.5);
  EXPECT_TRUE(d.hazards.areas.empty());
  EXPECT_EQ(parse_model(d.to_json()).to_json(), d.to_json());
}

TEST(Rng, DrawsAreTheSameEverywhere) {
  // Fixed by the algorithm (mt19937_64, 53-bit doubles), not by a library.
  Rng rng(Rng::run_seed(1, 0));
  const double u = rng.uniform();
  Rng again(Rng::run_seed(1, 0));
  EXPECT_EQ(again.uniform(), u);
  EXPECT_NE(Rng::run_seed(1, 0), Rng::run_seed(1, 1));
  EXPECT_NE(Rng::run_seed(1, 0), Rng::run_seed(2, 0));
  double sum = 0;
  for (int i = 0; i < 10000; ++i) sum += rng.exponential(2.0);
  EXPECT_NEAR(sum / 10000, 0.5, 0.05);
}

}  // namespace
}  // namespace corridor::sim

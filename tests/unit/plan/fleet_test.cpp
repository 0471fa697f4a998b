// Shuttle fleets on drawn maps whose round trips can be worked out by hand;
// every fleet plan goes through the independent checker, and the checker
// catches a broken duty, an overfull bus and a leg through a forbidden area.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "corridor/check/check.hpp"
#include "corridor/plan/fleet.hpp"
#include "corridor/plan/run.hpp"
#include "corridor/units.hpp"
#include "exact_testing.hpp"
#include "network_builder.hpp"

namespace corridor::plan::exact_test {
namespace {

const Tags k_road = {{"highway", "residential"}, {"maxspeed", "36"}};

std::string depot(const AsciiMap& m, char node, const std::string& id, int vehicles, int seats,
                  const std::string& extra = "") {
  return R"({"type": "Feature", "geometry": )" + point(m.where(node)) + R"(, "properties": {"kind": "depot", "id": ")" +
         id + R"(", "vehicles": )" + std::to_string(vehicles) + R"(, "seats": )" + std::to_string(seats) + extra + "}}";
}

std::string pickup(const AsciiMap& m, char node, const std::string& id, int people) {
  return R"({"type": "Feature", "geometry": )" + point(m.where(node)) +
         R"(, "properties": {"kind": "pickup", "id": ")" + id + R"(", "people": )" + std::to_string(people) + "}}";
}

struct Fleet {
  std::unique_ptr<Case> c;
  PlanResult plan;
  nlohmann::json doc;
  check::CheckReport report;
};

std::string violations(const check::CheckReport& r) {
  std::string out;
  for (const auto& v : r.violations) out += check::to_line(v) + "\n";
  return out;
}

Fleet planned(const AsciiMap& m, const std::string& scenario) {
  Fleet f;
  f.c = prepare(m, scenario);
  f.plan = run_plan(*f.c->in, {});
  f.doc = to_json(*f.c->in, f.plan);
  f.report = check::check_plan(f.c->g, f.c->s, f.doc);
  return f;
}

// d-p-x: 60 s each way, 2 buses of 10 seats, 5 min to load and to unload,
// 50 people: 5 trips. The first bus: 60 s in, loads until 360, out at 420,
// unloads until 720, back at 780, loads until 1080, out at 1140, ... its
// third trip arrives at 420 + 2 * 720 = 1860 s; the second bus makes two.
const char* k_line = "d-----p-----x";
std::string line_scenario(const AsciiMap& m, const std::string& depot_extra = "", const std::string& more = "",
                          const std::string& rules = "") {
  return scenario_text(depot(m, 'd', "base", 2, 10, R"(, "load_min": 5, "unload_min": 5)" + depot_extra) + "," +
                           pickup(m, 'p', "square", 50) + "," + destination(m, 'x', "camp", 1000) + more,
                       rules);
}

TEST(Fleet, RoundTripsAndEgressAreExact) {
  AsciiMap m(k_line, 100);
  m.way("dpx", k_road);
  const auto f = planned(m, line_scenario(m));
  ASSERT_TRUE(f.report.valid()) << violations(f.report);
  EXPECT_EQ(f.plan.people_evacuated(), 50);
  EXPECT_TRUE(f.plan.unmet.empty());
  EXPECT_EQ(f.plan.egress(), 1860'000);
  ASSERT_EQ(f.plan.fleet.size(), 2u);
  EXPECT_EQ(f.plan.fleet[0].id, "base/1");
  ASSERT_EQ(f.plan.fleet[0].legs.size(), 6u);  // three round trips
  EXPECT_EQ(f.plan.fleet[1].legs.size(), 4u);  // two
  const auto& legs = f.plan.fleet[0].legs;
  EXPECT_EQ(legs[0].kind, Leg::Kind::inbound);
  EXPECT_EQ(legs[1].kind, Leg::Kind::loaded);
  EXPECT_EQ(legs[2].kind, Leg::Kind::back);
  EXPECT_EQ(legs[1].departure(), 360'000);
  EXPECT_EQ(legs[2].departure(), 720'000);
  EXPECT_EQ(legs[3].departure(), 1080'000);
  EXPECT_EQ(legs[1].people, 10);
  // The round-trip bound is tight here: 420 s first trip, 720 s a cycle.
  ASSERT_TRUE(f.plan.bounds.lower_bound_egress);
  EXPECT_EQ(*f.plan.bounds.lower_bound_egress, 1860'000);
  EXPECT_EQ(f.plan.bounds.upper_bound_people, 50);
  EXPECT_EQ(f.doc["summary"]["people"], 50);
  EXPECT_EQ(f.doc["fleet"][0]["legs"][2]["kind"], "return");
  EXPECT_EQ(f.doc["fleet"][0]["legs"][1]["from"], "square");
  EXPECT_EQ(f.doc["fleet"][0]["legs"][1]["to"], "camp");
}

TEST(Fleet, AWindowThatClosesMidTripKeepsTheBusOff) {
  // The road is open until 1000 s: the first trips arrive at 420 s; the
  // second would leave the square at 1080 s and never starts.
  AsciiMap m(k_line, 100);
  m.way("dpx", k_road);
  const auto f = planned(m, line_scenario(m, "", "," + ceasefire(m, "dpx", "cf", 0, 1000)));
  ASSERT_TRUE(f.report.valid()) << violations(f.report);
  EXPECT_EQ(f.plan.people_evacuated(), 20);
  ASSERT_EQ(f.plan.unmet.size(), 1u);
  EXPECT_TRUE(f.plan.unmet[0].pickup);
  EXPECT_EQ(f.plan.unmet[0].people, 30);
  EXPECT_EQ(f.doc["unmet"][0]["pickup"], "square");
  for (const auto& v : f.plan.fleet) {
    for (const auto& l : v.legs) EXPECT_LE(l.arrival(), 1000'000);
  }
  // The round-trip bounds relax closures: they hold, but do not see that
  // the window leaves time for two trips only.
  EXPECT_GE(f.plan.bounds.upper_bound_people, 20);
}

TEST(Fleet, AidGoesInUnlessARuleForbidsIt) {
  AsciiMap m(k_line, 100);
  m.way("dpx", k_road);
  const auto with_aid = planned(m, line_scenario(m, R"(, "cargo_t": 2.5)"));
  ASSERT_TRUE(with_aid.report.valid()) << violations(with_aid.report);
  const auto& legs = with_aid.plan.fleet[0].legs;
  EXPECT_EQ(legs[0].aid_t, 2.5);  // inbound
  EXPECT_EQ(legs[1].aid_t, 0.0);  // loaded
  EXPECT_EQ(legs[2].aid_t, 2.5);  // return
  EXPECT_EQ(with_aid.doc["summary"]["fleet"]["aid_t"], 12.5);

  const auto banned =
      planned(m, line_scenario(m, R"(, "cargo_t": 2.5)", "", R"({"party": "B", "forbid": {"aid_inbound": true}})"));
  ASSERT_TRUE(banned.report.valid()) << violations(banned.report);
  for (const auto& v : banned.plan.fleet) {
    for (const auto& l : v.legs) EXPECT_EQ(l.aid_t, 0.0);
  }
  EXPECT_EQ(banned.doc["summary"]["fleet"]["aid_t"], 0.0);
  EXPECT_EQ(banned.doc["summary"]["fleet"]["aid_refused_by"], nlohmann::json::array({"B"}));
  // The checker holds the ban against a plan that brings aid anyway.
  auto doc = banned.doc;
  doc["fleet"][0]["legs"][0]["aid_t"] = 1;
  const auto report = check::check_plan(banned.c->g, banned.c->s, doc);
  ASSERT_FALSE(report.valid());
  EXPECT_EQ(report.violations[0].constraint, "rule-aid") << violations(report);
}

TEST(Fleet, CheckerCatchesBrokenDutiesOverfullBusesAndForbiddenLegs) {
  AsciiMap m(k_line, 100);
  m.way("dpx", k_road);
  const auto f = planned(m, line_scenario(m));
  ASSERT_TRUE(f.report.valid()) << violations(f.report);
  const auto first_violation = [&](nlohmann::json doc, const scenario::Scenario& s) {
    const auto report = check::check_plan(f.c->g, s, doc);
    return report.violations.empty() ? std::string("none") : report.violations[0].constraint;
  };
  auto early = f.doc;  // loads before the bus is there
  early["fleet"][0]["legs"][1]["times_s"][0] = 100;
  early["fleet"][0]["legs"][1]["times_s"][1] = 160;
  EXPECT_EQ(first_violation(early, f.c->s), "continuity");
  auto overfull = f.doc;
  overfull["fleet"][0]["legs"][1]["people"] = 11;
  overfull["fleet"][1]["legs"][1]["people"] = 9;
  EXPECT_EQ(first_violation(overfull, f.c->s), "seats");
  auto lost = f.doc;  // everyone delivered, yet one leg fewer
  lost["fleet"][1]["legs"].erase(3);
  lost["fleet"][1]["legs"].erase(2);
  EXPECT_EQ(first_violation(lost, f.c->s), "conservation");
  // The same plan against a scenario where party A forbids the road.
  const auto forbidding = scenario::parse_scenario(
      line_scenario(m, "",
                    R"(, {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": )" +
                        m.polygon_around("px", 10) + R"(}, "properties": {"kind": "area", "id": "front"}})",
                    R"({"party": "A", "forbid": {"areas": ["front"]}})"),
      "t.geojson");
  EXPECT_EQ(first_violation(f.doc, forbidding), "rule-area");
}

TEST(Fleet, APickupPointNoBusCanLeaveLoadedIsGivenUpOnce) {
  // The square q is reached by a one-way street from the depot and leads
  // only to a dead end: the first bus that loads there is stuck, and no
  // other is sent after it; the market p gets everyone out.
  AsciiMap m("r--q---d-----p-----x", 100);
  m.way("dq", {{"highway", "residential"}, {"maxspeed", "36"}, {"oneway", "yes"}});
  m.way("qr", k_road);
  m.way("dpx", k_road);
  const auto f = planned(m, scenario_text(depot(m, 'd', "base", 2, 10, R"(, "load_min": 5, "unload_min": 5)") + "," +
                                          pickup(m, 'q', "square", 20) + "," + pickup(m, 'p', "market", 50) + "," +
                                          destination(m, 'x', "camp", 1000)));
  ASSERT_TRUE(f.report.valid()) << violations(f.report);
  EXPECT_EQ(f.plan.people_evacuated(), 50);
  ASSERT_EQ(f.plan.unmet.size(), 1u);
  EXPECT_EQ(f.plan.unmet[0].people, 20);
  EXPECT_NE(f.plan.unmet[0].reason.find("could reach no destination"), std::string::npos) << f.plan.unmet[0].reason;
  ASSERT_EQ(f.plan.fleet.size(), 1u);  // the stuck bus has no complete trip
  EXPECT_EQ(f.plan.fleet[0].legs.size(), 10u);
}

TEST(Fleet, BoundsHoldOnALongerMap) {
  // Two pick-up points, one on a side road; more people than one round of
  // buses: the plan lies between the bounds and checks.
  const char* drawing = R"(
    d----a-----b----x
         |
         |
         c
  )";
  AsciiMap m(drawing, 100);
  m.way("dabx", k_road);
  m.way("ac", k_road);
  const auto f = planned(m, scenario_text(depot(m, 'd', "base", 3, 20, R"(, "load_min": 2, "unload_min": 3)") + "," +
                                          pickup(m, 'b', "market", 70) + "," + pickup(m, 'c', "school", 45) + "," +
                                          destination(m, 'x', "camp", 1000)));
  ASSERT_TRUE(f.report.valid()) << violations(f.report);
  EXPECT_EQ(f.plan.people_evacuated(), 115);
  ASSERT_TRUE(f.plan.bounds.lower_bound_egress);
  EXPECT_LE(*f.plan.bounds.lower_bound_egress, f.plan.egress());
  EXPECT_GE(f.plan.bounds.upper_bound_people, 115);
}

}  // namespace
}  // namespace corridor::plan::exact_test

namespace corridor::plan::exact_test {
namespace {

// The best egress of any fleet plan on free-flow roads, by trying every
// order of trips over the vehicles: each pick-up point needs
// ceil(people / seats) trips (more never help: dropping a trip only lets the
// vehicle drive on sooner), one destination, no closures, and capacities
// that two vehicles cannot fill, so nothing but driving, loading and
// unloading takes time.
Ms brute_force(const Instance& in) {
  const auto& depot = in.depots[0];
  const auto& g = in.graph();
  const NodeId dest = in.destinations[0].node;
  std::map<NodeId, std::vector<std::uint64_t>> from;
  const auto ff = [&](NodeId a, NodeId b) -> Ms {
    auto it = from.find(a);
    if (it == from.end()) it = from.emplace(a, testing::reference_times(g, a, &in.always_closed())).first;
    const auto t = it->second[b];
    return t == std::numeric_limits<std::uint64_t>::max() ? k_never : static_cast<Ms>(t);
  };
  std::vector<std::int64_t> left;
  for (const auto& p : in.pickups) left.push_back((p.people + depot.seats - 1) / depot.seats);
  std::vector<NodeId> at(static_cast<std::size_t>(depot.vehicles), depot.node);
  std::vector<Ms> free(at.size(), depot.earliest);
  Ms best = k_never;
  const std::function<void(Ms)> search = [&](Ms egress) {
    if (egress >= best) return;
    if (std::all_of(left.begin(), left.end(), [](std::int64_t n) { return n == 0; })) {
      best = egress;
      return;
    }
    for (std::size_t v = 0; v < at.size(); ++v) {
      for (std::size_t p = 0; p < left.size(); ++p) {
        if (left[p] == 0) continue;
        const auto& pickup = in.pickups[p];
        const Ms to_pickup = ff(at[v], pickup.node), to_destination = ff(pickup.node, dest);
        if (to_pickup >= k_never || to_destination >= k_never) continue;
        const Ms loaded = std::max(free[v] + to_pickup, pickup.earliest) + depot.load;
        const Ms arrives = loaded + to_destination;
        const auto [was_at, was_free] = std::pair(at[v], free[v]);
        --left[p];
        at[v] = dest;
        free[v] = arrives + depot.unload;
        search(std::max(egress, arrives));
        ++left[p];
        at[v] = was_at;
        free[v] = was_free;
      }
    }
  };
  search(0);
  return best;
}

TEST(Fleet, RandomInstancesLieBetweenTheBoundAndTheBruteForceOptimum) {
  std::mt19937_64 rng(testing::test_seed() + 13);
  SCOPED_TRACE("seed " + std::to_string(testing::test_seed()));
  std::uniform_int_distribution<int> small(1, 6);
  int compared = 0;
  for (int round = 0; round < 30; ++round) {
    auto c = std::make_unique<Case>();
    c->g = graph::build(testing::NetworkBuilder::random_grid(6, rng));
    c->index = std::make_unique<graph::SpatialIndex>(c->g);
    std::uniform_int_distribution<NodeId> any_node(0, c->g.node_count() - 1);
    const auto feature = [&](const std::string& properties) {
      return R"({"type": "Feature", "geometry": )" + point(c->g.where(any_node(rng))) + R"(, "properties": {)" +
             properties + "}},";
    };
    const int seats = 10 * small(rng);
    std::string features =
        feature(R"("kind": "depot", "id": "base", "vehicles": )" + std::to_string(1 + small(rng) % 2) +
                R"(, "seats": )" + std::to_string(seats) + R"(, "load_min": )" + std::to_string(small(rng) - 1) +
                R"(, "unload_min": )" + std::to_string(small(rng) - 1));
    const int pickups = 1 + small(rng) % 2;
    for (int p = 0; p < pickups; ++p) {  // at most 6 trips in all
      features += feature(R"("kind": "pickup", "id": "p)" + std::to_string(p) + R"(", "people": )" +
                          std::to_string(seats * (small(rng) % 3) + small(rng)) +
                          (small(rng) > 4 ? R"(, "earliest": ")" + at(60 * small(rng)) + "\"" : std::string()));
    }
    features += feature(R"("kind": "destination", "id": "d", "capacity": 100000, "controlled_by": "A")");
    features.pop_back();
    c->s = scenario::parse_scenario(scenario_text(features, "", 30, 12), "random.geojson");
    c->in = std::make_unique<Instance>(c->g, *c->index, c->s, 1000);
    const auto plan = run_plan(*c->in, {});
    const auto report = check::check_plan(c->g, c->s, to_json(*c->in, plan));
    ASSERT_TRUE(report.valid()) << "round " << round << "\n" << violations(report);
    const Ms optimum = brute_force(*c->in);
    if (optimum >= k_never) {  // a pick-up point no bus can reach
      EXPECT_FALSE(plan.unmet.empty()) << "round " << round;
      continue;
    }
    ASSERT_TRUE(plan.unmet.empty()) << "round " << round << ": " << plan.unmet[0].reason;
    ASSERT_TRUE(plan.bounds.lower_bound_egress) << "round " << round;
    EXPECT_GE(plan.egress(), optimum) << "round " << round;
    EXPECT_GE(optimum, *plan.bounds.lower_bound_egress) << "round " << round;
    ++compared;
  }
  EXPECT_GE(compared, 20);
}

}  // namespace
}  // namespace corridor::plan::exact_test

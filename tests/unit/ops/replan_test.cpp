// Re-planning on drawn maps whose answer is known, and a property test on
// random events: history before `at` stays, the new plan passes the
// independent checker against the scenario with the events merged in.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "ascii_map.hpp"
#include "corridor/check/check.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/ops/replan.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/plan/ccrp.hpp"
#include "test_support.hpp"

namespace corridor::ops {
namespace {

using nlohmann::json;
using testing::AsciiMap;

// Cells of 100 m at 36 km/h: 10 s a cell; 600 vehicles an hour a road.
const testing::Tags k_road = {{"highway", "residential"}, {"maxspeed", "36"}};

json hazard(const AsciiMap& m, const std::string& id, const std::string& nodes, const std::string& from,
            const std::string& until = "2022-03-05T15:00:00+01:00") {
  return {{"type", "Feature"},
          {"geometry", {{"type", "Polygon"}, {"coordinates", json::parse(m.polygon_around(nodes, 30))}}},
          {"properties", {{"kind", "hazard"}, {"id", id}, {"from", from}, {"until", until}}}};
}

json scenario(const std::vector<json>& features) {
  return {{"type", "FeatureCollection"},
          {"corridor",
           {{"name", "drawn"},
            {"start", "2022-03-05T09:00:00+01:00"},
            {"horizon_hours", 6},
            {"time_step_s", 60},
            {"parties", {{{"id", "A"}, {"name", "A"}}}}}},
          {"features", features}};
}

// A drawn map planned, then re-planned at `at` (seconds after the start)
// with events; the new plan checked against the merged scenario.
struct Case {
  graph::RoadGraph g;
  json scenario_doc;
  plan::PlanResult old;
  json merged;
  scenario::Scenario merged_s;
  std::unique_ptr<graph::SpatialIndex> index;
  std::unique_ptr<plan::Instance> in;
  ReplanResult result;
  check::CheckReport report;

  const MovementChange* change(const std::string& id) const {
    for (const auto& c : result.changes) {
      if (c.movement == id) return &c;
    }
    return nullptr;
  }
  const plan::Movement* movement(const std::string& id) const {
    for (const auto& m : result.plan.movements) {
      if (m.id == id) return &m;
    }
    return nullptr;
  }
};

std::unique_ptr<Case> replan_case(const AsciiMap& m, const json& doc, double at_s, const json& events,
                                  const std::vector<ConvoyReport>& reports = {}, const ReplanOptions& options = {}) {
  auto c = std::make_unique<Case>();
  testing::TempDir dir;
  c->g = graph::build(osm::read_osm(m.write_pbf(dir / "m.osm.pbf"), osm::Profile::defaults()));
  c->index = std::make_unique<graph::SpatialIndex>(c->g);
  const auto s = scenario::parse_scenario(doc.dump(), "drawn");
  {
    const plan::Instance original(c->g, *c->index, s, 1000);
    c->old = plan::plan_ccrp(original);
  }
  const auto at = s.start + std::chrono::seconds(static_cast<std::int64_t>(at_s));
  c->merged = merge_events(doc, events, at).document;
  c->merged_s = scenario::parse_scenario(c->merged.dump(), "merged");
  c->in = std::make_unique<plan::Instance>(c->g, *c->index, c->merged_s, 1000);
  c->result = replan(*c->in, c->old, c->in->after_start(at), reports, options);
  c->report = check::check_plan(c->g, c->merged_s, plan::to_json(*c->in, c->result.plan));
  return c;
}

std::string violations(const check::CheckReport& r) {
  std::string text;
  for (const auto& v : r.violations) text += "\n  " + check::to_line(v);
  return text;
}

// Every (node, time) an old movement passed before `at` is in the new
// movement with its id.
void expect_history_kept(const Case& c, plan::Ms at) {
  for (const auto& old : c.old.movements) {
    if (old.departure() >= at) continue;
    const auto* now = c.movement(old.id);
    ASSERT_NE(now, nullptr) << old.id << " left before the re-plan and is missing";
    for (std::size_t k = 0; k < old.nodes.size() && old.times[k] < at; ++k) {
      ASSERT_LT(k, now->nodes.size()) << old.id;
      EXPECT_EQ(now->nodes[k], old.nodes[k]) << old.id << " node " << k;
      EXPECT_EQ(now->times[k], old.times[k]) << old.id << " time " << k;
    }
  }
}

// Two ways from o to d: the short one through c, a longer one through e.
//   o----b----c----d
//        |         |
//        e---------f
AsciiMap two_ways() {
  AsciiMap m(R"(
    o----b----c----d
         |         |
         |         |
         e---------f
  )",
             100);
  m.way("obcd", k_road);
  m.way("befd", k_road);
  return m;
}

json origin_and_destination(const AsciiMap& m, int people) {
  return {m.point_feature('o', {{"kind", "origin"}, {"id", "town"}, {"people", people}, {"persons_per_vehicle", 10}}),
          m.point_feature('d', {{"kind", "destination"}, {"id", "camp"}, {"capacity", 10000}, {"controlled_by", "A"}})};
}

TEST(Replan, ANewHazardAheadOfAConvoyDivertsItFromWhereItIs) {
  const auto m = two_ways();
  auto features = origin_and_destination(m, 10);  // one vehicle
  // The vehicle leaves at 0 and passes b at 50 s; at 30 s the roads at c
  // are reported closed from 40 s.
  const json events = {{"type", "FeatureCollection"},
                       {"features", {hazard(m, "shelled", "c", "2022-03-05T09:00:40+01:00")}}};
  const auto c = replan_case(m, scenario(features), 30, events);
  ASSERT_TRUE(c->report.valid()) << violations(c->report);
  ASSERT_EQ(c->old.movements.size(), 1u);
  const auto* change = c->change("m1");
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(change->change, "diverted") << change->text;
  const auto* now = c->movement("m1");
  ASSERT_NE(now, nullptr);
  EXPECT_NE(std::find(now->nodes.begin(), now->nodes.end(), c->old.movements[0].nodes[1]), now->nodes.end());
  // It goes round by e and f, and still gets everyone out.
  EXPECT_GT(now->nodes.size(), c->old.movements[0].nodes.size());
  EXPECT_EQ(c->result.plan.people_evacuated(), 10);
  expect_history_kept(*c, 30'000);
}

// 30 vehicles leave o at 0, 1 and 2 min (10 a step); at 30 s the roads at
// c are reported closed from 40 s to 5 min. Going round by e and f costs
// a minute; waiting at b for c to open costs the later two movements
// three and four. Within --delay-within they keep their roads and wait.
TEST(Replan, ConvoysNotYetGoneKeepTheirRoadsAndWaitWithinDelayWithin) {
  const auto m = two_ways();
  const auto doc = scenario(origin_and_destination(m, 300));
  const json events = {
      {"type", "FeatureCollection"},
      {"features", {hazard(m, "shelled", "c", "2022-03-05T09:00:40+01:00", "2022-03-05T09:05:00+01:00")}}};
  ReplanOptions wait;
  wait.delay_within = 10 * 60'000;
  const auto c = replan_case(m, doc, 30, events, {}, wait);
  ASSERT_TRUE(c->report.valid()) << violations(c->report);
  ASSERT_EQ(c->old.movements.size(), 3u);
  EXPECT_EQ(c->result.plan.people_evacuated(), 300);
  plan::Ms previous = 0;
  for (const auto* id : {"m2", "m3"}) {
    const auto* change = c->change(id);
    ASSERT_NE(change, nullptr) << id;
    EXPECT_EQ(change->change, "delayed") << id << ": " << change->text;
    EXPECT_TRUE(testing::has(change->text, "waits on its roads")) << change->text;
    const auto& old = *std::find_if(c->old.movements.begin(), c->old.movements.end(),
                                    [&](const plan::Movement& x) { return x.id == id; });
    const auto* now = c->movement(id);
    ASSERT_NE(now, nullptr) << id;
    EXPECT_EQ(now->nodes, old.nodes) << id;
    EXPECT_EQ(now->departure(), old.departure()) << id;
    // Into b-c when it opens at 5 min, one step each (10 vehicles a step).
    EXPECT_GE(now->times[2], 300'000) << id;
    EXPECT_GT(now->times[2], previous) << id;
    previous = now->times[2];
  }
  expect_history_kept(*c, 30'000);

  // Planned again (the default), or allowed less than the wait: round by e and f.
  ReplanOptions little;
  little.delay_within = 60'000;
  for (const auto& options : {ReplanOptions{}, little}) {
    const auto again = replan_case(m, doc, 30, events, {}, options);
    ASSERT_TRUE(again->report.valid()) << violations(again->report);
    EXPECT_EQ(again->result.plan.people_evacuated(), 300);
    for (const auto* id : {"m2", "m3"}) {
      const auto* change = again->change(id);
      ASSERT_NE(change, nullptr) << id;
      EXPECT_EQ(change->change, "rerouted") << id << ": " << change->text;
      EXPECT_LT(again->movement(id)->arrival(), c->movement(id)->arrival()) << id;
    }
  }
}

TEST(Replan, AConvoyAlreadyPastTheHazardIsUntouched) {
  const auto m = two_ways();
  const auto c = replan_case(
      m, scenario(origin_and_destination(m, 10)), 120,
      {{"type", "FeatureCollection"}, {"features", {hazard(m, "behind", "ob", "2022-03-05T09:02:00+01:00")}}});
  ASSERT_TRUE(c->report.valid()) << violations(c->report);
  const auto* change = c->change("m1");
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(change->change, "continues");
  EXPECT_EQ(c->movement("m1")->times, c->old.movements[0].times);
}

TEST(Replan, AHazardThatCutsEveryRouteLeavesPeopleUnmetWithTheReason) {
  const auto m = two_ways();
  // 300 people: 30 vehicles, 10 a minute, the last leave at 2 min; at
  // 1 min the destination is cut off for the rest of the horizon.
  const auto c =
      replan_case(m, scenario(origin_and_destination(m, 300)), 60,
                  {{"type", "FeatureCollection"},
                   {"features", {hazard(m, "siege", "d", "2022-03-05T09:01:00+01:00", "2022-03-05T23:00:00+01:00")}}});
  ASSERT_TRUE(c->report.valid()) << violations(c->report);
  EXPECT_LT(c->result.plan.people_evacuated(), 300);
  ASSERT_FALSE(c->result.plan.unmet.empty());
  std::string reasons;
  for (const auto& u : c->result.plan.unmet) reasons += u.reason + "; ";
  EXPECT_TRUE(testing::has(reasons, "siege") || testing::has(reasons, "stranded")) << reasons;
  expect_history_kept(*c, 60'000);
}

TEST(Replan, AStoppedConvoyWaitsAndItsCapacityIsReleased) {
  const auto m = two_ways();
  const auto doc = scenario(origin_and_destination(m, 10));
  // Reported stopped at b at 55 s; re-planned at 5 min.
  auto c0 = replan_case(m, doc, 300, {{"type", "FeatureCollection"}, {"features", json::array()}});
  ConvoyReport stopped;
  stopped.movement = "m1";
  stopped.kind = ReportKind::stopped;
  stopped.time = 55'000;
  stopped.node = c0->old.movements[0].nodes[1];
  stopped.reason = "checkpoint closed";
  const auto c = replan_case(m, doc, 300, {{"type", "FeatureCollection"}, {"features", json::array()}}, {stopped});
  ASSERT_TRUE(c->report.valid()) << violations(c->report);
  const auto* change = c->change("m1");
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(change->change, "stopped") << change->text;
  const auto* now = c->movement("m1");
  ASSERT_NE(now, nullptr);
  // It leaves b no earlier than the re-plan; the slots it had after b are free.
  EXPECT_GE(now->times[1], 300'000);
  EXPECT_GT(now->arrival(), c->old.movements[0].arrival());
}

// Random people, re-plan times and hazards on a grid: history is kept, the
// plan checks against the merged scenario; without events nothing changes.
TEST(Replan, PropertyHistoryKeptAndValidOnRandomEvents) {
  AsciiMap m(R"(
    a---b---c---d
    |   |   |   |
    e---f---g---h
    |   |   |   |
    i---j---k---l
  )",
             100);
  for (const auto* w : {"abcd", "efgh", "ijkl", "aei", "bfj", "cgk", "dhl"}) m.way(w, k_road);
  std::mt19937_64 rng(testing::test_seed());
  const std::string nodes = "abcdefghijkl";
  for (int round = 0; round < 12; ++round) {
    std::uniform_int_distribution<int> people(20, 400), pick(0, 11), at(0, 600);
    const char o = nodes[static_cast<std::size_t>(pick(rng))];
    char d = nodes[static_cast<std::size_t>(pick(rng))];
    if (d == o) d = o == 'l' ? 'a' : 'l';
    const json features = {
        m.point_feature(o, {{"kind", "origin"}, {"id", "o"}, {"people", people(rng)}, {"persons_per_vehicle", 4}}),
        m.point_feature(d, {{"kind", "destination"}, {"id", "d"}, {"capacity", 100000}, {"controlled_by", "A"}})};
    const double at_s = at(rng);
    char h = nodes[static_cast<std::size_t>(pick(rng))];
    if (h == o || h == d) h = 'f';
    const auto from =
        geo::format_utc(geo::unix_seconds(1646467200) + std::chrono::seconds(static_cast<int>(at_s) + 30));
    const json events = {
        {"type", "FeatureCollection"},
        {"features", h == o || h == d ? json::array() : json::array({hazard(m, "h", std::string(1, h), from)})}};
    SCOPED_TRACE("round " + std::to_string(round) + ": origin " + o + ", destination " + d + ", hazard at " + h +
                 ", re-plan at " + std::to_string(at_s) + " s (seed " + std::to_string(testing::test_seed()) + ")");
    const auto c = replan_case(m, scenario(features), at_s, events);
    EXPECT_TRUE(c->report.valid()) << violations(c->report);
    expect_history_kept(*c, static_cast<plan::Ms>(at_s * 1000));
    // Waiting on their roads, as the simulation re-plans: valid too.
    ReplanOptions wait;
    wait.delay_within = 30 * 60'000;
    wait.reuse_slack = 15 * 60'000;
    const auto w = replan_case(m, scenario(features), at_s, events, {}, wait);
    EXPECT_TRUE(w->report.valid()) << violations(w->report);
    expect_history_kept(*w, static_cast<plan::Ms>(at_s * 1000));

    const auto same =
        replan_case(m, scenario(features), at_s, {{"type", "FeatureCollection"}, {"features", json::array()}});
    EXPECT_TRUE(same->report.valid()) << violations(same->report);
    EXPECT_GE(same->result.plan.people_evacuated(), same->old.people_evacuated());
    if (same->result.plan.people_evacuated() == same->old.people_evacuated()) {
      EXPECT_LE(same->result.plan.egress(), same->old.egress());
    }
  }
}

TEST(Replan, EventsAreCheckedAndHistoryCannotChange) {
  const json doc = scenario({});
  const auto at = geo::unix_seconds(1646467200 + 600);
  EXPECT_THROW(merge_events(doc, json::array(), at), InputError);
  EXPECT_THROW(
      merge_events(doc, {{"type", "FeatureCollection"}, {"features", {{{"properties", {{"kind", "hazard"}}}}}}}, at),
      InputError);
  // A checkpoint that does not exist cannot be changed without a geometry.
  EXPECT_THROW(merge_events(doc,
                            {{"type", "FeatureCollection"},
                             {"features",
                              {{{"type", "Feature"},
                                {"geometry", nullptr},
                                {"properties", {{"kind", "checkpoint"}, {"id", "cp"}, {"vehicles_per_hour", 5}}}}}}},
                            at),
               InputError);
  // A hazard from before `at` starts at `at`, with a note.
  const auto m = two_ways();
  const auto merged = merge_events(
      scenario(origin_and_destination(m, 10)),
      {{"type", "FeatureCollection"}, {"features", {hazard(m, "old", "c", "2022-03-05T08:00:00+01:00")}}}, at);
  EXPECT_EQ(merged.document["features"].back()["properties"]["from"], geo::format_utc(at));
  ASSERT_EQ(merged.notes.size(), 1u);
  EXPECT_TRUE(testing::has(merged.notes[0], "history"));
}

}  // namespace
}  // namespace corridor::ops

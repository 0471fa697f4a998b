// DESIGN.md's capacity per step at a 1 s step: a step admits
// floor(u(k+1)) - floor(uk), so over any hour of steps no road and no
// checkpoint takes more than its hourly capacity (the old rule, rounding
// every step up, let each road take one vehicle a second: 3,600 an hour).
// The Andorra exercise is planned at 1 s steps with its checkpoint moved
// onto the busiest node of the 60 s plan, checked by `corridor check`, and
// every hour of steps is counted here from plan.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "corridor/graph/graph_file.hpp"
#include "test_support.hpp"

namespace corridor {
namespace {

using Json = nlohmann::json;

Json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return Json::parse(in);
}

// Vehicles entering per one-second step, per segment (OSM node ids).
using Counts = std::map<std::pair<std::int64_t, std::int64_t>, std::map<std::int64_t, std::int64_t>>;

// The most vehicles in any 3,600 consecutive one-second steps.
std::int64_t busiest_hour(const std::map<std::int64_t, std::int64_t>& per_step) {
  std::int64_t best = 0, in_window = 0;
  auto tail = per_step.begin();
  for (auto head = per_step.begin(); head != per_step.end(); ++head) {
    in_window += head->second;
    while (tail->first <= head->first - 3600) in_window -= (tail++)->second;
    best = std::max(best, in_window);
  }
  return best;
}

TEST(CapacityRule, NoRoadOrCheckpointExceedsItsHourlyCapacityAtOneSecondSteps) {
  testing::TempDir dir;
  const auto graph = (dir / "andorra.graph").string();
  ASSERT_EQ(testing::run_corridor(
                {"import", testing::osm_extract("andorra-2021-10.osm.pbf").string(), "-o", graph, "--quiet"})
                .exit_code,
            0);
  auto scenario = read_json(testing::shipped_scenario("andorra-exercise.geojson"));

  // The busiest node of the 60 s plan that is neither an origin nor a
  // destination becomes the checkpoint (60 vehicles an hour, operated by
  // the mediator, so every party accepts it).
  const auto plan60 = dir / "plan60.json";
  ASSERT_EQ(testing::run_corridor(
                {"plan", graph, testing::shipped_scenario("andorra-exercise.geojson").string(), "-o", plan60.string()})
                .exit_code,
            0);
  const auto first = read_json(plan60);
  std::map<std::int64_t, std::int64_t> through;
  for (const auto& m : first["movements"]) {
    const auto& path = m["path"];
    for (std::size_t i = 1; i + 1 < path.size(); ++i) through[path[i].get<std::int64_t>()] += m["vehicles"].get<int>();
  }
  const auto busiest = std::max_element(through.begin(), through.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; });
  ASSERT_NE(busiest, through.end());
  const auto g = graph::read_graph(graph);
  const auto node = std::find(g.node_id.begin(), g.node_id.end(), busiest->first) - g.node_id.begin();
  const auto where = g.where(static_cast<graph::NodeId>(node));
  for (auto& f : scenario["features"]) {
    if (f["properties"]["kind"] != "checkpoint") continue;
    f["geometry"]["coordinates"] = Json::array({where.lon, where.lat});
    f["properties"]["operated_by"] = "M";
    f["properties"]["vehicles_per_hour"] = 60;
  }
  scenario["corridor"]["time_step_s"] = 1;
  scenario["corridor"]["horizon_hours"] = 6;
  const auto one_second = dir / "one-second.geojson";
  std::ofstream(one_second) << scenario.dump();

  const auto plan = dir / "plan.json";
  const auto planned = testing::run_corridor({"plan", graph, one_second.string(), "-o", plan.string()});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  const auto checked = testing::run_corridor({"check", graph, one_second.string(), plan.string()});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  const auto doc = read_json(plan);
  std::int64_t checkpoint = 0;
  for (const auto& snap : doc["snaps"]) {
    if (snap["kind"] == "checkpoint") checkpoint = snap["node"].get<std::int64_t>();
  }
  ASSERT_EQ(checkpoint, busiest->first);
  Counts segments;
  std::map<std::int64_t, std::int64_t> at_checkpoint;
  for (const auto& m : doc["movements"]) {
    const auto path = m["path"].get<std::vector<std::int64_t>>();
    const auto times = m["times_s"].get<std::vector<double>>();
    const auto vehicles = m["vehicles"].get<std::int64_t>();
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      const auto step = static_cast<std::int64_t>(times[i]);  // steps of 1 s
      segments[{path[i], path[i + 1]}][step] += vehicles;
      if (path[i] == checkpoint) at_checkpoint[step] += vehicles;
    }
  }
  EXPECT_GT(segments.size(), 100u);
  std::size_t at_capacity = 0;
  for (const auto& [ends, per_step] : segments) {
    const auto [from, to] = ends;
    const auto u = std::find(g.node_id.begin(), g.node_id.end(), from) - g.node_id.begin();
    const auto v = std::find(g.node_id.begin(), g.node_id.end(), to) - g.node_id.begin();
    const auto a = g.find_arc(static_cast<graph::NodeId>(u), static_cast<graph::NodeId>(v));
    ASSERT_NE(a, graph::k_invalid);
    const auto hour = busiest_hour(per_step);
    EXPECT_LE(hour, std::int64_t{g.capacity_vph[a]}) << "segment " << from << " -> " << to;
    if (hour == std::int64_t{g.capacity_vph[a]}) ++at_capacity;
  }
  EXPECT_GT(at_capacity, 0u) << "some road should be used to its capacity: the test would show nothing otherwise";
  const auto checkpoint_hour = busiest_hour(at_checkpoint);
  EXPECT_LE(checkpoint_hour, 60);
  EXPECT_EQ(checkpoint_hour, 60) << "the checkpoint on the busiest node should be a bottleneck";
}

}  // namespace
}  // namespace corridor

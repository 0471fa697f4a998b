#pragma once
// Helpers of the exact-method tests: drawn maps imported through the real
// OSM reader, scenarios written around them, and an independent check of
// every rule a plan must keep (docs/plan.md).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "ascii_map.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/plan/exact.hpp"
#include "corridor/scenario/scenario.hpp"
#include "test_support.hpp"

namespace corridor::plan::exact_test {

using testing::AsciiMap;
using testing::Tags;

// Limits of the exact method: the largest network and the copies per step.
inline ExactLimits limits(std::size_t max_nodes, int substeps = 0) {
  ExactLimits l;
  l.max_nodes = max_nodes;
  l.substeps = substeps;
  return l;
}

inline std::string point(geo::LonLat p) {
  std::ostringstream out;
  out.precision(12);
  out << R"({"type": "Point", "coordinates": [)" << p.lon << ", " << p.lat << "]}";
  return out.str();
}

// RFC 3339 time `seconds` after the scenarios' start, 2022-03-05T09:00:00+01:00.
inline std::string at(int seconds) {
  const int t = 9 * 3600 + seconds;
  char text[40];
  std::snprintf(text, sizeof text, "2022-03-05T%02d:%02d:%02d+01:00", t / 3600, t / 60 % 60, t % 60);
  return text;
}

inline std::string origin(const AsciiMap& m, char node, const std::string& id, int people,
                          const std::string& extra = "") {
  return R"({"type": "Feature", "geometry": )" + point(m.where(node)) +
         R"(, "properties": {"kind": "origin", "id": ")" + id + R"(", "people": )" + std::to_string(people) + extra +
         "}}";
}

inline std::string destination(const AsciiMap& m, char node, const std::string& id, int capacity,
                               const std::string& controlled_by = "M") {
  return R"({"type": "Feature", "geometry": )" + point(m.where(node)) +
         R"(, "properties": {"kind": "destination", "id": ")" + id + R"(", "capacity": )" + std::to_string(capacity) +
         R"(, "controlled_by": ")" + controlled_by + R"("}})";
}

inline std::string checkpoint(const AsciiMap& m, char node, const std::string& id, int per_hour,
                              const std::string& operated_by = "M") {
  return R"({"type": "Feature", "geometry": )" + point(m.where(node)) +
         R"(, "properties": {"kind": "checkpoint", "id": ")" + id + R"(", "vehicles_per_hour": )" +
         std::to_string(per_hour) + R"(, "operated_by": ")" + operated_by + R"("}})";
}

inline std::string hazard(const AsciiMap& m, const std::string& around, const std::string& id, int from_s,
                          int until_s) {
  return R"({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": )" + m.polygon_around(around, 10) +
         R"(}, "properties": {"kind": "hazard", "id": ")" + id + R"(", "from": ")" + at(from_s) + R"(", "until": ")" +
         at(until_s) + R"("}})";
}

inline std::string ceasefire(const AsciiMap& m, const std::string& around, const std::string& id, int from_s,
                             int until_s) {
  return R"({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": )" + m.polygon_around(around, 10) +
         R"(}, "properties": {"kind": "ceasefire", "id": ")" + id + R"(", "windows": [[")" + at(from_s) + R"(", ")" +
         at(until_s) + R"("]]}})";
}

inline std::string scenario_text(const std::string& features, const std::string& rules = "", int step_s = 60,
                                 double horizon_hours = 12) {
  std::ostringstream horizon;
  horizon << horizon_hours;
  return R"({"type": "FeatureCollection",
    "corridor": {"name": "t", "start": ")" +
         at(0) + R"(", "horizon_hours": )" + horizon.str() + R"(, "time_step_s": )" + std::to_string(step_s) + R"(,
                 "parties": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}, {"id": "M", "name": "M", "role": "mediator"}],
                 "rules": [)" +
         rules + R"(]},
    "features": [)" +
         features + "]}";
}

// A scenario on a road graph, kept together because Instance refers to both.
struct Case {
  graph::RoadGraph g;
  std::unique_ptr<graph::SpatialIndex> index;
  scenario::Scenario s;
  std::unique_ptr<Instance> in;

  [[nodiscard]] NodeId node(char c) const {
    for (NodeId v = 0; v < g.node_count(); ++v) {
      if (g.node_id[v] == AsciiMap::osm_id(c)) return v;
    }
    return graph::k_invalid;
  }
  // The letters a movement passes: "abc".
  [[nodiscard]] std::string letters(const Movement& m) const {
    static constexpr std::string_view k = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string out;
    for (auto v : m.nodes) out += k[static_cast<std::size_t>(g.node_id[v] - 1000)];
    return out;
  }
};

// Imports the map and snaps the scenario onto it. Segment times are the
// great-circle length of the fixed-point coordinates over the speed, a few
// milliseconds off the drawn length; they are rounded to whole seconds so
// that a drawn 600 m at 36 km/h takes exactly one 60 s step.
inline std::unique_ptr<Case> prepare(const AsciiMap& m, const std::string& scenario_json, bool round_times = true) {
  auto c = std::make_unique<Case>();
  testing::TempDir dir;
  c->g = graph::build(osm::read_osm(m.write_pbf(dir / "map.osm.pbf"), osm::Profile::defaults()));
  if (round_times) {
    for (auto& t : c->g.time_ms) t = static_cast<std::uint32_t>(std::lround(t / 1000.0) * 1000);
  }
  c->index = std::make_unique<graph::SpatialIndex>(c->g);
  c->s = scenario::parse_scenario(scenario_json, "t.geojson");
  c->in = std::make_unique<Instance>(c->g, *c->index, c->s, 1000);
  return c;
}

// Checks every rule of docs/plan.md on the plan, independently of how it
// was made, and that the plan's bounds hold for it.
inline void expect_valid(const Instance& in, const PlanResult& plan) {
  const auto& g = in.graph();
  const Ms step = in.step();
  std::map<std::pair<ArcId, Ms>, std::int64_t> entries;
  std::map<std::pair<NodeId, Ms>, std::int64_t> passes;
  std::vector<std::int64_t> people(in.origins.size(), 0), vehicles(in.origins.size(), 0);
  std::vector<std::int64_t> taken(in.destinations.size(), 0);
  for (const auto& m : plan.movements) {
    ASSERT_LT(m.origin, in.origins.size());
    ASSERT_LT(m.destination, in.destinations.size());
    const auto& o = in.origins[m.origin];
    ASSERT_EQ(m.nodes.size(), m.times.size());
    ASSERT_FALSE(m.nodes.empty());
    EXPECT_EQ(m.nodes.front(), o.node);
    EXPECT_EQ(m.nodes.back(), in.destinations[m.destination].node);
    EXPECT_TRUE(in.destinations[m.destination].acceptable());
    EXPECT_GE(m.times.front(), o.earliest);
    EXPECT_LE(m.times.back(), in.horizon());
    EXPECT_GT(m.vehicles, 0);
    EXPECT_GT(m.people, 0);
    EXPECT_LE(m.people, m.vehicles * o.persons_per_vehicle);
    people[m.origin] += m.people;
    vehicles[m.origin] += m.vehicles;
    taken[m.destination] += m.people;
    for (std::size_t i = 0; i + 1 < m.nodes.size(); ++i) {
      const ArcId a = g.find_arc(m.nodes[i], m.nodes[i + 1]);
      ASSERT_NE(a, graph::k_invalid) << "no segment " << m.nodes[i] << " -> " << m.nodes[i + 1];
      EXPECT_GE(m.times[i + 1] - m.times[i], Ms{g.time_ms[a]}) << "faster than the road allows";
      EXPECT_TRUE(in.may_occupy(a, m.times[i], m.times[i + 1])) << "on a closed road at " << m.times[i];
      entries[{a, m.times[i] / step}] += m.vehicles;
      if (in.checkpoint_at(m.nodes[i]) >= 0) passes[{m.nodes[i], m.times[i] / step}] += m.vehicles;
    }
  }
  for (const auto& [key, count] : entries)
    EXPECT_LE(count, in.arc_capacity(key.first, key.second)) << "step " << key.second;
  for (const auto& [key, count] : passes) {
    const auto cp = static_cast<std::size_t>(in.checkpoint_at(key.first));
    EXPECT_LE(count, in.checkpoints[cp].rate.at(key.second)) << "checkpoint, step " << key.second;
  }
  std::vector<std::int64_t> unmet(in.origins.size(), 0);
  for (const auto& u : plan.unmet) unmet[u.origin] += u.people;
  for (std::size_t o = 0; o < in.origins.size(); ++o) {
    EXPECT_EQ(people[o] + unmet[o], in.origins[o].people) << "origin " << o;
    EXPECT_LE(vehicles[o], in.origins[o].vehicles) << "origin " << o;
  }
  for (std::size_t d = 0; d < in.destinations.size(); ++d) EXPECT_LE(taken[d], in.destinations[d].capacity_people);
  EXPECT_GE(plan.bounds.upper_bound_people, plan.people_evacuated());
  if (plan.unmet.empty()) {
    // A plan gets everyone out: the bound must say so and lie below it.
    ASSERT_TRUE(plan.bounds.lower_bound_egress.has_value());
    EXPECT_LE(*plan.bounds.lower_bound_egress, plan.egress());
  }
}

}  // namespace corridor::plan::exact_test

#pragma once
// A drawn block of streets, a scenario on it and a hand-made valid plan, for
// breaking one constraint at a time.
//
//   a---b---c---d        a-b-c-d and a-e-f-g-h: residential, both ways
//   |           |        h -> d: residential, one-way (no d -> h)
//   e---f---g---h        a cell is 25 m: a-b is 100 m, 14.4 s at 25 km/h
//
// Scenario (start 2022-03-05T09:00:00+01:00 = 08:00Z, steps of 60 s, 12 h):
// origin "town" at a (400 people, 20 per vehicle: a fleet of 20), destinations
// "camp" at d and "south-camp" at h (controlled by A) and "west-camp" at e
// (controlled by B); party A forbids destinations controlled by B, party B
// forbids area "front" (far away unless a test moves it) and checkpoints
// operated by A.
//
// Plan: two movements of 10 vehicles and 200 people along a-b-c-d, 20 s per
// segment, departing at 0 s (step 0) and 60 s (step 1).
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ascii_map.hpp"
#include "corridor/check/check.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/scenario/scenario.hpp"
#include "test_support.hpp"

namespace corridor::check::testing {

using corridor::testing::AsciiMap;
using nlohmann::json;

inline AsciiMap drawn_map() {
  AsciiMap m(R"(
a---b---c---d
|           |
e---f---g---h
)",
             25.0);
  m.way("abcd", {{"highway", "residential"}});
  m.way("aefgh", {{"highway", "residential"}});
  m.way("hd", {{"highway", "residential"}, {"oneway", "yes"}});
  return m;
}

inline const graph::RoadGraph& drawn_graph() {
  static const graph::RoadGraph g = [] {
    corridor::testing::TempDir dir;
    const auto pbf = drawn_map().write_pbf(dir / "map.osm.pbf");
    return graph::build(osm::read_osm(pbf, osm::Profile::defaults()));
  }();
  return g;
}

inline std::int64_t id(char node) { return AsciiMap::osm_id(node); }

inline json point_at(char node) {
  const auto p = drawn_map().where(node);
  return {{"type", "Point"}, {"coordinates", {p.lon, p.lat}}};
}

inline json polygon_around(const std::string& nodes, double pad_m = 10) {
  return {{"type", "Polygon"}, {"coordinates", json::parse(drawn_map().polygon_around(nodes, pad_m))}};
}

inline json feature(json geometry, json properties) {
  return {{"type", "Feature"}, {"geometry", std::move(geometry)}, {"properties", std::move(properties)}};
}

inline json base_scenario() {
  json features = json::array();
  features.push_back(
      feature(point_at('a'), {{"kind", "origin"}, {"id", "town"}, {"people", 400}, {"persons_per_vehicle", 20}}));
  features.push_back(
      feature(point_at('d'), {{"kind", "destination"}, {"id", "camp"}, {"capacity", 1000}, {"controlled_by", "A"}}));
  features.push_back(feature(
      point_at('h'), {{"kind", "destination"}, {"id", "south-camp"}, {"capacity", 1000}, {"controlled_by", "A"}}));
  features.push_back(feature(
      point_at('e'), {{"kind", "destination"}, {"id", "west-camp"}, {"capacity", 1000}, {"controlled_by", "B"}}));
  features.push_back(feature({{"type", "Polygon"}, {"coordinates", json::parse("[[[0,0],[0.1,0],[0.1,0.1],[0,0]]]")}},
                             {{"kind", "area"}, {"id", "front"}}));
  return {{"type", "FeatureCollection"},
          {"corridor",
           {{"name", "drawn block"},
            {"start", "2022-03-05T09:00:00+01:00"},
            {"horizon_hours", 12},
            {"time_step_s", 60},
            {"parties", json::array({{{"id", "A"}, {"name", "Party A"}},
                                     {{"id", "B"}, {"name", "Party B"}},
                                     {{"id", "M"}, {"name", "Mediator"}, {"role", "mediator"}}})},
            {"rules",
             json::array({{{"party", "A"}, {"forbid", {{"destinations_controlled_by", {"B"}}}}},
                          {{"party", "B"}, {"forbid", {{"areas", {"front"}}, {"checkpoints_operated_by", {"A"}}}}}})}}},
          {"features", features}};
}

// The feature with this id (to change a property).
inline json& feature_named(json& scenario, const std::string& feature_id) {
  for (auto& f : scenario["features"]) {
    if (f["properties"]["id"] == feature_id) return f;
  }
  throw std::invalid_argument("no feature " + feature_id);
}

inline json movement(const std::string& origin, const std::string& destination, int vehicles, int people,
                     const std::string& nodes, const std::vector<double>& times) {
  json path = json::array();
  for (char c : nodes) path.push_back(id(c));
  return {{"origin", origin}, {"destination", destination}, {"vehicles", vehicles}, {"people", people}, {"path", path},
          {"times_s", times}};
}

inline json base_plan() {
  return {{"scenario", "drawn block"},
          {"start", "2022-03-05T09:00:00+01:00"},
          {"time_step_s", 60},
          {"method", "ccrp"},
          {"summary",
           {{"people", 400},
            {"people_evacuated", 400},
            {"vehicles", 20},
            {"egress_s", 120.0},
            {"lower_bound_s", 100.0},
            {"upper_bound_people", 400},
            {"compute_ms", 1.5}}},
          {"snaps", json::array({{{"kind", "origin"}, {"id", "town"}, {"node", id('a')}, {"distance_m", 0.0}},
                                 {{"kind", "destination"}, {"id", "camp"}, {"node", id('d')}, {"distance_m", 0.0}}})},
          {"movements", json::array({movement("town", "camp", 10, 200, "abcd", {0, 20, 40, 60}),
                                     movement("town", "camp", 10, 200, "abcd", {60, 80, 100, 120})})},
          {"unmet", json::array()}};
}

// Makes the summary's sums agree with the movements again.
inline void fix_summary(json& plan) {
  std::int64_t people = 0;
  std::int64_t vehicles = 0;
  double egress = 0;
  for (const auto& m : plan["movements"]) {
    people += m["people"].get<std::int64_t>();
    vehicles += m["vehicles"].get<std::int64_t>();
    egress = std::max(egress, m["times_s"].back().get<double>());
  }
  plan["summary"]["people_evacuated"] = people;
  plan["summary"]["vehicles"] = vehicles;
  plan["summary"]["egress_s"] = egress;
}

inline CheckReport run_check(const json& scenario, const json& plan) {
  const auto s = scenario::parse_scenario(scenario.dump(), "drawn.geojson");
  return check_plan(drawn_graph(), s, plan);
}

// "path constraint" of every violation, sorted.
inline std::vector<std::string> found(const CheckReport& report) {
  std::vector<std::string> out;
  for (const auto& v : report.violations) out.push_back(v.path + " " + v.constraint);
  std::sort(out.begin(), out.end());
  return out;
}

// Every violation as a line, for failure messages.
inline std::string all_lines(const CheckReport& report) {
  std::string text;
  for (const auto& v : report.violations) text += to_line(v) + "\n";
  return text;
}

// The message of the only violation at `path`, "" when there is none.
inline std::string message_at(const CheckReport& report, const std::string& path) {
  for (const auto& v : report.violations) {
    if (v.path == path) return v.message;
  }
  return "";
}

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace corridor::check::testing

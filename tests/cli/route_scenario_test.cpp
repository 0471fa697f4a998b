// `corridor route --scenario` through the real binary: hazards close roads
// only while active, ceasefire roads only outside their windows, and a bad
// scenario is refused with the field named.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ascii_map.hpp"
#include "corridor/geo/geo.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::int64_t> ids(const std::string& nodes) {
  std::vector<std::int64_t> out;
  for (char c : nodes) out.push_back(AsciiMap::osm_id(c));
  return out;
}

bool path_visits(const json& route, char node) {
  for (const auto& id : route["path"]) {
    if (id.get<std::int64_t>() == AsciiMap::osm_id(node)) return true;
  }
  return false;
}

// The top road a-b-c is short; the detour a-d-e-c is twice as long.
//
//   a--b--c
//   |     |
//   |     |
//   d-----e
class CliRouteScenario : public ::testing::Test {
 protected:
  CliRouteScenario()
      : map_(R"(
a--b--c
|     |
|     |
d-----e
)",
             50.0) {
    map_.way("abc", {{"highway", "residential"}});
    map_.way("adec", {{"highway", "residential"}});
    const auto pbf = map_.write_pbf(dir_ / "map.osm.pbf");
    graph_ = dir_ / "map.graph";
    const auto r = run_corridor({"import", "-q", pbf.string(), "-o", graph_.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }

  // A scenario starting 2022-03-05 09:00 +01:00 for 12 hours with `features`.
  // (A vector, not a json: `scenario({f})` would be f itself under clang.)
  static json scenario(const std::vector<json>& features) {
    return {{"type", "FeatureCollection"},
            {"corridor",
             {{"name", "drawn block"},
              {"start", "2022-03-05T09:00:00+01:00"},
              {"horizon_hours", 12},
              {"parties", json::array({{{"id", "A"}, {"name", "Party A"}}, {{"id", "B"}, {"name", "Party B"}}})}}},
            {"features", json(features)}};
  }

  json polygon_around(const std::string& nodes) const {
    return {{"type", "Polygon"}, {"coordinates", json::parse(map_.polygon_around(nodes, 20.0))}};
  }

  json hazard(const std::string& id, const std::string& nodes, const std::string& from,
              const std::string& until) const {
    json properties = {{"kind", "hazard"}, {"id", id}};
    if (!from.empty()) properties["from"] = from;
    if (!until.empty()) properties["until"] = until;
    return {{"type", "Feature"}, {"geometry", polygon_around(nodes)}, {"properties", properties}};
  }

  json ceasefire(const std::string& id, const std::string& nodes, const std::string& from,
                 const std::string& until) const {
    return {
        {"type", "Feature"},
        {"geometry", polygon_around(nodes)},
        {"properties", {{"kind", "ceasefire"}, {"id", id}, {"windows", json::array({json::array({from, until})})}}}};
  }

  fs::path write_scenario(const json& document, const std::string& name = "scenario.geojson") {
    const auto path = dir_ / name;
    std::ofstream(path) << document.dump(2);
    return path;
  }

  // Routes a -> c with the scenario, at `at` when not empty.
  CommandResult route(const fs::path& scenario_path, const std::string& at) {
    std::vector<std::string> args = {"route", graph_.string(),          "--from",     lon_lat(map_.where('a')),
                                     "--to",  lon_lat(map_.where('c')), "--scenario", scenario_path.string()};
    if (!at.empty()) {
      args.push_back("--at");
      args.push_back(at);
    }
    return run_corridor(args);
  }

  TempDir dir_;
  AsciiMap map_;
  fs::path graph_;
};

TEST_F(CliRouteScenario, ActiveHazardSendsTheRouteTheLongWay) {
  const auto s =
      write_scenario(scenario({hazard("shelling-b", "b", "2022-03-05T11:00:00+01:00", "2022-03-05T13:30:00+01:00")}));
  const auto r = route(s, "2022-03-05T12:00:00+01:00");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["code"], "Ok");
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), ids("adec"));
  EXPECT_FALSE(path_visits(j, 'b')) << j["path"];
  EXPECT_NEAR(j["distance_m"].get<double>(), 600.0, 2.0);
  EXPECT_EQ(j["at"], "2022-03-05T11:00:00Z");
  ASSERT_TRUE(j["closures"].is_array());
  ASSERT_EQ(j["closures"].size(), 1u) << j["closures"];
  const auto& closure = j["closures"][0];
  EXPECT_EQ(closure["kind"], "hazard");
  EXPECT_EQ(closure["id"], "shelling-b");
  // a-b and b-c, both directions.
  EXPECT_EQ(closure["closed_arcs"], 4);
  EXPECT_TRUE(closure["reason"].is_string());
}

TEST_F(CliRouteScenario, InactiveHazardLeavesTheShortWay) {
  const auto s =
      write_scenario(scenario({hazard("shelling-b", "b", "2022-03-05T11:00:00+01:00", "2022-03-05T13:30:00+01:00")}));
  // Before it, at its end (the interval is half-open) and after it.
  for (const char* at : {"2022-03-05T10:59:59+01:00", "2022-03-05T13:30:00+01:00", "2022-03-05T15:00:00Z"}) {
    SCOPED_TRACE(at);
    const auto r = route(s, at);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = json::parse(r.out);
    EXPECT_EQ(j["code"], "Ok");
    EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), ids("abc"));
    ASSERT_TRUE(j["closures"].is_array());
    EXPECT_TRUE(j["closures"].empty()) << j["closures"];
  }
}

TEST_F(CliRouteScenario, HazardIsActiveFromItsFirstSecond) {
  const auto s =
      write_scenario(scenario({hazard("shelling-b", "b", "2022-03-05T11:00:00+01:00", "2022-03-05T13:30:00+01:00")}));
  // The same instant written with another offset.
  const auto r = route(s, "2022-03-05T10:00:00Z");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["path"].get<std::vector<std::int64_t>>(), ids("adec"));
}

TEST_F(CliRouteScenario, WithoutAtTheScenarioStartApplies) {
  const auto later = write_scenario(
      scenario({hazard("later", "b", "2022-03-05T11:00:00+01:00", "2022-03-05T13:30:00+01:00")}), "later.geojson");
  const auto r = route(later, "");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["at"], "2022-03-05T08:00:00Z");
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), ids("abc"));

  // A hazard without from/until is always active.
  const auto always = write_scenario(scenario({hazard("always", "b", "", "")}), "always.geojson");
  const auto a = route(always, "");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto ja = json::parse(a.out);
  EXPECT_EQ(ja["path"].get<std::vector<std::int64_t>>(), ids("adec"));
  ASSERT_EQ(ja["closures"].size(), 1u);
  EXPECT_EQ(ja["closures"][0]["id"], "always");
}

TEST_F(CliRouteScenario, CeasefireRoadsCloseOutsideTheirWindow) {
  const auto s =
      write_scenario(scenario({ceasefire("cf-b", "b", "2022-03-05T09:00:00+01:00", "2022-03-05T10:00:00+01:00")}));
  const auto outside = route(s, "2022-03-05T12:00:00+01:00");
  ASSERT_EQ(outside.exit_code, 0) << outside.err;
  const auto j = json::parse(outside.out);
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), ids("adec"));
  EXPECT_FALSE(path_visits(j, 'b'));
  ASSERT_EQ(j["closures"].size(), 1u) << j["closures"];
  EXPECT_EQ(j["closures"][0]["kind"], "ceasefire");
  EXPECT_EQ(j["closures"][0]["id"], "cf-b");
  EXPECT_EQ(j["closures"][0]["closed_arcs"], 4);

  const auto inside = route(s, "2022-03-05T09:30:00+01:00");
  ASSERT_EQ(inside.exit_code, 0) << inside.err;
  const auto k = json::parse(inside.out);
  EXPECT_EQ(k["path"].get<std::vector<std::int64_t>>(), ids("abc"));
  EXPECT_TRUE(k["closures"].empty()) << k["closures"];
}

TEST_F(CliRouteScenario, HazardOverTheStartGivesNoRoute) {
  // Every road out of a meets the polygon.
  const auto s = write_scenario(scenario({hazard("shelling-a", "a", "", "")}));
  const auto r = route(s, "2022-03-05T12:00:00+01:00");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["code"], "NoRoute");
  EXPECT_TRUE(has(j["message"].get<std::string>(), "scenario")) << j["message"];
  ASSERT_EQ(j["closures"].size(), 1u);
  EXPECT_EQ(j["closures"][0]["id"], "shelling-a");
  EXPECT_FALSE(j.contains("path"));
}

TEST_F(CliRouteScenario, MalformedHazardTimeNamesTheField) {
  const auto s = write_scenario(scenario({hazard("shelling-b", "b", "yesterday", "2022-03-05T13:30:00+01:00")}));
  const auto r = route(s, "2022-03-05T12:00:00+01:00");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, s.string())) << r.err;
  EXPECT_TRUE(has(r.err, "features[0].properties.from")) << r.err;
  EXPECT_TRUE(has(r.err, "yesterday")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliRouteScenario, MalformedScenarioNamesEveryBadField) {
  auto document = scenario({hazard("shelling-b", "b", "", ""), ceasefire("cf-b", "b", "", "")});
  document["corridor"].erase("name");
  document["features"][0]["properties"]["kind"] = "shelling";
  const auto s = write_scenario(document);
  const auto r = route(s, "");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "corridor.name")) << r.err;
  EXPECT_TRUE(has(r.err, "features[0].properties.kind")) << r.err;
  EXPECT_TRUE(has(r.err, "features[1].properties.windows[0]")) << r.err;
}

TEST_F(CliRouteScenario, ScenarioThatIsNotJsonIsBadInput) {
  const auto path = dir_ / "broken.geojson";
  std::ofstream(path) << "{\"type\": \"FeatureCollection\", ";
  const auto r = route(path, "");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, path.string())) << r.err;
  EXPECT_TRUE(has(r.err, "not valid JSON")) << r.err;
}

TEST_F(CliRouteScenario, MissingScenarioNamesTheFile) {
  const auto path = dir_ / "absent.geojson";
  const auto r = route(path, "");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, path.string())) << r.err;
}

TEST_F(CliRouteScenario, MalformedAtNamesAt) {
  const auto s = write_scenario(scenario({hazard("shelling-b", "b", "", "")}));
  for (const char* at : {"noon", "2022-03-05T12:00:00", "2022-13-05T12:00:00Z"}) {
    SCOPED_TRACE(at);
    const auto r = route(s, at);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(has(r.err, "--at")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(CliRouteScenario, ShippedScenarioOnAnotherMapClosesNothingHere) {
  // The Andorra exercise is far from this drawn map: its polygons meet no
  // road here, and it still parses.
  const auto r = route(shipped_scenario("andorra-exercise.geojson"), "2022-03-05T12:00:00+01:00");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), ids("abc"));
  ASSERT_TRUE(j["closures"].is_array());
  for (const auto& c : j["closures"]) EXPECT_EQ(c["closed_arcs"], 0) << c;
}

}  // namespace
}  // namespace corridor::testing

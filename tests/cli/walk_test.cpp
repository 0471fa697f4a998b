// The first mile on foot through the command line: `corridor import
// --walking` makes the foot network, `corridor plan --walk-map` walks the
// origins with walk_to to their pick-up points before the buses take them,
// `corridor check` checks it all. On the Mannheim fleet variant (27
// neighbourhoods walking to 10 gathering points) and on an Andorra variant
// small enough for the fleet-size report.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor::testing {
namespace {

using nlohmann::json;

class CliWalk : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = new TempDir; }
  static void TearDownTestSuite() { delete dir_; }
  static std::string p(const std::string& name) { return (dir_->path() / name).string(); }
  static std::string example(const std::string& name) { return corridor::testing::example("fleet/" + name).string(); }
  static json read_json(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in);
  }
  static void import(const std::string& extract, const std::string& out, bool walking) {
    if (std::filesystem::exists(p(out))) return;
    std::vector<std::string> args{"import", osm_extract(extract).string(), "-o", p(out), "--quiet"};
    if (walking) args.emplace_back("--walking");
    const auto r = run_corridor(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The Andorra fleet variant with Encamp's 3000 people living in two
  // quarters up the valley, walking down to its pick-up point.
  static std::string andorra_walk() {
    auto s = read_json(example("andorra-fleet.geojson"));
    for (auto& f : s["features"]) {
      if (f["properties"]["id"] == "encamp") f["properties"].erase("people");
    }
    for (const auto& [id, lon, lat] :
         {std::tuple{"encamp-north", 1.5862, 42.5388}, std::tuple{"encamp-west", 1.5790, 42.5330}}) {
      s["features"].push_back({{"type", "Feature"},
                               {"geometry", {{"type", "Point"}, {"coordinates", {lon, lat}}}},
                               {"properties",
                                {{"kind", "origin"},
                                 {"id", id},
                                 {"people", 1500},
                                 {"walk_to", {"encamp"}},
                                 {"earliest_departure", "2022-03-05T09:00:00+01:00"}}}});
    }
    std::ofstream(p("andorra-walk.geojson")) << s.dump();
    return p("andorra-walk.geojson");
  }
  static TempDir* dir_;
};
TempDir* CliWalk::dir_ = nullptr;

TEST_F(CliWalk, MannheimWalksToItsGatheringPointsAndChecks) {
  import("rhein-neckar-rnv-2016-12.osm.pbf", "rn.graph", false);
  import("rhein-neckar-rnv-2016-12.osm.pbf", "rn-foot.graph", true);
  const auto info = run_corridor({"info", p("rn-foot.graph"), "--json"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_FALSE(has(info.out, "motorway")) << "people do not walk on motorways";

  const auto planned = run_corridor({"plan", p("rn.graph"), example("mannheim-fleet.geojson"), "--walk-map",
                                     p("rn-foot.graph"), "-o", p("mannheim.json"), "--no-fleet-sizes"});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_TRUE(has(planned.err, "walking         120000 people in 27 walks")) << planned.err;
  const auto plan = read_json(p("mannheim.json"));
  EXPECT_EQ(plan["summary"]["people"], 120000);
  EXPECT_EQ(plan["summary"]["people_evacuated"], 120000);
  EXPECT_EQ(plan["summary"]["walking"]["people"], 120000);
  ASSERT_EQ(plan["walks"].size(), 27u);
  for (const auto& w : plan["walks"]) {
    EXPECT_LE(w["distance_m"].get<double>(), 3000) << w["origin"];
    // Each neighbourhood walks to one of its own district's gathering points.
    const auto district = w["origin"].get<std::string>().substr(0, w["origin"].get<std::string>().find("-n"));
    EXPECT_EQ(w["pickup"].get<std::string>().rfind(district, 0), 0u) << w["origin"] << " -> " << w["pickup"];
  }
  // No bus loads at a gathering point before the first walker is there.
  std::map<std::string, double> first_arrival;
  for (const auto& w : plan["walks"]) {
    const double at = w["groups"][0][0].get<double>() + w["duration_s"].get<double>();
    const auto pickup = w["pickup"].get<std::string>();
    if (!first_arrival.contains(pickup) || at < first_arrival[pickup]) first_arrival[pickup] = at;
  }
  for (const auto& v : plan["fleet"]) {
    for (const auto& l : v["legs"]) {
      if (l["kind"] == "loaded") {
        EXPECT_GE(l["times_s"][0].get<double>(), first_arrival[l["from"]] + 600 - 0.01);
      }
    }
  }
  const auto c = run_corridor({"check", p("rn.graph"), example("mannheim-fleet.geojson"), p("mannheim.json")});
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
}

TEST_F(CliWalk, AndorraReportsWhetherWalkingHelps) {
  import("andorra-2021-10.osm.pbf", "andorra.graph", false);
  import("andorra-2021-10.osm.pbf", "andorra-foot.graph", true);
  const auto scenario = andorra_walk();
  const auto planned = run_corridor(
      {"plan", p("andorra.graph"), scenario, "--walk-map", p("andorra-foot.graph"), "-o", p("andorra-walk.json")});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_TRUE(has(planned.err, "walking the first mile: egress")) << planned.err;
  const auto plan = read_json(p("andorra-walk.json"));
  EXPECT_EQ(plan["summary"]["people_evacuated"], 23000);
  EXPECT_EQ(plan["walks"].size(), 2u);
  EXPECT_TRUE(plan["fleet_report"].contains("collected_at_origins"));
  const auto c = run_corridor({"check", p("andorra.graph"), scenario, p("andorra-walk.json")});
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
}

TEST_F(CliWalk, WithoutAFootNetworkWalkersAreRefusedByName) {
  import("andorra-2021-10.osm.pbf", "andorra.graph", false);
  const auto scenario = andorra_walk();
  const auto no_map = run_corridor({"plan", p("andorra.graph"), scenario, "-o", p("x.json")});
  EXPECT_EQ(no_map.exit_code, 2) << no_map.err;
  EXPECT_TRUE(has(no_map.err, "origin \"encamp-north\" walks to pick-up points")) << no_map.err;
  EXPECT_TRUE(has(no_map.err, "--walk-map FOOT.graph")) << no_map.err;
  const auto roads =
      run_corridor({"plan", p("andorra.graph"), scenario, "--walk-map", p("andorra.graph"), "-o", p("x.json")});
  EXPECT_EQ(roads.exit_code, 2) << roads.err;
  EXPECT_TRUE(has(roads.err, "is not a foot network")) << roads.err;
  EXPECT_FALSE(std::filesystem::exists(p("x.json")));
}

}  // namespace
}  // namespace corridor::testing

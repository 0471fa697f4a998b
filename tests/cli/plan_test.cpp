// `corridor plan` through the real binary: outputs, summary, errors.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ascii_map.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    AsciiMap m("a-----b", 100);
    m.way("ab", {{"highway", "residential"}, {"maxspeed", "36"}});
    a_ = m.where('a');
    b_ = m.where('b');
    const auto pbf = m.write_pbf(dir_ / "m.osm.pbf");
    ASSERT_EQ(run_corridor({"import", pbf.string(), "-o", graph(), "--quiet"}).exit_code, 0);
  }
  std::string graph() const { return (dir_ / "m.graph").string(); }
  std::string scenario(const std::string& origin_props, geo::LonLat origin_at) {
    std::ostringstream text;
    text.precision(10);
    text << R"({"type": "FeatureCollection", "corridor": {"name": "t", "start": "2022-03-05T09:00:00+01:00",
      "timezone": "Europe/Berlin", "horizon_hours": 2, "parties": [{"id": "A", "name": "A"}]}, "features": [
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [)"
         << origin_at.lon << "," << origin_at.lat << R"(]}, "properties": )" << origin_props << R"(},
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [)"
         << b_.lon << "," << b_.lat
         << R"(]}, "properties": {"kind": "destination", "id": "d", "capacity": 1000, "controlled_by": "A"}}]})";
    const auto path = dir_ / "s.geojson";
    std::ofstream(path) << text.str();
    return path.string();
  }
  TempDir dir_;
  geo::LonLat a_, b_;
};

TEST_F(CliPlan, WritesPlanGeojsonAndTimetable) {
  const auto s = scenario(R"({"kind": "origin", "id": "o", "people": 100, "persons_per_vehicle": 5})", a_);
  const auto r = run_corridor({"plan", graph(), s, "-o", (dir_ / "p.json").string(), "--geojson",
                               (dir_ / "p.geojson").string(), "--csv", (dir_ / "p.csv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("people out      100 of 100"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("gap 0.0%"), std::string::npos) << r.err;
  const auto plan = nlohmann::json::parse(read(dir_ / "p.json"));
  EXPECT_EQ(plan["method"], "ccrp");
  EXPECT_EQ(plan["summary"]["vehicles"], 20);
  EXPECT_EQ(plan["summary"]["egress_s"], 120.0);  // 20 vehicles, 10 a minute, 60 s
  EXPECT_EQ(plan["summary"]["lower_bound_s"], 120.0);
  EXPECT_EQ(plan["attribution"], "© OpenStreetMap contributors");
  ASSERT_EQ(plan["snaps"].size(), 2u);
  const auto geo = nlohmann::json::parse(read(dir_ / "p.geojson"));
  EXPECT_EQ(geo["type"], "FeatureCollection");
  EXPECT_EQ(geo["features"][0]["geometry"]["type"], "LineString");
  EXPECT_EQ(geo["features"][0]["properties"]["id"], "m1");  // movement ids, as in plan.json
  const auto csv = read(dir_ / "p.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "movement,id,origin,destination,vehicles,people,departure_utc,arrival_utc,departure_local,arrival_local,"
            "travel_min,via");
  EXPECT_NE(csv.find("2022-03-05T08:00:00Z,2022-03-05T08:01:00Z,2022-03-05T09:00:00+01:00"), std::string::npos) << csv;
  const auto c = run_corridor({"check", graph(), s, (dir_ / "p.json").string()});
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
}

TEST_F(CliPlan, BadScenarioNamesTheField) {
  const auto s = scenario(R"({"kind": "origin", "id": "o", "people": -5})", a_);
  const auto r = run_corridor({"plan", graph(), s, "-o", (dir_ / "p.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("features[0].properties.people"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "p.json"));
}

TEST_F(CliPlan, OriginFarFromAnyRoadIsAnError) {
  const auto s = scenario(R"({"kind": "origin", "id": "far", "people": 5})", {a_.lon, a_.lat + 0.05});
  const auto r = run_corridor({"plan", graph(), s, "-o", (dir_ / "p.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("origin \"far\": no road within 1000 m (the nearest is "), std::string::npos) << r.err;
}

TEST_F(CliPlan, UnknownMethodIsRefused) {
  const auto s = scenario(R"({"kind": "origin", "id": "o", "people": 5})", a_);
  const auto r = run_corridor({"plan", graph(), s, "-o", (dir_ / "p.json").string(), "--method", "fastest"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--method: must be ccrp or optimal"), std::string::npos) << r.err;
}

TEST_F(CliPlan, QuietPrintsNothing) {
  const auto s = scenario(R"({"kind": "origin", "id": "o", "people": 5})", a_);
  const auto r = run_corridor({"plan", graph(), s, "-o", (dir_ / "p.json").string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace corridor::testing

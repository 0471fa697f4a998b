// A GeoJSON road network end to end through the real binary: import, info,
// and routes that name the network's own node ids and add up its own travel
// times, respecting one-way links.
//
// tests/fixtures/networks/small.geojson (node ids; link id, free-flow time):
//
//   5 --105 (tertiary)-- 4 --103 (70 s, via a corner shape point)-- 3
//                        |                                          ^
//                   104 (40 s)                                      |
//                        |                                          |
//   1 --101 (60 s, via a shape point)-- 2 --102 (50 s, one-way)-----+

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "corridor/geo/geo.hpp"
#include "corridor/osm/network.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The nodes of small.geojson.
const geo::LonLat k_node_1{8.000, 49.000};
const geo::LonLat k_node_3{8.020, 49.000};
const geo::LonLat k_node_4{8.010, 49.010};
const geo::LonLat k_node_5{8.000, 49.010};

class CliGeojsonNetwork : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const auto r = run_corridor(
        {"import", fixture("networks/small.geojson").string(), "-o", (dir_->path() / "small.graph").string()});
    import_err_ = new std::string(r.err);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete import_err_;
    dir_ = nullptr;
    import_err_ = nullptr;
  }
  static fs::path graph() { return dir_->path() / "small.graph"; }

  static json route(geo::LonLat from, geo::LonLat to, int expected_exit = 0) {
    const auto r = run_corridor({"route", graph().string(), "--from", lon_lat(from), "--to", lon_lat(to)});
    EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    return json::parse(r.out);
  }

  static std::string* import_err_;

 private:
  static TempDir* dir_;
};
TempDir* CliGeojsonNetwork::dir_ = nullptr;
std::string* CliGeojsonNetwork::import_err_ = nullptr;

TEST_F(CliGeojsonNetwork, ImportSummaryCountsTheLinks) {
  EXPECT_TRUE(has(*import_err_, "5 nodes")) << *import_err_;
  EXPECT_TRUE(has(*import_err_, "9 arcs")) << *import_err_;
  EXPECT_TRUE(has(*import_err_, "5 of 5 ways routable")) << *import_err_;
}

TEST_F(CliGeojsonNetwork, InfoReportsAGeojsonSource) {
  const auto r = run_corridor({"info", "--json", graph().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["source"], "small.geojson");
  EXPECT_EQ(j["source_kind"], "geojson");
  EXPECT_EQ(j["nodes"], 5);
  EXPECT_EQ(j["arcs"], 9);
  EXPECT_EQ(j["weak_components"]["count"], 1);
  // The one-way link 2 -> 3 still leaves 3 a way back (via 4): one strong component.
  EXPECT_EQ(j["strong_components"]["count"], 1);
  ASSERT_TRUE(j["classes"].contains("custom")) << j["classes"];
  EXPECT_EQ(j["classes"]["custom"]["arcs"], 5);  // 101 both ways, 102, 103 both ways
  EXPECT_EQ(j["classes"]["residential"]["arcs"], 2);
  EXPECT_EQ(j["classes"]["tertiary"]["arcs"], 2);
}

TEST_F(CliGeojsonNetwork, RouteNamesTheNetworksNodeIdsAndSumsItsTravelTimes) {
  const auto j = route(k_node_1, k_node_3);
  EXPECT_EQ(j["code"], "Ok");
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 60.0 + 50.0);
  EXPECT_EQ(j["snap"]["from"]["node"], 1);
  EXPECT_EQ(j["snap"]["to"]["node"], 3);
  EXPECT_NEAR(j["snap"]["from"]["distance_m"].get<double>(), 0.0, 0.01);
  // Distance follows the links' geometry, the shape point included.
  const double expected_m = geo::distance_m({8.000, 49.000}, {8.005, 49.001}) +
                            geo::distance_m({8.005, 49.001}, {8.010, 49.000}) +
                            geo::distance_m({8.010, 49.000}, {8.020, 49.000});
  EXPECT_NEAR(j["distance_m"].get<double>(), expected_m, 0.05);
}

TEST_F(CliGeojsonNetwork, BothPointsOnOneNodeGiveAValidLineString) {
  const auto j = route(k_node_1, k_node_1);
  EXPECT_EQ(j["code"], "Ok");
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(j["duration_s"].get<double>(), 0.0);
  EXPECT_EQ(j["geometry"]["coordinates"].size(), 2u);  // RFC 7946: at least two positions
}

TEST_F(CliGeojsonNetwork, RouteGeometryKeepsTheShapePoints) {
  const auto j = route(k_node_1, k_node_3);
  ASSERT_EQ(j["geometry"]["type"], "LineString");
  const auto& coordinates = j["geometry"]["coordinates"];
  const std::vector<geo::LonLat> expected = {{8.000, 49.000}, {8.005, 49.001}, {8.010, 49.000}, {8.020, 49.000}};
  ASSERT_EQ(coordinates.size(), expected.size()) << coordinates;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_NEAR(coordinates[i][0].get<double>(), expected[i].lon, 1e-7);
    EXPECT_NEAR(coordinates[i][1].get<double>(), expected[i].lat, 1e-7);
  }
}

TEST_F(CliGeojsonNetwork, OnewayLinkIsNotDrivenBackwards) {
  // 3 -> 2 is forbidden: the way back goes round by 4.
  const auto j = route(k_node_3, k_node_1);
  EXPECT_EQ(j["code"], "Ok");
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), (std::vector<std::int64_t>{3, 4, 2, 1}));
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 70.0 + 40.0 + 60.0);
  // Its geometry runs 3 -> corner -> 4 -> 2 -> shape -> 1.
  const auto& coordinates = j["geometry"]["coordinates"];
  ASSERT_EQ(coordinates.size(), 6u) << coordinates;
  EXPECT_NEAR(coordinates[1][0].get<double>(), 8.020, 1e-7);
  EXPECT_NEAR(coordinates[1][1].get<double>(), 49.010, 1e-7);
  EXPECT_NEAR(coordinates[4][0].get<double>(), 8.005, 1e-7);
  EXPECT_NEAR(coordinates[4][1].get<double>(), 49.001, 1e-7);
}

TEST_F(CliGeojsonNetwork, CoordinateMatchedLinkJoinsTheNetwork) {
  // 5 has no id in the file: it got the next free one, and its link (tertiary,
  // 40 km/h) joins node 4, whose id came from other links.
  const auto j = route(k_node_5, k_node_3);
  EXPECT_EQ(j["code"], "Ok");
  EXPECT_EQ(j["snap"]["from"]["node"], 5);
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), (std::vector<std::int64_t>{5, 4, 3}));
  const auto tertiary_ms = osm::travel_time_ms(geo::distance_m(k_node_5, k_node_4), 40);
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), static_cast<double>(tertiary_ms) / 1000.0 + 70.0);
}

TEST_F(CliGeojsonNetwork, PointBesideALinkSnapsOntoIt) {
  // About 34 m from node 2 and 7 m from link 104 (4 -> 2, 40 s, two-way),
  // 3 % of the way from 2 to 4: the route drives that 3 % back to 2, then 1.
  const auto j = route({8.0101, 49.0003}, k_node_1);
  EXPECT_EQ(j["code"], "Ok");
  const auto& snap = j["snap"]["from"];
  EXPECT_FALSE(snap.contains("node")) << snap;
  EXPECT_NEAR(snap["distance_m"].get<double>(), 7.3, 0.1);
  EXPECT_EQ(snap["segment"]["way"], 104);
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), (std::vector<std::int64_t>{4, 2, 1}));
  EXPECT_NEAR(j["duration_s"].get<double>(), 60.0 + 0.03 * 40.0, 0.002);
}

TEST(CliGeojsonImport, HighwayNetworkWithOnewayImportsAndRoutes) {
  TempDir dir;
  const auto graph = dir / "oneway.graph";
  const auto r = run_corridor({"import", fixture("networks/oneway-forms.geojson").string(), "-o", graph.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Link 7-8 is "oneway": -1, drivable only 8 -> 7.
  const auto back =
      run_corridor({"route", graph.string(), "--from", "8.001,49.003", "--to", "8.0,49.003", "--max-snap-m", "20"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  const auto j = json::parse(back.out);
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), (std::vector<std::int64_t>{8, 7}));
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 10.0);
  // The start is node 7, where no road leaves: no route.
  const auto forward =
      run_corridor({"route", graph.string(), "--from", "8.0,49.003", "--to", "8.001,49.003", "--max-snap-m", "20"});
  EXPECT_EQ(forward.exit_code, 3) << forward.err;
  EXPECT_EQ(json::parse(forward.out)["snap"]["from"]["node"], 7);
}

}  // namespace
}  // namespace corridor::testing

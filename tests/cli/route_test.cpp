// `corridor route` through the real binary on graphs imported from drawn
// maps: the JSON of a route, NoRoute, snapping limits and bad points.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ascii_map.hpp"
#include "corridor/geo/geo.hpp"
#include "corridor/osm/network.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Imports a drawn map into dir/map.graph and returns its path.
fs::path import_map(const AsciiMap& map, const TempDir& dir) {
  const auto pbf = map.write_pbf(dir / "map.osm.pbf");
  const auto graph = dir / "map.graph";
  const auto r = run_corridor({"import", "-q", pbf.string(), "-o", graph.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return graph;
}

// Free-flow time in ms of a residential segment (25 km/h) between nodes.
std::uint64_t residential_ms(const AsciiMap& map, char from, char to) {
  return osm::travel_time_ms(geo::distance_m(map.where(from), map.where(to)), 25);
}

std::vector<std::int64_t> ids(const std::string& nodes) {
  std::vector<std::int64_t> out;
  for (char c : nodes) out.push_back(AsciiMap::osm_id(c));
  return out;
}

// A square block: the top road a-b-c, the detour a-d-e-c.
//
//   a--b--c
//   |     |
//   |     |
//   d-----e
AsciiMap block() {
  AsciiMap map(R"(
a--b--c
|     |
|     |
d-----e
)",
               50.0);
  map.way("abc", {{"highway", "residential"}});
  map.way("adec", {{"highway", "residential"}});
  return map;
}

class CliRoute : public ::testing::Test {
 protected:
  CliRoute() : map_(block()), graph_(import_map(map_, dir_)) {}

  CommandResult route(const std::string& from, const std::string& to, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"route", graph_.string(), "--from", from, "--to", to};
    args.insert(args.end(), more.begin(), more.end());
    return run_corridor(args);
  }

  TempDir dir_;
  AsciiMap map_;
  fs::path graph_;
};

TEST_F(CliRoute, OkRouteHasDurationDistancePathAndGeometry) {
  const auto r = route(lon_lat(map_.where('a')), lon_lat(map_.where('c')));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["code"], "Ok");

  ASSERT_TRUE(j["duration_s"].is_number());
  const auto expected_ms = residential_ms(map_, 'a', 'b') + residential_ms(map_, 'b', 'c');
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), static_cast<double>(expected_ms) / 1000.0);
  ASSERT_TRUE(j["distance_m"].is_number());
  const double expected_m =
      geo::distance_m(map_.where('a'), map_.where('b')) + geo::distance_m(map_.where('b'), map_.where('c'));
  EXPECT_NEAR(j["distance_m"].get<double>(), expected_m, 0.01);
  EXPECT_NEAR(j["distance_m"].get<double>(), 300.0, 1.0);

  ASSERT_TRUE(j["path"].is_array());
  for (const auto& id : j["path"]) EXPECT_TRUE(id.is_number_integer()) << id;
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), ids("abc"));

  const auto& geometry = j["geometry"];
  EXPECT_EQ(geometry["type"], "LineString");
  ASSERT_TRUE(geometry["coordinates"].is_array());
  ASSERT_EQ(geometry["coordinates"].size(), 3u);
  const std::string nodes = "abc";
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    SCOPED_TRACE(std::string("node ") + nodes[i]);
    const auto& position = geometry["coordinates"][i];
    ASSERT_EQ(position.size(), 2u);
    EXPECT_NEAR(position[0].get<double>(), map_.where(nodes[i]).lon, 1e-7);
    EXPECT_NEAR(position[1].get<double>(), map_.where(nodes[i]).lat, 1e-7);
  }
  EXPECT_TRUE(has(j.value("attribution", ""), "OpenStreetMap")) << j;
  EXPECT_FALSE(j.contains("closures")) << j;
}

TEST_F(CliRoute, PathEndsAreTheSnappedNodes) {
  // Points 12 m past the ends of the roads at a and at d snap onto a and d.
  const auto from = map_.offset('a', -12, 0);
  const auto to = map_.offset('d', 0, 12);
  const auto r = route(lon_lat(from), lon_lat(to));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["code"], "Ok");
  const auto& snap = j["snap"];
  EXPECT_EQ(snap["from"]["node"], AsciiMap::osm_id('a'));
  EXPECT_EQ(snap["to"]["node"], AsciiMap::osm_id('d'));
  EXPECT_NEAR(snap["from"]["distance_m"].get<double>(), 12.0, 0.1);
  EXPECT_NEAR(snap["to"]["distance_m"].get<double>(), 12.0, 0.1);
  EXPECT_NEAR(snap["from"]["location"][0].get<double>(), map_.where('a').lon, 1e-7);
  EXPECT_NEAR(snap["from"]["location"][1].get<double>(), map_.where('a').lat, 1e-7);
  const auto path = j["path"].get<std::vector<std::int64_t>>();
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.front(), snap["from"]["node"].get<std::int64_t>());
  EXPECT_EQ(path.back(), snap["to"]["node"].get<std::int64_t>());
  EXPECT_EQ(path, ids("ad"));
}

// A point beside the middle of a segment snaps onto it, and the route drives
// only the part of that segment from there.
TEST_F(CliRoute, APointBesideASegmentStartsTheRouteMidSegment) {
  const auto from = map_.offset('a', 75, -10);  // half-way a-b (150 m), 10 m north
  const auto r = route(lon_lat(from), lon_lat(map_.where('c')));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  const auto& snap = j["snap"]["from"];
  EXPECT_FALSE(snap.contains("node")) << snap;
  EXPECT_NEAR(snap["distance_m"].get<double>(), 10.0, 0.1);
  const auto& segment = snap["segment"];
  const bool forward = segment["from_node"] == AsciiMap::osm_id('a');
  EXPECT_EQ(segment[forward ? "to_node" : "from_node"], AsciiMap::osm_id('b'));
  EXPECT_NEAR(segment["fraction"].get<double>(), 0.5, 1e-6);
  EXPECT_TRUE(segment["two_way"].get<bool>());
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), ids("abc"));
  const double want_s = (0.5 * static_cast<double>(residential_ms(map_, 'a', 'b')) +
                         static_cast<double>(residential_ms(map_, 'b', 'c'))) /
                        1000;
  EXPECT_NEAR(j["duration_s"].get<double>(), want_s, 0.002);
  EXPECT_NEAR(j["distance_m"].get<double>(), 75 + 150, 0.5);
  const auto& start = j["geometry"]["coordinates"][0];
  EXPECT_NEAR(geo::distance_m({start[0].get<double>(), start[1].get<double>()}, map_.offset('a', 75, 0)), 0, 0.1);
}

TEST_F(CliRoute, ReverseDirectionOfATwoWayRoad) {
  const auto r = route(lon_lat(map_.where('c')), lon_lat(map_.where('a')));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["path"].get<std::vector<std::int64_t>>(), ids("cba"));
}

TEST_F(CliRoute, PointTooFarFromAnyRoadNamesFrom) {
  const auto far = map_.offset('a', -500, 0);
  const auto r = route(lon_lat(far), lon_lat(map_.where('c')), {"--max-snap-m", "50"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "--from")) << r.err;
  EXPECT_TRUE(has(r.err, "no road within 50")) << r.err;
  EXPECT_TRUE(has(r.err, "--max-snap-m")) << r.err;
  EXPECT_TRUE(has(r.err, "nearest is")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliRoute, DestinationTooFarNamesTo) {
  const auto far = map_.offset('e', 0, 800);
  const auto r = route(lon_lat(map_.where('a')), lon_lat(far), {"--max-snap-m", "100"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "--to")) << r.err;
  EXPECT_FALSE(has(r.err, "--from")) << r.err;
}

TEST_F(CliRoute, DefaultSnapLimitIsOneKilometre) {
  const auto near = run_corridor(
      {"route", graph_.string(), "--from", lon_lat(map_.offset('a', -900, 0)), "--to", lon_lat(map_.where('c'))});
  EXPECT_EQ(near.exit_code, 0) << near.err;
  const auto far = run_corridor(
      {"route", graph_.string(), "--from", lon_lat(map_.offset('a', -1100, 0)), "--to", lon_lat(map_.where('c'))});
  EXPECT_EQ(far.exit_code, 2) << far.err;
  EXPECT_TRUE(has(far.err, "--from")) << far.err;
}

TEST_F(CliRoute, MalformedFromIsBadInputNamingFrom) {
  for (const char* text : {"abc", "1.5", "200,10", "8.0,95", "8.0;49.0", "8.0,49.0,3", "", ",", "nan,nan"}) {
    SCOPED_TRACE(std::string("--from \"") + text + "\"");
    const auto r = route(text, lon_lat(map_.where('c')));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(has(r.err, "--from")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(CliRoute, MalformedToIsBadInputNamingTo) {
  const auto r = route(lon_lat(map_.where('a')), "north");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "--to")) << r.err;
  EXPECT_TRUE(has(r.err, "north")) << r.err;
}

TEST_F(CliRoute, NonPositiveSnapLimitIsBadInput) {
  for (const char* limit : {"0", "-5"}) {
    SCOPED_TRACE(limit);
    const auto r = route(lon_lat(map_.where('a')), lon_lat(map_.where('c')), {"--max-snap-m", limit});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(has(r.err, "--max-snap-m")) << r.err;
  }
}

TEST_F(CliRoute, AtWithoutScenarioIsBadInput) {
  const auto r = route(lon_lat(map_.where('a')), lon_lat(map_.where('c')), {"--at", "2022-03-05T12:00:00+01:00"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "--at")) << r.err;
  EXPECT_TRUE(has(r.err, "--scenario")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliRoute, MissingGraphNamesTheFile) {
  const auto absent = dir_ / "absent.graph";
  const auto r =
      run_corridor({"route", absent.string(), "--from", lon_lat(map_.where('a')), "--to", lon_lat(map_.where('c'))});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, absent.string())) << r.err;
}

TEST(CliRouteNoRoute, DisconnectedRoadsGiveNoRoute) {
  TempDir dir;
  AsciiMap map(R"(
a--b

c--d
)",
               50.0);
  map.way("ab", {{"highway", "residential"}});
  map.way("cd", {{"highway", "residential"}});
  const auto graph = import_map(map, dir);
  const auto r =
      run_corridor({"route", graph.string(), "--from", lon_lat(map.where('a')), "--to", lon_lat(map.where('d'))});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["code"], "NoRoute");
  EXPECT_TRUE(j["message"].is_string()) << j;
  EXPECT_FALSE(j.contains("path")) << j;
  EXPECT_EQ(j["snap"]["from"]["node"], AsciiMap::osm_id('a'));
  EXPECT_EQ(j["snap"]["to"]["node"], AsciiMap::osm_id('d'));
}

TEST(CliRouteNoRoute, OnewayAgainstTheTravelDirectionGivesNoRoute) {
  TempDir dir;
  AsciiMap map("a--b--c--d", 50.0);
  map.way("abcd", {{"highway", "residential"}, {"oneway", "yes"}});
  const auto graph = import_map(map, dir);
  const auto forward =
      run_corridor({"route", graph.string(), "--from", lon_lat(map.where('a')), "--to", lon_lat(map.where('d'))});
  EXPECT_EQ(forward.exit_code, 0) << forward.err;
  EXPECT_EQ(json::parse(forward.out)["path"].get<std::vector<std::int64_t>>(), ids("abcd"));
  // The start is d, where no road leaves, the end a, where none arrives.
  const auto backward =
      run_corridor({"route", graph.string(), "--from", lon_lat(map.where('d')), "--to", lon_lat(map.where('a'))});
  EXPECT_EQ(backward.exit_code, 3) << backward.err;
  const auto j = json::parse(backward.out);
  EXPECT_EQ(j["code"], "NoRoute");
  EXPECT_EQ(j["snap"]["from"]["node"], AsciiMap::osm_id('d'));
  EXPECT_EQ(j["snap"]["to"]["node"], AsciiMap::osm_id('a'));
}

}  // namespace
}  // namespace corridor::testing

namespace corridor::testing {
namespace {

TEST_F(CliRoute, EveryAlgorithmGivesTheSameRoute) {
  std::string first;
  for (const std::string a : {"cch", "alt", "dijkstra"}) {
    const auto r = route(lon_lat(map_.where('a')), lon_lat(map_.where('e')), {"--algorithm", a});
    ASSERT_EQ(r.exit_code, 0) << a << ": " << r.err;
    const auto j = json::parse(r.out);
    const auto summary = j["duration_s"].dump() + " " + j["path"].dump();
    if (first.empty()) first = summary;
    EXPECT_EQ(summary, first) << a;
  }
  const auto bad = route(lon_lat(map_.where('a')), lon_lat(map_.where('e')), {"--algorithm", "astar"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(has(bad.err, "--algorithm")) << bad.err;
  EXPECT_TRUE(has(bad.err, "astar")) << bad.err;
}

TEST_F(CliRoute, PairsAnswerEveryLineInOrder) {
  const auto pairs = dir_ / "pairs.csv";
  std::ofstream(pairs) << "from_lon,from_lat,to_lon,to_lat\n"
                       << lon_lat(map_.where('a')) << "," << lon_lat(map_.where('c')) << "\n"
                       << lon_lat(map_.where('c')) << "," << lon_lat(map_.where('d')) << "\r\n"
                       << "0,0," << lon_lat(map_.where('c')) << "\n";
  for (const std::string a : {"cch", "alt", "dijkstra"}) {
    const auto out = dir_ / ("answers-" + a + ".csv");
    const auto r =
        run_corridor({"route", graph_.string(), "--pairs", pairs.string(), "-o", out.string(), "--algorithm", a});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.err, "2 queries, mean ")) << r.err;
    EXPECT_TRUE(has(r.err, a + ": preprocessing")) << r.err;
    std::ifstream in(out);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 4u) << a;
    EXPECT_EQ(lines[0], "duration_s,distance_m,code");
    const double abc = static_cast<double>(residential_ms(map_, 'a', 'b') + residential_ms(map_, 'b', 'c')) / 1000;
    EXPECT_TRUE(lines[1].ends_with(",Ok")) << lines[1];
    EXPECT_NEAR(std::stod(lines[1]), abc, 0.001) << lines[1];
    EXPECT_TRUE(lines[2].ends_with(",Ok")) << lines[2];
    EXPECT_EQ(lines[3], ",,NoSegment");
  }
}

TEST_F(CliRoute, BadPairsNameTheLineAndColumn) {
  const auto pairs = dir_ / "bad.csv";
  std::ofstream(pairs) << lon_lat(map_.where('a')) << "," << lon_lat(map_.where('c')) << "\n"
                       << "8.0,49.0,8.1,north\n";
  const auto out = (dir_ / "out.csv").string();
  const auto r = run_corridor({"route", graph_.string(), "--pairs", pairs.string(), "-o", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "line 2: to_lat must be a latitude in degrees, got \"north\"")) << r.err;
  const auto no_output = run_corridor({"route", graph_.string(), "--pairs", pairs.string()});
  EXPECT_EQ(no_output.exit_code, 2);
  EXPECT_TRUE(has(no_output.err, "-o")) << no_output.err;
  const auto neither = run_corridor({"route", graph_.string()});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_TRUE(has(neither.err, "--from and --to are required")) << neither.err;
}

}  // namespace
}  // namespace corridor::testing

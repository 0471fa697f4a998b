// read_geojson_network: node identity (explicit ids, exact coordinates),
// direction, attributes (given or from the profile), shape points, and the
// path named by every validation error.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "corridor/error.hpp"
#include "corridor/geo/geo.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/osm/profile.hpp"
#include "test_support.hpp"

namespace corridor::osm {
namespace {

using nlohmann::json;
using testing::fixture;
using testing::TempDir;

RawNetwork read_fixture(const std::string& name) {
  return read_geojson_network(fixture("networks/" + name), Profile::defaults());
}

// Index of the node with this external id, or nullopt.
std::optional<std::uint32_t> node_of(const RawNetwork& net, std::int64_t id) {
  const auto it = std::find(net.node_id.begin(), net.node_id.end(), id);
  if (it == net.node_id.end()) return std::nullopt;
  return static_cast<std::uint32_t>(it - net.node_id.begin());
}

// The arcs from the node with external id `from` to the one with id `to`.
std::vector<RawArc> arcs_between(const RawNetwork& net, std::int64_t from, std::int64_t to) {
  std::vector<RawArc> out;
  const auto u = node_of(net, from);
  const auto v = node_of(net, to);
  if (!u || !v) return out;
  for (const auto& a : net.arcs) {
    if (a.tail == *u && a.head == *v) out.push_back(a);
  }
  return out;
}

geo::LonLat node_position(const RawNetwork& net, std::int64_t id) {
  const auto v = node_of(net, id).value();
  return {geo::from_fixed(net.node_lon[v]), geo::from_fixed(net.node_lat[v])};
}

double length_of(const std::vector<geo::LonLat>& points) {
  double total = 0;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) total += geo::distance_m(points[i], points[i + 1]);
  return total;
}

json line(std::vector<std::pair<double, double>> points, json properties) {
  json coordinates = json::array();
  for (const auto& [lon, lat] : points) coordinates.push_back({lon, lat});
  return {{"type", "Feature"},
          {"geometry", {{"type", "LineString"}, {"coordinates", coordinates}}},
          {"properties", std::move(properties)}};
}

json collection(std::vector<json> features) {
  return {{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

// A valid link to put beside a broken one, so that errors are not about an
// empty network.
json good_link() { return line({{8.0, 49.0}, {8.01, 49.0}}, {{"highway", "residential"}}); }

class GeojsonNetworkErrors : public ::testing::Test {
 protected:
  // Writes the document and reads it; returns the reported problems (empty
  // when it was read without a ValidationError).
  std::vector<Problem> problems_of(const json& document) { return problems_of_text(document.dump()); }

  std::vector<Problem> problems_of_text(const std::string& text) {
    const auto path = dir_ / "network.geojson";
    std::ofstream(path) << text;
    try {
      read_geojson_network(path, Profile::defaults());
    } catch (const ValidationError& e) {
      message_ = e.what();
      return e.problems();
    }
    return {};
  }

  static bool has_path(const std::vector<Problem>& problems, const std::string& path) {
    return std::any_of(problems.begin(), problems.end(), [&](const Problem& p) { return p.path == path; });
  }

  static std::string describe(const std::vector<Problem>& problems) {
    std::string text;
    for (const auto& p : problems) text += "\n  " + p.path + ": " + p.message;
    return text.empty() ? " (no problem reported)" : text;
  }

  TempDir dir_;
  std::string message_;
};

TEST(GeojsonNetwork, ExplicitIdsBecomeTheNodeIds) {
  const auto net = read_fixture("small.geojson");
  EXPECT_EQ(net.source_kind, "geojson");
  auto ids = net.node_id;
  std::sort(ids.begin(), ids.end());
  // 1..4 given; the bare end of feature 105 gets the next free id.
  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(net.stats.ways_read, 5u);
  EXPECT_EQ(net.stats.ways_routable, 5u);
  const auto p1 = node_position(net, 1);
  EXPECT_EQ(geo::to_fixed(p1.lon), geo::to_fixed(8.0));
  EXPECT_EQ(geo::to_fixed(p1.lat), geo::to_fixed(49.0));
  const auto p4 = node_position(net, 4);
  EXPECT_EQ(geo::to_fixed(p4.lon), geo::to_fixed(8.01));
  EXPECT_EQ(geo::to_fixed(p4.lat), geo::to_fixed(49.01));
}

TEST(GeojsonNetwork, LinksJoinTheirFromAndToNodes) {
  const auto net = read_fixture("small.geojson");
  // Two-way links give both directions, the oneway one only its own.
  EXPECT_EQ(arcs_between(net, 1, 2).size(), 1u);
  EXPECT_EQ(arcs_between(net, 2, 1).size(), 1u);
  EXPECT_EQ(arcs_between(net, 2, 3).size(), 1u);
  EXPECT_TRUE(arcs_between(net, 3, 2).empty());
  EXPECT_EQ(arcs_between(net, 3, 4).size(), 1u);
  EXPECT_EQ(arcs_between(net, 4, 3).size(), 1u);
  EXPECT_EQ(arcs_between(net, 4, 2).size(), 1u);
  EXPECT_EQ(arcs_between(net, 2, 4).size(), 1u);
  EXPECT_EQ(arcs_between(net, 5, 4).size(), 1u);
  EXPECT_EQ(arcs_between(net, 4, 5).size(), 1u);
  EXPECT_EQ(net.arcs.size(), 9u);
  // The feature's integer "id" is the arcs' way id.
  EXPECT_EQ(arcs_between(net, 1, 2).at(0).way_id, 101);
  EXPECT_EQ(arcs_between(net, 2, 1).at(0).way_id, 101);
  EXPECT_EQ(arcs_between(net, 4, 5).at(0).way_id, 105);
}

TEST(GeojsonNetwork, BareEndsAreMatchedByExactCoordinates) {
  const auto net = read_fixture("coordinate-matched.geojson");
  // Explicit ids 70 and 71; three bare positions get 72, 73, 74 (after the
  // largest explicit id), and the shared junction is one node.
  auto ids = net.node_id;
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::int64_t>{70, 71, 72, 73, 74}));
  const auto junction = node_of(net, 73);
  ASSERT_TRUE(junction.has_value());
  EXPECT_EQ(net.node_lon[*junction], geo::to_fixed(8.01));
  EXPECT_EQ(net.node_lat[*junction], geo::to_fixed(49.0));
  EXPECT_EQ(arcs_between(net, 72, 73).size(), 1u);
  EXPECT_EQ(arcs_between(net, 74, 73).size(), 1u);
  // A bare line ending where an identified node lies joins that node.
  EXPECT_EQ(arcs_between(net, 73, 70).size(), 1u);
  EXPECT_EQ(arcs_between(net, 70, 71).size(), 1u);
  EXPECT_EQ(net.arcs.size(), 8u);
}

TEST(GeojsonNetwork, OnewayFormsSetTheDirections) {
  const auto net = read_fixture("oneway-forms.geojson");
  struct Expectation {
    std::int64_t from, to;
    bool forward, backward;
    const char* form;
  };
  const std::vector<Expectation> expectations = {
      {1, 2, true, false, "true"},
      {3, 4, true, false, "\"yes\""},
      {5, 6, true, false, "1"},
      {7, 8, false, true, "-1"},
      {9, 10, false, true, "\"-1\""},
      {11, 12, true, true, "false"},
      {13, 14, true, true, "\"no\""},
      {15, 16, true, true, "absent"},
      {17, 18, true, false, "absent, motorway"},
      {19, 20, true, true, "false, motorway"},
  };
  for (const auto& e : expectations) {
    SCOPED_TRACE(std::string("oneway ") + e.form);
    EXPECT_EQ(arcs_between(net, e.from, e.to).size(), e.forward ? 1u : 0u);
    EXPECT_EQ(arcs_between(net, e.to, e.from).size(), e.backward ? 1u : 0u);
  }
}

TEST(GeojsonNetwork, OnewayStringAndNumberFormsAgree) {
  TempDir dir;
  for (const json& form : {json("1"), json("true"), json(0), json("0"), json("false")}) {
    SCOPED_TRACE("oneway " + form.dump());
    const bool oneway = form == "1" || form == "true";
    const auto path = dir / "network.geojson";
    std::ofstream(path) << collection({line({{8.0, 49.0}, {8.01, 49.0}},
                                            {{"from", 1}, {"to", 2}, {"oneway", form}, {"highway", "tertiary"}})})
                               .dump();
    const auto net = read_geojson_network(path, Profile::defaults());
    EXPECT_EQ(arcs_between(net, 1, 2).size(), 1u);
    EXPECT_EQ(arcs_between(net, 2, 1).size(), oneway ? 0u : 1u);
  }
}

TEST(GeojsonNetwork, GivenTravelTimeAndCapacityAreKept) {
  const auto net = read_fixture("small.geojson");
  const auto& class_names = net.class_names;
  ASSERT_FALSE(class_names.empty());
  EXPECT_EQ(class_names.back(), "custom");
  const auto a12 = arcs_between(net, 1, 2).at(0);
  EXPECT_EQ(a12.time_ms, 60000u);
  EXPECT_EQ(a12.capacity_vph, 1200u);
  EXPECT_EQ(class_names.at(a12.road_class), "custom");
  const auto a21 = arcs_between(net, 2, 1).at(0);
  EXPECT_EQ(a21.time_ms, 60000u);
  EXPECT_EQ(a21.capacity_vph, 1200u);
  // A highway class beside given attributes only names the class.
  const auto a42 = arcs_between(net, 4, 2).at(0);
  EXPECT_EQ(a42.time_ms, 40000u);
  EXPECT_EQ(a42.capacity_vph, 600u);
  EXPECT_EQ(class_names.at(a42.road_class), "residential");

  const auto attributes = read_fixture("highway-attributes.geojson");
  const auto fractional = arcs_between(attributes, 9, 10).at(0);
  EXPECT_EQ(fractional.time_ms, 42500u);
  EXPECT_EQ(fractional.capacity_vph, 777u);
  const auto trunk = arcs_between(attributes, 11, 12).at(0);
  EXPECT_EQ(trunk.time_ms, 20000u);
  EXPECT_EQ(trunk.capacity_vph, 2500u);
  EXPECT_EQ(attributes.class_names.at(trunk.road_class), "trunk");
}

// Networks exported from simulators and research tools have links of no
// length; they import with a travel time of 0 and keep their capacity.
TEST(GeojsonNetwork, ZeroTravelTimeLinksImport) {
  TempDir dir;
  const auto path = dir / "zero.geojson";
  std::ofstream(path)
      << collection({line({{8.0, 49.0}, {8.01, 49.0}},
                          {{"from", 1}, {"to", 2}, {"oneway", true}, {"travel_time_s", 0}, {"capacity_vph", 900}})})
             .dump();
  const auto net = read_geojson_network(path, Profile::defaults());
  const auto a = arcs_between(net, 1, 2).at(0);
  EXPECT_EQ(a.time_ms, 0u);
  EXPECT_EQ(a.capacity_vph, 900u);
  EXPECT_TRUE(arcs_between(net, 2, 1).empty());
}

TEST(GeojsonNetwork, LengthFollowsTheWholeGeometry) {
  const auto net = read_fixture("small.geojson");
  const double expected = length_of({{8.000, 49.000}, {8.005, 49.001}, {8.010, 49.000}});
  const auto a12 = arcs_between(net, 1, 2).at(0);
  EXPECT_NEAR(a12.length_m, expected, 0.01);
  EXPECT_GT(a12.length_m, geo::distance_m({8.000, 49.000}, {8.010, 49.000}) + 1.0);
}

TEST(GeojsonNetwork, HighwayPropertiesGoThroughTheProfile) {
  const auto net = read_fixture("highway-attributes.geojson");
  const auto profile = Profile::defaults();
  const double length = geo::distance_m({8.0, 49.0}, {8.01, 49.0});

  // primary: 65 km/h, 1500 veh/h per lane, 1 lane per direction.
  const auto primary = arcs_between(net, 1, 2).at(0);
  EXPECT_EQ(net.class_names.at(primary.road_class), "primary");
  EXPECT_EQ(primary.time_ms, travel_time_ms(length, 65));
  EXPECT_NEAR(primary.time_ms, length / (65 / 3.6) * 1000, 1.0);
  EXPECT_EQ(primary.capacity_vph, 1500u);
  EXPECT_EQ(primary.lanes, 1);
  EXPECT_EQ(primary.way_id, 1);

  // maxspeed 50 (a JSON number) and lanes 4 on a two-way road: 2 per direction.
  const double length_2 = geo::distance_m({8.0, 49.01}, {8.01, 49.01});
  for (const auto& a : {arcs_between(net, 3, 4).at(0), arcs_between(net, 4, 3).at(0)}) {
    EXPECT_EQ(a.time_ms, travel_time_ms(length_2, 50));
    EXPECT_EQ(a.lanes, 2);
    EXPECT_EQ(a.capacity_vph, 3000u);
  }

  // maxspeed "30 mph" and lanes "3" (strings): 48.28 km/h, 1 lane per direction.
  const double length_3 = geo::distance_m({8.0, 49.02}, {8.01, 49.02});
  const auto secondary = arcs_between(net, 5, 6).at(0);
  EXPECT_EQ(secondary.time_ms, travel_time_ms(length_3, 30 * 1.609344));
  EXPECT_EQ(secondary.lanes, 1);
  EXPECT_EQ(secondary.capacity_vph, 1200u);

  // A non-numeric maxspeed leaves the class speed (residential 25 km/h).
  const double length_4 = geo::distance_m({8.0, 49.03}, {8.01, 49.03});
  const auto residential = arcs_between(net, 7, 8).at(0);
  EXPECT_EQ(residential.time_ms, travel_time_ms(length_4, 25));
  EXPECT_EQ(residential.capacity_vph, 600u);
  ASSERT_TRUE(profile.class_of("residential").has_value());
  EXPECT_EQ(residential.road_class, *profile.class_of("residential"));
}

TEST(GeojsonNetwork, CoordinateMatchedLinkTimeIsLengthOverSpeed) {
  const auto net = read_fixture("small.geojson");
  const auto tertiary = arcs_between(net, 5, 4).at(0);
  EXPECT_EQ(net.class_names.at(tertiary.road_class), "tertiary");
  EXPECT_EQ(tertiary.time_ms, travel_time_ms(geo::distance_m({8.000, 49.010}, {8.010, 49.010}), 40));
  EXPECT_EQ(tertiary.capacity_vph, 1000u);
}

TEST(GeojsonNetwork, ShapePointsAreKeptInTheGraph) {
  auto g = graph::build(read_fixture("small.geojson"));
  ASSERT_EQ(graph::check_invariants(g), "");
  auto node = [&](std::int64_t id) {
    const auto it = std::find(g.node_id.begin(), g.node_id.end(), id);
    EXPECT_NE(it, g.node_id.end()) << "node " << id;
    return static_cast<graph::NodeId>(it - g.node_id.begin());
  };
  auto fixed = [](geo::LonLat p) { return std::make_pair(geo::to_fixed(p.lon), geo::to_fixed(p.lat)); };
  using Fixed = std::vector<std::pair<std::int32_t, std::int32_t>>;
  auto geometry = [&](std::int64_t from, std::int64_t to) {
    const auto a = g.find_arc(node(from), node(to));
    EXPECT_NE(a, graph::k_invalid) << from << " -> " << to;
    Fixed out;
    if (a == graph::k_invalid) return out;
    for (const auto& p : g.arc_geometry(a)) out.push_back(fixed(p));
    return out;
  };
  auto points = [&](std::vector<geo::LonLat> ps) {
    Fixed out;
    for (const auto& p : ps) out.push_back(fixed(p));
    return out;
  };
  // Interior positions are shape, in driving order in each direction.
  EXPECT_EQ(geometry(1, 2), points({{8.000, 49.000}, {8.005, 49.001}, {8.010, 49.000}}));
  EXPECT_EQ(geometry(2, 1), points({{8.010, 49.000}, {8.005, 49.001}, {8.000, 49.000}}));
  EXPECT_EQ(geometry(3, 4), points({{8.020, 49.000}, {8.020, 49.010}, {8.010, 49.010}}));
  EXPECT_EQ(geometry(4, 3), points({{8.010, 49.010}, {8.020, 49.010}, {8.020, 49.000}}));
  // A two-position link has no shape point.
  EXPECT_EQ(geometry(2, 3), points({{8.010, 49.000}, {8.020, 49.000}}));
  // The interior position is no junction: no node lies there.
  for (graph::NodeId v = 0; v < g.node_count(); ++v) {
    EXPECT_FALSE(g.lon[v] == geo::to_fixed(8.005) && g.lat[v] == geo::to_fixed(49.001));
  }
}

TEST(GeojsonNetwork, LoopBackToItsOwnStartIsDropped) {
  TempDir dir;
  const auto path = dir / "network.geojson";
  std::ofstream(path) << collection({good_link(),
                                     line({{8.01, 49.0}, {8.02, 49.01}, {8.01, 49.0}}, {{"highway", "residential"}})})
                             .dump();
  const auto net = read_geojson_network(path, Profile::defaults());
  EXPECT_EQ(net.node_id.size(), 2u);
  EXPECT_EQ(net.arcs.size(), 2u);
  EXPECT_EQ(net.stats.ways_read, 2u);
  EXPECT_EQ(net.stats.ways_routable, 1u);
}

TEST(GeojsonNetwork, MissingFileIsAnIoErrorNamingIt) {
  TempDir dir;
  const auto path = dir / "absent.geojson";
  try {
    read_geojson_network(path, Profile::defaults());
    FAIL() << "no error for a missing file";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST(GeojsonNetwork, InvalidJsonIsAFormatErrorNamingTheFile) {
  const auto path = fixture("broken/invalid-json.geojson");
  try {
    read_geojson_network(path, Profile::defaults());
    FAIL() << "no error for invalid JSON";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
  }
}

TEST(GeojsonNetwork, NetworkWithoutAnyRoadIsAnInputError) {
  TempDir dir;
  const auto path = dir / "network.geojson";
  std::ofstream(path) << collection({line({{8.0, 49.0}, {8.01, 49.01}, {8.0, 49.0}}, {{"highway", "service"}})}).dump();
  try {
    read_geojson_network(path, Profile::defaults());
    FAIL() << "no error for a network without roads";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no road"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST_F(GeojsonNetworkErrors, NotAFeatureCollection) {
  const auto problems = problems_of({{"type", "Feature"}, {"geometry", nullptr}, {"properties", nullptr}});
  EXPECT_TRUE(has_path(problems, "type")) << describe(problems);
  const auto no_features = problems_of({{"type", "FeatureCollection"}});
  EXPECT_TRUE(has_path(no_features, "type")) << describe(no_features);
}

TEST_F(GeojsonNetworkErrors, PointGeometryNamesTheGeometryType) {
  const auto problems = problems_of_text([] {
    std::ifstream in(fixture("broken/point-feature.geojson"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }());
  ASSERT_EQ(problems.size(), 1u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[1].geometry.type");
  EXPECT_NE(problems[0].message.find("LineString"), std::string::npos) << problems[0].message;
  EXPECT_NE(problems[0].message.find("\"Point\""), std::string::npos) << problems[0].message;
  // The message starts with the file it is about.
  EXPECT_EQ(message_.find((dir_ / "network.geojson").string()), 0u) << message_;
}

TEST_F(GeojsonNetworkErrors, OtherGeometryTypesAndMissingGeometry) {
  const json polygon = {
      {"type", "Feature"},
      {"geometry", {{"type", "Polygon"}, {"coordinates", {{{8.0, 49.0}, {8.1, 49.0}, {8.0, 49.1}, {8.0, 49.0}}}}}},
      {"properties", {{"highway", "residential"}}}};
  const json multi = {{"type", "Feature"},
                      {"geometry", {{"type", "MultiLineString"}, {"coordinates", {{{8.0, 49.0}, {8.1, 49.0}}}}}},
                      {"properties", {{"highway", "residential"}}}};
  const json bare = {{"type", "Feature"}, {"properties", {{"highway", "residential"}}}};
  const json not_feature = {{"type", "Road"}, {"geometry", good_link()["geometry"]}, {"properties", json::object()}};
  const auto problems = problems_of(collection({good_link(), polygon, multi, bare, not_feature}));
  EXPECT_TRUE(has_path(problems, "features[1].geometry.type")) << describe(problems);
  EXPECT_TRUE(has_path(problems, "features[2].geometry.type")) << describe(problems);
  EXPECT_TRUE(has_path(problems, "features[3].geometry")) << describe(problems);
  EXPECT_TRUE(has_path(problems, "features[4].type")) << describe(problems);
  EXPECT_EQ(problems.size(), 4u) << describe(problems);
}

TEST_F(GeojsonNetworkErrors, FewerThanTwoPositions) {
  const auto problems = problems_of(collection({good_link(), line({{8.0, 49.0}}, {{"highway", "residential"}})}));
  ASSERT_EQ(problems.size(), 1u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[1].geometry.coordinates");
  EXPECT_NE(problems[0].message.find("at least 2"), std::string::npos) << problems[0].message;
}

TEST_F(GeojsonNetworkErrors, NonNumericCoordinateNamesThePosition) {
  const auto problems = problems_of_text([] {
    std::ifstream in(fixture("broken/non-numeric-coordinate.geojson"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }());
  ASSERT_EQ(problems.size(), 1u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[0].geometry.coordinates[1]");
  EXPECT_NE(problems[0].message.find("\"8.01\""), std::string::npos) << problems[0].message;
}

TEST_F(GeojsonNetworkErrors, OutOfRangeAndShortPositions) {
  const auto problems = problems_of(collection({
      line({{8.0, 49.0}, {181.0, 49.0}}, {{"highway", "residential"}}),
      line({{8.0, 49.0}, {8.0, -91.0}}, {{"highway", "residential"}}),
      {{"type", "Feature"},
       {"geometry",
        {{"type", "LineString"}, {"coordinates", json::array({json::array({8.0, 49.0}), json::array({8.01})})}}},
       {"properties", {{"highway", "residential"}}}},
  }));
  EXPECT_TRUE(has_path(problems, "features[0].geometry.coordinates[1]")) << describe(problems);
  EXPECT_TRUE(has_path(problems, "features[1].geometry.coordinates[1]")) << describe(problems);
  EXPECT_TRUE(has_path(problems, "features[2].geometry.coordinates[1]")) << describe(problems);
  EXPECT_EQ(problems.size(), 3u) << describe(problems);
}

TEST_F(GeojsonNetworkErrors, FromWithoutTo) {
  const auto problems =
      problems_of(collection({line({{8.0, 49.0}, {8.01, 49.0}}, {{"from", 1}, {"highway", "primary"}})}));
  ASSERT_EQ(problems.size(), 1u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[0].properties");
  EXPECT_NE(problems[0].message.find("from and to"), std::string::npos) << problems[0].message;
  const auto to_only =
      problems_of(collection({line({{8.0, 49.0}, {8.01, 49.0}}, {{"to", 2}, {"highway", "primary"}})}));
  EXPECT_TRUE(has_path(to_only, "features[0].properties")) << describe(to_only);
}

TEST_F(GeojsonNetworkErrors, NonIntegerNodeId) {
  const auto problems =
      problems_of(collection({line({{8.0, 49.0}, {8.01, 49.0}}, {{"from", "1"}, {"to", 2}, {"highway", "primary"}}),
                              line({{8.0, 49.0}, {8.01, 49.0}}, {{"from", 1}, {"to", 2.5}, {"highway", "primary"}})}));
  EXPECT_TRUE(has_path(problems, "features[0].properties.from")) << describe(problems);
  EXPECT_TRUE(has_path(problems, "features[1].properties.to")) << describe(problems);
}

TEST_F(GeojsonNetworkErrors, FromEqualsTo) {
  const auto problems =
      problems_of(collection({line({{8.0, 49.0}, {8.01, 49.0}}, {{"from", 7}, {"to", 7}, {"highway", "primary"}})}));
  ASSERT_EQ(problems.size(), 1u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[0].properties.to");
  EXPECT_NE(problems[0].message.find("7"), std::string::npos) << problems[0].message;
}

TEST_F(GeojsonNetworkErrors, ConflictingCoordinatesForOneNodeId) {
  // Node 2 ends the first link at 8.01 and starts the second 1 km further east.
  const auto problems =
      problems_of(collection({line({{8.0, 49.0}, {8.01, 49.0}}, {{"from", 1}, {"to", 2}, {"highway", "primary"}}),
                              line({{8.02, 49.0}, {8.03, 49.0}}, {{"from", 2}, {"to", 3}, {"highway", "primary"}})}));
  ASSERT_EQ(problems.size(), 1u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[1].properties.from");
  EXPECT_NE(problems[0].message.find("node 2"), std::string::npos) << problems[0].message;
}

TEST_F(GeojsonNetworkErrors, CoordinatesWithinAMetreAreTheSameNode) {
  // 8.01000005 is 4 mm from 8.01: the same junction, no conflict.
  const auto problems = problems_of(
      collection({line({{8.0, 49.0}, {8.01, 49.0}}, {{"from", 1}, {"to", 2}, {"highway", "primary"}}),
                  line({{8.01000005, 49.0}, {8.02, 49.0}}, {{"from", 2}, {"to", 3}, {"highway", "primary"}})}));
  EXPECT_TRUE(problems.empty()) << describe(problems);
}

TEST_F(GeojsonNetworkErrors, UnknownHighwayClass) {
  const auto problems =
      problems_of(collection({good_link(), line({{8.0, 49.0}, {8.01, 49.0}}, {{"highway", "footway"}}),
                              line({{8.0, 49.0}, {8.01, 49.0}}, {{"highway", "primary"}, {"access", "no"}})}));
  ASSERT_EQ(problems.size(), 2u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[1].properties.highway");
  EXPECT_NE(problems[0].message.find("footway"), std::string::npos) << problems[0].message;
  EXPECT_EQ(problems[1].path, "features[2].properties.highway");
}

TEST_F(GeojsonNetworkErrors, NeitherTravelTimeNorHighway) {
  const auto problems = problems_of(collection({line({{8.0, 49.0}, {8.01, 49.0}}, {{"name", "Main Street"}})}));
  ASSERT_EQ(problems.size(), 1u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[0].properties");
  EXPECT_NE(problems[0].message.find("travel_time_s"), std::string::npos) << problems[0].message;
}

TEST_F(GeojsonNetworkErrors, TravelTimeAndCapacityGoTogetherAndArePositive) {
  const auto problems = problems_of(collection({
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"travel_time_s", 10}}),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"capacity_vph", 100}}),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"travel_time_s", -5}, {"capacity_vph", 100}}),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"travel_time_s", 10}, {"capacity_vph", "many"}}),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"travel_time_s", 0}, {"capacity_vph", 0}}),
  }));
  ASSERT_EQ(problems.size(), 5u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[0].properties.capacity_vph");
  EXPECT_EQ(problems[1].path, "features[1].properties.travel_time_s");
  EXPECT_EQ(problems[2].path, "features[2].properties.travel_time_s");
  EXPECT_NE(problems[2].message.find("-5"), std::string::npos) << problems[2].message;
  EXPECT_EQ(problems[3].path, "features[3].properties.capacity_vph");
  EXPECT_EQ(problems[4].path, "features[4].properties.capacity_vph");  // a zero time is fine, a zero capacity not
}

TEST_F(GeojsonNetworkErrors, BadOnewayValue) {
  const auto problems = problems_of(collection({
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"highway", "primary"}, {"oneway", "sometimes"}}),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"highway", "primary"}, {"oneway", 2}}),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"highway", "primary"}, {"oneway", "reversible"}}),
  }));
  ASSERT_EQ(problems.size(), 3u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[0].properties.oneway");
  EXPECT_NE(problems[0].message.find("sometimes"), std::string::npos) << problems[0].message;
  EXPECT_EQ(problems[1].path, "features[1].properties.oneway");
  EXPECT_EQ(problems[2].path, "features[2].properties.oneway");
}

TEST_F(GeojsonNetworkErrors, EveryBadFeatureIsReportedAtOnce) {
  const auto problems = problems_of(collection({
      line({{8.0, 49.0}}, {{"highway", "residential"}}),
      good_link(),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"highway", "bridleway"}}),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"highway", "primary"}, {"oneway", "up"}}),
  }));
  EXPECT_EQ(problems.size(), 3u) << describe(problems);
  EXPECT_TRUE(has_path(problems, "features[0].geometry.coordinates")) << describe(problems);
  EXPECT_TRUE(has_path(problems, "features[2].properties.highway")) << describe(problems);
  EXPECT_TRUE(has_path(problems, "features[3].properties.oneway")) << describe(problems);
  EXPECT_NE(message_.find("3 problems"), std::string::npos) << message_;
}

}  // namespace
}  // namespace corridor::osm

namespace corridor::osm {
namespace {

class GeojsonNetworkProfile : public GeojsonNetworkErrors {
 protected:
  RawNetwork read(const json& document) {
    const auto path = dir_ / "network.geojson";
    std::ofstream(path) << document.dump();
    return read_geojson_network(path, Profile::defaults());
  }
};

TEST_F(GeojsonNetworkProfile, OneWayLinkHasAllItsLanes) {
  const auto net = read(collection({line(
      {{8.0, 49.0}, {8.01, 49.0}}, {{"from", 1}, {"to", 2}, {"highway", "primary"}, {"lanes", 4}, {"oneway", true}})}));
  const auto forward = arcs_between(net, 1, 2);
  ASSERT_EQ(forward.size(), 1u);
  EXPECT_EQ(forward[0].lanes, 4);
  EXPECT_EQ(forward[0].capacity_vph, 6000u);
  EXPECT_TRUE(arcs_between(net, 2, 1).empty());
}

TEST_F(GeojsonNetworkProfile, RoundaboutIsOneWayAsInOsm) {
  const auto net = read(collection({line(
      {{8.0, 49.0}, {8.01, 49.0}}, {{"from", 1}, {"to", 2}, {"highway", "primary"}, {"junction", "roundabout"}})}));
  EXPECT_EQ(arcs_between(net, 1, 2).size(), 1u);
  EXPECT_TRUE(arcs_between(net, 2, 1).empty());
}

TEST_F(GeojsonNetworkErrors, TravelTimeAndCapacityHaveUpperBounds) {
  const auto problems = problems_of(collection({
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"travel_time_s", 5000000}, {"capacity_vph", 100}}),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"travel_time_s", 10}, {"capacity_vph", 1e12}}),
      line({{8.0, 49.0}, {8.01, 49.0}}, {{"from", 9223372036854775807}, {"to", 1}, {"highway", "primary"}}),
  }));
  ASSERT_EQ(problems.size(), 3u) << describe(problems);
  EXPECT_EQ(problems[0].path, "features[0].properties.travel_time_s");
  EXPECT_NE(problems[0].message.find("5000000"), std::string::npos) << problems[0].message;
  EXPECT_EQ(problems[1].path, "features[1].properties.capacity_vph");
  EXPECT_EQ(problems[2].path, "features[2].properties.from");
}

}  // namespace
}  // namespace corridor::osm

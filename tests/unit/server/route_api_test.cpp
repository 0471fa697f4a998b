// The OSRM-compatible route endpoint through real HTTP on loopback.
#include <fstream>
#include <set>

#include "corridor/route/dijkstra.hpp"
#include "corridor/route/router.hpp"
#include "corridor/scenario/scenario.hpp"
#include "corridor/server/polyline.hpp"
#include "server_testing.hpp"

namespace corridor::server::test {
namespace {

std::string scenario_text(const testing::AsciiMap& m) {
  return R"({"type": "FeatureCollection",
    "corridor": {"name": "t", "start": "2022-03-05T09:00:00+01:00", "horizon_hours": 12,
                 "parties": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
                 "rules": [{"party": "B", "forbid": {"areas": ["front"]}}]},
    "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": )" +
         m.polygon_around("b", 10) + R"(}, "properties": {"kind": "hazard", "id": "shelling",
         "from": "2022-03-05T11:00:00+01:00", "until": "2022-03-05T13:00:00+01:00"}},
      {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[0.1,0],[0.1,0.1],[0,0]]]},
       "properties": {"kind": "area", "id": "front"}}]})";
}

class RouteApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    map_ = std::make_unique<testing::AsciiMap>(drawn_map());
    service_ = std::make_unique<Service>(import_map(*map_));
    service_->add_scenario("exercise", scenario::parse_scenario(scenario_text(*map_), "exercise.geojson"));
    server_ = std::make_unique<RunningServer>(*service_);
  }
  static void TearDownTestSuite() {
    server_.reset();
    service_.reset();
    map_.reset();
  }
  static nlohmann::json route_between(char from, char to) { return route(from, to).body["routes"][0]; }
  static Reply route(char from, char to, const std::string& query = "") {
    return get(server_->port(), "/route/v1/driving/" + coord(*map_, from) + ";" + coord(*map_, to) + query);
  }
  static void expect_error(const Reply& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.text;
    ASSERT_TRUE(r.body.is_object()) << r.text;
    EXPECT_EQ(r.body.value("code", ""), code) << r.text;
    EXPECT_TRUE(r.body["message"].is_string()) << r.text;
  }
  static inline std::unique_ptr<testing::AsciiMap> map_;
  static inline std::unique_ptr<Service> service_;
  static inline std::unique_ptr<RunningServer> server_;
};

TEST_F(RouteApi, OkHasOsrmsFieldsAndTypes) {
  const auto r = route('a', 'c', "?overview=full&geometries=geojson&steps=false");
  ASSERT_EQ(r.status, 200) << r.text;
  const auto& b = r.body;
  EXPECT_EQ(b["code"], "Ok");
  ASSERT_TRUE(b["routes"].is_array());
  ASSERT_EQ(b["routes"].size(), 1u);
  const auto& route = b["routes"][0];
  for (const char* key : {"distance", "duration", "weight"}) EXPECT_TRUE(route[key].is_number()) << key;
  EXPECT_EQ(route["weight_name"], "duration");
  EXPECT_EQ(route["geometry"]["type"], "LineString");
  ASSERT_TRUE(route["legs"].is_array());
  ASSERT_EQ(route["legs"].size(), 1u);
  const auto& leg = route["legs"][0];
  for (const char* key : {"distance", "duration", "weight"}) EXPECT_TRUE(leg[key].is_number()) << key;
  EXPECT_TRUE(leg["steps"].is_array());
  EXPECT_TRUE(leg["steps"].empty());
  EXPECT_EQ(leg["summary"], "Carrer Major");
  ASSERT_TRUE(b["waypoints"].is_array());
  ASSERT_EQ(b["waypoints"].size(), 2u);
  for (const auto& w : b["waypoints"]) {
    EXPECT_TRUE(w["name"].is_string());
    EXPECT_TRUE(w["hint"].is_string());
    EXPECT_TRUE(w["distance"].is_number());
    ASSERT_TRUE(w["location"].is_array());
    ASSERT_EQ(w["location"].size(), 2u);
    EXPECT_TRUE(w["location"][0].is_number());
    EXPECT_LT(w["distance"].get<double>(), 0.5);
  }
  EXPECT_EQ(b["waypoints"][0]["name"], "Carrer Major");
  // The duration is the fastest route's, as the CLI's search finds it.
  const auto& g = service_->graph();
  route::BidirectionalDijkstra q(g);
  const auto expected = q.run(node_of(g, 'a'), node_of(g, 'c'));
  ASSERT_TRUE(expected.found);
  EXPECT_DOUBLE_EQ(route["duration"].get<double>(), static_cast<double>(expected.time_ms) / 1000.0);
  EXPECT_DOUBLE_EQ(leg["duration"].get<double>(), route["duration"].get<double>());
  EXPECT_NEAR(route["distance"].get<double>(), expected.length_m, 1e-6);
  EXPECT_EQ(route["geometry"]["coordinates"].size(), 3u);  // a, b, c
}

TEST_F(RouteApi, PolylineDecodesToTheGeojsonCoordinates) {
  const auto geojson = route('a', 'f', "?overview=full&geometries=geojson");
  const auto polyline = route('a', 'f', "?overview=full");  // OSRM's default: polyline
  ASSERT_EQ(geojson.status, 200);
  ASSERT_EQ(polyline.status, 200);
  const auto& coords = geojson.body["routes"][0]["geometry"]["coordinates"];
  const auto decoded = decode_polyline(polyline.body["routes"][0]["geometry"].get<std::string>());
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), coords.size());
  for (std::size_t i = 0; i < coords.size(); ++i) {
    EXPECT_NEAR((*decoded)[i].lon, coords[i][0].get<double>(), 1e-5);
    EXPECT_NEAR((*decoded)[i].lat, coords[i][1].get<double>(), 1e-5);
  }
}

TEST_F(RouteApi, OverviewFalseLeavesOutTheGeometry) {
  const auto r = route('a', 'c', "?overview=false");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.body["routes"][0].contains("geometry"));
  EXPECT_TRUE(r.body["routes"][0]["duration"].is_number());
}

TEST_F(RouteApi, ScenarioHazardIsAvoidedWhileActive) {
  const auto plain = route('a', 'c', "?geometries=geojson");
  const auto during = route('a', 'c', "?geometries=geojson&scenario=exercise&at=2022-03-05T11:00:00Z");
  const auto before = route('a', 'c', "?geometries=geojson&scenario=exercise&at=2022-03-05T08:00:00Z");
  ASSERT_EQ(during.status, 200) << during.text;
  ASSERT_EQ(before.status, 200) << before.text;
  EXPECT_GT(during.body["routes"][0]["duration"].get<double>(), plain.body["routes"][0]["duration"].get<double>());
  EXPECT_EQ(during.body["routes"][0]["geometry"]["coordinates"].size(), 5u);  // a, d, e, f, c
  EXPECT_EQ(during.body["routes"][0]["legs"][0]["summary"], "Avinguda");
  EXPECT_EQ(before.body["routes"][0]["duration"], plain.body["routes"][0]["duration"]);
}

// OSRM's table service: each cell is the route service's duration for the
// pair, under the same closures; x-y is an island, so a cell to it is null.
TEST_F(RouteApi, TableMatchesTheRoutesBetweenEveryPair) {
  const std::string points = "acx";
  std::string coords;
  for (const char c : points) coords += (coords.empty() ? "" : ";") + coord(*map_, c);
  const auto port = server_->port();
  for (const std::string closures : {"", "&scenario=exercise&at=2022-03-05T11:00:00Z"}) {
    const auto t = get(port, "/table/v1/driving/" + coords + "?annotations=duration,distance" + closures);
    ASSERT_EQ(t.status, 200) << t.text;
    EXPECT_EQ(t.body["code"], "Ok");
    ASSERT_EQ(t.body["durations"].size(), 3u);
    ASSERT_EQ(t.body["sources"].size(), 3u);
    for (std::size_t i = 0; i < 2; ++i) {
      for (std::size_t j = 0; j < 2; ++j) {
        const auto& cell = t.body["durations"][i][j];
        if (i == j) {
          EXPECT_EQ(cell, 0.0);
          continue;
        }
        const auto r = route(points[i], points[j], std::string("?overview=false") + closures);
        ASSERT_EQ(r.status, 200) << r.text;
        EXPECT_EQ(cell, r.body["routes"][0]["duration"]) << points[i] << points[j] << closures;
        EXPECT_EQ(t.body["distances"][i][j], r.body["routes"][0]["distance"]);
      }
      EXPECT_TRUE(t.body["durations"][i][2].is_null()) << t.text;
    }
  }
  const auto some = get(port, "/table/v1/driving/" + coords + "?sources=1&destinations=0;2");
  ASSERT_EQ(some.status, 200) << some.text;
  EXPECT_EQ(some.body["durations"].size(), 1u);
  EXPECT_EQ(some.body["durations"][0].size(), 2u);
  EXPECT_FALSE(some.body.contains("distances"));
  expect_error(get(port, "/table/v1/driving/" + coords + "?sources=3"), 400, "InvalidValue");
  expect_error(get(port, "/table/v1/driving/" + coords + "?annotations=speed"), 400, "InvalidValue");
  expect_error(get(port, "/table/v1/driving/" + coords + "?fallback_speed=3"), 400, "InvalidUrl");
  expect_error(get(port, "/table/v2/driving/" + coords), 400, "InvalidUrl");
}

TEST_F(RouteApi, ViaPointsMakeOneLegEach) {
  // a -> e -> c: forced through the long way's middle, two legs.
  const auto r = get(server_->port(), "/route/v1/driving/" + coord(*map_, 'a') + ";" + coord(*map_, 'e') + ";" +
                                          coord(*map_, 'c') + "?geometries=geojson");
  ASSERT_EQ(r.status, 200) << r.text;
  const auto& route = r.body["routes"][0];
  ASSERT_EQ(route["legs"].size(), 2u);
  EXPECT_EQ(r.body["waypoints"].size(), 3u);
  EXPECT_NEAR(route["distance"].get<double>(),
              route["legs"][0]["distance"].get<double>() + route["legs"][1]["distance"].get<double>(), 1e-6);
  EXPECT_NEAR(route["duration"].get<double>(),
              route["legs"][0]["duration"].get<double>() + route["legs"][1]["duration"].get<double>(), 1e-6);
  EXPECT_EQ(route["geometry"]["coordinates"].size(), 5u);  // a, d, e, f, c
  EXPECT_GT(route["duration"].get<double>(), route_between('a', 'c')["duration"].get<double>());
  EXPECT_EQ(r.body["waypoints"][1]["name"], "Avinguda");
}

TEST_F(RouteApi, Errors) {
  const int port = server_->port();
  expect_error(get(port, "/route/v1/driving/8.5,49.5;" + coord(*map_, 'c')), 400, "NoSegment");
  expect_error(route('a', 'y'), 400, "NoRoute");
  expect_error(get(port, "/route/v1/driving/x,49;8,49"), 400, "InvalidValue");
  expect_error(get(port, "/route/v1/driving/8,91;8,49"), 400, "InvalidValue");
  expect_error(get(port, "/route/v1/driving/" + coord(*map_, 'a')), 400, "InvalidValue");
  std::string many = coord(*map_, 'a');
  for (int i = 0; i < 100; ++i) many += ";" + coord(*map_, 'c');
  expect_error(get(port, "/route/v1/driving/" + many), 400, "TooBig");
  expect_error(get(port, "/route/v1/driving/" + coord(*map_, 'a') + ";" + coord(*map_, 'c') + ";" + coord(*map_, 'y')),
               400, "NoRoute");
  expect_error(route('a', 'c', "?geometries=kml"), 400, "InvalidValue");
  expect_error(route('a', 'c', "?steps=yes"), 400, "InvalidValue");
  expect_error(route('a', 'c', "?scenario=nowhere"), 400, "InvalidValue");
  expect_error(route('a', 'c', "?scenario=exercise&at=noon"), 400, "InvalidValue");
  expect_error(route('a', 'c', "?at=2022-03-05T11:00:00Z"), 400, "InvalidValue");
  expect_error(route('a', 'c', "?colour=red"), 400, "InvalidUrl");
  expect_error(get(port, "/route/v2/driving/1,2;3,4"), 400, "InvalidUrl");
  expect_error(get(port, "/nowhere"), 404, "InvalidUrl");
  expect_error(get(port, "/route/v1/driving/1%2"), 400, "InvalidUrl");
}

TEST_F(RouteApi, AcceptsWhatOsrmClientsSend) {
  const auto r = route('a', 'c', ".json?alternatives=false&steps=false&generate_hints=false&annotations=false");
  EXPECT_EQ(r.status, 200) << r.text;
}

TEST(RouteSteps, OsrmStepsOnMonaco) {
  Service service(testing::imported_extract("monaco-2016-03.osm.pbf"));
  RunningServer server(service);
  const auto r = get(server.port(), "/route/v1/driving/7.4246,43.7384;7.4190,43.7320;7.4160,43.7280?steps=true");
  ASSERT_EQ(r.status, 200) << r.text;
  const auto& legs = r.body["routes"][0]["legs"];
  ASSERT_EQ(legs.size(), 2u);
  const std::set<std::string> modifiers = {"uturn",    "sharp right", "right", "slight right",
                                           "straight", "slight left", "left",  "sharp left"};
  for (const auto& leg : legs) {
    const auto& steps = leg["steps"];
    ASSERT_GE(steps.size(), 2u);
    EXPECT_EQ(steps.front()["maneuver"]["type"], "depart");
    EXPECT_EQ(steps.back()["maneuver"]["type"], "arrive");
    EXPECT_EQ(steps.back()["distance"], 0);
    double distance = 0;
    double duration = 0;
    std::size_t turns = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const auto& step = steps[i];
      distance += step["distance"].get<double>();
      duration += step["duration"].get<double>();
      EXPECT_TRUE(step["name"].is_string());
      EXPECT_EQ(step["mode"], "driving");
      EXPECT_GE(decode_polyline(step["geometry"].get<std::string>(), 5).value_or(std::vector<geo::LonLat>{}).size(),
                2u);
      const auto& m = step["maneuver"];
      ASSERT_EQ(m["location"].size(), 2u);
      EXPECT_GE(m["bearing_after"].get<int>(), 0);
      EXPECT_LT(m["bearing_after"].get<int>(), 360);
      if (i > 0 && i + 1 < steps.size()) {
        EXPECT_TRUE(m["type"] == "turn" || m["type"] == "new name") << m;
        EXPECT_TRUE(modifiers.contains(m["modifier"].get<std::string>())) << m;
        EXPECT_NE(step["name"], steps[i - 1]["name"]);  // a step begins where the road changes
        ++turns;
      }
    }
    EXPECT_GT(turns, 0u);
    EXPECT_NEAR(distance, leg["distance"].get<double>(), 0.01);
    EXPECT_NEAR(duration, leg["duration"].get<double>(), 0.01);
  }
  // The first step starts at the first waypoint, the arrival is the second.
  EXPECT_EQ(legs[0]["steps"].front()["maneuver"]["location"], r.body["waypoints"][0]["location"]);
  EXPECT_EQ(legs[0]["steps"].back()["maneuver"]["location"], r.body["waypoints"][1]["location"]);
}

// A crossing whose left turn a no_left_turn relation forbids: the
// service's routes and tables go round the block, as the CLI's do.
TEST(RouteApiTurns, RoutesAndTablesHonourTurnRestrictions) {
  testing::AsciiMap m(R"(
      c---g
      |   |
  a---b---d
  )",
                      50);
  for (const char* w : {"ab", "bd", "bc", "cg", "gd"}) m.way(w, {{"highway", "residential"}});
  m.restriction(1, 'b', 3, "no_left_turn");
  Service service(import_map(m));
  const auto& g = service.graph();
  ASSERT_EQ(g.turn_from.size(), 1u);
  const RunningServer server(service);
  const auto want = route::Router(g, route::Algorithm::dijkstra, nullptr).run(node_of(g, 'a'), node_of(g, 'c'));
  ASSERT_EQ(want.arcs.size(), 4u) << "a-b-d-g-c";
  const auto r = get(server.port(),
                     "/route/v1/driving/" + coord(m, 'a') + ";" + coord(m, 'c') + "?overview=full&geometries=geojson");
  ASSERT_EQ(r.status, 200) << r.text;
  const auto& route = r.body["routes"][0];
  EXPECT_EQ(route["geometry"]["coordinates"].size(), 5u);
  EXPECT_DOUBLE_EQ(route["duration"].get<double>(), static_cast<double>(want.time_ms) / 1000.0);
  const auto t = get(server.port(), "/table/v1/driving/" + coord(m, 'a') + ";" + coord(m, 'c'));
  ASSERT_EQ(t.status, 200) << t.text;
  EXPECT_DOUBLE_EQ(t.body["durations"][0][1].get<double>(), static_cast<double>(want.time_ms) / 1000.0);
  // The other way has no restriction: straight c-b-a.
  const auto back = route::Router(g, route::Algorithm::cch, nullptr).run(node_of(g, 'c'), node_of(g, 'a'));
  EXPECT_DOUBLE_EQ(t.body["durations"][1][0].get<double>(), static_cast<double>(back.time_ms) / 1000.0);
  EXPECT_EQ(back.arcs.size(), 2u);
}

}  // namespace
}  // namespace corridor::server::test

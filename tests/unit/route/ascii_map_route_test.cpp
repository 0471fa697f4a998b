// Routing on tiny drawn maps, imported through the real OSM reader.
#include <gtest/gtest.h>

#include "ascii_map.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/scenario/overlay.hpp"
#include "corridor/scenario/scenario.hpp"
#include "test_support.hpp"

namespace corridor::route {
namespace {

using testing::AsciiMap;

struct Imported {
  graph::RoadGraph g;
  NodeId node(char c) const {
    for (NodeId v = 0; v < g.node_count(); ++v) {
      if (g.node_id[v] == AsciiMap::osm_id(c)) return v;
    }
    return graph::k_invalid;
  }
  std::string path(const Route& r) const {  // "abc": the letters the route passes
    std::string letters;
    for (auto v : route_nodes(g, r)) {
      constexpr std::string_view k = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
      letters += k[static_cast<std::size_t>(g.node_id[v] - 1000)];
    }
    return letters;
  }
};

Imported import(const AsciiMap& m) {
  testing::TempDir dir;
  const auto pbf = m.write_pbf(dir / "map.osm.pbf");
  return {graph::build(osm::read_osm(pbf, osm::Profile::defaults()))};
}

// Two ways from a to c: a short one through b and a long one round d-e-f.
const char* k_two_routes = R"(
  a---b---c
  |       |
  d---e---f
)";

TEST(AsciiRoute, TakesTheShorterWay) {
  AsciiMap m(k_two_routes, 50);
  m.way("abc", {{"highway", "residential"}});
  m.way("adefc", {{"highway", "residential"}});
  const auto im = import(m);
  BidirectionalDijkstra q(im.g);
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'))), "abc");
}

TEST(AsciiRoute, FasterClassBeatsShorterDistance) {
  AsciiMap m(k_two_routes, 50);
  m.way("abc", {{"highway", "living_street"}});  // 10 km/h
  m.way("adefc", {{"highway", "primary"}});      // 65 km/h
  const auto im = import(m);
  BidirectionalDijkstra q(im.g);
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'))), "adefc");
}

TEST(AsciiRoute, OnewayIsRespected) {
  AsciiMap m(k_two_routes, 50);
  m.way("cba", {{"highway", "residential"}, {"oneway", "yes"}});  // only c -> a
  m.way("adefc", {{"highway", "residential"}});
  const auto im = import(m);
  BidirectionalDijkstra q(im.g);
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'))), "adefc");
  EXPECT_EQ(im.path(q.run(im.node('c'), im.node('a'))), "cba");
}

TEST(AsciiRoute, OnewayMinusOneRunsAgainstTheWay) {
  AsciiMap m(k_two_routes, 50);
  m.way("abc", {{"highway", "residential"}, {"oneway", "-1"}});  // only c -> a
  const auto im = import(m);
  BidirectionalDijkstra q(im.g);
  EXPECT_FALSE(q.run(im.node('a'), im.node('c')).found);
  EXPECT_EQ(im.path(q.run(im.node('c'), im.node('a'))), "cba");
}

TEST(AsciiRoute, PrivateRoadsAreNotRouted) {
  AsciiMap m(k_two_routes, 50);
  m.way("abc", {{"highway", "service"}, {"access", "private"}});
  m.way("adefc", {{"highway", "residential"}});
  const auto im = import(m);
  EXPECT_EQ(im.node('b'), graph::k_invalid);  // only private ways used b
  BidirectionalDijkstra q(im.g);
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'))), "adefc");
}

TEST(AsciiRoute, TravelTimeIsLengthOverSpeed) {
  AsciiMap m("a-----b", 100);                                 // six cells of 100 m
  m.way("ab", {{"highway", "primary"}, {"maxspeed", "36"}});  // 10 m/s
  const auto im = import(m);
  BidirectionalDijkstra q(im.g);
  const auto r = q.run(im.node('a'), im.node('b'));
  ASSERT_TRUE(r.found);
  EXPECT_NEAR(r.length_m, 600.0, 0.5);
  EXPECT_NEAR(static_cast<double>(r.time_ms), 60000.0, 60.0);
}

std::string scenario_with(const std::string& features) {
  return R"({"type": "FeatureCollection",
    "corridor": {"name": "t", "start": "2022-03-05T09:00:00+01:00", "horizon_hours": 12,
                 "parties": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
                 "rules": [{"party": "B", "forbid": {"areas": ["front"], "checkpoints_operated_by": ["A"]}}]},
    "features": [)" +
         features + "]}";
}

TEST(AsciiRoute, HazardClosesTheShortWayWhileActive) {
  AsciiMap m(k_two_routes, 50);
  m.way("abc", {{"highway", "residential"}});
  m.way("adefc", {{"highway", "residential"}});
  const auto im = import(m);
  const graph::SpatialIndex index(im.g);
  const auto s = scenario::parse_scenario(
      scenario_with(R"({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": )" +
                    m.polygon_around("b", 10) +
                    R"(}, "properties": {"kind": "hazard", "id": "shelling", "from": "2022-03-05T11:00:00+01:00",
                        "until": "2022-03-05T13:00:00+01:00"}},
                       {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[0.1,0],[0.1,0.1],[0,0]]]},
                        "properties": {"kind": "area", "id": "front"}})"),
      "t.geojson");
  BidirectionalDijkstra q(im.g);
  const auto during = scenario::Overlay(im.g, index, s, 1000).closures_at(s.start + std::chrono::hours(3));
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'), &during.closed)), "adefc");
  ASSERT_FALSE(during.causes.empty());
  EXPECT_EQ(during.causes[0].id, "shelling");
  EXPECT_EQ(during.causes[0].arcs, 4u);  // a->b, b->a, b->c, c->b
  const auto before = scenario::Overlay(im.g, index, s, 1000).closures_at(s.start);
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'), &before.closed)), "abc");
  const auto after =
      scenario::Overlay(im.g, index, s, 1000).closures_at(s.start + std::chrono::hours(4));  // until is exclusive
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'), &after.closed)), "abc");
}

TEST(AsciiRoute, CeasefireRoadsOnlyInsideWindowsAndForbiddenAreasAlways) {
  AsciiMap m(k_two_routes, 50);
  m.way("abc", {{"highway", "residential"}});
  m.way("adefc", {{"highway", "residential"}});
  const auto im = import(m);
  const graph::SpatialIndex index(im.g);
  const auto s = scenario::parse_scenario(
      scenario_with(R"({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": )" +
                    m.polygon_around("b", 10) +
                    R"(}, "properties": {"kind": "ceasefire", "id": "cf",
                        "windows": [["2022-03-05T10:00:00+01:00", "2022-03-05T12:00:00+01:00"]]}},
                       {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": )" +
                    m.polygon_around("e", 10) + R"(}, "properties": {"kind": "area", "id": "front"}})"),
      "t.geojson");
  BidirectionalDijkstra q(im.g);
  // 09:00: outside the window, b is closed; the area around e is forbidden by B.
  const auto early = scenario::Overlay(im.g, index, s, 1000).closures_at(s.start);
  EXPECT_FALSE(q.run(im.node('a'), im.node('c'), &early.closed).found);
  // 11:00: inside the window.
  const auto inside = scenario::Overlay(im.g, index, s, 1000).closures_at(s.start + std::chrono::hours(2));
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'), &inside.closed)), "abc");
}

TEST(AsciiRoute, RefusedCheckpointClosesTheRoadsLeavingIt) {
  AsciiMap m(k_two_routes, 50);
  m.way("abc", {{"highway", "residential"}});
  m.way("adefc", {{"highway", "residential"}});
  const auto im = import(m);
  const graph::SpatialIndex index(im.g);
  const auto cp = m.offset('b', 3, 4);
  const auto s = scenario::parse_scenario(
      scenario_with(
          R"({"type": "Feature", "geometry": {"type": "Point", "coordinates": [)" + std::to_string(cp.lon) + "," +
          std::to_string(cp.lat) +
          R"(]}, "properties": {"kind": "checkpoint", "id": "cp", "vehicles_per_hour": 60, "operated_by": "A"}},
                       {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[0.1,0],[0.1,0.1],[0,0]]]},
                        "properties": {"kind": "area", "id": "front"}})"),
      "t.geojson");
  const auto c = scenario::Overlay(im.g, index, s, 1000).closures_at(s.start);
  BidirectionalDijkstra q(im.g);
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'), &c.closed)), "adefc");
  // Ending at the checkpoint is allowed: it is passed only when leaving it.
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('b'), &c.closed)), "ab");
}

TEST(AsciiRoute, SnappingFindsTheNearestNode) {
  AsciiMap m(k_two_routes, 50);
  m.way("abc", {{"highway", "residential"}});
  const auto im = import(m);
  const graph::SpatialIndex index(im.g);
  const auto snap = index.nearest(m.offset('b', 10, 5), 1000);
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->node, im.node('b'));
  EXPECT_NEAR(snap->distance_m, std::hypot(10.0, 5.0), 0.2);
  EXPECT_FALSE(index.nearest(m.offset('b', 0, 2000), 1000));
}

}  // namespace
}  // namespace corridor::route

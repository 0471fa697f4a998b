// Routing on tiny drawn maps, imported through the real OSM reader.
#include <gtest/gtest.h>

#include "ascii_map.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/router.hpp"
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

// A scenario with one checkpoint at `cp`, operated by party A, whose
// checkpoints party B refuses.
scenario::Scenario refused_checkpoint_at(geo::LonLat cp) {
  return scenario::parse_scenario(
      scenario_with(
          R"({"type": "Feature", "geometry": {"type": "Point", "coordinates": [)" + std::to_string(cp.lon) + "," +
          std::to_string(cp.lat) +
          R"(]}, "properties": {"kind": "checkpoint", "id": "cp", "vehicles_per_hour": 60, "operated_by": "A"}},
                       {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[0.1,0],[0.1,0.1],[0,0]]]},
                        "properties": {"kind": "area", "id": "front"}})"),
      "t.geojson");
}

TEST(AsciiRoute, RefusedCheckpointClosesTheRoadsLeavingIt) {
  AsciiMap m(k_two_routes, 50);
  m.way("abc", {{"highway", "residential"}});
  m.way("adefc", {{"highway", "residential"}});
  const auto im = import(m);
  const graph::SpatialIndex index(im.g);
  const auto cp = m.offset('b', 3, 4);
  const auto s = refused_checkpoint_at(cp);
  const auto c = scenario::Overlay(im.g, index, s, 1000).closures_at(s.start);
  BidirectionalDijkstra q(im.g);
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('c'), &c.closed)), "adefc");
  // Ending at the checkpoint is allowed: it is passed only when leaving it.
  EXPECT_EQ(im.path(q.run(im.node('a'), im.node('b'), &c.closed)), "ab");
}

// A checkpoint drawn on a road stands on that road (at the nearer end of the
// segment it is drawn on), even where a node of another street lies nearer.
TEST(AsciiRoute, ACheckpointDrawnOnARoadStandsOnThatRoad) {
  AsciiMap m(R"(
  a---------b

     c----d
)",
             20);
  m.way("ab", {{"highway", "residential"}});
  m.way("cd", {{"highway", "residential"}});
  const auto im = import(m);
  const graph::SpatialIndex index(im.g);
  // 1 m beside a-b, 60 m from a, 40 m north of c.
  const auto cp = m.offset('a', 60, 1);
  ASSERT_EQ(index.nearest(cp, 1000)->node, im.node('c'));
  const auto s = refused_checkpoint_at(cp);
  const scenario::Overlay overlay(im.g, index, s, 1000);
  EXPECT_EQ(overlay.checkpoint(0).node, im.node('a'));
  EXPECT_NEAR(overlay.checkpoint(0).distance_m, 1.0, 0.05);
  // Party B refuses A's checkpoints: the road leaving a is closed, c's is not.
  const auto closed = overlay.closures_at(s.start).closed;
  EXPECT_TRUE(closed.contains(im.g.find_arc(im.node('a'), im.node('b'))));
  EXPECT_FALSE(closed.contains(im.g.find_arc(im.node('c'), im.node('d'))));
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

// Points snap onto the nearest point of a segment, as OSRM snaps, and routes
// start and end there: they count the part of the segment they drive.
const char* k_long_block = R"(
  a---------b-----e
  |         |
  c---------d
)";

TEST(SegmentSnap, APointBesideALongSegmentSnapsToItsMiddle) {
  AsciiMap m(k_long_block, 20);  // a-b is 200 m, its nodes 200 m apart
  m.way("abe", {{"highway", "residential"}});
  m.way("acdb", {{"highway", "residential"}});
  const auto im = import(m);
  const graph::SpatialIndex index(im.g);
  // 50 m along a-b and 15 m north of it: 50 m from a, 150 m from b.
  const auto snap = index.nearest_segment(m.offset('a', 50, -15), 100);
  ASSERT_TRUE(snap);
  EXPECT_NEAR(snap->distance_m, 15, 0.1);
  const bool from_a = im.g.tail[snap->arc] == im.node('a');
  EXPECT_EQ(from_a ? im.g.head[snap->arc] : im.g.tail[snap->arc], im.node('b'));
  EXPECT_NEAR(from_a ? snap->fraction : 1 - snap->fraction, 0.25, 1e-6);
  EXPECT_NE(snap->reverse, graph::k_invalid);
  EXPECT_NEAR(geo::distance_m(snap->point, m.offset('a', 50, 0)), 0, 0.1);
  // The nearest node is a, 52 m away: snapping to nodes would start there.
  EXPECT_EQ(index.nearest(m.offset('a', 50, -15), 100)->node, im.node('a'));
}

TEST(SegmentSnap, RoutesCountThePartialSegments) {
  AsciiMap m(k_long_block, 20);
  m.way("abe", {{"highway", "residential"}});
  m.way("acdb", {{"highway", "residential"}});
  const auto im = import(m);
  const auto& g = im.g;
  const graph::SpatialIndex index(g);
  const auto ab = g.find_arc(im.node('a'), im.node('b'));
  const auto be = g.find_arc(im.node('b'), im.node('e'));
  // From a quarter of the way along a-b to half-way along b-e.
  const auto from = index.nearest_segment(m.offset('a', 50, 5), 100);
  const auto to = index.nearest_segment(m.offset('b', 60, -5), 100);
  ASSERT_TRUE(from && to);
  for (const auto algorithm : {Algorithm::cch, Algorithm::alt, Algorithm::dijkstra}) {
    Router router(g, algorithm, nullptr);
    const auto r = router.run(*from, *to);
    ASSERT_TRUE(r.found) << to_string(algorithm);
    EXPECT_NEAR(static_cast<double>(r.time_ms), 0.75 * g.time_ms[ab] + 0.5 * g.time_ms[be], 2);
    EXPECT_NEAR(r.length_m, 150 + 60, 0.5);
    EXPECT_EQ(im.path(r), "abe");
    const auto points = route_points(g, r);
    EXPECT_NEAR(geo::distance_m(points.front(), m.offset('a', 50, 0)), 0, 0.1);
    EXPECT_NEAR(geo::distance_m(points.back(), m.offset('b', 60, 0)), 0, 0.1);
    // Backwards on the same segment, a two-way street: straight back.
    const auto back = router.run(*to, *index.nearest_segment(m.offset('b', 30, 5), 100));
    EXPECT_NEAR(static_cast<double>(back.time_ms), 0.25 * g.time_ms[be], 2);
    EXPECT_EQ(back.arcs.size(), 1u);
  }
  // With a-b closed both ways the start cannot leave its segment.
  ArcSet closed(g.arc_count());
  closed.insert(ab);
  closed.insert(g.find_arc(im.node('b'), im.node('a')));
  Router router(g, Algorithm::cch, &closed);
  const auto around = router.run(*from, *to);
  EXPECT_FALSE(around.found) << "both ways out of the start are closed";
}

TEST(SegmentSnap, AOneWaySegmentIsLeftForwardOnly) {
  AsciiMap m(k_long_block, 20);
  m.way("ab", {{"highway", "residential"}, {"oneway", "yes"}});
  m.way("acdb", {{"highway", "residential"}});
  const auto im = import(m);
  const auto& g = im.g;
  const graph::SpatialIndex index(g);
  const auto ab = g.find_arc(im.node('a'), im.node('b'));
  const auto ahead = index.nearest_segment(m.offset('a', 150, 5), 100);
  const auto behind = index.nearest_segment(m.offset('a', 50, 5), 100);
  ASSERT_TRUE(ahead && behind);
  EXPECT_EQ(ahead->reverse, graph::k_invalid);
  for (const auto algorithm : {Algorithm::cch, Algorithm::dijkstra}) {
    Router router(g, algorithm, nullptr);
    // Forward along the one-way: half of it.
    const auto forward = router.run(*behind, *ahead);
    EXPECT_NEAR(static_cast<double>(forward.time_ms), 0.5 * g.time_ms[ab], 2);
    // Back: on to b, round by d and c to a, and a quarter of a-b again.
    const auto round = router.run(*ahead, *behind);
    ASSERT_TRUE(round.found);
    EXPECT_EQ(im.path(round), "abdcab");
    std::uint64_t middle = 0;
    for (std::size_t i = 1; i + 1 < round.arcs.size(); ++i) middle += g.time_ms[round.arcs[i]];
    EXPECT_NEAR(static_cast<double>(round.time_ms), 0.5 * g.time_ms[ab] + static_cast<double>(middle), 2);
  }
}

// A crossing at b with a way round it: a-b runs east, c lies north of b
// (a left turn for a car coming from a), e south (a right turn), and the
// block b-d-g-c / b-d-h-e goes round. b-d and b-e are one-way away from b,
// so that no U-turn at d or e undoes a restriction at b.
const char* k_crossing = R"(
      c---g
      |   |
  a---b---d
      |   |
      e---h
)";

AsciiMap crossing() {
  AsciiMap m(k_crossing, 50);
  const testing::Tags street = {{"highway", "residential"}}, away = {{"highway", "residential"}, {"oneway", "yes"}};
  m.way("ab", street).way("bd", away).way("bc", street).way("be", away);  // way ids 1 to 4
  for (const char* w : {"cg", "gd", "dh", "he"}) m.way(w, street);
  return m;
}

constexpr Algorithm k_algorithms[] = {Algorithm::cch, Algorithm::alt, Algorithm::dijkstra};

TEST(TurnRestrictions, NoLeftTurnSendsTheRouteRoundTheBlock) {
  auto m = crossing();
  m.restriction(1, 'b', 3, "no_left_turn");
  const auto im = import(m);
  ASSERT_EQ(im.g.turn_from.size(), 1u);
  EXPECT_EQ(im.g.turn_from[0], im.g.find_arc(im.node('a'), im.node('b')));
  EXPECT_EQ(im.g.turn_to[0], im.g.find_arc(im.node('b'), im.node('c')));
  for (const auto algorithm : k_algorithms) {
    Router router(im.g, algorithm, nullptr);
    EXPECT_EQ(im.path(router.run(im.node('a'), im.node('c'))), "abdgc") << to_string(algorithm);
    EXPECT_EQ(im.path(router.run(im.node('a'), im.node('e'))), "abe") << "the right turn is allowed";
    EXPECT_EQ(im.path(router.run(im.node('c'), im.node('a'))), "cba") << "the other way is not restricted";
    EXPECT_EQ(im.path(router.run(im.node('b'), im.node('c'))), "bc") << "a route starting at b turns freely";
  }
  // Without the relation the left turn is the way.
  auto plain = crossing();
  const auto free = import(plain);
  EXPECT_TRUE(free.g.turn_from.empty());
  EXPECT_EQ(free.path(Router(free.g, Algorithm::cch, nullptr).run(free.node('a'), free.node('c'))), "abc");
}

TEST(TurnRestrictions, OnlyStraightOnForbidsBothTurns) {
  auto m = crossing();
  m.restriction(1, 'b', 2, "only_straight_on");
  const auto im = import(m);
  EXPECT_EQ(im.g.turn_from.size(), 3u) << "left, right and back";
  for (const auto algorithm : k_algorithms) {
    Router router(im.g, algorithm, nullptr);
    EXPECT_EQ(im.path(router.run(im.node('a'), im.node('c'))), "abdgc") << to_string(algorithm);
    EXPECT_EQ(im.path(router.run(im.node('a'), im.node('e'))), "abdhe") << to_string(algorithm);
    EXPECT_EQ(im.path(router.run(im.node('a'), im.node('d'))), "abd");
  }
}

TEST(TurnRestrictions, SnappedRoutesAndClosuresHonourThem) {
  auto m = crossing();
  m.restriction(1, 'b', 3, "no_left_turn");
  const auto im = import(m);
  const graph::SpatialIndex index(im.g);
  // From the middle of a-b to the middle of b-c: round the block.
  const auto from = index.nearest_segment(m.offset('a', 100, 5), 50);
  const auto to = index.nearest_segment(m.offset('b', 5, -25), 50);
  ASSERT_TRUE(from && to);
  for (const auto algorithm : k_algorithms) {
    Router router(im.g, algorithm, nullptr);
    const auto r = router.run(*from, *to);
    ASSERT_TRUE(r.found);
    EXPECT_EQ(im.path(r), "abdgcb") << to_string(algorithm);
  }
  // With g-d closed the only way left is the forbidden turn: no route.
  ArcSet closed(im.g.arc_count());
  closed.insert(im.g.find_arc(im.node('d'), im.node('g')));
  closed.insert(im.g.find_arc(im.node('d'), im.node('h')));
  for (const auto algorithm : k_algorithms) {
    Router router(im.g, algorithm, &closed);
    EXPECT_FALSE(router.run(im.node('a'), im.node('c')).found) << to_string(algorithm);
  }
}

// Over a via way: from a-b along b-d onto d-e is forbidden; the slow
// streets b-c-e are the way round. b-d and d-e are one-way, so that no
// U-turn undoes the restriction.
AsciiMap via_way_map() {
  AsciiMap m(R"(
  a---b---c
      |   |
      |   |
      d---e
  )",
             50);
  const testing::Tags street = {{"highway", "residential"}}, slow = {{"highway", "living_street"}};
  m.way("ab", street).way("bd", {{"highway", "residential"}, {"oneway", "yes"}});
  m.way("de", {{"highway", "residential"}, {"oneway", "yes"}}).way("bc", slow).way("ce", slow);  // ids 1 to 5
  return m;
}

TEST(TurnRestrictions, ViaWayRestrictionsForbidTheWholeManoeuvre) {
  auto m = via_way_map();
  m.restriction_via_way(1, 2, 3, "no_left_turn");
  const auto im = import(m);
  EXPECT_TRUE(im.g.turn_from.empty());
  ASSERT_EQ(im.g.turn_chain_first.size(), 2u) << "one chain: a-b, b-d, d-e";
  EXPECT_EQ(im.g.turn_chain_arc.size(), 3u);
  for (const auto algorithm : k_algorithms) {
    Router router(im.g, algorithm, nullptr);
    EXPECT_EQ(im.path(router.run(im.node('a'), im.node('e'))), "abce") << to_string(algorithm);
    EXPECT_EQ(im.path(router.run(im.node('a'), im.node('d'))), "abd") << "the way itself is open";
    EXPECT_EQ(im.path(router.run(im.node('b'), im.node('e'))), "bde") << "not coming from a-b";
  }
  // only_straight_on over the via way: from a-b the one way on is b-d-e.
  auto only = via_way_map();
  only.restriction_via_way(1, 2, 3, "only_straight_on");
  const auto io = import(only);
  for (const auto algorithm : k_algorithms) {
    Router router(io.g, algorithm, nullptr);
    EXPECT_EQ(io.path(router.run(io.node('a'), io.node('c'))), "abdec") << to_string(algorithm);
    EXPECT_EQ(io.path(router.run(io.node('a'), io.node('e'))), "abde") << to_string(algorithm);
  }
}

TEST(TurnRestrictions, OnlyRestrictionsForCarsBindCars) {
  auto m = crossing();
  m.restriction(1, 'b', 3, "no_left_turn", {{"except", "bicycle;motorcar"}});
  m.restriction(1, 'b', 4, "", {{"restriction:motor_vehicle", "no_right_turn"}});
  const auto im = import(m);
  ASSERT_EQ(im.g.turn_from.size(), 1u) << "the first excepts cars, the second binds motor vehicles";
  EXPECT_EQ(im.g.turn_to[0], im.g.find_arc(im.node('b'), im.node('e')));
  testing::TempDir dir;
  const auto foot = graph::build(osm::read_osm(m.write_pbf(dir / "foot.osm.pbf"), osm::Profile::walking()));
  EXPECT_TRUE(foot.turn_from.empty()) << "walkers turn where they like";
}

}  // namespace
}  // namespace corridor::route

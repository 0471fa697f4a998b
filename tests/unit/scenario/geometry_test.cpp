// Validation of feature geometries: Points for places, (Multi)Polygons for areas.
#include <algorithm>

#include "scenario_testing.hpp"

namespace corridor::scenario::test {
namespace {

constexpr std::size_t k_origin = 0;
constexpr std::size_t k_hazard = 2;
constexpr std::size_t k_checkpoint = 4;
constexpr std::size_t k_area = 5;

Json position(double lon, double lat) { return Json::array({lon, lat}); }

// A closed square ring, counter-clockwise unless `clockwise`.
Json square(double lon, double lat, double size, bool clockwise = false) {
  Json ring = Json::array({position(lon, lat), position(lon + size, lat), position(lon + size, lat + size),
                           position(lon, lat + size), position(lon, lat)});
  if (clockwise) std::reverse(ring.begin(), ring.end());
  return ring;
}

class Geometry : public ::testing::Test {
 protected:
  Json doc = valid_document();
  Json& geometry(std::size_t i) { return doc["features"][i]["geometry"]; }
};

TEST_F(Geometry, PlacesMustBePoints) {
  geometry(k_origin) = {{"type", "Polygon"}, {"coordinates", Json::array({square(1.5, 42.5, 0.01)})}};
  EXPECT_TRUE(only_problem(doc, "features[0].geometry.type", "an origin must be a Point, got \"Polygon\""));
  doc = valid_document();
  geometry(k_checkpoint)["type"] = "MultiPoint";
  EXPECT_TRUE(only_problem(doc, "features[4].geometry.type", "a checkpoint must be a Point, got \"MultiPoint\""));
}

TEST_F(Geometry, AreasMustBePolygons) {
  geometry(k_hazard) = {{"type", "Point"}, {"coordinates", position(1.5, 42.5)}};
  EXPECT_TRUE(
      only_problem(doc, "features[2].geometry.type", "a hazard must be a Polygon or MultiPolygon, got \"Point\""));
  doc = valid_document();
  geometry(k_area)["type"] = "LineString";
  EXPECT_TRUE(
      only_problem(doc, "features[5].geometry.type", "an area must be a Polygon or MultiPolygon, got \"LineString\""));
}

TEST_F(Geometry, TypeAndCoordinatesAreRequired) {
  geometry(k_origin).erase("type");
  EXPECT_TRUE(only_problem(doc, "features[0].geometry.type", "is required"));
  doc = valid_document();
  geometry(k_origin).erase("coordinates");
  EXPECT_TRUE(only_problem(doc, "features[0].geometry.coordinates", "is required"));
}

TEST_F(Geometry, PointCoordinatesAreNumbers) {
  geometry(k_origin)["coordinates"] = Json::array({"1.52", 42.51});
  EXPECT_TRUE(only_problem(doc, "features[0].geometry.coordinates[0]", "must be a number, got \"1.52\""));
  geometry(k_origin)["coordinates"] = Json::array({1.52});
  EXPECT_TRUE(only_problem(doc, "features[0].geometry.coordinates", "must be a position [lon, lat], got [1.52]"));
  geometry(k_origin)["coordinates"] = "1.52 42.51";
  EXPECT_TRUE(
      only_problem(doc, "features[0].geometry.coordinates", "must be a position [lon, lat], got \"1.52 42.51\""));
}

TEST_F(Geometry, PointCoordinatesAreInRange) {
  geometry(k_origin)["coordinates"] = position(200, 42.51);
  EXPECT_TRUE(
      only_problem(doc, "features[0].geometry.coordinates[0]", "longitude must be between -180 and 180, got 200.0"));
  geometry(k_origin)["coordinates"] = Json::array({1.52, -91});
  EXPECT_TRUE(only_problem(doc, "features[0].geometry.coordinates[1]", "latitude must be between -90 and 90, got -91"));
}

TEST_F(Geometry, PointAltitudeIsIgnored) {
  geometry(k_origin)["coordinates"] = Json::array({1.52, 42.51, 300});
  EXPECT_DOUBLE_EQ(parse(doc).origins[0].where.lat, 42.51);
}

TEST_F(Geometry, RingsMustBeClosed) {
  geometry(k_hazard)["coordinates"] = Json::array(
      {Json::array({position(1.5, 42.5), position(1.51, 42.5), position(1.51, 42.51), position(1.5, 42.51)})});
  EXPECT_TRUE(only_problem(doc, "features[2].geometry.coordinates[0]",
                           "ring is not closed: first [1.5, 42.5] last [1.5, 42.51]"));
}

TEST_F(Geometry, RingsHaveAtLeastFourPositions) {
  geometry(k_hazard)["coordinates"] =
      Json::array({Json::array({position(1.5, 42.5), position(1.51, 42.5), position(1.5, 42.5)})});
  EXPECT_TRUE(only_problem(doc, "features[2].geometry.coordinates[0]", "a ring needs at least 4 positions, got 3"));
  geometry(k_hazard)["coordinates"] = Json::array();
  EXPECT_TRUE(only_problem(doc, "features[2].geometry.coordinates", "must be a non-empty array of rings, got []"));
}

TEST_F(Geometry, RingPositionsAreNumbersInRange) {
  geometry(k_hazard)["coordinates"][0][1][1] = nullptr;
  EXPECT_TRUE(only_problem(doc, "features[2].geometry.coordinates[0][1][1]", "must be a number, got null"));
  doc = valid_document();
  geometry(k_hazard)["coordinates"][0][2][1] = 95.0;
  EXPECT_TRUE(
      only_problem(doc, "features[2].geometry.coordinates[0][2][1]", "latitude must be between -90 and 90, got 95.0"));
}

TEST_F(Geometry, OrientationDoesNotMatter) {
  geometry(k_area)["coordinates"] = Json::array({square(1.45, 42.45, 0.05, true)});
  const Scenario s = parse(doc);
  EXPECT_TRUE(s.areas[0].area.contains({1.47, 42.47}));
  EXPECT_FALSE(s.areas[0].area.contains({1.44, 42.47}));
  EXPECT_DOUBLE_EQ(s.areas[0].area.min_corner().lon, 1.45);
  EXPECT_DOUBLE_EQ(s.areas[0].area.max_corner().lat, 42.5);
}

TEST_F(Geometry, PolygonWithHole) {
  geometry(k_area)["coordinates"] = Json::array({square(0, 0, 10), square(4, 4, 2, true)});
  const Scenario s = parse(doc);
  EXPECT_TRUE(s.areas[0].area.contains({1, 1}));
  EXPECT_FALSE(s.areas[0].area.contains({5, 5}));
}

TEST_F(Geometry, MultiPolygon) {
  geometry(k_area) = {{"type", "MultiPolygon"},
                      {"coordinates", Json::array({Json::array({square(0, 0, 1)}), Json::array({square(5, 5, 1)})})}};
  const Scenario s = parse(doc);
  EXPECT_EQ(s.areas[0].area.polygons().size(), 2U);
  EXPECT_TRUE(s.areas[0].area.contains({5.5, 5.5}));
  EXPECT_DOUBLE_EQ(s.areas[0].area.max_corner().lon, 6);

  geometry(k_area)["coordinates"][1][0][4] = position(5, 5.5);
  EXPECT_TRUE(only_problem(doc, "features[5].geometry.coordinates[1][0]",
                           "ring is not closed: first [5.0, 5.0] last [5.0, 5.5]"));
  geometry(k_area)["coordinates"] = Json::array();
  EXPECT_TRUE(only_problem(doc, "features[5].geometry.coordinates", "must be a non-empty array of polygons, got []"));
}

TEST_F(Geometry, SelfIntersectingPolygonsAreRejected) {
  geometry(k_area)["coordinates"] =
      Json::array({Json::array({position(0, 0), position(2, 2), position(2, 0), position(0, 1), position(0, 0)})});
  EXPECT_TRUE(
      only_problem(doc, "features[5].geometry.coordinates", "is not a valid polygon: its boundary crosses itself"));
  // A symmetric bow tie has no signed area at all.
  geometry(k_area)["coordinates"] =
      Json::array({Json::array({position(0, 0), position(1, 1), position(1, 0), position(0, 1), position(0, 0)})});
  EXPECT_TRUE(only_problem(doc, "features[5].geometry.coordinates",
                           "is not a valid polygon: a ring crosses itself or encloses no area"));
}

TEST_F(Geometry, HolesOutsideTheOuterRingAreRejected) {
  geometry(k_area)["coordinates"] = Json::array({square(0, 0, 1), square(5, 5, 1)});
  EXPECT_TRUE(only_problem(doc, "features[5].geometry.coordinates",
                           "is not a valid polygon: a hole lies outside the outer ring"));
}

}  // namespace
}  // namespace corridor::scenario::test

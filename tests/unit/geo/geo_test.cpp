#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "corridor/geo/area.hpp"
#include "corridor/geo/geo.hpp"

namespace corridor::geo {
namespace {

Area square(double lon0, double lat0, double lon1, double lat1) {
  return Area({{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}});
}

TEST(Distance, KnownDistances) {
  // One degree of latitude on the mean sphere.
  EXPECT_NEAR(distance_m({0, 0}, {0, 1}), 111195.08, 0.1);
  // Paris (Notre-Dame) to London (Trafalgar Square): about 343.5 km.
  EXPECT_NEAR(distance_m({2.3499, 48.8530}, {-0.1281, 51.5080}) / 1000.0, 343.5, 1.0);
  EXPECT_DOUBLE_EQ(distance_m({8.5, 49.4}, {8.5, 49.4}), 0.0);
  // Symmetric.
  EXPECT_DOUBLE_EQ(distance_m({1.5, 42.5}, {1.6, 42.6}), distance_m({1.6, 42.6}, {1.5, 42.5}));
  // Antipodes: half the circumference.
  EXPECT_NEAR(distance_m({0, 0}, {180, 0}), k_earth_radius_m * 3.14159265358979, 1.0);
}

TEST(FixedPoint, RoundTripsAtOsmResolution) {
  for (double d : {0.0, 1.5218295, -179.9999999, 89.9999999, 42.4410330}) {
    EXPECT_NEAR(from_fixed(to_fixed(d)), d, 0.5e-7);
  }
}

TEST(Valid, Ranges) {
  EXPECT_TRUE(valid({180, -90}));
  EXPECT_FALSE(valid({180.1, 0}));
  EXPECT_FALSE(valid({0, 91}));
  EXPECT_FALSE(valid({std::nan(""), 0}));
}

TEST(SegmentMeets, CrossingTouchingInsideOutside) {
  const auto area = square(1, 1, 2, 2);
  EXPECT_TRUE(area.meets({0, 1.5}, {3, 1.5}));      // crosses
  EXPECT_TRUE(area.meets({1.2, 1.2}, {1.8, 1.8}));  // inside
  EXPECT_TRUE(area.meets({0, 1}, {3, 1}));          // runs along the boundary
  EXPECT_TRUE(area.meets({1.5, 0}, {1.5, 1}));      // ends on it
  EXPECT_FALSE(area.meets({0, 0}, {0.9, 3}));       // outside
  EXPECT_FALSE(area.meets({0, 2.5}, {3, 2.5}));     // passes above
  // Diagonal that passes the corner outside the box-overlap shortcut.
  EXPECT_FALSE(area.meets({2.2, 1.9}, {1.9, 2.2}));
}

TEST(SegmentMeets, HolesAreOutside) {
  const Area ring({{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}}});
  EXPECT_FALSE(ring.meets({1.5, 2}, {2.5, 2}));
  EXPECT_TRUE(ring.meets({0.5, 2}, {2.5, 2}));
  EXPECT_FALSE(ring.contains({2, 2}));
  EXPECT_TRUE(ring.contains({0.5, 0.5}));
}

TEST(Area, OrientsRingsWhateverTheFileSays) {
  // Clockwise outer ring: oriented counter-clockwise, still the same area.
  const Area area({{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}}});
  EXPECT_TRUE(area.contains({0.5, 0.5}));
  EXPECT_DOUBLE_EQ(area.min_corner().lon, 0);
  EXPECT_DOUBLE_EQ(area.max_corner().lat, 1);
  const auto& outer = area.polygons().at(0).at(0);
  EXPECT_DOUBLE_EQ(outer[1].lon, 1);  // second vertex now to the east
  const auto geojson = to_geojson(area);
  EXPECT_EQ(geojson["type"], "MultiPolygon");
  EXPECT_EQ(geojson["coordinates"][0][0].size(), 5U);
}

TEST(Area, EmptyMeetsNothing) {
  const Area none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.meets({0, 0}, {1, 1}));
  EXPECT_FALSE(none.contains({0, 0}));
}

TEST(Area, PolygonProblemsAreNamed) {
  EXPECT_EQ(Area::polygon_problem({{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}),
            "a ring crosses itself or encloses no area");  // a bow tie: no signed area
  EXPECT_EQ(Area::polygon_problem({{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}), std::nullopt);
  EXPECT_EQ(Area::polygon_problem({}), "a polygon needs an outer ring");
}

}  // namespace
}  // namespace corridor::geo

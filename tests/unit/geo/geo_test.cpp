#include <gtest/gtest.h>

#include <boost/geometry/algorithms/correct.hpp>

#include "corridor/geo/geo.hpp"

namespace corridor::geo {
namespace {

MultiPolygon square(double lon0, double lat0, double lon1, double lat1) {
  MultiPolygon m;
  m.resize(1);
  m[0].outer() = {{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}};
  boost::geometry::correct(m);
  return m;
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
  const auto box = bounding_box(area);
  EXPECT_TRUE(segment_meets(area, box, {0, 1.5}, {3, 1.5}));      // crosses
  EXPECT_TRUE(segment_meets(area, box, {1.2, 1.2}, {1.8, 1.8}));  // inside
  EXPECT_TRUE(segment_meets(area, box, {0, 1}, {3, 1}));          // runs along the boundary
  EXPECT_TRUE(segment_meets(area, box, {1.5, 0}, {1.5, 1}));      // ends on it
  EXPECT_FALSE(segment_meets(area, box, {0, 0}, {0.9, 3}));       // outside
  EXPECT_FALSE(segment_meets(area, box, {0, 2.5}, {3, 2.5}));     // passes above
  // Diagonal that passes the corner outside the box-overlap shortcut.
  EXPECT_FALSE(segment_meets(area, box, {2.2, 1.9}, {1.9, 2.2}));
}

TEST(SegmentMeets, HolesAreOutside) {
  MultiPolygon ring;
  ring.resize(1);
  ring[0].outer() = {{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}};
  ring[0].inners().push_back({{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}});
  boost::geometry::correct(ring);
  const auto box = bounding_box(ring);
  EXPECT_FALSE(segment_meets(ring, box, {1.5, 2}, {2.5, 2}));
  EXPECT_TRUE(segment_meets(ring, box, {0.5, 2}, {2.5, 2}));
  EXPECT_FALSE(point_in(ring, {2, 2}));
  EXPECT_TRUE(point_in(ring, {0.5, 0.5}));
}

}  // namespace
}  // namespace corridor::geo

#include <gtest/gtest.h>

#include <random>

#include "corridor/graph/build.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "network_builder.hpp"
#include "test_support.hpp"

namespace corridor::graph {
namespace {

std::optional<Snap> brute_force(const RoadGraph& g, geo::LonLat p, double max_m) {
  std::optional<Snap> best;
  for (NodeId v = 0; v < g.node_count(); ++v) {
    const double d = geo::distance_m(p, g.where(v));
    if (d <= max_m && (!best || d < best->distance_m)) best = Snap{v, d};
  }
  return best;
}

TEST(SpatialIndex, NearestEqualsBruteForce) {
  std::mt19937_64 rng(testing::test_seed());
  const auto g = build(testing::NetworkBuilder::random_grid(30, rng));
  const SpatialIndex index(g);
  std::uniform_real_distribution<double> lon(7.99, 8.04), lat(48.99, 49.04);
  for (int i = 0; i < 2000; ++i) {
    const geo::LonLat p{lon(rng), lat(rng)};
    for (double max_m : {30.0, 200.0, 1e6}) {
      const auto want = brute_force(g, p, max_m);
      const auto got = index.nearest(p, max_m);
      ASSERT_EQ(got.has_value(), want.has_value()) << p.lon << "," << p.lat << " within " << max_m;
      if (got) {
        EXPECT_DOUBLE_EQ(got->distance_m, want->distance_m);
      }
    }
  }
}

TEST(SpatialIndex, FarPointsAndFilters) {
  std::mt19937_64 rng(testing::test_seed());
  const auto g = build(testing::NetworkBuilder::random_grid(5, rng));
  const SpatialIndex index(g);
  EXPECT_FALSE(index.nearest({10.0, 50.0}, 1000));
  EXPECT_TRUE(index.nearest({10.0, 50.0}, 1e7));
  const auto any = index.nearest({8.0, 49.0}, 1000);
  ASSERT_TRUE(any);
  const auto other = index.nearest({8.0, 49.0}, 1000, [&](NodeId v) { return v != any->node; });
  ASSERT_TRUE(other);
  EXPECT_NE(other->node, any->node);
  EXPECT_GE(other->distance_m, any->distance_m);
}

// A point thousands of kilometres off the map (0,0 for a map at 8E 49N) is
// snapped as the brute force does; the search starts at the first ring that
// touches the grid instead of walking millions of empty ones.
TEST(SpatialIndex, PointsOffTheMapOnEverySide) {
  std::mt19937_64 rng(testing::test_seed());
  const auto g = build(testing::NetworkBuilder::random_grid(30, rng));
  const SpatialIndex index(g);
  for (const geo::LonLat p : {geo::LonLat{0.0, 0.0}, geo::LonLat{8.02, 10.0}, geo::LonLat{-170.0, 80.0},
                              geo::LonLat{8.02, 49.5}, geo::LonLat{9.0, 49.02}, geo::LonLat{7.0, 48.0}}) {
    for (double max_m : {1e5, 1e7, 3e7}) {
      const auto want = brute_force(g, p, max_m);
      const auto got = index.nearest(p, max_m);
      ASSERT_EQ(got.has_value(), want.has_value()) << p.lon << "," << p.lat << " within " << max_m;
      if (got) {
        EXPECT_NEAR(got->distance_m, want->distance_m, want->distance_m * 0.02);
      }
    }
  }
}

// The nearest point of every arc, by the same flat projection about p as
// the index, arc by arc.
double segment_distance(const RoadGraph& g, ArcId a, geo::LonLat p) {
  const auto points = g.arc_geometry(a);
  double best = 1e18;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    best = std::min(best, geo::distance_to_segment_m(p, points[i], points[i + 1]));
  }
  return best;
}

TEST(SpatialIndex, NearestSegmentEqualsBruteForce) {
  std::mt19937_64 rng(testing::test_seed());
  const auto g = build(testing::NetworkBuilder::random_grid(30, rng));
  const SpatialIndex index(g);
  std::uniform_real_distribution<double> lon(7.99, 8.04), lat(48.99, 49.04);
  for (int i = 0; i < 1000; ++i) {
    const geo::LonLat p{lon(rng), lat(rng)};
    double want = 1e18;
    for (ArcId a = 0; a < g.arc_count(); ++a) want = std::min(want, segment_distance(g, a, p));
    for (double max_m : {10.0, 100.0, 1e6}) {
      const auto got = index.nearest_segment(p, max_m);
      // Distances within a centimetre: two flat projections of the same arc.
      if (want > max_m * 1.001 + 0.01) {
        EXPECT_FALSE(got) << p.lon << "," << p.lat << " within " << max_m;
        continue;
      }
      if (want < max_m * 0.999 - 0.01) {
        ASSERT_TRUE(got) << p.lon << "," << p.lat << " within " << max_m;
      }
      if (!got) continue;
      // The index measures the great circle, the brute force a projection.
      const double tolerance = 0.01 + want * 1e-4;
      EXPECT_NEAR(got->distance_m, want, tolerance);
      EXPECT_NEAR(segment_distance(g, got->arc, p), want, tolerance);
      EXPECT_NEAR(geo::distance_m(p, got->point), got->distance_m, 1e-6);
      ASSERT_GE(got->fraction, 0.0);
      ASSERT_LE(got->fraction, 1.0);
      if (got->reverse != k_invalid) {
        EXPECT_EQ(g.tail[got->reverse], g.head[got->arc]);
        EXPECT_EQ(g.head[got->reverse], g.tail[got->arc]);
      }
    }
  }
  EXPECT_FALSE(index.nearest_segment({10.0, 50.0}, 1000));
  EXPECT_TRUE(index.nearest_segment({10.0, 50.0}, 1e7));
}

}  // namespace
}  // namespace corridor::graph

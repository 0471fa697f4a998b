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

}  // namespace
}  // namespace corridor::graph

// The encoded polyline format against Google's published example.
#include <gtest/gtest.h>

#include "corridor/server/polyline.hpp"

namespace corridor::server {
namespace {

const std::vector<geo::LonLat> k_example{{-120.2, 38.5}, {-120.95, 40.7}, {-126.453, 43.252}};

TEST(Polyline, EncodesGooglesExample) { EXPECT_EQ(encode_polyline(k_example), "_p~iF~ps|U_ulLnnqC_mqNvxq`@"); }

TEST(Polyline, DecodesGooglesExample) {
  const auto points = decode_polyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@");
  ASSERT_TRUE(points);
  ASSERT_EQ(points->size(), k_example.size());
  for (std::size_t i = 0; i < k_example.size(); ++i) {
    EXPECT_NEAR((*points)[i].lon, k_example[i].lon, 1e-9);
    EXPECT_NEAR((*points)[i].lat, k_example[i].lat, 1e-9);
  }
}

TEST(Polyline, RoundTripsAtPrecisionSix) {
  const std::vector<geo::LonLat> points{{7.4246, 43.7384}, {7.4250001, 43.7390004}, {-0.000001, -0.000002}};
  const auto back = decode_polyline(encode_polyline(points, 6), 6);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_NEAR((*back)[i].lon, points[i].lon, 1e-6);
    EXPECT_NEAR((*back)[i].lat, points[i].lat, 1e-6);
  }
}

TEST(Polyline, EmptyAndMalformed) {
  EXPECT_EQ(encode_polyline({}), "");
  EXPECT_TRUE(decode_polyline("")->empty());
  EXPECT_FALSE(decode_polyline("_p~iF~ps|U_ulLnnqC_mqNvxq"));  // ends inside a value
  EXPECT_FALSE(decode_polyline("_p~iF "));                     // outside the alphabet
}

}  // namespace
}  // namespace corridor::server

#pragma once
// Google's encoded polyline algorithm format, as OSRM writes route geometry
// with `geometries=polyline` (precision 5) or `polyline6` (precision 6):
// each point as latitude then longitude, rounded to 10^-precision degrees,
// delta-encoded from the previous point, zig-zag signed, in 5-bit chunks
// offset by 63.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "corridor/geo/geo.hpp"

namespace corridor::server {

[[nodiscard]] std::string encode_polyline(const std::vector<geo::LonLat>& points, int precision = 5);
// nullopt when the text is not a well-formed polyline.
[[nodiscard]] std::optional<std::vector<geo::LonLat>> decode_polyline(std::string_view text, int precision = 5);

}  // namespace corridor::server

// Google's encoded polyline algorithm format (see polyline.hpp).
#include "corridor/server/polyline.hpp"

#include <cmath>
#include <cstdint>

namespace corridor::server {
namespace {

double scale_of(int precision) { return std::pow(10.0, precision); }

void encode_value(std::int64_t delta, std::string& out) {
  auto v = static_cast<std::uint64_t>(delta) << 1;
  if (delta < 0) v = ~v;
  while (v >= 0x20) {
    out.push_back(static_cast<char>((0x20 | (v & 0x1f)) + 63));
    v >>= 5;
  }
  out.push_back(static_cast<char>(v + 63));
}

// Reads one value at `pos`; false when the text ends inside it or holds a
// character outside the format's range.
bool decode_value(std::string_view text, std::size_t& pos, std::int64_t& value) {
  std::uint64_t result = 0;
  int shift = 0;
  while (true) {
    if (pos >= text.size() || shift > 60) return false;
    const int c = static_cast<unsigned char>(text[pos++]) - 63;
    if (c < 0 || c > 63) return false;
    result |= static_cast<std::uint64_t>(c & 0x1f) << shift;
    shift += 5;
    if (c < 0x20) break;
  }
  value = (result & 1) ? ~static_cast<std::int64_t>(result >> 1) : static_cast<std::int64_t>(result >> 1);
  return true;
}

}  // namespace

std::string encode_polyline(const std::vector<geo::LonLat>& points, int precision) {
  const double scale = scale_of(precision);
  std::string out;
  std::int64_t last_lat = 0, last_lon = 0;
  for (const auto& p : points) {
    const auto lat = static_cast<std::int64_t>(std::llround(p.lat * scale));
    const auto lon = static_cast<std::int64_t>(std::llround(p.lon * scale));
    encode_value(lat - last_lat, out);
    encode_value(lon - last_lon, out);
    last_lat = lat;
    last_lon = lon;
  }
  return out;
}

std::optional<std::vector<geo::LonLat>> decode_polyline(std::string_view text, int precision) {
  const double scale = scale_of(precision);
  std::vector<geo::LonLat> points;
  std::size_t pos = 0;
  std::int64_t lat = 0, lon = 0;
  while (pos < text.size()) {
    std::int64_t d_lat = 0, d_lon = 0;
    if (!decode_value(text, pos, d_lat) || !decode_value(text, pos, d_lon)) return std::nullopt;
    lat += d_lat;
    lon += d_lon;
    points.push_back({static_cast<double>(lon) / scale, static_cast<double>(lat) / scale});
  }
  return points;
}

}  // namespace corridor::server

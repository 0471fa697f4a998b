#include "corridor/geo/geo.hpp"

#include <algorithm>
#include <numbers>

namespace corridor::geo {

double distance_to_segment_m(LonLat p, LonLat a, LonLat b) noexcept {
  constexpr double rad = std::numbers::pi / 180.0;
  const double kx = k_earth_radius_m * rad * std::cos(p.lat * rad), ky = k_earth_radius_m * rad;
  const double ax = (a.lon - p.lon) * kx, ay = (a.lat - p.lat) * ky;
  const double bx = (b.lon - p.lon) * kx, by = (b.lat - p.lat) * ky;
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  const double t = len2 > 0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
  return std::hypot(ax + t * dx, ay + t * dy);
}

double distance_m(LonLat a, LonLat b) noexcept {
  constexpr double rad = std::numbers::pi / 180.0;
  const double dlat = (b.lat - a.lat) * rad;
  const double dlon = (b.lon - a.lon) * rad;
  const double s = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * rad) * std::cos(b.lat * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * k_earth_radius_m * std::asin(std::min(1.0, std::sqrt(s)));
}

double bearing_deg(LonLat a, LonLat b) noexcept {
  constexpr double rad = std::numbers::pi / 180.0;
  const double dlon = (b.lon - a.lon) * rad;
  const double y = std::sin(dlon) * std::cos(b.lat * rad);
  const double x =
      std::cos(a.lat * rad) * std::sin(b.lat * rad) - std::sin(a.lat * rad) * std::cos(b.lat * rad) * std::cos(dlon);
  if (x == 0 && y == 0) return 0;
  const double deg = std::atan2(y, x) / rad;
  return deg < 0 ? deg + 360 : deg;
}

bool valid(LonLat p) noexcept {
  return std::isfinite(p.lon) && std::isfinite(p.lat) && p.lon >= -180 && p.lon <= 180 && p.lat >= -90 && p.lat <= 90;
}

}  // namespace corridor::geo

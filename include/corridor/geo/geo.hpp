#pragma once
// Coordinates and great-circle distances. Areas (polygons) are in
// corridor/geo/area.hpp, so that this header stays light.
//
// Coordinates are WGS84 degrees. Graphs store them as 32-bit fixed point with
// 1e-7 degree resolution (about 1 cm), as OSM itself does.
#include <cmath>
#include <cstdint>

namespace corridor::geo {

struct LonLat {
  double lon = 0;
  double lat = 0;
};

inline constexpr double k_fixed_scale = 1e7;

inline std::int32_t to_fixed(double degrees) { return static_cast<std::int32_t>(std::lround(degrees * k_fixed_scale)); }
inline double from_fixed(std::int32_t fixed) { return fixed / k_fixed_scale; }

// Mean Earth radius (IUGG), metres.
inline constexpr double k_earth_radius_m = 6371008.8;

// Great-circle (haversine) distance in metres.
double distance_m(LonLat a, LonLat b) noexcept;

// Distance in metres from p to the segment a-b, in a local equirectangular
// projection around p (exact enough at the scale of a buffer).
double distance_to_segment_m(LonLat p, LonLat a, LonLat b) noexcept;

// Initial great-circle bearing from a to b, degrees clockwise from north in
// [0, 360) (0 when a == b).
double bearing_deg(LonLat a, LonLat b) noexcept;

// True when lon is in [-180, 180] and lat in [-90, 90] and both are finite.
bool valid(LonLat p) noexcept;

}  // namespace corridor::geo

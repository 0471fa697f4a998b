#pragma once
// Coordinates, great-circle distances and polygons.
//
// Coordinates are WGS84 degrees. Graphs store them as 32-bit fixed point with
// 1e-7 degree resolution (about 1 cm), as OSM itself does.
#include <cmath>
#include <cstdint>

#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/geometry/geometries/segment.hpp>

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

// Initial great-circle bearing from a to b, degrees clockwise from north in
// [0, 360) (0 when a == b).
double bearing_deg(LonLat a, LonLat b) noexcept;

// True when lon is in [-180, 180] and lat in [-90, 90] and both are finite.
bool valid(LonLat p) noexcept;

// Polygons in lon/lat treated as planar: adequate for the city- and
// region-sized areas of a scenario (hazards, ceasefire zones), and the same
// convention GeoJSON (RFC 7946) uses for edges.
using Point = boost::geometry::model::d2::point_xy<double>;
using Polygon = boost::geometry::model::polygon<Point, /*clockwise=*/false, /*closed=*/true>;
using MultiPolygon = boost::geometry::model::multi_polygon<Polygon>;
using Box = boost::geometry::model::box<Point>;

// True when the segment a-b meets the area (crosses, touches or lies inside).
bool segment_meets(const MultiPolygon& area, const Box& area_box, LonLat a, LonLat b);

// True when p lies inside or on the boundary of the area.
bool point_in(const MultiPolygon& area, LonLat p);

Box bounding_box(const MultiPolygon& area);

}  // namespace corridor::geo

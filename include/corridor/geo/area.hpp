#pragma once
// Areas: the polygons of hazards, ceasefire zones, forbidden areas and
// incidents. Boost.Geometry does the work, behind this header, so that only
// the code that tests geometry pays for compiling it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "corridor/geo/geo.hpp"

namespace corridor::geo {

// A closed ring of positions (the first equals the last).
using Ring = std::vector<LonLat>;
// One polygon: its outer ring first, then its holes.
using PolygonRings = std::vector<Ring>;

// Polygons in lon/lat treated as planar: adequate for the city- and
// region-sized areas of a scenario, and the same convention GeoJSON (RFC 7946)
// uses for edges. Immutable; copies share the geometry.
class Area {
 public:
  Area();  // empty: meets nothing, contains nothing

  // Orients the rings (outer counter-clockwise, holes clockwise), so the
  // orientation in a file does not matter. Rings must be closed.
  explicit Area(std::vector<PolygonRings> polygons);

  // Why a polygon is not a simple polygon ("its boundary crosses itself"),
  // or nullopt when it is one. Orientation is not a problem.
  [[nodiscard]] static std::optional<std::string> polygon_problem(const PolygonRings& polygon);

  [[nodiscard]] bool empty() const noexcept;
  // True when the segment a-b meets the area (crosses, touches or lies inside).
  [[nodiscard]] bool meets(LonLat a, LonLat b) const;
  // True when p lies inside or on the boundary.
  [[nodiscard]] bool contains(LonLat p) const;
  // The bounding box's corners (south-west, north-east).
  [[nodiscard]] LonLat min_corner() const noexcept;
  [[nodiscard]] LonLat max_corner() const noexcept;
  // The oriented polygons, for writing them back.
  [[nodiscard]] const std::vector<PolygonRings>& polygons() const noexcept;

 private:
  struct Shape;
  std::shared_ptr<const Shape> shape_;
};

// The area as a GeoJSON MultiPolygon geometry.
nlohmann::json to_geojson(const Area& area);

}  // namespace corridor::geo

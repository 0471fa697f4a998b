#include "corridor/geo/area.hpp"

#include <algorithm>

#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/algorithms/envelope.hpp>
#include <boost/geometry/algorithms/intersects.hpp>
#include <boost/geometry/algorithms/is_valid.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/geometry/geometries/segment.hpp>
#include <nlohmann/json.hpp>

namespace corridor::geo {
namespace {

namespace bg = boost::geometry;
using Point = bg::model::d2::point_xy<double>;
using Polygon = bg::model::polygon<Point, /*clockwise=*/false, /*closed=*/true>;
using MultiPolygon = bg::model::multi_polygon<Polygon>;
using Box = bg::model::box<Point>;

Polygon::ring_type to_ring(const Ring& ring) {
  Polygon::ring_type out;
  out.reserve(ring.size());
  for (const auto& p : ring) out.push_back(Point{p.lon, p.lat});
  return out;
}

Ring from_ring(const Polygon::ring_type& ring) {
  Ring out;
  out.reserve(ring.size());
  for (const auto& p : ring) out.push_back({p.x(), p.y()});
  return out;
}

Polygon to_polygon(const PolygonRings& rings) {
  Polygon polygon;
  for (std::size_t r = 0; r < rings.size(); ++r) {
    if (r == 0) {
      polygon.outer() = to_ring(rings[r]);
    } else {
      polygon.inners().push_back(to_ring(rings[r]));
    }
  }
  return polygon;
}

std::string describe(bg::validity_failure_type failure) {
  switch (failure) {
    case bg::failure_few_points:
      return "a ring has fewer than 3 distinct points";
    case bg::failure_wrong_topological_dimension:
      return "a ring encloses no area";
    case bg::failure_self_intersections:
      return "its boundary crosses itself";
    case bg::failure_wrong_orientation:  // left after correct(): no signed area
      return "a ring crosses itself or encloses no area";
    case bg::failure_interior_rings_outside:
      return "a hole lies outside the outer ring";
    case bg::failure_nested_interior_rings:
      return "a hole lies inside another hole";
    case bg::failure_disconnected_interior:
      return "its holes cut the interior apart";
    case bg::failure_spikes:
      return "a ring has a spike";
    default:
      return "not a simple polygon";
  }
}

}  // namespace

struct Area::Shape {
  MultiPolygon area;
  Box box;
  std::vector<PolygonRings> polygons;  // as oriented
};

Area::Area() : shape_(std::make_shared<const Shape>()) {}

Area::Area(std::vector<PolygonRings> polygons) {
  auto shape = std::make_shared<Shape>();
  for (const auto& rings : polygons) {
    if (!rings.empty()) shape->area.push_back(to_polygon(rings));
  }
  bg::correct(shape->area);
  if (!shape->area.empty()) shape->box = bg::return_envelope<Box>(shape->area);
  for (const auto& polygon : shape->area) {
    PolygonRings rings{from_ring(polygon.outer())};
    for (const auto& inner : polygon.inners()) rings.push_back(from_ring(inner));
    shape->polygons.push_back(std::move(rings));
  }
  shape_ = std::move(shape);
}

std::optional<std::string> Area::polygon_problem(const PolygonRings& rings) {
  if (rings.empty()) return "a polygon needs an outer ring";
  Polygon polygon = to_polygon(rings);
  bg::correct(polygon);
  bg::validity_failure_type failure = bg::no_failure;
  if (bg::is_valid(polygon, failure)) return std::nullopt;
  return describe(failure);
}

bool Area::empty() const noexcept { return shape_->area.empty(); }

bool Area::meets(LonLat a, LonLat b) const {
  if (empty()) return false;
  // Cheap rejection first: most road segments are far from any given area.
  const Box& box = shape_->box;
  if (std::max(a.lon, b.lon) < box.min_corner().x() || std::min(a.lon, b.lon) > box.max_corner().x() ||
      std::max(a.lat, b.lat) < box.min_corner().y() || std::min(a.lat, b.lat) > box.max_corner().y()) {
    return false;
  }
  const bg::model::segment<Point> segment{Point{a.lon, a.lat}, Point{b.lon, b.lat}};
  return bg::intersects(segment, shape_->area);
}

bool Area::contains(LonLat p) const { return !empty() && bg::covered_by(Point{p.lon, p.lat}, shape_->area); }

LonLat Area::min_corner() const noexcept { return {shape_->box.min_corner().x(), shape_->box.min_corner().y()}; }

LonLat Area::max_corner() const noexcept { return {shape_->box.max_corner().x(), shape_->box.max_corner().y()}; }

const std::vector<PolygonRings>& Area::polygons() const noexcept { return shape_->polygons; }

nlohmann::json to_geojson(const Area& area) {
  nlohmann::json polygons = nlohmann::json::array();
  for (const auto& rings : area.polygons()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& ring : rings) {
      nlohmann::json positions = nlohmann::json::array();
      for (const auto& p : ring) positions.push_back({p.lon, p.lat});
      out.push_back(std::move(positions));
    }
    polygons.push_back(std::move(out));
  }
  return {{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}};
}

}  // namespace corridor::geo

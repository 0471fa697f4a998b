// Feature geometries: Points for places, Polygons and MultiPolygons for areas.
#include "scenario/reader.hpp"

namespace corridor::scenario::detail {
namespace {

constexpr std::size_t k_min_ring_positions = 4;

std::optional<geo::LonLat> read_position(Reader& reader, const Json& value, const std::string& path) {
  if (!value.is_array() || value.size() < 2 || value.size() > 3) {
    reader.problem(path, "must be a position [lon, lat], got " + show(value));
    return std::nullopt;
  }
  bool ok = true;
  for (std::size_t k = 0; k < value.size(); ++k) {
    if (!value[k].is_number()) {
      reader.problem(element_path(path, k), "must be a number, got " + show(value[k]));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  const geo::LonLat where{value[0].get<double>(), value[1].get<double>()};
  if (!(where.lon >= -180 && where.lon <= 180)) {
    reader.problem(element_path(path, 0), "longitude must be between -180 and 180, got " + show(value[0]));
    ok = false;
  }
  if (!(where.lat >= -90 && where.lat <= 90)) {
    reader.problem(element_path(path, 1), "latitude must be between -90 and 90, got " + show(value[1]));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return where;
}

std::string show_position(const Json& position) { return "[" + show(position[0]) + ", " + show(position[1]) + "]"; }

std::optional<geo::Ring> read_ring(Reader& reader, const Json& value, const std::string& path) {
  if (!value.is_array()) {
    reader.problem(path, "must be an array of positions (a linear ring), got " + show(value));
    return std::nullopt;
  }
  if (value.size() < k_min_ring_positions) {
    reader.problem(path, "a ring needs at least 4 positions, got " + std::to_string(value.size()));
    return std::nullopt;
  }
  geo::Ring ring;
  bool ok = true;
  for (std::size_t k = 0; k < value.size(); ++k) {
    const auto where = read_position(reader, value[k], element_path(path, k));
    if (where) {
      ring.push_back(*where);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  if (ring.front().lon != ring.back().lon || ring.front().lat != ring.back().lat) {
    reader.problem(
        path, "ring is not closed: first " + show_position(value.front()) + " last " + show_position(value.back()));
    return std::nullopt;
  }
  return ring;
}

// Reads one Polygon's rings (the first is the outer boundary, the rest
// holes) and orients it; orientation in the file does not matter.
std::optional<geo::PolygonRings> read_polygon(Reader& reader, const Json& value, const std::string& path) {
  if (!value.is_array() || value.empty()) {
    reader.problem(path, "must be a non-empty array of rings, got " + show(value));
    return std::nullopt;
  }
  geo::PolygonRings polygon;
  bool ok = true;
  for (std::size_t r = 0; r < value.size(); ++r) {
    if (auto ring = read_ring(reader, value[r], element_path(path, r))) {
      polygon.push_back(std::move(*ring));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  if (const auto problem = geo::Area::polygon_problem(polygon)) {
    reader.problem(path, "is not a valid polygon: " + *problem);
    return std::nullopt;
  }
  return polygon;
}

}  // namespace

std::optional<geo::LonLat> read_point(Reader& reader, const Json& geometry, const std::string& path,
                                      std::string_view kind) {
  const auto type = reader.text(geometry, "type", path, Need::required);
  if (!type) return std::nullopt;
  if (*type != "Point") {
    reader.problem(path + ".type", with_article(kind) + " must be a Point, got " + show(Json(*type)));
    return std::nullopt;
  }
  const Json* coordinates = reader.member(geometry, "coordinates", path, Need::required);
  if (coordinates == nullptr) return std::nullopt;
  return read_position(reader, *coordinates, path + ".coordinates");
}

std::optional<geo::Area> read_area(Reader& reader, const Json& geometry, const std::string& path,
                                   std::string_view kind) {
  const auto type = reader.text(geometry, "type", path, Need::required);
  if (!type) return std::nullopt;
  if (*type != "Polygon" && *type != "MultiPolygon") {
    reader.problem(path + ".type", with_article(kind) + " must be a Polygon or MultiPolygon, got " + show(Json(*type)));
    return std::nullopt;
  }
  const Json* coordinates = reader.member(geometry, "coordinates", path, Need::required);
  if (coordinates == nullptr) return std::nullopt;
  const std::string coordinates_path = path + ".coordinates";
  std::vector<geo::PolygonRings> area;
  if (*type == "Polygon") {
    auto polygon = read_polygon(reader, *coordinates, coordinates_path);
    if (!polygon) return std::nullopt;
    area.push_back(std::move(*polygon));
  } else {
    if (!coordinates->is_array() || coordinates->empty()) {
      reader.problem(coordinates_path, "must be a non-empty array of polygons, got " + show(*coordinates));
      return std::nullopt;
    }
    bool ok = true;
    for (std::size_t p = 0; p < coordinates->size(); ++p) {
      auto polygon = read_polygon(reader, (*coordinates)[p], element_path(coordinates_path, p));
      if (polygon) {
        area.push_back(std::move(*polygon));
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
  }
  return geo::Area(std::move(area));
}

}  // namespace corridor::scenario::detail

// GET /network.geojson: the road network itself, so that a map needs no
// tile server: one LineString per road segment (both directions of a
// two-way segment in one feature).
#include <charconv>
#include <cmath>

#include "corridor/server/service.hpp"
#include "service_internal.hpp"

namespace corridor::server {

struct Service::Box {
  double west = -180, south = -90, east = 180, north = 90;
  [[nodiscard]] bool contains(geo::LonLat p) const {
    return p.lon >= west && p.lon <= east && p.lat >= south && p.lat <= north;
  }
};

namespace {

constexpr std::size_t k_max_features = 250'000;

Service::Box parse_bbox(const std::string& text) {
  Service::Box box;
  double* fields[] = {&box.west, &box.south, &box.east, &box.north};
  std::size_t start = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto comma = i < 3 ? text.find(',', start) : text.size();
    if (comma == std::string::npos) break;
    const auto part = std::string_view(text).substr(start, comma - start);
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), *fields[i]);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size()) break;
    start = comma + 1;
    if (i == 3 && comma == text.size()) {
      if (box.west > box.east || box.south > box.north || !geo::valid({box.west, box.south}) ||
          !geo::valid({box.east, box.north})) {
        break;
      }
      return box;
    }
  }
  throw ApiError(ErrorKind::invalid_value, "parameter bbox: expected west,south,east,north in degrees, got \"" + text + "\"");
}

}  // namespace

std::string Service::network_geojson(const Params& params) const {
  Box box;
  for (const auto& [k, v] : params) {
    if (k != "bbox") throw ApiError(ErrorKind::invalid_url, "unknown parameter \"" + k + "\"");
    box = parse_bbox(v);
  }
  if (params.empty()) {  // the whole map, made once: the graph never changes
    std::call_once(network_once_, [&] { whole_network_ = network_in(box); });
    return whole_network_;
  }
  return network_in(box);
}

std::string Service::network_in(const Box& box) const {
  const auto& g = *graph_;
  nlohmann::json features = nlohmann::json::array();
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    const auto u = g.tail[a];
    const auto v = g.head[a];
    const auto back = g.find_arc(v, u);
    const bool two_way = back != graph::k_invalid && g.way_id[back] == g.way_id[a];
    if (two_way && u > v) continue;  // drawn with its other direction
    if (!box.contains(g.where(u)) && !box.contains(g.where(v))) continue;
    if (features.size() == k_max_features) {
      throw ApiError(ErrorKind::too_big, "more than " + std::to_string(k_max_features) +
                                             " road segments; ask for a smaller bbox=west,south,east,north");
    }
    nlohmann::json coords = nlohmann::json::array();
    for (const auto& p : g.arc_geometry(a)) coords.push_back({p.lon, p.lat});
    const double seconds = g.time_ms[a] / 1000.0;
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "LineString"}, {"coordinates", std::move(coords)}}},
                        {"properties",
                         {{"name", g.name_of(a)},
                          {"class", g.road_class[a] < g.class_names.size() ? g.class_names[g.road_class[a]] : ""},
                          {"oneway", !two_way},
                          {"speed_kmh", seconds > 0 ? std::round(g.length_m[a] / seconds * 36.0) / 10.0 : 0.0}}}});
  }
  return nlohmann::json{{"type", "FeatureCollection"},
                        {"attribution", "© OpenStreetMap contributors"},
                        {"features", std::move(features)}}
      .dump();
}

}  // namespace corridor::server

// GET /network.geojson: the road network itself, so that a map needs no
// tile server: one LineString per road segment (both directions of a
// two-way segment in one feature).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <tuple>
#include <vector>

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
  throw ApiError(ErrorKind::invalid_value,
                 "parameter bbox: expected west,south,east,north in degrees, got \"" + text + "\"");
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
  // The segments to draw: one arc per segment (the lower-numbered end's of
  // a two-way one), with an end in the box.
  struct Segment {
    graph::ArcId arc;
    bool two_way;
  };
  std::vector<Segment> segments;
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    const auto u = g.tail[a];
    const auto v = g.head[a];
    const auto back = g.find_arc(v, u);
    const bool two_way = back != graph::k_invalid && g.way_id[back] == g.way_id[a];
    if (two_way && u > v) continue;  // drawn with its other direction
    if (!box.contains(g.where(u)) && !box.contains(g.where(v))) continue;
    if (segments.size() == k_max_features) {
      throw ApiError(ErrorKind::too_big, "more than " + std::to_string(k_max_features) +
                                             " road segments; ask for a smaller bbox=west,south,east,north");
    }
    segments.push_back({a, two_way});
  }
  // Segments of one OSM way (and direction rule) joined end to end into as
  // few LineStrings as they allow: a feature per road, not per segment.
  std::sort(segments.begin(), segments.end(), [&](const Segment& x, const Segment& y) {
    return std::tie(g.way_id[x.arc], x.two_way, x.arc) < std::tie(g.way_id[y.arc], y.two_way, y.arc);
  });
  nlohmann::json features = nlohmann::json::array();
  std::vector<bool> used(segments.size(), false);
  for (std::size_t begin = 0; begin < segments.size();) {
    auto end = begin;
    while (end < segments.size() && g.way_id[segments[end].arc] == g.way_id[segments[begin].arc] &&
           segments[end].two_way == segments[begin].two_way) {
      ++end;
    }
    const bool two_way = segments[begin].two_way;
    // The unused segment of the group touching node v (leaving it, or
    // arriving at it when the segment may be drawn backwards).
    auto next_from = [&](graph::NodeId v, bool& reversed) -> std::optional<std::size_t> {
      for (auto i = begin; i < end; ++i) {
        if (used[i]) continue;
        const auto arc = segments[i].arc;
        if (g.tail[arc] == v) return reversed = false, i;
        if (two_way && g.head[arc] == v) return reversed = true, i;
      }
      return std::nullopt;
    };
    for (auto start = begin; start < end; ++start) {
      if (used[start]) continue;
      // Walk back to where this chain begins, then forward to its end.
      auto first = start;
      bool first_reversed = false;
      for (std::size_t steps = 0; steps < end - begin; ++steps) {
        const auto arc = segments[first].arc;
        const auto at = first_reversed ? g.head[arc] : g.tail[arc];
        std::optional<std::size_t> before;
        bool before_reversed = false;
        for (auto i = begin; i < end && !before; ++i) {
          if (used[i] || i == first) continue;
          if (g.head[segments[i].arc] == at)
            before = i, before_reversed = false;
          else if (two_way && g.tail[segments[i].arc] == at)
            before = i, before_reversed = true;
        }
        if (!before || *before == start) break;
        first = *before;
        first_reversed = before_reversed;
      }
      nlohmann::json coords = nlohmann::json::array();
      double metres = 0;
      double seconds = 0;
      auto current = std::optional<std::size_t>(first);
      bool reversed = first_reversed;
      while (current) {
        used[*current] = true;
        const auto arc = segments[*current].arc;
        auto shape = g.arc_geometry(arc);
        if (reversed) std::reverse(shape.begin(), shape.end());
        for (std::size_t p = coords.empty() ? 0 : 1; p < shape.size(); ++p)
          coords.push_back({shape[p].lon, shape[p].lat});
        metres += g.length_m[arc];
        seconds += g.time_ms[arc] / 1000.0;
        current = next_from(reversed ? g.tail[arc] : g.head[arc], reversed);
      }
      const auto arc = segments[first].arc;
      features.push_back({{"type", "Feature"},
                          {"geometry", {{"type", "LineString"}, {"coordinates", std::move(coords)}}},
                          {"properties",
                           {{"name", g.name_of(arc)},
                            {"class", g.road_class[arc] < g.class_names.size() ? g.class_names[g.road_class[arc]] : ""},
                            {"oneway", !two_way},
                            {"speed_kmh", seconds > 0 ? std::round(metres / seconds * 36.0) / 10.0 : 0.0}}}});
    }
    begin = end;
  }
  return nlohmann::json{
      {"type", "FeatureCollection"}, {"attribution", "© OpenStreetMap contributors"}, {"features", std::move(features)}}
      .dump();
}

}  // namespace corridor::server

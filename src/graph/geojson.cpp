// The road network as GeoJSON, so that a map needs no tile server.
#include "corridor/graph/geojson.hpp"
#include "corridor/units.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

namespace corridor::graph {

std::optional<std::string> network_geojson(const RoadGraph& g, const BoundingBox& box, std::size_t max_features) {
  // The segments to draw: one arc per segment (the lower-numbered end's of
  // a two-way one), with an end in the box.
  struct Segment {
    ArcId arc;
    bool two_way;
  };
  std::vector<Segment> segments;
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    const auto u = g.tail[a];
    const auto v = g.head[a];
    const auto back = g.find_arc(v, u);
    const bool two_way = back != k_invalid && g.way_id[back] == g.way_id[a];
    if (two_way && u > v) continue;  // drawn with its other direction
    if (!box.contains(g.where(u)) && !box.contains(g.where(v))) continue;
    if (segments.size() == max_features) return std::nullopt;
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
    auto next_from = [&](NodeId v, bool& reversed) -> std::optional<std::size_t> {
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
        seconds += to_seconds(g.time_ms[arc]);
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

}  // namespace corridor::graph

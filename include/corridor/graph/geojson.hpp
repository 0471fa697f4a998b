#pragma once
// The road network as a GeoJSON FeatureCollection (RFC 7946): the map page
// and GET /network.geojson draw it without a tile server.
#include <cstddef>
#include <optional>
#include <string>

#include "corridor/geo/geo.hpp"
#include "corridor/graph/road_graph.hpp"

namespace corridor::graph {

// West, south, east, north in degrees; the whole world by default.
struct BoundingBox {
  double west = -180, south = -90, east = 180, north = 90;
  [[nodiscard]] bool contains(geo::LonLat p) const {
    return p.lon >= west && p.lon <= east && p.lat >= south && p.lat <= north;
  }
};

// One LineString per stretch of an OSM way (its segments joined end to end;
// a two-way road drawn once) with properties {"name", "class", "oneway",
// "speed_kmh"}, for the segments with an end in the box; nullopt when there
// are more than max_features of them.
std::optional<std::string> network_geojson(const RoadGraph& g, const BoundingBox& box, std::size_t max_features);

}  // namespace corridor::graph

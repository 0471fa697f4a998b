// GET /network.geojson: the road network (graph/geojson.hpp), whole or in
// a bbox.
#include <charconv>
#include <string>

#include "corridor/graph/geojson.hpp"
#include "resources.hpp"

namespace corridor::server {

namespace {

constexpr std::size_t k_max_features = 250'000;

graph::BoundingBox parse_bbox(const std::string& text) {
  graph::BoundingBox box;
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

std::string Routes::network_geojson(const Params& params) const {
  graph::BoundingBox box;
  const auto bbox = param(params, "bbox");
  if (bbox) box = parse_bbox(*bbox);
  if (!bbox) {  // the whole map, made once: the graph never changes
    std::call_once(network_once_, [&] { whole_network_ = network_in(box); });
    return whole_network_;
  }
  return network_in(box);
}

std::string Routes::network_in(const graph::BoundingBox& box) const {
  auto text = graph::network_geojson(g_, box, k_max_features);
  if (!text) {
    throw ApiError(ErrorKind::too_big, "more than " + std::to_string(k_max_features) +
                                           " road segments; ask for a smaller bbox=west,south,east,north");
  }
  return std::move(*text);
}

}  // namespace corridor::server

#include "ascii_map.hpp"

#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>

#include <osmium/builder/attr.hpp>
#include <osmium/io/pbf_output.hpp>
#include <osmium/io/writer.hpp>
#include <osmium/memory/buffer.hpp>

namespace corridor::testing {
namespace {
constexpr double k_m_per_degree = geo::k_earth_radius_m * std::numbers::pi / 180.0;
constexpr std::string_view k_letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
}  // namespace

AsciiMap::AsciiMap(const std::string& drawing, double cell_m, geo::LonLat origin) : cell_m_(cell_m), origin_(origin) {
  std::istringstream in(drawing);
  std::string line;
  int row = 0;
  while (std::getline(in, line)) {
    for (int col = 0; col < static_cast<int>(line.size()); ++col) {
      const char c = line[static_cast<std::size_t>(col)];
      if (k_letters.find(c) == std::string_view::npos) continue;
      if (!cells_.emplace(c, std::make_pair(col, row)).second) {
        throw std::invalid_argument(std::string("node '") + c + "' drawn twice");
      }
    }
    ++row;
  }
}

AsciiMap& AsciiMap::way(const std::string& nodes, Tags tags) {
  for (char c : nodes) {
    if (!cells_.count(c)) throw std::invalid_argument(std::string("way uses undrawn node '") + c + "'");
  }
  ways_.push_back({nodes, std::move(tags)});
  return *this;
}

geo::LonLat AsciiMap::offset(char node, double east_m, double south_m) const {
  const auto [col, row] = cells_.at(node);
  const double x = col * cell_m_ + east_m;
  const double y = row * cell_m_ + south_m;
  const double lat = origin_.lat - y / k_m_per_degree;
  const double lon = origin_.lon + x / (k_m_per_degree * std::cos(origin_.lat * std::numbers::pi / 180.0));
  // Round to OSM's fixed-point resolution so the file holds exactly this point.
  return {geo::from_fixed(geo::to_fixed(lon)), geo::from_fixed(geo::to_fixed(lat))};
}

geo::LonLat AsciiMap::where(char node) const { return offset(node, 0, 0); }

std::int64_t AsciiMap::osm_id(char node) {
  const auto i = k_letters.find(node);
  if (i == std::string_view::npos) throw std::invalid_argument("not a node letter");
  return 1000 + static_cast<std::int64_t>(i);
}

std::string AsciiMap::polygon_around(const std::string& nodes, double pad_m) const {
  double min_lon = 1e9, min_lat = 1e9, max_lon = -1e9, max_lat = -1e9;
  for (char c : nodes) {
    const auto lo = offset(c, -pad_m, pad_m);
    const auto hi = offset(c, pad_m, -pad_m);
    min_lon = std::min(min_lon, lo.lon);
    min_lat = std::min(min_lat, lo.lat);
    max_lon = std::max(max_lon, hi.lon);
    max_lat = std::max(max_lat, hi.lat);
  }
  std::ostringstream out;
  out.precision(10);
  out << "[[[" << min_lon << "," << min_lat << "],[" << max_lon << "," << min_lat << "],[" << max_lon << "," << max_lat
      << "],[" << min_lon << "," << max_lat << "],[" << min_lon << "," << min_lat << "]]]";
  return out.str();
}

AsciiMap& AsciiMap::restriction(std::int64_t from, char via, std::int64_t to, const std::string& kind, Tags more) {
  if (!kind.empty()) more.insert(more.begin(), {"restriction", kind});
  more.insert(more.begin(), {"type", "restriction"});
  restrictions_.push_back({from, via, 0, to, std::move(more)});
  return *this;
}

AsciiMap& AsciiMap::restriction_via_way(std::int64_t from, std::int64_t via_way, std::int64_t to,
                                        const std::string& kind) {
  restrictions_.push_back({from, 0, via_way, to, {{"type", "restriction"}, {"restriction", kind}}});
  return *this;
}

std::filesystem::path AsciiMap::write_pbf(const std::filesystem::path& path) const {
  using namespace osmium::builder::attr;
  osmium::memory::Buffer buffer{4096, osmium::memory::Buffer::auto_grow::yes};
  for (const auto& [c, cell] : cells_) {
    const auto p = where(c);
    osmium::builder::add_node(buffer, _id(osm_id(c)), _version(1), _location(osmium::Location{p.lon, p.lat}));
  }
  std::int64_t way_id = 1;
  for (const auto& w : ways_) {
    std::vector<osmium::object_id_type> refs;
    for (char c : w.nodes) refs.push_back(osm_id(c));
    std::vector<std::pair<const char*, const char*>> tags;
    for (const auto& [k, v] : w.tags) tags.emplace_back(k.c_str(), v.c_str());
    osmium::builder::add_way(buffer, _id(way_id++), _version(1), _nodes(refs), _tags(tags));
  }
  std::int64_t relation_id = 1;
  for (const auto& r : restrictions_) {
    std::vector<std::pair<const char*, const char*>> tags;
    for (const auto& [k, v] : r.tags) tags.emplace_back(k.c_str(), v.c_str());
    const auto via = r.via != 0 ? _member(osmium::item_type::node, osm_id(r.via), "via")
                                : _member(osmium::item_type::way, r.via_way, "via");
    osmium::builder::add_relation(buffer, _id(relation_id++), _version(1),
                                  _member(osmium::item_type::way, r.from, "from"), via,
                                  _member(osmium::item_type::way, r.to, "to"), _tags(tags));
  }
  std::filesystem::remove(path);
  osmium::io::Writer writer{path.string()};
  writer(std::move(buffer));
  writer.close();
  return path;
}

nlohmann::json AsciiMap::point_feature(char node, nlohmann::json properties) const {
  const auto p = where(node);
  return {{"type", "Feature"},
          {"geometry", {{"type", "Point"}, {"coordinates", {p.lon, p.lat}}}},
          {"properties", std::move(properties)}};
}

}  // namespace corridor::testing

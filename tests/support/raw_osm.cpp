#include "raw_osm.hpp"

#include <cmath>
#include <optional>
#include <string>

#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

namespace corridor::testing {
namespace {

double haversine(const osmium::Location& a, const osmium::Location& b) {
  const double r = 6371008.8, rad = M_PI / 180;
  const double dlat = (b.lat() - a.lat()) * rad, dlon = (b.lon() - a.lon()) * rad;
  const double h = std::pow(std::sin(dlat / 2), 2) +
                   std::cos(a.lat() * rad) * std::cos(b.lat() * rad) * std::pow(std::sin(dlon / 2), 2);
  return 2 * r * std::asin(std::sqrt(h));
}

struct RawReader : osmium::handler::Handler {
  RawOsm data;

  static std::optional<double> speed(const osmium::TagList& tags) {
    static const std::map<std::string, double> table = {
        {"motorway", 90},     {"trunk", 85},       {"primary", 65},       {"secondary", 55}, {"tertiary", 40},
        {"unclassified", 25}, {"residential", 25}, {"living_street", 10}, {"service", 15}};
    std::string hw = tags.get_value_by_key("highway", "");
    double factor = 1;
    if (hw.size() > 5 && hw.substr(hw.size() - 5) == "_link") {
      hw = hw.substr(0, hw.size() - 5);
      factor = 0.5;
    }
    const auto it = table.find(hw);
    if (it == table.end()) return std::nullopt;
    double kmh = it->second * factor;
    if (const char* ms = tags.get_value_by_key("maxspeed")) {
      char* end = nullptr;
      const double v = std::strtod(ms, &end);
      const std::string unit = end ? std::string(end) : "";
      if (v > 0 && (unit.empty() || unit == " km/h")) kmh = v;
      if (v > 0 && (unit == " mph" || unit == "mph")) kmh = v * 1.609344;
    }
    return kmh;
  }

  void way(const osmium::Way& w) {
    const auto kmh = speed(w.tags());
    if (!kmh) return;
    const std::string oneway = w.tags().get_value_by_key("oneway", "");
    const bool implied = std::string(w.tags().get_value_by_key("highway", "")) == "motorway" ||
                         std::string(w.tags().get_value_by_key("junction", "")) == "roundabout";
    const bool forward = oneway != "-1";
    const bool backward =
        oneway == "-1" || (oneway != "yes" && oneway != "1" && oneway != "true" && !(implied && oneway != "no"));
    const auto& nodes = w.nodes();
    for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
      if (!nodes[i].location().valid() || !nodes[i + 1].location().valid()) continue;
      const double len = haversine(nodes[i].location(), nodes[i + 1].location());
      auto add = [&](std::int64_t a, std::int64_t b) {
        auto [it, fresh] = data.steps.try_emplace({a, b}, RawStep{*kmh, len});
        if (!fresh && len / *kmh < it->second.length_m / it->second.speed_kmh) it->second = RawStep{*kmh, len};
        data.step_ways[{a, b}].push_back(w.id());
      };
      if (forward) add(nodes[i].ref(), nodes[i + 1].ref());
      if (backward) add(nodes[i + 1].ref(), nodes[i].ref());
      data.road_points.emplace_back(nodes[i].location().lon(), nodes[i].location().lat());
    }
  }

  // type=restriction relations over one node that bind cars: the car's
  // own tag, else the general one, unless `except` names cars.
  void relation(const osmium::Relation& r) {
    const auto& tags = r.tags();
    if (std::string(tags.get_value_by_key("type", "")) != "restriction") return;
    std::string kind = tags.get_value_by_key("restriction:motor_vehicle", "");
    if (kind.empty()) kind = tags.get_value_by_key("restriction:motorcar", "");
    if (kind.empty()) kind = tags.get_value_by_key("restriction", "");
    const std::string except = tags.get_value_by_key("except", "");
    if (except.find("motorcar") != std::string::npos || except.find("motor_vehicle") != std::string::npos) return;
    const bool only = kind.rfind("only_", 0) == 0;
    if (!only && kind.rfind("no_", 0) != 0) return;
    std::vector<std::int64_t> from, to, via, via_ways;
    for (const auto& m : r.members()) {
      const std::string role = m.role();
      if (m.type() == osmium::item_type::way && role == "from") from.push_back(m.ref());
      if (m.type() == osmium::item_type::way && role == "to") to.push_back(m.ref());
      if (m.type() == osmium::item_type::node && role == "via") via.push_back(m.ref());
      if (m.type() == osmium::item_type::way && role == "via") via_ways.push_back(m.ref());
    }
    if (via.size() + (via_ways.empty() ? 0 : 1) != 1) return;
    for (auto f : from) {
      for (auto t : to) data.restrictions.push_back({f, via.empty() ? 0 : via[0], t, only, via_ways});
    }
  }
};

}  // namespace

RawOsm read_raw_osm(const std::filesystem::path& pbf) {
  RawReader raw;
  using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
  Index index;
  osmium::handler::NodeLocationsForWays<Index> locations(index);
  locations.ignore_errors();
  osmium::io::Reader reader(
      pbf.string(), osmium::osm_entity_bits::node | osmium::osm_entity_bits::way | osmium::osm_entity_bits::relation);
  osmium::apply(reader, locations, raw);
  reader.close();
  return std::move(raw.data);
}

}  // namespace corridor::testing

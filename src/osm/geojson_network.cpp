// GeoJSON road networks: the form in which national mapping agencies and
// humanitarian GIS teams publish roads that do not come from OSM. Each
// LineString is one road link between its two end nodes (a "noded" network,
// as pgRouting expects): interior positions are shape, not junctions.
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "corridor/error.hpp"
#include "corridor/geo/geo.hpp"
#include "corridor/json.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/units.hpp"

namespace corridor::osm {
namespace {

using nlohmann::json;

constexpr double k_max_travel_time_s = 7 * 24 * 3600;  // fits the graph's 32-bit milliseconds
constexpr double k_max_capacity_vph = 1'000'000;
constexpr std::int64_t k_max_node_id = std::int64_t{1} << 62;

struct Link {
  std::vector<geo::LonLat> points;
  std::optional<std::int64_t> from, to;
  std::int64_t id = 0;
  std::string label;  // ref, else name: what people call the road
  bool forward = true, backward = true;
  std::uint8_t road_class = 0;
  std::optional<double> time_s;  // whole link, may be 0; none: from speed
  double speed_kmh = 0;
  std::uint32_t capacity_vph = 0;
  int lanes = 1;
};

class Parser {
 public:
  Parser(const Profile& profile, std::vector<Problem>& problems) : profile_(profile), problems_(problems) {}

  std::optional<Link> link(const json& f, const std::string& at, std::size_t index, std::uint8_t custom_class) {
    if (!f.is_object() || f.value("type", json()) != "Feature") return fail(at + ".type", "must be \"Feature\"");
    const json& g = f.value("geometry", json());
    if (!g.is_object() || !g.contains("type")) return fail(at + ".geometry", "must be a GeoJSON geometry");
    if (g["type"] != "LineString") {
      return fail(at + ".geometry.type", "a road must be a LineString, got " + g["type"].dump());
    }
    Link l;
    const json& coords = g.value("coordinates", json());
    if (!coords.is_array() || coords.size() < 2) {
      return fail(at + ".geometry.coordinates", "must be an array of at least 2 positions");
    }
    for (std::size_t i = 0; i < coords.size(); ++i) {
      const json& c = coords[i];
      const std::string cp = at + ".geometry.coordinates[" + std::to_string(i) + "]";
      if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number()) {
        return fail(cp, "must be [longitude, latitude] numbers, got " + c.dump());
      }
      geo::LonLat p{c[0].get<double>(), c[1].get<double>()};
      if (!geo::valid(p)) return fail(cp, "is out of range, got " + c.dump());
      l.points.push_back(p);
    }
    const json props = f.value("properties", json::object());
    const std::string pp = at + ".properties";
    if (!props.is_object()) return fail(pp, "must be an object");
    l.id = static_cast<std::int64_t>(index) + 1;
    if (props.contains("id") && props["id"].is_number_integer()) l.id = props["id"].get<std::int64_t>();
    for (const char* key : {"ref", "name"}) {  // the number when there is one, else the name
      if (l.label.empty() && props.contains(key) && props[key].is_string()) l.label = props[key].get<std::string>();
    }
    if (props.contains("from") != props.contains("to")) return fail(pp, "give both from and to, or neither");
    if (props.contains("from")) {
      for (const char* key : {"from", "to"}) {
        if (!props[key].is_number_integer())
          return fail(pp + "." + key, "must be an integer node id, got " + props[key].dump());
      }
      l.from = props["from"].get<std::int64_t>();
      l.to = props["to"].get<std::int64_t>();
      for (const char* key : {"from", "to"}) {
        const auto id = props[key].get<std::int64_t>();
        if (id < 0 || id > k_max_node_id) {
          return fail(pp + "." + key,
                      "must be a node id from 0 to " + std::to_string(k_max_node_id) + ", got " + props[key].dump());
        }
      }
      if (*l.from == *l.to) return fail(pp + ".to", "equals from (" + std::to_string(*l.to) + ")");
    }
    // GeoJSON's oneway forms, also in OSM's spelling for the profile below.
    std::string oneway_tag;
    if (props.contains("oneway")) {
      const json& o = props["oneway"];
      if (o == true || o == "yes" || o == 1 || o == "1" || o == "true") {
        l.backward = false;
        oneway_tag = "yes";
      } else if (o == -1 || o == "-1") {
        l.forward = false;
        oneway_tag = "-1";
      } else if (o == false || o == "no" || o == 0 || o == "0" || o == "false") {
        oneway_tag = "no";
      } else {
        return fail(pp + ".oneway", "must be true, false or -1, got " + o.dump());
      }
    }
    if (props.contains("travel_time_s") || props.contains("capacity_vph")) {
      // A zero travel time is a link of no length (simulators and research
      // tools export them); it still has a capacity per step.
      const auto check = [&](const char* key, bool zero_allowed) {
        const bool ok = props.contains(key) && props[key].is_number() &&
                        (zero_allowed ? props[key].get<double>() >= 0 : props[key].get<double>() > 0);
        if (ok) return true;
        fail(pp + "." + key, std::string(zero_allowed ? "must be a number >= 0" : "must be a positive number") +
                                 " (travel_time_s and capacity_vph go together)" +
                                 (props.contains(key) ? ", got " + props[key].dump() : ""));
        return false;
      };
      if (!check("travel_time_s", true) || !check("capacity_vph", false)) return std::nullopt;
      l.time_s = props["travel_time_s"].get<double>();
      if (*l.time_s > k_max_travel_time_s) {
        return fail(pp + ".travel_time_s", "must be at most " + std::to_string(k_max_travel_time_s) +
                                               " (a week), got " + props["travel_time_s"].dump());
      }
      if (props["capacity_vph"].get<double>() > k_max_capacity_vph) {
        return fail(pp + ".capacity_vph",
                    "must be at most " + std::to_string(k_max_capacity_vph) + ", got " + props["capacity_vph"].dump());
      }
      l.capacity_vph = static_cast<std::uint32_t>(std::lround(props["capacity_vph"].get<double>()));
      l.road_class = custom_class;
      if (props.contains("highway") && props["highway"].is_string()) {
        if (auto c = profile_.class_of(props["highway"].get<std::string>())) l.road_class = *c;
      }
      return l;
    }
    if (!props.contains("highway") || !props["highway"].is_string()) {
      return fail(pp, "needs travel_time_s and capacity_vph, or a highway class");
    }
    // OSM-like properties: let the profile decide as it does for OSM ways.
    std::map<std::string, std::string> tags;
    for (const auto& [k, v] : props.items()) {
      if (v.is_string())
        tags[k] = v.get<std::string>();
      else if (v.is_number())
        tags[k] = v.dump();
    }
    if (!oneway_tag.empty()) tags["oneway"] = oneway_tag;
    auto attributes = evaluate(profile_, &tags, [](const void* t, const char* key) -> const char* {
      const auto& m = *static_cast<const std::map<std::string, std::string>*>(t);
      auto it = m.find(key);
      return it == m.end() ? nullptr : it->second.c_str();
    });
    if (!attributes) {
      return fail(pp + ".highway",
                  "\"" + tags["highway"] + "\" is not a road class of the profile (or access forbids it)");
    }
    l.road_class = attributes->road_class;
    l.speed_kmh = attributes->speed_kmh;
    l.lanes = attributes->lanes;
    l.capacity_vph = attributes->capacity_vph;
    l.forward = attributes->forward;  // oneway, roundabouts, one-way classes
    l.backward = attributes->backward;
    return l;
  }

 private:
  std::nullopt_t fail(const std::string& path, const std::string& message) {
    problems_.push_back({path, message});
    return std::nullopt;
  }
  const Profile& profile_;
  std::vector<Problem>& problems_;
};

struct CoordKey {
  std::int32_t lon, lat;
  bool operator==(const CoordKey&) const = default;
};
struct CoordHash {
  std::size_t operator()(const CoordKey& k) const noexcept {
    return std::hash<std::uint64_t>()((std::uint64_t(std::uint32_t(k.lon)) << 32) | std::uint32_t(k.lat));
  }
};

}  // namespace

RawNetwork read_geojson_network(const std::filesystem::path& path, const Profile& profile) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": no such file or not readable");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_geojson_network(buffer.str(), path.string(), profile);
}

RawNetwork parse_geojson_network(std::string_view text, const std::string& source, const Profile& profile) {
  std::string why;
  auto parsed = corridor::json::try_parse(text, &why);
  if (!parsed) throw FormatError(source + ": not valid JSON: " + why);
  json doc = std::move(*parsed);
  if (!doc.is_object() || doc.value("type", json()) != "FeatureCollection" || !doc.contains("features") ||
      !doc["features"].is_array()) {
    throw ValidationError(source, {{"type", "a road network must be a GeoJSON FeatureCollection"}});
  }

  RawNetwork net;
  net.source_kind = "geojson";
  net.class_names = profile.class_names();
  const auto custom_class = static_cast<std::uint8_t>(net.class_names.size());
  net.class_names.push_back("custom");

  std::vector<Problem> problems;
  Parser parser(profile, problems);
  std::vector<Link> links;
  const json& features = doc["features"];
  for (std::size_t i = 0; i < features.size(); ++i) {
    ++net.stats.ways_read;
    if (auto l = parser.link(features[i], "features[" + std::to_string(i) + "]", i, custom_class)) {
      links.push_back(std::move(*l));
    }
  }
  if (!problems.empty()) throw ValidationError(source, std::move(problems));

  // Nodes: explicit ids first, then end points matched by exact coordinate.
  std::unordered_map<std::int64_t, std::uint32_t> by_id;
  std::unordered_map<CoordKey, std::uint32_t, CoordHash> by_coord;
  std::int64_t next_id = 1;
  for (const auto& l : links) {
    if (l.from) next_id = std::max({next_id, *l.from + 1, *l.to + 1});
  }
  auto node = [&](std::optional<std::int64_t> id, geo::LonLat p, const std::string& at) -> std::uint32_t {
    const CoordKey key{geo::to_fixed(p.lon), geo::to_fixed(p.lat)};
    if (id) {
      auto [it, fresh] = by_id.try_emplace(*id, static_cast<std::uint32_t>(net.node_id.size()));
      if (!fresh) {
        const geo::LonLat known{geo::from_fixed(net.node_lon[it->second]), geo::from_fixed(net.node_lat[it->second])};
        if (geo::distance_m(known, p) > 1.0) {
          problems.push_back({at, "node " + std::to_string(*id) + " is " +
                                      std::to_string(std::lround(geo::distance_m(known, p))) +
                                      " m away from where another feature puts it"});
        }
        return it->second;
      }
      by_coord.try_emplace(key, it->second);
    } else {
      auto it = by_coord.find(key);
      if (it != by_coord.end()) return it->second;
      by_coord.emplace(key, static_cast<std::uint32_t>(net.node_id.size()));
      id = next_id++;
    }
    net.node_id.push_back(*id);
    net.node_lat.push_back(key.lat);
    net.node_lon.push_back(key.lon);
    return static_cast<std::uint32_t>(net.node_id.size() - 1);
  };
  // Explicit ids are registered before coordinate matching so that a bare
  // line ending where an identified node lies joins that node.
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < links.size(); ++i) {
      const bool explicit_ids = links[i].from.has_value();
      if ((pass == 0) != explicit_ids) continue;
      const std::string at = "features[" + std::to_string(i) + "].properties";
      node(links[i].from, links[i].points.front(), at + ".from");
      node(links[i].to, links[i].points.back(), at + ".to");
    }
  }
  if (!problems.empty()) throw ValidationError(source, std::move(problems));

  std::unordered_map<std::string, std::uint32_t> name_index;
  for (const auto& l : links) {
    const auto key_of = [](geo::LonLat p) { return CoordKey{geo::to_fixed(p.lon), geo::to_fixed(p.lat)}; };
    const std::uint32_t u = l.from ? by_id.at(*l.from) : by_coord.at(key_of(l.points.front()));
    const std::uint32_t v = l.to ? by_id.at(*l.to) : by_coord.at(key_of(l.points.back()));
    if (u == v) continue;  // a loop back to its own start: never on a fastest path
    double length = 0;
    for (std::size_t i = 0; i + 1 < l.points.size(); ++i) length += geo::distance_m(l.points[i], l.points[i + 1]);
    RawArc arc;
    arc.length_m = static_cast<float>(length);
    arc.time_ms =
        l.time_s ? static_cast<std::uint32_t>(to_milliseconds(*l.time_s)) : travel_time_ms(length, l.speed_kmh);
    arc.capacity_vph = l.capacity_vph;
    arc.road_class = l.road_class;
    arc.lanes = static_cast<std::uint8_t>(l.lanes);
    arc.way_id = l.id;
    if (!l.label.empty()) {
      auto [it, fresh] = name_index.try_emplace(l.label, static_cast<std::uint32_t>(net.names.size()));
      if (fresh) net.names.push_back(l.label);
      arc.name = it->second;
    }
    ++net.stats.ways_routable;
    auto add = [&](std::uint32_t tail, std::uint32_t head, bool reversed) {
      arc.tail = tail;
      arc.head = head;
      arc.shape_begin = static_cast<std::uint32_t>(net.shape_lat.size());
      for (std::size_t k = 1; k + 1 < l.points.size(); ++k) {
        const auto& p = l.points[reversed ? l.points.size() - 1 - k : k];
        net.shape_lat.push_back(geo::to_fixed(p.lat));
        net.shape_lon.push_back(geo::to_fixed(p.lon));
      }
      arc.shape_end = static_cast<std::uint32_t>(net.shape_lat.size());
      net.arcs.push_back(arc);
    };
    if (l.forward) add(u, v, false);
    if (l.backward) add(v, u, true);
  }
  if (net.arcs.empty()) throw InputError("", source + ": no road in the network");
  return net;
}

}  // namespace corridor::osm

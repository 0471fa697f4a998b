// OSM import: one pass over the file with libosmium. Node locations are kept
// in a FlexMem index (dense or sparse by the ids seen), routable ways are
// evaluated with the profile as they stream by, and the network's nodes are
// exactly the OSM nodes those ways use.
#include <algorithm>
#include <cmath>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include "corridor/error.hpp"
#include "corridor/geo/geo.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/units.hpp"

namespace corridor::osm {
namespace {

const char* way_tag(const void* way, const char* key) {
  return static_cast<const osmium::Way*>(way)->tags().get_value_by_key(key);
}

struct WayCollector : osmium::handler::Handler {
  const Profile& profile;
  RawNetwork& net;
  // Node references of kept ways, flattened; one entry per way in way_begin.
  std::vector<std::int64_t> refs;
  std::vector<std::int32_t> ref_lat, ref_lon;
  struct KeptWay {
    std::int64_t id;
    WayAttributes attributes;
    std::size_t begin, end;
    std::uint32_t name;
  };
  std::vector<KeptWay> ways;
  std::unordered_map<std::string, std::uint32_t> name_index;

  // The road's number ("CG-1", "B 37") when it has one, else its name: how
  // convoy drivers and liaison officers refer to it.
  std::uint32_t intern_name(const osmium::Way& w) {
    const char* ref = w.tags().get_value_by_key("ref");
    const char* name = w.tags().get_value_by_key("name");
    const std::string label = ref ? ref : (name ? name : "");
    if (label.empty()) return 0;
    auto [it, fresh] = name_index.try_emplace(label, static_cast<std::uint32_t>(net.names.size()));
    if (fresh) net.names.push_back(label);
    return it->second;
  }

  WayCollector(const Profile& p, RawNetwork& n) : profile(p), net(n) {}

  void way(const osmium::Way& w) {
    ++net.stats.ways_read;
    auto attributes = evaluate(profile, &w, way_tag);
    if (!attributes) return;
    ++net.stats.ways_routable;
    const std::size_t begin = refs.size();
    for (const auto& nr : w.nodes()) {
      refs.push_back(nr.ref());
      if (nr.location().valid()) {
        ref_lat.push_back(nr.location().y());
        ref_lon.push_back(nr.location().x());
      } else {
        ++net.stats.missing_nodes;
        ref_lat.push_back(INT32_MIN);  // marks a node without location
        ref_lon.push_back(INT32_MIN);
      }
    }
    ways.push_back({w.id(), *attributes, begin, refs.size(), intern_name(w)});
  }

  // Turn restrictions for motor vehicles (a walker turns where he likes):
  // the vehicle-specific tag first, then the general one; a restriction
  // that excepts motor vehicles, or is conditional only, is not theirs.
  void relation(const osmium::Relation& r) {
    if (profile.mode == Mode::foot) return;
    const auto& tags = r.tags();
    const char* type = tags.get_value_by_key("type");
    if (type == nullptr || std::string_view(type) != "restriction") return;
    const char* kind = tags.get_value_by_key("restriction:motor_vehicle");
    if (kind == nullptr) kind = tags.get_value_by_key("restriction:motorcar");
    if (kind == nullptr) kind = tags.get_value_by_key("restriction");
    if (kind == nullptr) return;
    const std::string_view k(kind);
    const bool only = k.starts_with("only_");
    if (!only && !k.starts_with("no_")) return;
    if (const char* except = tags.get_value_by_key("except")) {
      const std::string_view e(except);
      if (e.find("motorcar") != std::string_view::npos || e.find("motor_vehicle") != std::string_view::npos) return;
    }
    std::vector<std::int64_t> from, to, via_ways;
    std::int64_t via_node = 0;
    for (const auto& m : r.members()) {
      const std::string_view role = m.role();
      if (m.type() == osmium::item_type::way && role == "from") from.push_back(m.ref());
      if (m.type() == osmium::item_type::way && role == "to") to.push_back(m.ref());
      if (m.type() == osmium::item_type::node && role == "via") via_node = m.ref();
      if (m.type() == osmium::item_type::way && role == "via") via_ways.push_back(m.ref());
    }
    if (from.empty() || to.empty() || (via_node == 0) == via_ways.empty()) return;
    ++net.stats.restrictions_read;
    if (!via_ways.empty()) ++net.stats.restrictions_via_way;
    for (auto f : from) {
      for (auto t : to) net.restrictions.push_back({f, via_node, via_ways, t, only});
    }
  }
};

void build_arcs(WayCollector& c, RawNetwork& net) {
  // Dense node ids: the sorted distinct OSM ids that have a location.
  std::vector<std::int64_t> ids;
  ids.reserve(c.refs.size());
  for (std::size_t i = 0; i < c.refs.size(); ++i) {
    if (c.ref_lat[i] != INT32_MIN) ids.push_back(c.refs[i]);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  net.node_id = ids;
  net.node_lat.assign(ids.size(), 0);
  net.node_lon.assign(ids.size(), 0);
  auto index_of = [&](std::int64_t id) {
    return static_cast<std::uint32_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
  };
  for (std::size_t i = 0; i < c.refs.size(); ++i) {
    if (c.ref_lat[i] == INT32_MIN) continue;
    const auto n = index_of(c.refs[i]);
    net.node_lat[n] = c.ref_lat[i];
    net.node_lon[n] = c.ref_lon[i];
  }

  for (const auto& w : c.ways) {
    const auto& a = w.attributes;
    for (std::size_t i = w.begin; i + 1 < w.end; ++i) {
      // A missing node splits the way: its neighbours are not joined.
      if (c.ref_lat[i] == INT32_MIN || c.ref_lat[i + 1] == INT32_MIN) continue;
      if (c.refs[i] == c.refs[i + 1]) continue;  // repeated node
      const auto u = index_of(c.refs[i]);
      const auto v = index_of(c.refs[i + 1]);
      const double length = geo::distance_m({geo::from_fixed(c.ref_lon[i]), geo::from_fixed(c.ref_lat[i])},
                                            {geo::from_fixed(c.ref_lon[i + 1]), geo::from_fixed(c.ref_lat[i + 1])});
      RawArc arc;
      arc.time_ms = travel_time_ms(length, a.speed_kmh);
      arc.length_m = static_cast<float>(length);
      arc.capacity_vph = a.capacity_vph;
      arc.road_class = a.road_class;
      arc.lanes = static_cast<std::uint8_t>(a.lanes);
      arc.way_id = w.id;
      arc.name = w.name;
      if (a.forward) {
        arc.tail = u;
        arc.head = v;
        net.arcs.push_back(arc);
      }
      if (a.backward) {
        arc.tail = v;
        arc.head = u;
        net.arcs.push_back(arc);
      }
    }
  }
}

}  // namespace

std::uint32_t travel_time_ms(double length_m, double speed_kmh) {
  const double ms = travel_ms(length_m, speed_kmh);
  if (length_m <= 0) return 0;
  return static_cast<std::uint32_t>(std::max(1.0, std::round(ms)));
}

RawNetwork read_osm(const std::filesystem::path& path, const Profile& profile, const Progress& progress) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(path.string() + ": no such file");
  if (!std::filesystem::is_regular_file(path, ec)) throw IoError(path.string() + ": not a regular file");
  RawNetwork net;
  net.source_kind = "osm";
  net.class_names = profile.class_names();
  WayCollector collector(profile, net);
  using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
  Index index;
  osmium::handler::NodeLocationsForWays<Index> locations(index);
  locations.ignore_errors();  // a way whose nodes are missing is split, not fatal
  try {
    osmium::io::Reader reader(osmium::io::File(path.string()), osmium::osm_entity_bits::node |
                                                                   osmium::osm_entity_bits::way |
                                                                   osmium::osm_entity_bits::relation);
    const auto size = static_cast<double>(std::max<std::size_t>(1, reader.file_size()));
    while (osmium::memory::Buffer buffer = reader.read()) {
      osmium::apply(buffer, locations, collector);
      if (progress) progress(static_cast<double>(reader.offset()) / size);
    }
    reader.close();
  } catch (const std::system_error& e) {
    throw IoError(path.string() + ": cannot read: " + e.what());
  } catch (const std::exception& e) {
    throw FormatError(path.string() + ": not a valid OSM file: " + e.what());
  }
  build_arcs(collector, net);
  if (net.arcs.empty()) {
    throw InputError("",
                     path.string() +
                         (profile.mode == Mode::foot ? ": no way walkable" : ": no road routable by motor vehicles") +
                         " (read " + std::to_string(net.stats.ways_read) + " ways)");
  }
  return net;
}

RawNetwork read_network(const std::filesystem::path& path, const Profile& profile, const Progress& progress,
                        const MatsimOptions& matsim) {
  const std::string name = path.filename().string();
  if (name.ends_with(".geojson") || name.ends_with(".json")) return read_geojson_network(path, profile);
  if (name.ends_with(".xml") || name.ends_with(".xml.gz")) return read_matsim_network(path, profile, matsim);
  return read_osm(path, profile, progress);
}

}  // namespace corridor::osm

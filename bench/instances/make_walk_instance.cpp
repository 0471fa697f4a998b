// Generates the city-scale pedestrian evacuation instance of bench/instances
// (README.md there) from a corridor graph of a real OSM extract:
//
//   make_walk_instance MAP.graph OUT_DIR [--junctions N] [--origins N]
//                      [--destinations N] [--seed S]
//
// writes OUT_DIR/network.geojson (a GeoJSON road network for people on
// foot: one two-way link per road between junctions, travel times rounded
// to whole 10 s steps, capacities as pedestrian flows) and
// OUT_DIR/scenario.geojson (origins holding people at random junctions,
// destinations on the rim, 10 s steps). Deterministic for a given graph and
// seed: the same files every time.
//
// Pedestrian figures: walking speed 1.34 m/s (Weidmann 1993, free walking
// speed of pedestrians on the level) and a maximum specific flow of
// 1.33 persons per metre of effective width per second (Fruin 1971; the
// SFPE Handbook's 1.3 P/(m s)), over an effective width per direction that
// grows with the road's class (below).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/geo/geo.hpp"
#include "corridor/graph/graph_file.hpp"

namespace {

using corridor::graph::NodeId;
using corridor::graph::RoadGraph;
using Json = nlohmann::json;

constexpr double k_walk_m_per_s = 1.34;
constexpr double k_persons_per_m_s = 1.33;
constexpr double k_step_s = 10;

// Effective walking width per direction in metres by road class; 0: no
// pedestrians (motorways and trunk roads).
double walk_width_m(const std::string& road_class) {
  if (road_class.starts_with("motorway") || road_class.starts_with("trunk")) return 0;
  if (road_class.starts_with("primary") || road_class.starts_with("secondary")) return 2.0;
  if (road_class.starts_with("tertiary")) return 1.5;
  return 1.0;  // residential, unclassified, service, living streets
}

struct Link {
  NodeId from = 0;
  NodeId to = 0;
  std::vector<NodeId> nodes;  // from .. to
  double length_m = 0;
  double width_m = 0;  // the narrowest of its segments
  std::string road_class;
};

struct Options {
  std::size_t junctions = 6300;
  std::size_t origins = 4000;
  std::size_t destinations = 90;
  std::uint64_t seed = 20221205;
};

// The walkable roads as an undirected simple graph: neighbours per node
// with the arc that joins them.
std::vector<std::map<NodeId, std::uint32_t>> walkable(const RoadGraph& g) {
  std::vector<std::map<NodeId, std::uint32_t>> near(g.node_count());
  for (std::uint32_t a = 0; a < g.arc_count(); ++a) {
    if (walk_width_m(g.class_names.at(g.road_class[a])) <= 0 || g.tail[a] == g.head[a]) continue;
    near[g.tail[a]].try_emplace(g.head[a], a);
    near[g.head[a]].try_emplace(g.tail[a], a);
  }
  return near;
}

// Roads between junctions (nodes without exactly two neighbours), each once.
std::vector<Link> links_of(const RoadGraph& g, const std::vector<std::map<NodeId, std::uint32_t>>& near,
                           const std::vector<bool>& keep) {
  auto junction = [&](NodeId v) { return near[v].size() != 2; };
  std::vector<Link> links;
  for (NodeId u = 0; u < g.node_count(); ++u) {
    if (!keep[u] || !junction(u)) continue;
    for (const auto& [first, arc0] : near[u]) {
      if (!keep[first]) continue;
      Link l;
      l.nodes = {u};
      l.width_m = 1e9;
      NodeId previous = u, v = first;
      std::uint32_t arc = arc0;
      while (true) {
        l.nodes.push_back(v);
        l.length_m += g.length_m[arc];
        const auto& cls = g.class_names.at(g.road_class[arc]);
        if (walk_width_m(cls) < l.width_m) {
          l.width_m = walk_width_m(cls);
          l.road_class = cls;
        }
        if (junction(v) || !keep[v] || v == u) break;
        const auto next = near[v].begin()->first == previous ? std::next(near[v].begin()) : near[v].begin();
        previous = v;
        v = next->first;
        arc = next->second;
      }
      l.from = u;
      l.to = v;
      if (!keep[v] || !junction(v) || v == u) continue;  // cut by the region, or a loop
      if (g.node_id[u] > g.node_id[v]) continue;         // each road from its end with the smaller id
      links.push_back(std::move(l));
    }
  }
  // Of two roads between the same junctions the shorter one (a plan names
  // nodes, so two links between one pair would be ambiguous).
  std::map<std::pair<NodeId, NodeId>, std::size_t> shortest;
  for (std::size_t i = 0; i < links.size(); ++i) {
    const auto [it, fresh] = shortest.try_emplace({links[i].from, links[i].to}, i);
    if (!fresh && links[i].length_m < links[it->second].length_m) it->second = i;
  }
  std::vector<Link> kept;
  for (const auto& [ends, i] : shortest) kept.push_back(std::move(links[i]));
  return kept;
}

Json point(const RoadGraph& g, NodeId v) {
  const auto p = g.where(v);
  return {{"type", "Point"}, {"coordinates", {p.lon, p.lat}}};
}

int run(const std::filesystem::path& map, const std::filesystem::path& out, const Options& o) {
  const RoadGraph g = corridor::graph::read_graph(map);
  const auto near = walkable(g);

  // The region: the junctions nearest the extract's busiest point (the
  // node with the most walkable roads within 1 km is expensive; the median
  // of the walkable nodes' coordinates serves), grown until it holds about
  // o.junctions junctions.
  std::vector<NodeId> nodes;
  for (NodeId v = 0; v < g.node_count(); ++v) {
    if (!near[v].empty()) nodes.push_back(v);
  }
  std::vector<std::int32_t> lons, lats;
  for (auto v : nodes) {
    lons.push_back(g.lon[v]);
    lats.push_back(g.lat[v]);
  }
  std::nth_element(lons.begin(), lons.begin() + static_cast<long>(lons.size() / 2), lons.end());
  std::nth_element(lats.begin(), lats.begin() + static_cast<long>(lats.size() / 2), lats.end());
  const corridor::geo::LonLat centre{corridor::geo::from_fixed(lons[lons.size() / 2]),
                                     corridor::geo::from_fixed(lats[lats.size() / 2])};
  std::vector<std::pair<double, NodeId>> by_distance;
  for (auto v : nodes) by_distance.emplace_back(corridor::geo::distance_m(centre, g.where(v)), v);
  std::sort(by_distance.begin(), by_distance.end());
  std::vector<bool> keep(g.node_count(), false);
  std::size_t junctions = 0;
  double radius_m = 0;
  for (const auto& [d, v] : by_distance) {
    if (junctions >= o.junctions) break;
    keep[v] = true;
    radius_m = d;
    if (near[v].size() != 2) ++junctions;
  }

  auto links = links_of(g, near, keep);
  // The largest connected part of the region.
  std::map<NodeId, std::vector<std::size_t>> at;
  for (std::size_t i = 0; i < links.size(); ++i) {
    at[links[i].from].push_back(i);
    at[links[i].to].push_back(i);
  }
  std::map<NodeId, int> part;
  int parts = 0, best = -1;
  std::size_t best_size = 0;
  for (const auto& [v, unused] : at) {
    if (part.contains(v)) continue;
    std::vector<NodeId> stack{v};
    part[v] = parts;
    std::size_t size = 0;
    while (!stack.empty()) {
      const NodeId u = stack.back();
      stack.pop_back();
      ++size;
      for (auto i : at[u]) {
        for (NodeId w : {links[i].from, links[i].to}) {
          if (part.try_emplace(w, parts).second) stack.push_back(w);
        }
      }
    }
    if (size > best_size) {
      best_size = size;
      best = parts;
    }
    ++parts;
  }
  std::erase_if(links, [&](const Link& l) { return part[l.from] != best; });
  std::vector<NodeId> region;
  for (const auto& [v, p] : part) {
    if (p == best) region.push_back(v);
  }

  // Destinations: in each of o.destinations equal angular sectors around
  // the centre, the region's junction farthest from it (reception points
  // on the rim). Each takes 9 % more than its share of the people, so the
  // nearest ones fill up and who walks where matters. Origins: random
  // other junctions, 1 to 14 people each.
  std::vector<NodeId> destinations;
  {
    std::vector<std::pair<double, NodeId>> farthest(o.destinations, {-1.0, 0});
    for (auto v : region) {
      const auto p = g.where(v);
      const double angle = std::atan2(p.lat - centre.lat, (p.lon - centre.lon) * std::cos(centre.lat * M_PI / 180));
      auto sector = static_cast<std::size_t>((angle + M_PI) / (2 * M_PI) * static_cast<double>(o.destinations));
      sector = std::min(sector, o.destinations - 1);
      const double d = corridor::geo::distance_m(centre, p);
      if (d > farthest[sector].first) farthest[sector] = {d, v};
    }
    for (const auto& [d, v] : farthest) {
      if (d >= 0) destinations.push_back(v);
    }
  }
  std::mt19937_64 rng(o.seed);
  std::vector<NodeId> candidates;
  for (auto v : region) {
    if (std::find(destinations.begin(), destinations.end(), v) == destinations.end()) candidates.push_back(v);
  }
  for (std::size_t i = 0; i + 1 < candidates.size(); ++i) {  // Fisher-Yates on the raw generator: portable
    const auto j = i + static_cast<std::size_t>(rng() % (candidates.size() - i));
    std::swap(candidates[i], candidates[j]);
  }
  candidates.resize(std::min(candidates.size(), o.origins));
  std::sort(candidates.begin(), candidates.end(), [&](NodeId a, NodeId b) { return g.node_id[a] < g.node_id[b]; });

  Json network = {{"type", "FeatureCollection"}, {"features", Json::array()}};
  std::size_t zero_time = 0;
  for (const auto& l : links) {
    Json coords = Json::array();
    for (auto v : l.nodes) coords.push_back({g.where(v).lon, g.where(v).lat});
    const double seconds = std::round(l.length_m / k_walk_m_per_s / k_step_s) * k_step_s;
    if (seconds == 0) ++zero_time;
    const auto capacity = static_cast<std::int64_t>(std::llround(l.width_m * k_persons_per_m_s * 3600));
    network["features"].push_back({{"type", "Feature"},
                                   {"geometry", {{"type", "LineString"}, {"coordinates", coords}}},
                                   {"properties",
                                    {{"from", g.node_id[l.from]},
                                     {"to", g.node_id[l.to]},
                                     {"travel_time_s", seconds},
                                     {"capacity_vph", capacity},
                                     {"highway", l.road_class}}}});
  }
  Json scenario = {{"type", "FeatureCollection"},
                   {"corridor",
                    {{"name", "Heidelberg on foot: city-scale pedestrian evacuation (generated)"},
                     {"map", "network.geojson"},
                     {"start", "2022-03-05T08:00:00+01:00"},
                     {"timezone", "Europe/Berlin"},
                     {"horizon_hours", 4},
                     {"time_step_s", static_cast<int>(k_step_s)},
                     {"parties", {{{"id", "M"}, {"name", "Mediator"}, {"role", "mediator"}}}},
                     {"rules", Json::array()}}},
                   {"features", Json::array()}};
  std::int64_t people = 0;
  for (auto v : candidates) {
    const auto n = static_cast<std::int64_t>(1 + rng() % 14);
    people += n;
    scenario["features"].push_back({{"type", "Feature"},
                                    {"geometry", point(g, v)},
                                    {"properties",
                                     {{"kind", "origin"},
                                      {"id", "o" + std::to_string(g.node_id[v])},
                                      {"people", n},
                                      {"persons_per_vehicle", 1}}}});
  }
  const auto room = people * 109 / 100 / static_cast<std::int64_t>(destinations.size()) + 1;
  for (auto v : destinations) {
    scenario["features"].push_back({{"type", "Feature"},
                                    {"geometry", point(g, v)},
                                    {"properties",
                                     {{"kind", "destination"},
                                      {"id", "d" + std::to_string(g.node_id[v])},
                                      {"capacity", room},
                                      {"controlled_by", "M"}}}});
  }
  std::filesystem::create_directories(out);
  std::ofstream(out / "network.geojson") << network.dump() << '\n';
  std::ofstream(out / "scenario.geojson") << scenario.dump(1) << '\n';
  std::cerr << "make_walk_instance: " << region.size() << " junctions within " << std::lround(radius_m) << " m, "
            << links.size() << " two-way links (" << zero_time << " of 0 s), " << candidates.size() << " origins with "
            << people << " people, " << destinations.size() << " destinations -> " << out.string() << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: make_walk_instance MAP.graph OUT_DIR [--junctions N] [--origins N] [--destinations N] "
                 "[--seed S]\n";
    return 2;
  }
  Options o;
  try {
    for (int i = 3; i + 1 < argc; i += 2) {
      const std::string flag = argv[i];
      const auto value = std::stoull(argv[i + 1]);
      if (flag == "--junctions")
        o.junctions = value;
      else if (flag == "--origins")
        o.origins = value;
      else if (flag == "--destinations")
        o.destinations = std::max<std::size_t>(1, value);
      else if (flag == "--seed")
        o.seed = value;
      else
        throw std::invalid_argument("unknown option " + flag);
    }
    return run(argv[1], argv[2], o);
  } catch (const std::exception& e) {
    std::cerr << "make_walk_instance: " << e.what() << '\n';
    return 2;
  }
}

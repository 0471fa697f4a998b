// corridor route MAP --from LON,LAT --to LON,LAT [--scenario S] [--at T] [--algorithm A]
// corridor route MAP --pairs PAIRS.csv -o OUT.csv [--scenario S] [--at T] [--algorithm A]
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/route/router.hpp"
#include "corridor/scenario/overlay.hpp"
#include "corridor/units.hpp"

namespace corridor::cli {
namespace {

struct RouteOptions {
  std::string map;
  std::string from;
  std::string to;
  std::string scenario;
  std::string at;
  double max_snap_m = 1000;
  std::string geojson;
  bool summary = false;
  std::string algorithm = "cch";
  std::string pairs;
  std::string output;
};

// One line for people: "6.9 km in 7 min 3 s ...".
void print_summary(const nlohmann::json& out) {
  std::string line;
  if (out["code"] == "Ok") {
    const auto s = static_cast<long>(std::lround(out["duration_s"].get<double>()));
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "route: %.1f km in %ld min %02ld s through %zu OSM nodes",
                  to_kilometres(out["distance_m"].get<double>()), s / 60, s % 60, out["path"].size());
    line = buffer;
  } else {
    line = "route: NoRoute";
  }
  if (out.contains("closures")) {
    line += out["closures"].empty() ? "; nothing closed at " + out["at"].get<std::string>()
                                    : "; avoiding at " + out["at"].get<std::string>() + ":";
    for (const auto& c : out["closures"]) {
      line += " " + c["kind"].get<std::string>() + " " + c["id"].get<std::string>() + " (" +
              std::to_string(c["closed_arcs"].get<unsigned>()) + " road segments, " + c["reason"].get<std::string>() +
              ")";
    }
  }
  std::fprintf(stderr, "%s\n", line.c_str());
}

// The route and the areas that closed roads, as a GeoJSON FeatureCollection
// for QGIS, geojson.io or any web map.
void write_geojson(const std::string& path, const nlohmann::json& route_out, const scenario::Scenario* sc,
                   const scenario::Closures* closures) {
  nlohmann::json features = nlohmann::json::array();
  if (route_out.contains("geometry")) {
    features.push_back(
        {{"type", "Feature"},
         {"geometry", route_out["geometry"]},
         {"properties",
          {{"kind", "route"}, {"duration_s", route_out["duration_s"]}, {"distance_m", route_out["distance_m"]}}}});
  }
  if (sc && closures) {
    auto add_area = [&](const std::string& kind, const std::string& id, const geo::Area& area) {
      for (const auto& c : closures->causes) {
        if (scenario::to_string(c.kind) == kind && c.id == id) {
          features.push_back(
              {{"type", "Feature"},
               {"geometry", geo::to_geojson(area)},
               {"properties", {{"kind", kind}, {"id", id}, {"reason", c.reason}, {"closed_arcs", c.arcs}}}});
        }
      }
    };
    for (const auto& h : sc->hazards) add_area("hazard", h.id, h.area);
    for (const auto& c : sc->ceasefires) add_area("ceasefire", c.id, c.area);
    for (const auto& a : sc->areas) add_area("area", a.id, a.area);
  }
  const nlohmann::json doc = {
      {"type", "FeatureCollection"}, {"attribution", "© OpenStreetMap contributors"}, {"features", features}};
  std::ofstream out(path);
  out << doc.dump() << "\n";
  if (!out) throw IoError(path + ": cannot write");
}

graph::SegmentSnap snap(const graph::SpatialIndex& index, const std::string& option, geo::LonLat p, double max_snap_m) {
  std::string why;
  if (auto s = scenario::snap_segment(index, p, max_snap_m, &why)) return *s;
  throw InputError(option, why + " (--max-snap-m)");
}

// Where a point landed: the point on the segment, the segment by its OSM
// nodes and way, and how far along it (0 at from_node, 1 at to_node).
nlohmann::json snap_json(const graph::RoadGraph& g, const graph::SegmentSnap& s) {
  nlohmann::json out = {{"location", {s.point.lon, s.point.lat}},
                        {"distance_m", s.distance_m},
                        {"segment",
                         {{"from_node", g.node_id[g.tail[s.arc]]},
                          {"to_node", g.node_id[g.head[s.arc]]},
                          {"way", g.way_id[s.arc]},
                          {"name", g.name_of(s.arc)},
                          {"two_way", s.reverse != graph::k_invalid},
                          {"fraction", s.fraction}}}};
  // On a segment's end (past it, or on the node): the route starts there.
  if (s.fraction <= 0 || s.fraction >= 1) out["node"] = g.node_id[s.nearer_node(g)];
  return out;
}

route::Algorithm algorithm(const RouteOptions& o) {
  const auto a = route::parse_algorithm(o.algorithm);
  if (!a) throw InputError("--algorithm", "must be cch, alt or dijkstra, got \"" + o.algorithm + "\"");
  return *a;
}

// The roads the scenario closes at --at (its start by default), with their
// causes in out["closures"]; nullopt without --scenario.
std::optional<scenario::Closures> closures_at(const graph::RoadGraph& g, const graph::SpatialIndex& index,
                                              const RouteOptions& o, std::optional<scenario::Scenario>& sc,
                                              nlohmann::json& out) {
  if (o.scenario.empty()) {
    if (!o.at.empty()) throw InputError("--at", "needs --scenario: the time selects which of its closures apply");
    return std::nullopt;
  }
  sc = scenario::load_scenario(o.scenario);
  const scenario::Overlay overlay(g, index, *sc, o.max_snap_m);
  std::string why;
  const auto at = overlay.instant(o.at, &why);
  if (!at) throw InputError("--at", why + ", got \"" + o.at + "\"");
  auto closures = overlay.closures_at(*at);
  out["at"] = geo::format_utc(*at);
  nlohmann::json causes = nlohmann::json::array();
  for (const auto& c : closures.causes) {
    causes.push_back(
        {{"kind", scenario::to_string(c.kind)}, {"id", c.id}, {"reason", c.reason}, {"closed_arcs", c.arcs}});
  }
  out["closures"] = causes;
  return closures;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Reads one number of a pairs file's line; throws naming the line and column.
double pair_number(const std::string& file, std::size_t line, const std::string& text, int column) {
  static const char* k_names[] = {"from_lon", "from_lat", "to_lon", "to_lat"};
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    const bool lon = column % 2 == 0;
    if (used == text.size() && std::isfinite(v) && std::abs(v) <= (lon ? 180 : 90)) return v;
  } catch (const std::exception&) {
  }
  throw InputError("--pairs", file + " line " + std::to_string(line) + ": " + k_names[column] + " must be a " +
                                  (column % 2 == 0 ? "longitude" : "latitude") + " in degrees, got \"" + text + "\"");
}

// Many routes in one process: a CSV of from_lon,from_lat,to_lon,to_lat (a
// header line is allowed) to a CSV of duration_s,distance_m,code per pair.
int run_pairs(const RouteOptions& o) {
  if (!o.from.empty() || !o.to.empty()) throw InputError("--pairs", "give either --pairs or --from and --to");
  if (o.output.empty()) throw InputError("-o", "--pairs needs -o OUT.csv for the answers");
  if (!o.geojson.empty() || o.summary) throw InputError("--pairs", "--geojson and --summary are for one route");
  const auto method = algorithm(o);
  std::ifstream in(o.pairs);
  if (!in) throw IoError(o.pairs + ": cannot read the pairs");
  std::vector<std::array<double, 4>> pairs;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (number == 1 && line.find_first_of("0123456789") != 0 && line.front() != '-')) continue;
    std::array<double, 4> p{};
    std::size_t start = 0;
    for (int c = 0; c < 4; ++c) {
      const auto comma = line.find(',', start);
      if (c < 3 && comma == std::string::npos)
        throw InputError("--pairs", o.pairs + " line " + std::to_string(number) +
                                        ": needs four numbers from_lon,from_lat,to_lon,to_lat, got \"" + line + "\"");
      p[static_cast<std::size_t>(c)] =
          pair_number(o.pairs, number, line.substr(start, c < 3 ? comma - start : std::string::npos), c);
      start = comma + 1;
    }
    pairs.push_back(p);
  }
  auto started = std::chrono::steady_clock::now();
  const auto g = graph::read_graph(o.map);
  const graph::SpatialIndex index(g);
  nlohmann::json ignored;
  std::optional<scenario::Scenario> sc;
  const auto closures = closures_at(g, index, o, sc, ignored);
  std::fprintf(stderr, "corridor route: loaded %s (%u nodes, %zu forbidden turns) in %.2f s\n", o.map.c_str(),
               g.node_count(), g.turn_from.size(), seconds_since(started));
  route::Router router(g, method, closures ? &closures->closed : nullptr);
  std::fprintf(stderr, "corridor route: %s: preprocessing %.1f ms, customisation %.1f ms, %.0f bytes per node\n",
               std::string(route::to_string(method)).c_str(), router.preprocessing_ms(), router.customization_ms(),
               router.bytes_per_node());
  // Snap every point first: only the queries are timed.
  struct Ends {
    std::optional<graph::SegmentSnap> from, to;
  };
  std::vector<Ends> ends;
  ends.reserve(pairs.size());
  for (const auto& p : pairs) {
    ends.push_back(
        {index.nearest_segment({p[0], p[1]}, o.max_snap_m), index.nearest_segment({p[2], p[3]}, o.max_snap_m)});
  }
  std::vector<route::Route> routes(pairs.size());
  std::size_t queries = 0;
  started = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (!ends[i].from || !ends[i].to) continue;
    routes[i] = router.run(*ends[i].from, *ends[i].to);
    ++queries;
  }
  const double query_s = seconds_since(started);
  std::ostringstream csv;
  csv << "duration_s,distance_m,code\n";
  char row[96];
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (!ends[i].from || !ends[i].to) {
      csv << ",,NoSegment\n";
    } else if (!routes[i].found) {
      csv << ",,NoRoute\n";
    } else {
      std::snprintf(row, sizeof row, "%.3f,%.1f,Ok\n", to_seconds(routes[i].time_ms), routes[i].length_m);
      csv << row;
    }
  }
  write_text(o.output, csv.str());
  std::fprintf(stderr, "%zu queries, mean %.1f us per query\n", queries,
               queries == 0 ? 0.0 : query_s * 1e6 / static_cast<double>(queries));
  return k_exit_ok;
}

int run_route(const RouteOptions& o) {
  if (!o.pairs.empty()) return run_pairs(o);
  if (o.from.empty() || o.to.empty()) throw InputError("--from", "--from and --to are required (or --pairs)");
  if (!o.output.empty()) throw InputError("-o", "is for --pairs; one route goes to stdout");
  const auto from = parse_lon_lat("--from", o.from);
  const auto to = parse_lon_lat("--to", o.to);
  if (!(o.max_snap_m > 0)) throw InputError("--max-snap-m", "must be positive, got " + std::to_string(o.max_snap_m));
  const auto g = graph::read_graph(o.map);
  const graph::SpatialIndex index(g);
  const auto s = snap(index, "--from", from, o.max_snap_m);
  const auto t = snap(index, "--to", to, o.max_snap_m);

  nlohmann::json out;
  std::optional<scenario::Scenario> sc;
  const auto closures = closures_at(g, index, o, sc, out);

  route::Router router(g, algorithm(o), closures ? &closures->closed : nullptr);
  const auto r = router.run(s, t);
  out["snap"] = {{"from", snap_json(g, s)}, {"to", snap_json(g, t)}};
  if (!r.found) {
    out["code"] = "NoRoute";
    out["message"] = closures ? "no route between the snapped points avoids the roads the scenario closes"
                              : "no route between the snapped points";
    if (!o.geojson.empty()) write_geojson(o.geojson, out, sc ? &*sc : nullptr, closures ? &*closures : nullptr);
    if (o.summary) print_summary(out);
    std::cout << out.dump(2) << "\n";
    return k_exit_no_route;
  }
  nlohmann::json path = nlohmann::json::array();
  nlohmann::json coords = nlohmann::json::array();
  for (auto v : route::route_nodes(g, r)) path.push_back(g.node_id[v]);
  for (const auto& p : route::route_points(g, r)) coords.push_back({p.lon, p.lat});
  if (coords.size() == 1) coords.push_back(coords.front());  // RFC 7946: a LineString has two positions
  out["code"] = "Ok";
  out["duration_s"] = to_seconds(r.time_ms);
  out["distance_m"] = r.length_m;
  out["path"] = path;
  out["roads"] = g.road_names(r.arcs);
  out["geometry"] = {{"type", "LineString"}, {"coordinates", coords}};
  out["attribution"] = "© OpenStreetMap contributors";
  if (!o.geojson.empty()) write_geojson(o.geojson, out, sc ? &*sc : nullptr, closures ? &*closures : nullptr);
  if (o.summary) print_summary(out);
  std::cout << out.dump(2) << "\n";
  return k_exit_ok;
}

}  // namespace

void add_route_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<RouteOptions>();
  auto* cmd = app.add_subcommand(
      "route",
      "The fastest route by free-flow travel time, as JSON on stdout, making no turn the map's OSM turn\n"
      "restrictions forbid (docs/routing.md). With --scenario, the roads it closes at --at (default: its\n"
      "start) are avoided: active hazards, ceasefire roads outside their windows, areas and checkpoints\n"
      "any party's rules forbid.\n"
      "Exit code 3 with \"code\": \"NoRoute\" when no route exists. With --pairs, a file of pairs in one\n"
      "process: stderr's last line says \"N queries, mean X us per query\" (loading and preparation apart).\n"
      "Example: corridor route andorra.graph --from 1.5218,42.5063 --to 1.4599,42.4410 \\\n"
      "           --scenario andorra-exercise.geojson --at 2022-03-05T12:00:00+01:00\n"
      "         corridor route milan.graph --pairs pairs.csv -o answers.csv --algorithm cch");
  cmd->add_option("map", o->map, "graph file made by `corridor import`")->required();
  cmd->add_option("--from", o->from, "start as LON,LAT");
  cmd->add_option("--to", o->to, "destination as LON,LAT");
  cmd->add_option("--pairs", o->pairs,
                  "many routes at once: a CSV of from_lon,from_lat,to_lon,to_lat (a header line is allowed); "
                  "answers per pair duration_s,distance_m,code (Ok, NoRoute, NoSegment) in -o");
  cmd->add_option("-o,--output", o->output, "with --pairs: the CSV of answers to write");
  cmd->add_option("--algorithm", o->algorithm,
                  "cch (customizable contraction hierarchy, default), alt (bidirectional A* with landmarks) or "
                  "dijkstra (bidirectional): the same routes, at different speeds");
  cmd->add_option("--scenario", o->scenario, "scenario GeoJSON whose closures to avoid");
  cmd->add_option("--at", o->at, "instant (RFC 3339 with offset) at which the closures apply");
  cmd->add_option("--max-snap-m", o->max_snap_m, "furthest a point may be from the road it snaps to (default 1000)");
  cmd->add_option("--geojson", o->geojson, "also write the route and the closed areas as a GeoJSON FeatureCollection");
  cmd->add_flag("--summary", o->summary, "also print a one-line summary for people on stderr");
  runs[cmd] = [o] { return run_route(*o); };
}

}  // namespace corridor::cli

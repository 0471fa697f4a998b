// corridor route MAP --from LON,LAT --to LON,LAT [--scenario S] [--at T]
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/route/dijkstra.hpp"
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

graph::Snap snap(const graph::RoadGraph& g, const graph::SpatialIndex& index, const std::string& option, geo::LonLat p,
                 double max_snap_m, scenario::Role role) {
  std::string why;
  if (auto s = scenario::snap_point(g, index, p, role, max_snap_m, &why)) return *s;
  throw InputError(option, why + " (--max-snap-m)");
}

nlohmann::json snap_json(const graph::RoadGraph& g, const graph::Snap& s) {
  const auto p = g.where(s.node);
  return {{"node", g.node_id[s.node]}, {"location", {p.lon, p.lat}}, {"distance_m", s.distance_m}};
}

int run_route(const RouteOptions& o) {
  const auto from = parse_lon_lat("--from", o.from);
  const auto to = parse_lon_lat("--to", o.to);
  if (!(o.max_snap_m > 0)) throw InputError("--max-snap-m", "must be positive, got " + std::to_string(o.max_snap_m));
  const auto g = graph::read_graph(o.map);
  const graph::SpatialIndex index(g);
  const auto s = snap(g, index, "--from", from, o.max_snap_m, scenario::Role::origin);
  const auto t = snap(g, index, "--to", to, o.max_snap_m, scenario::Role::destination);

  nlohmann::json out;
  std::optional<scenario::Closures> closures;
  std::optional<scenario::Scenario> sc;
  if (!o.scenario.empty()) {
    sc = scenario::load_scenario(o.scenario);
    const scenario::Overlay overlay(g, index, *sc, o.max_snap_m);
    std::string why;
    const auto at = overlay.instant(o.at, &why);
    if (!at) throw InputError("--at", why + ", got \"" + o.at + "\"");
    closures = overlay.closures_at(*at);
    out["at"] = geo::format_utc(*at);
    nlohmann::json causes = nlohmann::json::array();
    for (const auto& c : closures->causes) {
      causes.push_back(
          {{"kind", scenario::to_string(c.kind)}, {"id", c.id}, {"reason", c.reason}, {"closed_arcs", c.arcs}});
    }
    out["closures"] = causes;
  } else if (!o.at.empty()) {
    throw InputError("--at", "needs --scenario: the time selects which of its closures apply");
  }

  route::BidirectionalDijkstra query(g);
  const auto r = query.run(s.node, t.node, closures ? &closures->closed : nullptr);
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
      "The fastest route by free-flow travel time, as JSON on stdout.\n"
      "With --scenario, the roads it closes at --at (default: its start) are avoided: active hazards,\n"
      "ceasefire roads outside their windows, areas and checkpoints any party's rules forbid.\n"
      "Exit code 3 with \"code\": \"NoRoute\" when no route exists.\n"
      "Example: corridor route andorra.graph --from 1.5218,42.5063 --to 1.4599,42.4410 \\\n"
      "           --scenario andorra-exercise.geojson --at 2022-03-05T12:00:00+01:00");
  cmd->add_option("map", o->map, "graph file made by `corridor import`")->required();
  cmd->add_option("--from", o->from, "start as LON,LAT")->required();
  cmd->add_option("--to", o->to, "destination as LON,LAT")->required();
  cmd->add_option("--scenario", o->scenario, "scenario GeoJSON whose closures to avoid");
  cmd->add_option("--at", o->at, "instant (RFC 3339 with offset) at which the closures apply");
  cmd->add_option("--max-snap-m", o->max_snap_m, "furthest a point may be from the road it snaps to (default 1000)");
  cmd->add_option("--geojson", o->geojson, "also write the route and the closed areas as a GeoJSON FeatureCollection");
  cmd->add_flag("--summary", o->summary, "also print a one-line summary for people on stderr");
  runs[cmd] = [o] { return run_route(*o); };
}

}  // namespace corridor::cli

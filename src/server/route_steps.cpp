// OSRM's steps=true: a leg cut into steps where the road's name (or number)
// changes, each with its maneuver (depart, turn, new name, continue,
// arrive) and the bearings around it, so that OSRM clients that draw
// turn-by-turn instructions (Leaflet Routing Machine, osrm-text-instructions)
// work. Maneuver types and modifiers are OSRM's (HTTP API v5, StepManeuver);
// what a step is follows the road names only: no lanes, no roundabout exits.
#include <cmath>

#include "corridor/units.hpp"
#include "resources.hpp"

namespace corridor::server {
namespace {

// OSRM's modifier for a change of heading (degrees, -180..180, positive to
// the right).
std::string modifier(double turn) {
  const double a = std::abs(turn);
  if (a < 20) return "straight";
  if (a >= 170) return "uturn";
  const std::string side = turn > 0 ? "right" : "left";
  if (a < 60) return "slight " + side;
  if (a < 120) return side;
  return "sharp " + side;
}

int whole_degrees(double bearing) { return static_cast<int>(std::lround(bearing)) % 360; }

struct Run {
  std::size_t first = 0;  // index into the leg's arcs
  std::size_t end = 0;
};

constexpr double k_short_unnamed_m = 100;

double length(const graph::RoadGraph& g, const route::Route& leg, const Run& run) {
  double metres = 0;
  for (auto i = run.first; i < run.end; ++i) metres += g.length_m[leg.arcs[i]] * route::driven_share(leg, i);
  return metres;
}

}  // namespace

nlohmann::json route_steps(const graph::RoadGraph& g, const route::Route& leg, const GeometryWriter& geometry) {
  nlohmann::json steps = nlohmann::json::array();
  // Runs of arcs with the same name; a short unnamed piece between two runs
  // of one road (a slip road, a junction's own segment) does not cut it.
  std::vector<Run> runs;
  const auto name = [&](const Run& run) -> const std::string& { return g.name_of(leg.arcs[run.first]); };
  for (std::size_t i = 0; i < leg.arcs.size(); ++i) {
    if (runs.empty() || g.name_of(leg.arcs[i]) != name(runs.back())) runs.push_back({i, i});
    runs.back().end = i + 1;
    const auto n = runs.size();
    if (n >= 3 && name(runs[n - 2]).empty() && name(runs[n - 3]) == name(runs[n - 1]) &&
        length(g, leg, runs[n - 2]) < k_short_unnamed_m) {
      runs[n - 3].end = runs[n - 1].end;
      runs.resize(n - 2);
    }
  }
  double bearing_in = 0;  // heading on arrival at the current point
  for (std::size_t r = 0; r < runs.size(); ++r) {
    std::vector<geo::LonLat> points;
    double distance = 0;
    double time_ms = 0;
    for (auto i = runs[r].first; i < runs[r].end; ++i) {
      const auto part = route::driven_points(g, leg, i);
      points.insert(points.end(), part.begin() + (points.empty() ? 0 : 1), part.end());
      distance += g.length_m[leg.arcs[i]] * route::driven_share(leg, i);
      time_ms += g.time_ms[leg.arcs[i]] * route::driven_share(leg, i);
    }
    if (points.size() == 1) points.push_back(points.front());
    const double bearing_out = geo::bearing_deg(points[0], points[1]);
    double turn = bearing_out - bearing_in;
    turn = turn > 180 ? turn - 360 : turn < -180 ? turn + 360 : turn;
    nlohmann::json maneuver = {{"location", {points[0].lon, points[0].lat}},
                               {"bearing_before", r == 0 ? 0 : whole_degrees(bearing_in)},
                               {"bearing_after", whole_degrees(bearing_out)}};
    if (r == 0) {
      maneuver["type"] = "depart";
    } else {
      const auto m = modifier(turn);
      maneuver["type"] = m == "straight" ? "new name" : "turn";
      maneuver["modifier"] = m;
    }
    const double seconds = time_ms / 1000.0;
    steps.push_back({{"distance", distance},
                     {"duration", seconds},
                     {"weight", seconds},
                     {"name", g.name_of(leg.arcs[runs[r].first])},
                     {"mode", "driving"},
                     {"driving_side", "right"},
                     {"geometry", geometry(points)},
                     {"maneuver", maneuver},
                     {"intersections", nlohmann::json::array({{{"location", {points[0].lon, points[0].lat}},
                                                               {"bearings", {whole_degrees(bearing_out)}},
                                                               {"entry", {true}},
                                                               {"out", 0}}})}});
    bearing_in = geo::bearing_deg(points[points.size() - 2], points.back());
  }
  // The arrival: a step of no length where the leg ends.
  const auto end = leg.arcs.empty() ? g.where(leg.target) : route::driven_points(g, leg, leg.arcs.size() - 1).back();
  steps.push_back(
      {{"distance", 0},
       {"duration", 0},
       {"weight", 0},
       {"name", leg.arcs.empty() ? std::string() : g.name_of(leg.arcs.back())},
       {"mode", "driving"},
       {"driving_side", "right"},
       {"geometry", geometry({end, end})},
       {"maneuver",
        {{"location", {end.lon, end.lat}},
         {"bearing_before", whole_degrees(bearing_in)},
         {"bearing_after", 0},
         {"type", "arrive"}}},
       {"intersections", nlohmann::json::array({{{"location", {end.lon, end.lat}},
                                                 {"bearings", {whole_degrees(std::fmod(bearing_in + 180, 360))}},
                                                 {"entry", {true}},
                                                 {"in", 0}}})}});
  return steps;
}

}  // namespace corridor::server

#include <charconv>
#include <cmath>
#include <sstream>

#include "corridor/plan/plan.hpp"
#include "corridor/units.hpp"

namespace corridor::plan {
namespace {

// Seconds with millisecond precision, as plans print times.
nlohmann::json seconds_json(Ms t) { return to_seconds(t); }

// In the scenario's IANA time zone when it names one, else in the offset
// its start was written with.
std::string local_time(const Instance& in, Ms t) { return in.scenario().local_time(in.instant(t)); }

// The named roads a route follows.
std::vector<std::string> via(const Instance& in, const std::vector<NodeId>& nodes) {
  std::vector<ArcId> arcs;
  for (std::size_t i = 0; i + 1 < nodes.size(); ++i) arcs.push_back(in.graph().find_arc(nodes[i], nodes[i + 1]));
  return in.graph().road_names(arcs);
}

// A leg's ends: feature ids of its depot, pick-up point or destination.
std::pair<std::string, std::string> ends(const Instance& in, const Leg& l) {
  const auto& s = in.scenario();
  const auto pickup = [&](std::size_t p) { return s.pickups[in.pickups[p].scenario_index].id; };
  const auto destination = [&](std::size_t d) { return s.destinations[in.destinations[d].scenario_index].id; };
  switch (l.kind) {
    case Leg::Kind::inbound:
      return {s.depots[in.depots[l.from].scenario_index].id, pickup(l.to)};
    case Leg::Kind::loaded:
      return {pickup(l.from), destination(l.to)};
    case Leg::Kind::back:
      return {destination(l.from), pickup(l.to)};
  }
  return {};
}

std::string walk_origin(const Instance& in, const Walk& w) {
  return in.scenario().origins[in.walkers[w.walker].scenario_index].id;
}
std::string walk_pickup(const Instance& in, const Walk& w) {
  return in.scenario().pickups[in.pickups[w.pickup].scenario_index].id;
}

nlohmann::json walks_json(const Instance& in, const PlanResult& plan) {
  nlohmann::json walks = nlohmann::json::array();
  for (const auto& w : plan.walks) {
    nlohmann::json offsets = nlohmann::json::array();
    nlohmann::json groups = nlohmann::json::array();
    for (const auto t : w.offsets) offsets.push_back(seconds_json(t));
    for (const auto& [leaves, people] : w.groups) groups.push_back({seconds_json(leaves), people});
    walks.push_back({{"origin", walk_origin(in, w)},
                     {"pickup", walk_pickup(in, w)},
                     {"people", w.people()},
                     {"distance_m", std::round(w.distance_m)},
                     {"duration_s", seconds_json(w.duration())},
                     {"path", w.path},
                     {"offsets_s", offsets},
                     {"groups", groups}});
  }
  return walks;
}

nlohmann::json fleet_json(const Instance& in, const PlanResult& plan) {
  const auto& g = in.graph();
  nlohmann::json fleet = nlohmann::json::array();
  for (const auto& v : plan.fleet) {
    nlohmann::json legs = nlohmann::json::array();
    for (const auto& l : v.legs) {
      nlohmann::json path = nlohmann::json::array();
      nlohmann::json times = nlohmann::json::array();
      for (auto n : l.nodes) path.push_back(g.node_id[n]);
      for (auto t : l.times) times.push_back(seconds_json(t));
      const auto [from, to] = ends(in, l);
      legs.push_back({{"kind", to_string(l.kind)},
                      {"from", from},
                      {"to", to},
                      {"people", l.people},
                      {"aid_t", l.aid_t},
                      {"path", path},
                      {"times_s", times}});
    }
    fleet.push_back(
        {{"vehicle", v.id}, {"depot", in.scenario().depots[in.depots[v.depot].scenario_index].id}, {"legs", legs}});
  }
  return fleet;
}

}  // namespace

std::string_view to_string(Leg::Kind kind) noexcept {
  switch (kind) {
    case Leg::Kind::inbound:
      return "inbound";
    case Leg::Kind::loaded:
      return "loaded";
    case Leg::Kind::back:
      return "return";
  }
  return "leg";
}

std::int64_t PlanResult::people_evacuated() const {
  std::int64_t total = 0;
  for (const auto& m : movements) total += m.stranded ? 0 : m.people;
  for (const auto& v : fleet) {
    for (const auto& l : v.legs) total += l.people;
  }
  return total;
}

std::int64_t PlanResult::vehicles_used() const {
  std::int64_t total = static_cast<std::int64_t>(fleet.size());
  for (const auto& m : movements) total += m.vehicles;
  return total;
}

void name_movements(PlanResult& plan) {
  std::int64_t last = 0;
  for (const auto& m : plan.movements) {
    if (m.id.size() < 2 || m.id[0] != 'm') continue;
    std::int64_t n = 0;
    const auto* end = m.id.data() + m.id.size();
    if (std::from_chars(m.id.data() + 1, end, n).ptr == end) last = std::max(last, n);
  }
  for (auto& m : plan.movements) {
    if (m.id.empty()) m.id = "m" + std::to_string(++last);
  }
}

Ms PlanResult::egress() const {
  Ms last = 0;
  for (const auto& m : movements) last = m.stranded ? last : std::max(last, m.arrival());
  for (const auto& v : fleet) {
    for (const auto& l : v.legs) last = l.people > 0 ? std::max(last, l.arrival()) : last;
  }
  return last;
}

nlohmann::json to_json(const Instance& in, const PlanResult& plan) {
  const auto& s = in.scenario();
  const auto& g = in.graph();
  std::int64_t people = 0;
  for (const auto& o : in.origins) people += o.people;
  for (const auto& p : in.pickups) people += p.gathered;
  for (const auto& w : in.walkers) people += w.people;
  const auto evacuated = plan.people_evacuated();
  const Ms egress = plan.egress();

  nlohmann::json summary = {{"people", people},
                            {"people_evacuated", evacuated},
                            {"vehicles", plan.vehicles_used()},
                            {"egress_s", seconds_json(egress)},
                            {"lower_bound_s", nullptr},
                            {"lower_bound_method", plan.bounds.lower_bound_method},
                            {"upper_bound_people", plan.bounds.upper_bound_people},
                            {"compute_ms", std::round(plan.compute_ms * 10) / 10},
                            {"egress_gap", nullptr},
                            {"people_gap", nullptr}};
  if (plan.bounds.lower_bound_egress) {
    summary["lower_bound_s"] = seconds_json(*plan.bounds.lower_bound_egress);
    if (*plan.bounds.lower_bound_egress > 0 && evacuated == people) {
      summary["egress_gap"] =
          std::round(static_cast<double>(egress) / static_cast<double>(*plan.bounds.lower_bound_egress) * 10000) /
          10000;
    }
  }
  if (evacuated > 0) {
    summary["people_gap"] =
        std::round(static_cast<double>(plan.bounds.upper_bound_people) / static_cast<double>(evacuated) * 10000) /
        10000;
  }

  nlohmann::json snaps = nlohmann::json::array();
  for (const auto& sn : in.snaps) {
    snaps.push_back(
        {{"kind", sn.kind}, {"id", sn.id}, {"node", sn.osm_node}, {"distance_m", std::round(sn.distance_m * 10) / 10}});
  }
  nlohmann::json movements = nlohmann::json::array();
  for (const auto& m : plan.movements) {
    nlohmann::json path = nlohmann::json::array();
    nlohmann::json times = nlohmann::json::array();
    for (auto v : m.nodes) path.push_back(g.node_id[v]);
    for (auto t : m.times) times.push_back(seconds_json(t));
    movements.push_back({{"id", m.id},
                         {"origin", s.origins[in.origins[m.origin].scenario_index].id},
                         {"destination", s.destinations[in.destinations[m.destination].scenario_index].id},
                         {"vehicles", m.vehicles},
                         {"people", m.people},
                         {"path", path},
                         {"times_s", times},
                         {"departure", geo::format_utc(in.instant(m.departure()))},
                         {"arrival", geo::format_utc(in.instant(m.arrival()))},
                         {"via", via(in, m.nodes)}});
    if (m.stranded) movements.back()["stranded"] = true;
  }
  nlohmann::json unmet = nlohmann::json::array();
  for (const auto& u : plan.unmet) {
    if (u.walker) {
      unmet.push_back(
          {{"origin", s.origins[in.walkers[u.origin].scenario_index].id}, {"people", u.people}, {"reason", u.reason}});
    } else if (u.pickup) {
      unmet.push_back(
          {{"pickup", s.pickups[in.pickups[u.origin].scenario_index].id}, {"people", u.people}, {"reason", u.reason}});
    } else {
      unmet.push_back(
          {{"origin", s.origins[in.origins[u.origin].scenario_index].id}, {"people", u.people}, {"reason", u.reason}});
    }
  }
  nlohmann::json out = {{"scenario", s.name},
                        {"start", geo::format_with_offset(s.start, s.start_offset_minutes)},
                        {"timezone", s.timezone},
                        {"time_step_s", s.time_step_s},
                        {"horizon_hours", s.horizon_hours},
                        {"method", plan.method},
                        {"attribution", "© OpenStreetMap contributors"},
                        {"summary", summary},
                        {"snaps", snaps},
                        {"movements", movements},
                        {"unmet", unmet}};
  if (!in.walkers.empty()) {
    out["walks"] = walks_json(in, plan);
    std::int64_t walking = 0;
    Ms last = 0;
    for (const auto& w : plan.walks) {
      walking += w.people();
      last = std::max(last, w.groups.back().first + w.duration());
    }
    out["summary"]["walking"] = {
        {"people", walking}, {"walks", plan.walks.size()}, {"last_arrival_s", seconds_json(last)}};
  }
  if (!in.depots.empty()) {
    out["fleet"] = fleet_json(in, plan);
    std::int64_t trips = 0;
    double aid = 0;
    for (const auto& v : plan.fleet) {
      for (const auto& l : v.legs) {
        trips += l.kind == Leg::Kind::loaded ? 1 : 0;
        aid += l.aid_t;
      }
    }
    std::int64_t available = 0;
    for (const auto& d : in.depots) available += d.acceptable() ? d.vehicles : 0;
    out["summary"]["fleet"] = {{"vehicles", available},
                               {"vehicles_used", plan.fleet.size()},
                               {"trips", trips},
                               {"aid_t", aid},
                               {"aid_refused_by", in.aid_refused_by}};
  }
  return out;
}

namespace {

// A route as a LineString through every shape point, each vertex with the
// time it is passed (the nodes' own times, shape points in between by their
// share of the segment's length), so that a map can move the vehicles along.
nlohmann::json line_feature(const Instance& in, const std::vector<NodeId>& nodes, const std::vector<Ms>& times,
                            nlohmann::json properties) {
  const auto& g = in.graph();
  nlohmann::json coords = nlohmann::json::array();
  nlohmann::json vertex_times = nlohmann::json::array();
  coords.push_back({g.where(nodes.front()).lon, g.where(nodes.front()).lat});
  vertex_times.push_back(seconds_json(times.front()));
  for (std::size_t k = 0; k + 1 < nodes.size(); ++k) {
    const auto geometry = g.arc_geometry(g.find_arc(nodes[k], nodes[k + 1]));
    double length = 0;
    for (std::size_t p = 1; p < geometry.size(); ++p) length += geo::distance_m(geometry[p - 1], geometry[p]);
    double along = 0;
    const auto span = static_cast<double>(times[k + 1] - times[k]);
    for (std::size_t p = 1; p < geometry.size(); ++p) {
      along += geo::distance_m(geometry[p - 1], geometry[p]);
      coords.push_back({geometry[p].lon, geometry[p].lat});
      const bool last = p + 1 == geometry.size();
      const auto t = last || length <= 0 ? times[k + 1] : times[k] + static_cast<Ms>(span * along / length);
      vertex_times.push_back(seconds_json(t));
    }
  }
  if (coords.size() == 1) {
    coords.push_back(coords.front());
    vertex_times.push_back(vertex_times.front());
  }
  properties["departure"] = geo::format_utc(in.instant(times.front()));
  properties["arrival"] = geo::format_utc(in.instant(times.back()));
  properties["departure_s"] = seconds_json(times.front());
  properties["arrival_s"] = seconds_json(times.back());
  properties["times_s"] = vertex_times;
  return {{"type", "Feature"},
          {"geometry", {{"type", "LineString"}, {"coordinates", coords}}},
          {"properties", std::move(properties)}};
}

}  // namespace

nlohmann::json to_geojson(const Instance& in, const PlanResult& plan) {
  const auto& s = in.scenario();
  nlohmann::json features = nlohmann::json::array();
  for (std::size_t i = 0; i < plan.movements.size(); ++i) {
    const auto& m = plan.movements[i];
    features.push_back(line_feature(in, m.nodes, m.times,
                                    {{"movement", i},
                                     {"id", m.id},
                                     {"origin", s.origins[in.origins[m.origin].scenario_index].id},
                                     {"destination", s.destinations[in.destinations[m.destination].scenario_index].id},
                                     {"vehicles", m.vehicles},
                                     {"people", m.people}}));
  }
  // Fleet legs: origin and destination name the leg's two ends.
  for (const auto& v : plan.fleet) {
    for (std::size_t k = 0; k < v.legs.size(); ++k) {
      const auto& l = v.legs[k];
      const auto [from, to] = ends(in, l);
      features.push_back(line_feature(in, l.nodes, l.times,
                                      {{"vehicle", v.id},
                                       {"leg", k},
                                       {"kind", to_string(l.kind)},
                                       {"id", v.id + "#" + std::to_string(k + 1)},
                                       {"origin", from},
                                       {"destination", to},
                                       {"vehicles", 1},
                                       {"people", l.people},
                                       {"aid_t", l.aid_t}}));
    }
  }
  // Walks: on the foot network, drawn straight between its nodes, from the
  // first group's leaving to the last group's arrival.
  for (const auto& w : plan.walks) {
    nlohmann::json coords = nlohmann::json::array();
    for (const auto& p : w.points) coords.push_back({p.lon, p.lat});
    if (coords.size() == 1) coords.push_back(coords.front());
    const Ms from = w.groups.front().first;
    const Ms until = w.groups.back().first + w.duration();
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "LineString"}, {"coordinates", coords}}},
                        {"properties",
                         {{"kind", "walk"},
                          {"id", walk_origin(in, w) + "->" + walk_pickup(in, w)},
                          {"origin", walk_origin(in, w)},
                          {"destination", walk_pickup(in, w)},
                          {"people", w.people()},
                          {"distance_m", std::round(w.distance_m)},
                          {"departure", geo::format_utc(in.instant(from))},
                          {"arrival", geo::format_utc(in.instant(until))},
                          {"departure_s", seconds_json(from)},
                          {"arrival_s", seconds_json(until)}}}});
  }
  return {{"type", "FeatureCollection"}, {"attribution", "© OpenStreetMap contributors"}, {"features", features}};
}

namespace {

std::string quoted(const std::string& text) {
  std::string q = "\"";
  for (char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// departure_utc,arrival_utc,departure_local,arrival_local,travel_min,via
std::string times_and_roads(const Instance& in, const std::vector<NodeId>& nodes, const std::vector<Ms>& times) {
  std::ostringstream out;
  out << geo::format_utc(in.instant(times.front())) << "," << geo::format_utc(in.instant(times.back())) << ","
      << local_time(in, times.front()) << "," << local_time(in, times.back()) << ","
      << std::round(static_cast<double>(times.back() - times.front()) / 600.0) / 100.0 << ",";
  std::string roads;
  for (const auto& name : via(in, nodes)) roads += (roads.empty() ? "" : "; ") + name;
  out << quoted(roads);
  return out.str();
}

}  // namespace

std::string to_csv(const Instance& in, const PlanResult& plan) {
  const auto& s = in.scenario();
  std::ostringstream out;
  if (plan.fleet.empty()) {
    out << "movement,id,origin,destination,vehicles,people,departure_utc,arrival_utc,departure_local,arrival_local,"
           "travel_min,via\n";
    for (std::size_t i = 0; i < plan.movements.size(); ++i) {
      const auto& m = plan.movements[i];
      out << i << "," << quoted(m.id) << "," << quoted(s.origins[in.origins[m.origin].scenario_index].id) << ","
          << quoted(s.destinations[in.destinations[m.destination].scenario_index].id) << "," << m.vehicles << ","
          << m.people << "," << times_and_roads(in, m.nodes, m.times) << "\n";
    }
    return out.str();
  }
  // The duty roster: every vehicle's legs in order (movements first, as
  // their own rows).
  out << "vehicle,leg,kind,from,to,vehicles,people,aid_t,departure_utc,arrival_utc,departure_local,arrival_local,"
         "travel_min,via\n";
  for (const auto& m : plan.movements) {
    out << quoted(m.id) << ",1,movement," << quoted(s.origins[in.origins[m.origin].scenario_index].id) << ","
        << quoted(s.destinations[in.destinations[m.destination].scenario_index].id) << "," << m.vehicles << ","
        << m.people << ",0," << times_and_roads(in, m.nodes, m.times) << "\n";
  }
  for (const auto& v : plan.fleet) {
    for (std::size_t k = 0; k < v.legs.size(); ++k) {
      const auto& l = v.legs[k];
      const auto [from, to] = ends(in, l);
      out << quoted(v.id) << "," << k + 1 << "," << to_string(l.kind) << "," << quoted(from) << "," << quoted(to)
          << ",1," << l.people << "," << l.aid_t << "," << times_and_roads(in, l.nodes, l.times) << "\n";
    }
  }
  return out.str();
}

}  // namespace corridor::plan

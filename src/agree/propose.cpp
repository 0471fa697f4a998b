// An agreement document made from a plan and its scenario.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "agree/json_guard.hpp"
#include "corridor/agree/agreement.hpp"
#include "corridor/agree/jcs.hpp"
#include "corridor/error.hpp"
#include "corridor/geo/time.hpp"
#include "corridor/units.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;

// One corridor: the movements of one origin to one destination over one
// route, added up.
struct Corridor {
  std::size_t origin = 0;       // index in the scenario's origins
  std::size_t destination = 0;  // index in its destinations
  std::vector<std::int64_t> path;
  std::int64_t vehicles = 0;
  std::int64_t people = 0;
  Json movements = Json::array();  // the plan's movements on it: id, vehicles, people, departure, arrival
  std::vector<std::string> via;    // the roads it follows, as the plan names them
  geo::UnixSeconds first_departure{}, last_departure{}, first_arrival{}, last_arrival{};
};

std::int64_t count_field(const Json& movement, const std::string& field, const std::string& where) {
  if (!movement.contains(field) || !movement[field].is_number_integer() || movement[field].get<std::int64_t>() < 0) {
    throw InputError(where + "." + field, "must be a non-negative integer" +
                                              (movement.contains(field) ? ", got " + movement[field].dump() : ""));
  }
  return movement[field].get<std::int64_t>();
}

template <typename Feature>
std::size_t feature_index(const std::vector<Feature>& features, const Json& movement, const std::string& field,
                          const std::string& where) {
  const auto id = movement.value(field, Json()).is_string() ? movement[field].get<std::string>() : std::string();
  const auto it = std::find_if(features.begin(), features.end(), [&](const Feature& f) { return f.id == id; });
  if (it == features.end()) {
    throw InputError(where + "." + field,
                     "names no " + field + " of the scenario, got " + movement.value(field, Json()).dump());
  }
  return static_cast<std::size_t>(it - features.begin());
}

std::vector<Corridor> corridors_of(const Json& plan, const scenario::Scenario& s) {
  if (!plan.is_object()) throw InputError("plan", "must be a JSON object (as `corridor plan` writes it)");
  if (!plan.contains("scenario") || plan["scenario"] != s.name) {
    throw InputError("scenario", "the plan was made for scenario " + plan.value("scenario", Json()).dump() +
                                     ", not \"" + s.name + "\"");
  }
  if (plan.contains("start")) {
    const auto start = plan["start"].is_string() ? geo::parse_rfc3339(plan["start"].get<std::string>()) : std::nullopt;
    if (!start || start->utc != s.start) {
      throw InputError("start",
                       "the plan starts at " + plan["start"].dump() + ", the scenario at " + geo::format_utc(s.start));
    }
  }
  if (!plan.contains("movements") || !plan["movements"].is_array()) throw InputError("movements", "must be an array");
  if (plan.contains("fleet") && !plan["fleet"].empty())
    throw InputError("fleet", "the plan has a shuttle fleet; agreements name movements only so far");
  std::map<std::tuple<std::size_t, std::size_t, std::vector<std::int64_t>>, Corridor> groups;
  for (std::size_t i = 0; i < plan["movements"].size(); ++i) {
    const auto& m = plan["movements"][i];
    const std::string where = "movements[" + std::to_string(i) + "]";
    if (!m.is_object()) throw InputError(where, "must be an object");
    const auto origin = feature_index(s.origins, m, "origin", where);
    const auto destination = feature_index(s.destinations, m, "destination", where);
    const auto vehicles = count_field(m, "vehicles", where);
    const auto people = count_field(m, "people", where);
    if (!m.contains("path") || !m["path"].is_array() || m["path"].empty()) {
      throw InputError(where + ".path", "must be a non-empty array of node ids");
    }
    if (!m.contains("times_s") || !m["times_s"].is_array() || m["times_s"].size() != m["path"].size()) {
      throw InputError(where + ".times_s", "must be an array of numbers as long as path");
    }
    std::vector<std::int64_t> path;
    for (std::size_t k = 0; k < m["path"].size(); ++k) {
      if (!m["path"][k].is_number_integer()) {
        throw InputError(where + ".path[" + std::to_string(k) + "]", "must be a node id, got " + m["path"][k].dump());
      }
      path.push_back(m["path"][k].get<std::int64_t>());
    }
    for (std::size_t k = 0; k < m["times_s"].size(); ++k) {
      if (!m["times_s"][k].is_number() || !geo::floor_seconds(m["times_s"][k].get<double>())) {
        throw InputError(where + ".times_s[" + std::to_string(k) + "]",
                         "must be a number of seconds after the scenario's start, got " + m["times_s"][k].dump());
      }
    }
    // As the plan prints them: whole seconds after the scenario's start.
    const auto departure = s.start + *geo::floor_seconds(m["times_s"].front().get<double>());
    const auto arrival = s.start + *geo::floor_seconds(m["times_s"].back().get<double>());
    auto [it, fresh] = groups.try_emplace({origin, destination, path});
    auto& c = it->second;
    if (fresh) {
      c = {origin, destination, path, 0, 0, Json::array(), {}, departure, departure, arrival, arrival};
    }
    c.vehicles += vehicles;
    c.people += people;
    if (m.contains("id")) {
      if (!m["id"].is_string() || m["id"].get_ref<const std::string&>().empty())
        throw InputError(where + ".id", "must be a non-empty string, got " + m["id"].dump());
      c.movements.push_back({{"id", m["id"]},
                             {"vehicles", vehicles},
                             {"people", people},
                             {"departure", geo::format_utc(departure)},
                             {"arrival", geo::format_utc(arrival)}});
    }
    if (fresh && m.contains("via") && m["via"].is_array()) {
      for (const auto& road : m["via"]) {
        if (road.is_string()) c.via.push_back(road.get<std::string>());
      }
    }
    c.first_departure = std::min(c.first_departure, departure);
    c.last_departure = std::max(c.last_departure, departure);
    c.first_arrival = std::min(c.first_arrival, arrival);
    c.last_arrival = std::max(c.last_arrival, arrival);
  }
  std::vector<Corridor> corridors;
  for (auto& [key, c] : groups) corridors.push_back(std::move(c));
  // Stable ids: by origin and destination in scenario order, then by time.
  std::sort(corridors.begin(), corridors.end(), [](const Corridor& a, const Corridor& b) {
    return std::tie(a.origin, a.destination, a.first_departure, a.last_arrival, a.path) <
           std::tie(b.origin, b.destination, b.first_departure, b.last_arrival, b.path);
  });
  return corridors;
}

Json waypoint(std::int64_t node, const std::string& name) {
  Json w = {{"node", node}};
  if (!name.empty()) w["name"] = name;
  return w;
}

// The first and last node, named after the origin and destination, and with
// a map one node about every k_waypoint_spacing_m, with coordinates, the
// way that leaves it and the distance along the route.
Json route_of(const Corridor& c, const std::string& id, const scenario::Scenario& s, const MapLookup* map) {
  const auto& path = c.path;
  Json waypoints = Json::array();
  const auto& origin = s.origins[c.origin].id;
  const auto& destination = s.destinations[c.destination].id;
  Json route = {{"nodes", path}};
  if (map == nullptr) {
    waypoints.push_back(waypoint(path.front(), origin));
    if (path.size() > 1) waypoints.push_back(waypoint(path.back(), destination));
    route["waypoints"] = waypoints;
    return route;
  }
  std::vector<geo::LonLat> places;
  for (const auto node : path) {
    const auto where = map->where(node);
    if (!where) {
      throw InputError("--map", "node " + std::to_string(node) + " of corridor " + id +
                                    " is not in the map: was the plan made on this map?");
    }
    places.push_back(*where);
  }
  double along = 0;
  double since_last = 0;
  auto add = [&](std::size_t i, const std::string& name) {
    Json w = waypoint(path[i], name);
    w["lon"] = places[i].lon;
    w["lat"] = places[i].lat;
    w["km"] = to_kilometres(std::round(along));
    if (i + 1 < path.size()) {
      if (const auto way = map->way(path[i], path[i + 1])) w["way"] = *way;
    }
    waypoints.push_back(std::move(w));
    since_last = 0;
  };
  add(0, origin);
  for (std::size_t i = 1; i < path.size(); ++i) {
    const double step = geo::distance_m(places[i - 1], places[i]);
    along += step;
    since_last += step;
    if (i + 1 == path.size()) {
      add(i, destination);
    } else if (since_last >= k_waypoint_spacing_m) {
      add(i, "");
    }
  }
  route["length_km"] = to_kilometres(std::round(along));
  route["waypoints"] = waypoints;
  return route;
}

std::string local_time(geo::UnixSeconds t, const scenario::Scenario& s) { return s.local_time(t); }

Json optional_time(geo::UnixSeconds t, geo::UnixSeconds always) {
  return t == always ? Json() : Json(geo::format_utc(t));
}

std::vector<std::string> signatories_of(const scenario::Scenario& s, const std::vector<std::string>& chosen) {
  for (const auto& id : chosen) {
    if (s.party(id) == nullptr) throw InputError("signatories", "\"" + id + "\" is not a party of the scenario");
  }
  if (!chosen.empty()) return chosen;
  std::vector<std::string> ids;
  for (const auto& p : s.parties) {
    if (p.role != "mediator") ids.push_back(p.id);
  }
  if (ids.empty()) {
    for (const auto& p : s.parties) ids.push_back(p.id);
  }
  return ids;
}

Json build_agreement(const Json& plan, const scenario::Scenario& s, const std::optional<Json>& previous_signed,
                     const ProposeOptions& options) {
  const auto corridors = corridors_of(plan, s);

  Json agreement = {{"type", k_agreement_type}, {"version", 1}, {"replaces", nullptr}};
  if (previous_signed) {
    const auto previous = agreement_document(*previous_signed);
    agreement["version"] = previous["version"].get<std::int64_t>() + 1;
    agreement["replaces"] = content_hash(previous);
  }
  agreement["scenario"] = s.name;
  agreement["map"] = s.map.empty() ? Json() : Json(s.map);
  agreement["timezone"] = s.timezone.empty() ? Json() : Json(s.timezone);
  agreement["start"] = geo::format_utc(s.start);
  agreement["end"] = geo::format_utc(s.end());

  Json parties = Json::array();
  for (const auto& p : s.parties) {
    Json party = {{"id", p.id}, {"name", p.name}};
    if (!p.role.empty()) party["role"] = p.role;
    parties.push_back(std::move(party));
  }
  agreement["parties"] = parties;
  agreement["signatories"] = signatories_of(s, options.signatories);

  Json corridor_list = Json::array();
  std::vector<std::int64_t> planned(s.destinations.size(), 0);
  for (std::size_t i = 0; i < corridors.size(); ++i) {
    const auto& c = corridors[i];
    const auto id = "c" + std::to_string(i + 1);
    planned[c.destination] += c.people;
    Json corridor = {
        {"id", id},
        {"origin", s.origins[c.origin].id},
        {"destination", s.destinations[c.destination].id},
        {"vehicles", c.vehicles},
        {"people", c.people},
        {"route", route_of(c, id, s, options.map)},
        {"departures", {{"first", geo::format_utc(c.first_departure)}, {"last", geo::format_utc(c.last_departure)}}},
        {"arrivals", {{"first", geo::format_utc(c.first_arrival)}, {"last", geo::format_utc(c.last_arrival)}}}};
    if (!c.via.empty()) corridor["via"] = c.via;
    if (!c.movements.empty()) corridor["movements"] = c.movements;
    corridor_list.push_back(std::move(corridor));
  }
  agreement["corridors"] = corridor_list;

  Json windows = Json::array();
  for (const auto& cf : s.ceasefires) {
    Json list = Json::array();
    for (const auto& w : cf.windows) {
      list.push_back({{"from", geo::format_utc(w.from)},
                      {"until", geo::format_utc(w.until)},
                      {"from_local", local_time(w.from, s)},
                      {"until_local", local_time(w.until, s)}});
    }
    windows.push_back({{"ceasefire", cf.id}, {"windows", list}});
  }
  agreement["windows"] = windows;

  Json destinations = Json::array();
  for (std::size_t i = 0; i < s.destinations.size(); ++i) {
    const auto& d = s.destinations[i];
    destinations.push_back(
        {{"id", d.id}, {"controlled_by", d.controlled_by}, {"capacity", d.capacity}, {"people", planned[i]}});
  }
  agreement["destinations"] = destinations;
  Json checkpoints = Json::array();
  for (const auto& c : s.checkpoints) {
    checkpoints.push_back({{"id", c.id}, {"operated_by", c.operated_by}, {"vehicles_per_hour", c.vehicles_per_hour}});
  }
  agreement["checkpoints"] = checkpoints;
  Json hazards = Json::array();
  for (const auto& h : s.hazards) {
    hazards.push_back({{"id", h.id},
                       {"from", optional_time(h.active.from, scenario::k_always_from)},
                       {"until", optional_time(h.active.until, scenario::k_always_until)}});
  }
  agreement["hazards"] = hazards;
  Json unmet = Json::array();
  for (const auto& u : plan.value("unmet", Json::array())) {
    if (u.is_object())
      unmet.push_back(
          {{"origin", u.value("origin", "")}, {"people", u.value("people", 0)}, {"reason", u.value("reason", "")}});
  }
  agreement["unmet"] = unmet;
  const auto summary = plan.value("summary", Json::object());
  agreement["plan"] = {{"hash", content_hash(plan)},
                       {"method", plan.value("method", Json())},
                       {"people_evacuated", summary.value("people_evacuated", Json())},
                       {"egress_s", summary.value("egress_s", Json())}};
  agreement["attribution"] = "Routes: © OpenStreetMap contributors (ODbL)";
  return agreement;
}

}  // namespace

Json agreement_document(const Json& file) {
  const auto document = file.is_object() && file.contains("payload") ? payload_of(file) : file;
  if (!document.is_object() || document.value("type", Json()) != k_agreement_type) {
    throw InputError("type", "not a corridor agreement (\"type\": \"" + std::string(k_agreement_type) + "\")");
  }
  if (!document.contains("version") || !document["version"].is_number_integer() ||
      document["version"].get<std::int64_t>() < 1) {
    throw InputError("version", "must be a positive integer");
  }
  return document;
}

Json propose_agreement(const Json& plan, const scenario::Scenario& s, const std::optional<Json>& previous_signed,
                       const ProposeOptions& options) {
  return detail::guard_json("the plan or the previous agreement",
                            [&] { return build_agreement(plan, s, previous_signed, options); });
}

}  // namespace corridor::agree

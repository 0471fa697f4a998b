// Reading a plan document: its shape (docs/plan.md), whether it belongs to
// this scenario, and where it says the scenario's points snapped.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

#include "check/checker.hpp"
#include "corridor/geo/time.hpp"

namespace corridor::check::detail {
namespace {

using nlohmann::json;

std::string shown(const json& v) {
  std::string text = v.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

}  // namespace

std::string child(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

void wrong(const Sink& sink, const std::string& path, const std::string& expected, const json& v) {
  sink.add("format", path, "must be " + expected + ", got " + shown(v));
}

// The field `key` of an object, or nullptr (reported when required).
const json* field(const json& object, const char* key, const std::string& path, const Sink& sink, bool required) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (required) sink.add("format", child(path, key), "missing");
    return nullptr;
  }
  return &*it;
}

// An integer field >= minimum.
std::optional<std::int64_t> read_count(const json& object, const char* key, const std::string& path,
                                       std::int64_t minimum, const Sink& sink) {
  const json* v = field(object, key, path, sink, true);
  if (v == nullptr) return std::nullopt;
  const auto n = json_integer(*v);
  if (!n || *n < minimum) {
    wrong(sink, child(path, key), minimum > 0 ? "a positive integer" : "an integer >= 0", *v);
    return std::nullopt;
  }
  return n;
}

namespace {

void read_header(const Context& c, const json& plan, const Sink& sink) {
  if (const json* name = field(plan, "scenario", "", sink, false)) {
    if (!name->is_string())
      wrong(sink, "scenario", "the scenario's name (a string)", *name);
    else if (name->get_ref<const std::string&>() != c.s.name) {
      sink.add("scenario", "scenario",
               "the plan is for scenario \"" + name->get<std::string>() + "\", not \"" + c.s.name + "\"");
    }
  }
  if (const json* start = field(plan, "start", "", sink, true)) {
    std::string why;
    const auto parsed =
        start->is_string() ? geo::parse_rfc3339(start->get_ref<const std::string&>(), &why) : std::nullopt;
    if (!start->is_string())
      wrong(sink, "start", "an RFC 3339 time", *start);
    else if (!parsed)
      sink.add("format", "start", why + ", got " + shown(*start));
    else if (parsed->utc != c.s.start) {
      sink.add("scenario", "start",
               "the plan starts at " + geo::format_utc(parsed->utc) + " but the scenario at " +
                   geo::format_utc(c.s.start) + ": every time in the plan would be off by " +
                   seconds_text(static_cast<double>((parsed->utc - c.s.start).count())));
    }
  }
  if (const json* step = field(plan, "time_step_s", "", sink, false)) {
    if (!step->is_number())
      wrong(sink, "time_step_s", "a number of seconds", *step);
    else if (step->get<double>() != static_cast<double>(c.s.time_step_s)) {
      sink.add("scenario", "time_step_s",
               "the plan counts capacities in steps of " + shown(*step) + " s, the scenario in steps of " +
                   std::to_string(c.s.time_step_s) + " s");
    }
  }
}

void read_snaps(const Context& c, const json& plan, const Sink& sink) {
  const json* snaps = field(plan, "snaps", "", sink, false);
  if (snaps == nullptr) return;
  if (!snaps->is_array()) return wrong(sink, "snaps", "an array", *snaps);
  for (std::size_t i = 0; i < snaps->size(); ++i) {
    const json& entry = (*snaps)[i];
    const std::string path = "snaps[" + std::to_string(i) + "]";
    if (!entry.is_object()) {
      wrong(sink, path, "an object", entry);
      continue;
    }
    const json* kind = field(entry, "kind", path, sink, true);
    if (kind == nullptr) continue;
    std::optional<std::size_t> index;
    const std::vector<std::optional<graph::Snap>>* snapped = nullptr;
    if (*kind == "origin") {
      index = read_feature(entry, "id", path, c.s.origins, "origin", sink);
      snapped = &c.origin_snap;
    } else if (*kind == "destination") {
      index = read_feature(entry, "id", path, c.s.destinations, "destination", sink);
      snapped = &c.destination_snap;
    } else if (*kind == "checkpoint") {
      index = read_feature(entry, "id", path, c.s.checkpoints, "checkpoint", sink);
      snapped = &c.checkpoint_snap;
    } else if (*kind == "depot") {
      index = read_feature(entry, "id", path, c.s.depots, "depot", sink);
      snapped = &c.depot_snap;
    } else if (*kind == "pickup") {
      index = read_feature(entry, "id", path, c.s.pickups, "pick-up point", sink);
      snapped = &c.pickup_snap;
    } else {
      wrong(sink, path + ".kind", "\"origin\", \"destination\", \"checkpoint\", \"depot\" or \"pickup\"", *kind);
      continue;
    }
    const json* node = field(entry, "node", path, sink, true);
    if (!index || node == nullptr) continue;
    const auto id = json_integer(*node);
    if (!id) {
      wrong(sink, path + ".node", "an integer node id", *node);
      continue;
    }
    const auto& snap = (*snapped)[*index];
    const std::string what = kind->get<std::string>() + " \"" + entry.at("id").get<std::string>() + "\"";
    if (!snap) {
      sink.add("snap", path + ".node",
               what + " is more than " + number_text(c.options.max_snap_m) + " m from any road node it could use");
    } else if (c.g.node_id[snap->node] != *id) {
      sink.add("snap", path + ".node",
               what + " snaps to node " + std::to_string(c.g.node_id[snap->node]) + " (" +
                   std::to_string(static_cast<long>(std::lround(snap->distance_m))) + " m away), not " +
                   std::to_string(*id));
    }
  }
}

}  // namespace

// path and times_s of a movement, plus its optional departure and arrival.
void read_route(const Context& c, const json& m, const std::string& path, MovementIn& out, const Sink& sink) {
  const json* nodes = field(m, "path", path, sink, true);
  if (nodes != nullptr && !nodes->is_array()) wrong(sink, path + ".path", "an array of node ids", *nodes);
  if (nodes != nullptr && nodes->is_array()) {
    if (nodes->empty()) sink.add("format", path + ".path", "is empty: it must list the origin's node first");
    for (std::size_t i = 0; i < nodes->size(); ++i) {
      const auto id = json_integer((*nodes)[i]);
      if (!id) {
        wrong(sink, path + ".path[" + std::to_string(i) + "]", "an integer node id", (*nodes)[i]);
        out.ids.clear();
        break;
      }
      out.ids.push_back(*id);
    }
  }
  const json* times = field(m, "times_s", path, sink, true);
  if (times == nullptr) return;
  if (!times->is_array()) return wrong(sink, path + ".times_s", "an array of seconds", *times);
  for (std::size_t i = 0; i < times->size(); ++i) {
    if (!(*times)[i].is_number()) {
      wrong(sink, path + ".times_s[" + std::to_string(i) + "]", "a number of seconds", (*times)[i]);
      out.times.clear();
      return;
    }
    out.times.push_back((*times)[i].get<double>());
  }
  if (!out.ids.empty() && out.times.size() != out.ids.size()) {
    sink.add("format", path + ".times_s",
             "has " + std::to_string(out.times.size()) + " entries but path has " + std::to_string(out.ids.size()) +
                 ": there must be one time per node");
  }
  if (out.ids.empty() || out.times.size() != out.ids.size()) {
    out.times.clear();
    return;
  }
  auto stamp = [&](const char* key, double t) {
    const json* v = field(m, key, path, sink, false);
    if (v == nullptr) return;
    const auto parsed = v->is_string() ? geo::parse_rfc3339(v->get_ref<const std::string&>()) : std::nullopt;
    if (!parsed) return wrong(sink, child(path, key), "an RFC 3339 time", *v);
    const double said = static_cast<double>((parsed->utc - c.s.start).count());
    if (std::fabs(said - t) >= 1.0) {
      sink.add("timetable", child(path, key),
               "says " + v->get<std::string>() + " but times_s says " + c.utc(t) + " (" + seconds_text(t) + ")");
    }
  };
  stamp("departure", out.times.front());
  stamp("arrival", out.times.back());
}

namespace {

MovementIn read_movement(const Context& c, const json& m, std::size_t index, bool& complete, const Sink& sink) {
  MovementIn out;
  out.index = index;
  const std::string path = "movements[" + std::to_string(index) + "]";
  out.where = path;
  if (!m.is_object()) {
    wrong(sink, path, "an object", m);
    complete = false;
    return out;
  }
  out.origin = read_feature(m, "origin", path, c.s.origins, "origin", sink);
  out.destination = read_feature(m, "destination", path, c.s.destinations, "destination", sink);
  const auto vehicles = read_count(m, "vehicles", path, 1, sink);
  const auto people = read_count(m, "people", path, 0, sink);
  if (vehicles && people) {
    out.vehicles = *vehicles;
    out.people = *people;
    out.numbers = true;
  }
  if (!out.numbers || !out.origin || !out.destination) complete = false;
  if (const json* stranded = field(m, "stranded", path, sink, false)) {
    if (!stranded->is_boolean())
      wrong(sink, path + ".stranded", "true or false", *stranded);
    else
      out.stranded = stranded->get<bool>();
  }
  read_route(c, m, path, out, sink);
  return out;
}

UnmetIn read_unmet(const Context& c, const json& u, std::size_t index, bool& complete, const Sink& sink) {
  UnmetIn out;
  out.index = index;
  const std::string path = "unmet[" + std::to_string(index) + "]";
  if (!u.is_object()) {
    wrong(sink, path, "an object", u);
    complete = false;
    return out;
  }
  if (u.contains("pickup") && !u.contains("origin")) {
    out.pickup = read_feature(u, "pickup", path, c.s.pickups, "pick-up point", sink);
  } else {
    out.origin = read_feature(u, "origin", path, c.s.origins, "origin", sink);
  }
  const auto people = read_count(u, "people", path, 0, sink);
  if (people) {
    out.people = *people;
    out.numbers = true;
  }
  if ((!out.origin && !out.pickup) || !people) complete = false;
  if (const json* reason = field(u, "reason", path, sink, false); reason != nullptr && !reason->is_string()) {
    wrong(sink, path + ".reason", "a string", *reason);
  }
  return out;
}

}  // namespace

std::optional<std::int64_t> json_integer(const json& v) {
  if (!v.is_number_integer()) return std::nullopt;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  return v.get<std::int64_t>();
}

PlanIn read_plan(const Context& c, const json& plan, const Sink& sink) {
  PlanIn in;
  if (!plan.is_object()) {
    sink.add("format", "", "a plan must be a JSON object, got " + std::string(plan.type_name()));
    return in;
  }
  read_header(c, plan, sink);
  read_snaps(c, plan, sink);
  if (const json* summary = field(plan, "summary", "", sink, true)) {
    if (summary->is_object())
      in.summary = summary;
    else
      wrong(sink, "summary", "an object", *summary);
  }
  const json* movements = field(plan, "movements", "", sink, true);
  const json* unmet = field(plan, "unmet", "", sink, true);
  if (movements != nullptr && !movements->is_array()) wrong(sink, "movements", "an array", *movements);
  if (unmet != nullptr && !unmet->is_array()) wrong(sink, "unmet", "an array", *unmet);
  if (movements == nullptr || unmet == nullptr || !movements->is_array() || !unmet->is_array()) return in;
  in.usable = true;
  std::map<std::string, std::size_t> ids;  // movement id -> first movement with it
  for (std::size_t i = 0; i < movements->size(); ++i) {
    in.movements.push_back(read_movement(c, (*movements)[i], i, in.complete, sink));
    // Ids are optional (plans from before they existed), unique when given:
    // agreements, reports and re-plans name movements by them.
    const json& m = (*movements)[i];
    const json* id = m.is_object() ? field(m, "id", "movements[" + std::to_string(i) + "]", sink, false) : nullptr;
    if (id == nullptr) continue;
    const std::string path = "movements[" + std::to_string(i) + "].id";
    if (!id->is_string() || id->get_ref<const std::string&>().empty()) {
      wrong(sink, path, "a non-empty string (\"m17\")", *id);
    } else if (const auto [at, fresh] = ids.emplace(id->get<std::string>(), i); !fresh) {
      sink.add("format", path,
               "movement id \"" + id->get<std::string>() + "\" is also movements[" + std::to_string(at->second) +
                   "]'s: ids must be unique");
    }
  }
  for (std::size_t i = 0; i < unmet->size(); ++i) in.unmet.push_back(read_unmet(c, (*unmet)[i], i, in.complete, sink));
  read_fleet(c, plan, in, sink);
  read_walks(c, plan, in, sink);
  return in;
}

}  // namespace corridor::check::detail

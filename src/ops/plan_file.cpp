// A plan document read back onto a graph, for re-planning; and a
// scenario with the operation's events merged in.
#include <cmath>
#include <unordered_map>

#include "corridor/error.hpp"
#include "corridor/geo/time.hpp"
#include "corridor/ops/replan.hpp"

namespace corridor::ops {
namespace {

using nlohmann::json;

template <typename Sites, typename Features>
std::size_t site_of(const Sites& sites, const Features& features, const json& m, const char* key,
                    const std::string& where) {
  const auto it = m.find(key);
  if (it != m.end() && it->is_string()) {
    for (std::size_t i = 0; i < sites.size(); ++i) {
      if (features[sites[i].scenario_index].id == it->template get_ref<const std::string&>()) return i;
    }
  }
  throw InputError(where + "." + key, std::string("names no ") + key + " of the scenario, got " +
                                          (it == m.end() ? std::string("nothing") : it->dump()));
}

std::int64_t count(const json& m, const char* key, const std::string& where) {
  const auto it = m.find(key);
  if (it == m.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0)
    throw InputError(where + "." + key,
                     "must be a non-negative integer, got " + (it == m.end() ? std::string("nothing") : it->dump()));
  return it->get<std::int64_t>();
}

}  // namespace

plan::PlanResult read_plan(const plan::Instance& in, const json& document) {
  const auto& g = in.graph();
  const auto& s = in.scenario();
  if (!document.is_object() || !document.contains("movements") || !document["movements"].is_array())
    throw InputError("movements", "the plan has no \"movements\" array (is it a plan.json from `corridor plan`?)");
  if (document.contains("fleet") && !document["fleet"].empty())
    throw InputError("fleet", "the plan has a shuttle fleet; re-planning and simulation drive movements only so far");
  if (document.contains("start")) {
    const auto start =
        document["start"].is_string() ? geo::parse_rfc3339(document["start"].get<std::string>()) : std::nullopt;
    if (!start || start->utc != s.start)
      throw InputError("start", "the plan starts at " + document["start"].dump() + ", the scenario at " +
                                    geo::format_utc(s.start) + ": it was made for another scenario");
  }
  std::unordered_map<std::int64_t, plan::NodeId> node_of;
  node_of.reserve(g.node_count());
  for (plan::NodeId v = 0; v < g.node_count(); ++v) node_of.emplace(g.node_id[v], v);

  plan::PlanResult out;
  out.method = document.value("method", json("ccrp")).is_string() ? document.value("method", "ccrp") : "ccrp";
  const auto& movements = document["movements"];
  for (std::size_t i = 0; i < movements.size(); ++i) {
    const auto& m = movements[i];
    const std::string where = "movements[" + std::to_string(i) + "]";
    if (!m.is_object()) throw InputError(where, "must be an object");
    plan::Movement mv;
    if (m.contains("id")) {
      if (!m["id"].is_string() || m["id"].get_ref<const std::string&>().empty())
        throw InputError(where + ".id", "must be a non-empty string, got " + m["id"].dump());
      mv.id = m["id"].get<std::string>();
    }
    mv.origin = site_of(in.origins, s.origins, m, "origin", where);
    mv.destination = site_of(in.destinations, s.destinations, m, "destination", where);
    mv.vehicles = count(m, "vehicles", where);
    mv.people = count(m, "people", where);
    mv.stranded = m.value("stranded", json(false)) == json(true);
    const auto path = m.value("path", json());
    const auto times = m.value("times_s", json());
    if (!path.is_array() || path.empty()) throw InputError(where + ".path", "must be a non-empty array of node ids");
    if (!times.is_array() || times.size() != path.size())
      throw InputError(where + ".times_s", "must be an array of seconds as long as path");
    for (std::size_t k = 0; k < path.size(); ++k) {
      const auto id = path[k].is_number_integer() ? std::optional(path[k].get<std::int64_t>()) : std::nullopt;
      const auto it = id ? node_of.find(*id) : node_of.end();
      if (it == node_of.end())
        throw InputError(where + ".path[" + std::to_string(k) + "]",
                         "node " + path[k].dump() + " is not in the map: was the plan made on this map?");
      if (!mv.nodes.empty() && g.find_arc(mv.nodes.back(), it->second) == graph::k_invalid)
        throw InputError(where + ".path[" + std::to_string(k) + "]",
                         "no road of the map leads from node " + path[k - 1].dump() + " to node " + path[k].dump());
      mv.nodes.push_back(it->second);
      if (!times[k].is_number() || !std::isfinite(times[k].get<double>()) || std::fabs(times[k].get<double>()) > 1e9)
        throw InputError(where + ".times_s[" + std::to_string(k) + "]",
                         "must be seconds after the scenario's start, got " + times[k].dump());
      mv.times.push_back(std::llround(times[k].get<double>() * 1000.0));
    }
    out.movements.push_back(std::move(mv));
  }
  plan::name_movements(out);
  return out;
}

MergedScenario merge_events(const json& scenario, const json& events, geo::UnixSeconds at) {
  if (!scenario.is_object() || !scenario.contains("features") || !scenario["features"].is_array())
    throw InputError("features", "the scenario is not a GeoJSON FeatureCollection with features");
  if (!events.is_object() || events.value("type", json()) != "FeatureCollection" || !events.contains("features") ||
      !events["features"].is_array())
    throw InputError("events", "must be a GeoJSON FeatureCollection of scenario features (docs/operations.md)");
  MergedScenario out{scenario, {}};
  auto& features = out.document["features"];
  const auto at_text = geo::format_utc(at);
  for (std::size_t i = 0; i < events["features"].size(); ++i) {
    auto event = events["features"][i];
    const std::string where = "events.features[" + std::to_string(i) + "]";
    if (!event.is_object() || !event.contains("properties") || !event["properties"].is_object())
      throw InputError(where + ".properties", "must be an object with the feature's kind and id");
    auto& props = event["properties"];
    if (!props.contains("kind") || !props["kind"].is_string())
      throw InputError(where + ".properties.kind", "must name a scenario feature kind (hazard, checkpoint, ...)");
    if (!props.contains("id") || !props["id"].is_string())
      throw InputError(where + ".properties.id", "must be the id of the feature to add or change");
    const auto kind = props["kind"].get<std::string>();
    const auto id = props["id"].get<std::string>();
    if (kind == "hazard") {
      // Known from `at` on: history cannot change.
      std::optional<geo::UnixSeconds> from;
      if (props.contains("from")) {
        std::string why;
        const auto parsed =
            props["from"].is_string() ? geo::parse_rfc3339(props["from"].get<std::string>(), &why) : std::nullopt;
        if (!parsed)
          throw InputError(where + ".properties.from", "must be an RFC 3339 time, got " + props["from"].dump());
        from = parsed->utc;
      }
      if (!from || *from < at) {
        out.notes.push_back("hazard " + id + " is taken to start at " + at_text + " (the re-plan's time) instead of " +
                            (from ? geo::format_utc(*from) : std::string("always")) +
                            ": what happened before is history");
        props["from"] = at_text;
      }
    }
    bool updated = false;
    for (auto& f : features) {
      if (!f.is_object() || !f.contains("properties") || !f["properties"].is_object()) continue;
      const auto& p = f["properties"];
      if (p.value("kind", json()) != kind || p.value("id", json()) != id) continue;
      for (auto it = props.begin(); it != props.end(); ++it) f["properties"][it.key()] = it.value();
      if (event.contains("geometry") && !event["geometry"].is_null()) f["geometry"] = event["geometry"];
      updated = true;
      break;
    }
    if (updated) continue;
    if (!event.contains("geometry") || event["geometry"].is_null())
      throw InputError(where + ".geometry",
                       "the scenario has no " + kind + " \"" + id + "\" to change, and a new one needs a geometry");
    event["type"] = "Feature";
    features.push_back(std::move(event));
  }
  return out;
}

}  // namespace corridor::ops

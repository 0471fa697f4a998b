#include "corridor/monitor/convoy_report.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <unordered_map>

#include "corridor/error.hpp"
#include "corridor/ledger/sql.hpp"

namespace corridor::monitor {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<ConvoyStatus, std::string_view>, 6> k_statuses{
    {{ConvoyStatus::departed, "departed"},
     {ConvoyStatus::position, "position"},
     {ConvoyStatus::at_checkpoint, "at_checkpoint"},
     {ConvoyStatus::delayed, "delayed"},
     {ConvoyStatus::stopped, "stopped"},
     {ConvoyStatus::arrived, "arrived"}}};

}  // namespace

std::string to_string(ConvoyStatus s) {
  for (const auto& [status, name] : k_statuses) {
    if (status == s) return std::string(name);
  }
  return "position";
}

std::optional<ConvoyStatus> parse_convoy_status(std::string_view text) {
  for (const auto& [status, name] : k_statuses) {
    if (name == text) return status;
  }
  return std::nullopt;
}

double distance_to_polyline_m(geo::LonLat p, const std::vector<geo::LonLat>& route) {
  if (route.size() == 1) return geo::distance_m(p, route[0]);
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i + 1 < route.size(); ++i)
    best = std::min(best, geo::distance_to_segment_m(p, route[i], route[i + 1]));
  return best;
}

json convoy_report_document(const ConvoyReportDoc& r) {
  json d = {{"type", k_convoy_report_type},  {"id", r.id},
            {"reported_by", r.reported_by},  {"movement", r.movement},
            {"status", to_string(r.status)}, {"time", geo::format_utc(r.time)}};
  if (r.where) d["position"] = {{"lon", r.where->lon}, {"lat", r.where->lat}};
  if (r.node) d["position"] = {{"node", *r.node}};
  if (!r.checkpoint.empty()) d["checkpoint"] = r.checkpoint;
  if (r.status == ConvoyStatus::delayed) d["delay_min"] = r.delay_min;
  if (!r.reason.empty()) d["reason"] = r.reason;
  if (r.status == ConvoyStatus::arrived) d["people"] = r.people;
  if (r.off_route) d["off_route"] = true;
  if (!r.note.empty()) d["note"] = r.note;
  return d;
}

ConvoyReportDoc parse_convoy_report(const json& d, const std::string& source) {
  if (!d.is_object() || d.value("type", json()) != k_convoy_report_type) {
    throw ValidationError(source, {{"type", "a convoy report must have \"type\": \"corridor-convoy-report\""}});
  }
  std::vector<Problem> problems;
  ConvoyReportDoc r;
  auto text = [&](const char* key, bool required) -> std::string {
    if (!d.contains(key) || d[key].is_null()) {
      if (required) problems.push_back({key, "is required"});
      return "";
    }
    if (!d[key].is_string() || (required && d[key].get_ref<const std::string&>().empty())) {
      problems.push_back({key, "must be a non-empty string, got " + d[key].dump()});
      return "";
    }
    return d[key].get<std::string>();
  };
  auto whole = [&](const char* key, std::int64_t minimum) -> std::int64_t {
    if (!d.contains(key) || !d[key].is_number_integer() || d[key].get<std::int64_t>() < minimum ||
        d[key].get<std::int64_t>() > 1'000'000'000) {
      problems.push_back({key, "must be a whole number >= " + std::to_string(minimum) + ", got " +
                                   (d.contains(key) ? d[key].dump() : std::string("nothing"))});
      return 0;
    }
    return d[key].get<std::int64_t>();
  };
  r.id = text("id", true);
  r.reported_by = text("reported_by", true);
  r.movement = text("movement", true);
  r.reason = text("reason", false);
  r.note = text("note", false);
  r.checkpoint = text("checkpoint", false);
  const auto status = text("status", true);
  if (const auto s = parse_convoy_status(status)) {
    r.status = *s;
  } else if (!status.empty()) {
    problems.push_back(
        {"status", "must be departed, position, at_checkpoint, delayed, stopped or arrived, got \"" + status + "\""});
  }
  std::string why;
  const auto t = d.contains("time") && d["time"].is_string() ? geo::parse_rfc3339(d["time"].get<std::string>(), &why)
                                                             : std::nullopt;
  if (!t)
    problems.push_back({"time", (why.empty() ? std::string("is required (RFC 3339 with an offset)") : why) +
                                    (d.contains("time") ? ", got " + d["time"].dump() : std::string())});
  else
    r.time = t->utc;
  if (d.contains("position") && !d["position"].is_null()) {
    const auto& p = d["position"];
    if (p.is_object() && p.contains("node") && p["node"].is_number_integer()) {
      r.node = p["node"].get<std::int64_t>();
    } else if (p.is_object() && p.contains("lon") && p.contains("lat") && p["lon"].is_number() &&
               p["lat"].is_number() && geo::valid({p["lon"].get<double>(), p["lat"].get<double>()})) {
      r.where = geo::LonLat{p["lon"].get<double>(), p["lat"].get<double>()};
    } else {
      problems.push_back(
          {"position", "must be {\"lon\": .., \"lat\": ..} in degrees or {\"node\": OSM id}, got " + p.dump()});
    }
  }
  if (d.contains("off_route")) {
    if (!d["off_route"].is_boolean())
      problems.push_back({"off_route", "must be true or false, got " + d["off_route"].dump()});
    else
      r.off_route = d["off_route"].get<bool>();
  }
  switch (r.status) {
    case ConvoyStatus::position:
      if (status == "position" && !r.where && !r.node && !d.contains("position"))
        problems.push_back({"position", "is required for a position report"});
      break;
    case ConvoyStatus::at_checkpoint:
      if (r.checkpoint.empty()) problems.push_back({"checkpoint", "is required: the id of the checkpoint"});
      break;
    case ConvoyStatus::delayed:
      r.delay_min = whole("delay_min", 1);
      break;
    case ConvoyStatus::stopped:
      if (r.reason.empty()) problems.push_back({"reason", "is required: why the convoy stopped"});
      break;
    case ConvoyStatus::arrived:
      r.people = whole("people", 0);
      break;
    case ConvoyStatus::departed:
      break;
  }
  if (!problems.empty()) throw ValidationError(source, std::move(problems));
  return r;
}

const AgreementVersion& check_convoy_report(const ConvoyReportDoc& r, const AgreementVersions& versions,
                                            const graph::RoadGraph& map, double max_off_route_m) {
  const auto when = geo::format_utc(r.time);
  // The version in force then that has this movement.
  const AgreementVersion* version = nullptr;
  const agree::AgreedCorridor* corridor = nullptr;
  std::string known;
  for (const auto& scenario : versions.scenarios()) {
    const auto* v = versions.at(r.time, scenario);
    if (v == nullptr) continue;
    for (const auto& c : v->terms.corridors) {
      for (const auto& id : c.movements) {
        if (known.size() < 120) known += (known.empty() ? "" : ", ") + id;
        if (id == r.movement && corridor == nullptr) {
          version = v;
          corridor = &c;
        }
      }
    }
  }
  if (versions.versions.empty())
    throw ledger::RejectedEntry("no agreement is in force in this ledger: a convoy report refers to one");
  if (corridor == nullptr) {
    throw ledger::RejectedEntry("movement \"" + r.movement + "\" is not in the agreement in force at " + when +
                                (known.empty()
                                     ? std::string(" (it names no movements)")
                                     : " (its movements: " + known + (known.size() >= 120 ? ", ..." : "") + ")"));
  }
  const auto& doc = version->document;
  const auto start = geo::parse_rfc3339(doc.value("start", ""));
  const auto end = geo::parse_rfc3339(doc.value("end", ""));
  if (start && end && (r.time < start->utc || r.time > end->utc)) {
    throw ledger::RejectedEntry("time " + when + " is outside the agreement's span (" + doc.value("start", "") +
                                " to " + doc.value("end", "") + ")");
  }
  if (r.status == ConvoyStatus::at_checkpoint) {
    bool found = false;
    for (const auto& c : doc.value("checkpoints", json::array())) found = found || c.value("id", "") == r.checkpoint;
    if (!found) throw ledger::RejectedEntry("checkpoint \"" + r.checkpoint + "\" is not one of the agreement's");
  }
  if ((r.where || r.node) && !r.off_route) {
    std::unordered_map<std::int64_t, graph::NodeId> node_of;
    for (graph::NodeId v = 0; v < map.node_count(); ++v) node_of.emplace(map.node_id[v], v);
    std::vector<geo::LonLat> route;
    for (const auto id : corridor->nodes) {
      if (const auto it = node_of.find(id); it != node_of.end()) route.push_back(map.where(it->second));
    }
    if (r.node) {
      if (std::find(corridor->nodes.begin(), corridor->nodes.end(), *r.node) == corridor->nodes.end())
        throw ledger::RejectedEntry("node " + std::to_string(*r.node) + " is not on movement " + r.movement +
                                    "'s route (corridor " + corridor->id + "); say \"off_route\": true if it left it");
    } else if (!route.empty()) {
      const double d = distance_to_polyline_m(*r.where, route);
      if (d > max_off_route_m) {
        throw ledger::RejectedEntry("position is " + std::to_string(static_cast<long>(std::lround(d))) +
                                    " m from movement " + r.movement + "'s route (corridor " + corridor->id +
                                    "), more than " + std::to_string(static_cast<long>(max_off_route_m)) +
                                    " m; say \"off_route\": true if it left it");
      }
    }
  }
  return *version;
}

}  // namespace corridor::monitor

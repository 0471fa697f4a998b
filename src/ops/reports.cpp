// Convoy reports for re-planning, and the operation's status: every
// movement of the agreement in force, planned against reported.
#include "corridor/ops/reports.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "corridor/agree/jws.hpp"
#include "corridor/error.hpp"
#include "corridor/json.hpp"

namespace corridor::ops {
namespace {

using monitor::ConvoyStatus;
using nlohmann::json;

ConvoyReport typed(const plan::Instance& in, const monitor::ConvoyReportDoc& d,
                   const std::unordered_map<std::int64_t, plan::NodeId>& node_of) {
  ConvoyReport r;
  r.movement = d.movement;
  r.kind = d.status;
  r.time = in.after_start(d.time);
  r.where = d.where;
  if (d.node) {
    if (const auto it = node_of.find(*d.node); it != node_of.end()) r.node = it->second;
  }
  if (d.status == ConvoyStatus::at_checkpoint && !r.node && !r.where) {
    for (const auto& c : in.checkpoints) {
      if (in.scenario().checkpoints[c.scenario_index].id == d.checkpoint) r.node = c.node;
    }
  }
  r.delay = d.delay_min * 60'000;
  r.people = d.people;
  r.reason = d.reason;
  r.reported_by = d.reported_by;
  return r;
}

std::unordered_map<std::int64_t, plan::NodeId> nodes_of(const graph::RoadGraph& g) {
  std::unordered_map<std::int64_t, plan::NodeId> node_of;
  node_of.reserve(g.node_count());
  for (plan::NodeId v = 0; v < g.node_count(); ++v) node_of.emplace(g.node_id[v], v);
  return node_of;
}

json payload(const json& document) {
  return document.is_object() && document.contains("payload") ? agree::payload_of(document) : document;
}

std::string clock(geo::UnixSeconds t) { return geo::format_utc(t).substr(11, 5); }

std::string minutes(std::int64_t seconds) { return std::to_string(std::llabs(seconds) / 60) + " min"; }

}  // namespace

std::vector<ConvoyReport> reports_from_documents(const plan::Instance& in, const json& documents,
                                                 const std::string& source) {
  const auto node_of = nodes_of(in.graph());
  std::vector<ConvoyReport> out;
  const json list = documents.is_array() ? documents : json::array({documents});
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto where = source + "[" + std::to_string(i) + "]";
    out.push_back(typed(in, monitor::parse_convoy_report(payload(list[i]), where), node_of));
  }
  return out;
}

std::vector<std::pair<std::uint64_t, monitor::ConvoyReportDoc>> convoy_reports(const ledger::Ledger& ledger) {
  std::vector<std::pair<std::uint64_t, monitor::ConvoyReportDoc>> out;
  for (std::uint64_t i = 0; i < ledger.size(); ++i) {
    const auto entry = ledger.entry(i);
    if (!entry || entry->kind != monitor::k_convoy_report_type) continue;
    const auto doc = corridor::json::try_parse(entry->body);
    if (!doc) continue;
    try {
      out.emplace_back(i, monitor::parse_convoy_report(payload(*doc), "ledger entry " + std::to_string(i)));
    } catch (const Error&) {
      // Checked when appended; `corridor log verify` names a bad entry.
    }
  }
  return out;
}

std::vector<ConvoyReport> reports_from_ledger(const plan::Instance& in, const ledger::Ledger& ledger) {
  const auto node_of = nodes_of(in.graph());
  std::vector<ConvoyReport> out;
  for (const auto& [entry, doc] : convoy_reports(ledger)) out.push_back(typed(in, doc, node_of));
  return out;
}

ledger::AppendResult append_convoy_report(ledger::Ledger& ledger, const json& signed_doc,
                                          const agree::Registry& registry, const graph::RoadGraph& map,
                                          const ledger::NoteSigner& signer, double max_off_route_m) {
  static const ledger::DocumentKinds kinds{{{monitor::k_convoy_report_type, "convoy reports",
                                             [](const json& p) { (void)monitor::parse_convoy_report(p, "payload"); }}}};
  const auto checked = ledger::check_document(signed_doc, registry, kinds);
  const auto report = monitor::parse_convoy_report(agree::payload_of(signed_doc), "report");
  const auto checks = agree::verify_signatures(signed_doc, registry);
  if (std::none_of(checks.begin(), checks.end(),
                   [&](const agree::SignatureCheck& c) { return c.valid && c.party == report.reported_by; })) {
    throw ledger::RejectedEntry("the report names " + report.reported_by +
                                " as reporter but is not signed by that party's key");
  }
  (void)monitor::check_convoy_report(report, monitor::agreement_versions(ledger, registry), map, max_off_route_m);
  const auto r = ledger.append(checked.kind, checked.body, signer);
  if (r.already_present) {
    throw ledger::RejectedEntry("this report is in the ledger already (entry " + std::to_string(r.index) +
                                "): a replayed report is refused");
  }
  return r;
}

Status operation_status(const ledger::Ledger& ledger, const agree::Registry& registry, const graph::RoadGraph& map,
                        geo::UnixSeconds at) {
  Status s;
  s.at = at;
  const auto versions = monitor::agreement_versions(ledger, registry);
  s.notes = versions.notes;
  const monitor::AgreementVersion* version = nullptr;
  for (const auto& scenario : versions.scenarios()) {
    const auto* v = versions.at(at, scenario);
    if (v != nullptr && std::any_of(v->terms.corridors.begin(), v->terms.corridors.end(),
                                    [](const auto& c) { return !c.movements.empty(); }))
      version = v;
  }
  if (version == nullptr)
    throw InputError("--db", "no agreement with movement ids is in force at " + geo::format_utc(at) +
                                 " in this ledger (propose one from a plan and have every party sign it)");
  s.agreement = monitor::describe(*version);
  s.version = version->version;
  s.hash = version->hash;
  s.in_force_from = version->in_force_from;
  const auto node_of = nodes_of(map);

  // The last report up to `at` per movement, delays added up.
  std::map<std::string, std::vector<std::pair<std::uint64_t, monitor::ConvoyReportDoc>>> by_movement;
  for (auto& [entry, doc] : convoy_reports(ledger)) {
    if (doc.time <= at) by_movement[doc.movement].emplace_back(entry, std::move(doc));
  }
  std::map<std::string, std::int64_t> waiting, arrived;
  for (const auto& c : version->terms.corridors) {
    std::vector<geo::LonLat> route;
    std::vector<double> along{0};
    for (const auto id : c.nodes) {
      const auto it = node_of.find(id);
      if (it == node_of.end()) continue;
      if (!route.empty()) along.push_back(along.back() + geo::distance_m(route.back(), map.where(it->second)));
      route.push_back(map.where(it->second));
    }
    along.resize(route.size());
    const auto& items = version->document["corridors"];
    const json* corridor_doc = nullptr;
    for (const auto& item : items) {
      if (item.value("id", "") == c.id) corridor_doc = &item;
    }
    for (const auto& m : corridor_doc == nullptr ? json::array() : corridor_doc->value("movements", json::array())) {
      MovementStatus st;
      st.movement = m.value("id", "");
      st.corridor = c.id;
      st.origin = c.origin;
      st.destination = c.destination;
      st.vehicles = m.value("vehicles", 0);
      st.people = m.value("people", 0);
      const auto dep = geo::parse_rfc3339(m.value("departure", ""));
      const auto arr = geo::parse_rfc3339(m.value("arrival", ""));
      if (!dep || !arr) continue;
      st.planned_departure = dep->utc;
      st.planned_arrival = arr->utc;
      // Where the plan puts it: along the route in proportion to time.
      const auto span = (st.planned_arrival - st.planned_departure).count();
      auto planned_at = [&](geo::UnixSeconds t) -> std::optional<geo::LonLat> {
        if (route.empty()) return std::nullopt;
        const double f =
            span <= 0 ? 1.0
                      : std::clamp(static_cast<double>((t - st.planned_departure).count()) / static_cast<double>(span),
                                   0.0, 1.0);
        const double target = f * along.back();
        std::size_t k = 0;
        while (k + 1 < along.size() && along[k + 1] < target) ++k;
        return route[k];
      };
      // When the plan has it at the point nearest p.
      auto planned_time_at = [&](geo::LonLat p) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < route.size(); ++k) {
          if (geo::distance_m(route[k], p) < geo::distance_m(route[best], p)) best = k;
        }
        const double f = along.empty() || along.back() <= 0 ? 1.0 : along[best] / along.back();
        return st.planned_departure + std::chrono::seconds(static_cast<std::int64_t>(f * static_cast<double>(span)));
      };
      st.position = planned_at(at);
      std::int64_t delay_s = 0;
      bool departed = false, stopped = false, off = false, done = false;
      std::string stop_reason;
      for (const auto& [entry, r] : by_movement[st.movement]) {
        st.last_entry = entry;
        std::optional<geo::LonLat> p = r.where;
        if (r.node) {
          if (const auto it = node_of.find(*r.node); it != node_of.end()) p = map.where(it->second);
        }
        switch (r.status) {
          case ConvoyStatus::departed:
            departed = true;
            delay_s = (r.time - st.planned_departure).count();
            break;
          case ConvoyStatus::delayed:
            delay_s += r.delay_min * 60;
            break;
          case ConvoyStatus::stopped:
            stopped = true;
            stop_reason = r.reason;
            break;
          case ConvoyStatus::arrived:
            done = true;
            st.people_arrived = r.people;
            delay_s = (r.time - st.planned_arrival).count();
            break;
          case ConvoyStatus::position:
          case ConvoyStatus::at_checkpoint:
            departed = true;
            stopped = false;
            if (p && !r.off_route) delay_s = (r.time - planned_time_at(*p)).count();
            break;
        }
        if (r.status != ConvoyStatus::stopped && r.status != ConvoyStatus::delayed) off = r.off_route;
        if (p) {
          st.position = p;
          st.position_reported = true;
        }
      }
      st.late_s = delay_s;
      const auto late = delay_s > 60    ? ", " + minutes(delay_s) + " late"
                        : delay_s < -60 ? ", " + minutes(delay_s) + " early"
                                        : std::string(", on time");
      if (done) {
        st.state = "arrived";
        st.text = "arrived at " + st.destination + " with " + std::to_string(st.people_arrived) + " people" + late;
        arrived[st.destination] += st.people_arrived;
      } else if (stopped) {
        st.state = "stopped";
        st.text = "stopped: " + stop_reason;
      } else if (off) {
        st.state = "off_route";
        st.text = "reported off its route";
      } else if (!departed && at < st.planned_departure + std::chrono::seconds(delay_s)) {
        st.state = "waiting";
        st.text = "waiting at " + st.origin + ", to leave at " + clock(st.planned_departure) + " UTC" + late;
      } else if (at > st.planned_arrival + std::chrono::seconds(std::max<std::int64_t>(0, delay_s))) {
        st.state = "overdue";
        st.text = "no arrival reported; planned at " + clock(st.planned_arrival) + " UTC";
      } else {
        st.state = delay_s > 60 ? "late" : "on_road";
        st.text =
            std::string(st.position_reported ? "on the road" : "on the road (no report; where the plan has it)") + late;
      }
      if (st.state == "waiting") waiting[st.origin] += st.people;
      s.movements.push_back(std::move(st));
    }
  }
  s.waiting.assign(waiting.begin(), waiting.end());
  s.arrived.assign(arrived.begin(), arrived.end());
  return s;
}

json Status::to_json() const {
  json list = json::array();
  for (const auto& m : movements) {
    json j = {{"movement", m.movement},
              {"corridor", m.corridor},
              {"origin", m.origin},
              {"destination", m.destination},
              {"vehicles", m.vehicles},
              {"people", m.people},
              {"planned_departure", geo::format_utc(m.planned_departure)},
              {"planned_arrival", geo::format_utc(m.planned_arrival)},
              {"state", m.state},
              {"late_s", m.late_s},
              {"text", m.text},
              {"position_reported", m.position_reported}};
    if (m.position) j["position"] = {m.position->lon, m.position->lat};
    if (m.last_entry) j["last_report_entry"] = *m.last_entry;
    if (m.state == "arrived") j["people_arrived"] = m.people_arrived;
    list.push_back(std::move(j));
  }
  json w = json::object(), a = json::object();
  for (const auto& [o, n] : waiting) w[o] = n;
  for (const auto& [d, n] : arrived) a[d] = n;
  return {{"at", geo::format_utc(at)},
          {"agreement", agreement},
          {"agreement_version", agreement_json()},
          {"movements", list},
          {"waiting", w},
          {"arrived", a},
          {"notes", notes}};
}

json Status::to_geojson() const {
  json features = json::array();
  for (const auto& m : movements) {
    if (!m.position) continue;
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "Point"}, {"coordinates", {m.position->lon, m.position->lat}}}},
                        {"properties",
                         {{"movement", m.movement},
                          {"state", m.state},
                          {"reported", m.position_reported},
                          {"late_s", m.late_s},
                          {"text", m.text},
                          {"vehicles", m.vehicles},
                          {"people", m.people}}}});
  }
  return {{"type", "FeatureCollection"},
          {"attribution", "© OpenStreetMap contributors"},
          {"agreement", agreement_json()},
          {"features", features}};
}

json Status::agreement_json() const {
  return {{"version", version},
          {"hash", hash},
          {"in_force_from", in_force_from ? json(geo::format_utc(*in_force_from)) : json(nullptr)}};
}

}  // namespace corridor::ops

#include "corridor/monitor/violations.hpp"

#include <cmath>
#include <map>
#include <numbers>
#include <unordered_map>

#include "corridor/agree/agreement.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/json.hpp"
#include "corridor/ledger/proof.hpp"
#include "corridor/monitor/incident.hpp"
#include "corridor/monitor/versions.hpp"

namespace corridor::monitor {
namespace {

using nlohmann::json;

// Distance from the incident's place to a route (0 when an area meets it).
double distance_to_route(const Incident& incident, const std::vector<geo::LonLat>& route) {
  double best = std::numeric_limits<double>::infinity();
  if (route.size() == 1) return geo::distance_m(incident.where, route[0]);
  std::vector<geo::LonLat> probes{incident.where};
  if (incident.area) {
    for (const auto& rings : incident.area->polygons()) probes.insert(probes.end(), rings[0].begin(), rings[0].end());
  }
  for (std::size_t i = 0; i + 1 < route.size(); ++i) {
    if (incident.area && incident.area->meets(route[i], route[i + 1])) return 0;
    for (const auto& p : probes) best = std::min(best, geo::distance_to_segment_m(p, route[i], route[i + 1]));
  }
  return best;
}

}  // namespace

ViolationReport find_violations(const ledger::Ledger& ledger, const agree::Registry& registry,
                                const graph::RoadGraph& map, const ViolationOptions& options) {
  ViolationReport report;
  std::unordered_map<std::int64_t, graph::NodeId> node_of;
  node_of.reserve(map.node_count());
  for (graph::NodeId v = 0; v < map.node_count(); ++v) node_of.emplace(map.node_id[v], v);

  // Every agreement version in force and when, and every incident whose
  // report verifies.
  const auto versions = agreement_versions(ledger, registry);
  report.notes = versions.notes;
  std::vector<std::pair<std::uint64_t, Incident>> incidents;
  std::vector<json> incident_docs;
  for (std::uint64_t i = 0; i < ledger.size(); ++i) {
    const auto entry = ledger.entry(i);
    if (!entry) continue;
    auto parsed = corridor::json::try_parse(entry->body);
    if (!parsed) {
      report.notes.push_back("entry " + std::to_string(i) + ": not JSON, skipped");
      continue;
    }
    json doc = std::move(*parsed);
    try {
      if (entry->kind == k_incident_type) {
        const auto checks = agree::verify_signatures(doc, registry);
        const auto payload = agree::payload_of(doc);
        auto incident = parse_incident(payload, "entry " + std::to_string(i));
        const bool signed_by_reporter = std::any_of(checks.begin(), checks.end(), [&](const agree::SignatureCheck& c) {
          return c.valid && c.known_key && c.party == incident.reported_by;
        });
        if (!signed_by_reporter) {
          report.notes.push_back("entry " + std::to_string(i) + ": incident " + incident.id +
                                 " is not signed by its reporting party " + incident.reported_by + ", skipped");
          continue;
        }
        incident_docs.push_back(payload);
        incidents.emplace_back(i, std::move(incident));
      }
    } catch (const std::exception& e) {
      report.notes.push_back("entry " + std::to_string(i) + ": " + e.what());
    }
  }
  report.incidents = incidents.size();
  const auto scenarios = versions.scenarios();
  report.agreements_in_force = scenarios.size();

  for (std::size_t k = 0; k < incidents.size(); ++k) {
    const auto& [incident_entry, incident] = incidents[k];
    const double reach = options.buffer_m + incident.precision_m;
    for (const auto& scenario : scenarios) {
      // The version in force when it happened.
      const auto* in_force = versions.at(incident.time, scenario);
      if (in_force == nullptr) continue;
      const auto& a = *in_force;
      PossibleViolation v;
      v.incident_entry = incident_entry;
      v.agreement_entry = a.entry;
      v.incident = incident_docs[k];
      v.agreement_hash = a.hash;
      v.agreement_version = a.version;
      v.agreement_in_force = "the version in force at the incident's time: " + describe(a);
      // When the agreement binds: its ceasefire windows.
      std::vector<std::string> windows;
      for (const auto& w : a.terms.windows) {
        if (incident.time < w.until && w.from < incident.until()) {
          windows.push_back("ceasefire " + w.ceasefire + " window " + std::to_string(w.number) + " (" + w.from_text +
                            " to " + w.until_text + ")");
        }
      }
      for (const auto& c : a.terms.corridors) {
        std::vector<geo::LonLat> route;
        for (const auto id : c.nodes) {
          const auto it = node_of.find(id);
          if (it != node_of.end()) route.push_back(map.where(it->second));
        }
        if (route.empty()) continue;
        const double d = distance_to_route(incident, route);
        if (d > reach) continue;
        std::vector<std::string> during = windows;
        if (incident.time < c.last_arrival && c.first_departure < incident.until()) {
          during.push_back("corridor convoys on the road (" + c.first_departure_text + " to " + c.last_arrival_text +
                           ")");
        }
        if (during.empty()) continue;
        v.corridors.push_back({c.id, c.origin + " -> " + c.destination, std::round(d), std::move(during)});
      }
      if (v.corridors.empty()) continue;
      std::stable_sort(v.corridors.begin(), v.corridors.end(),
                       [](const auto& x, const auto& y) { return x.distance_m < y.distance_m; });
      report.violations.push_back(std::move(v));
    }
  }
  return report;
}

json to_json(const ledger::Ledger& ledger, const ViolationReport& report) {
  json list = json::array();
  for (const auto& v : report.violations) {
    json near = json::array();
    for (const auto& c : v.corridors) {
      near.push_back(
          {{"corridor", c.corridor}, {"route", c.label}, {"distance_m", c.distance_m}, {"during", c.during}});
    }
    list.push_back(
        {{"incident", v.incident},
         {"agreement",
          {{"version", v.agreement_version}, {"hash", v.agreement_hash}, {"in_force", v.agreement_in_force}}},
         {"distance_m", v.corridors.front().distance_m},
         {"corridors", near},
         {"evidence",
          {{"incident_entry", v.incident_entry},
           {"agreement_entry", v.agreement_entry},
           {"incident_inclusion", ledger::inclusion_proof_json(ledger, v.incident_entry, std::nullopt)},
           {"agreement_inclusion", ledger::inclusion_proof_json(ledger, v.agreement_entry, std::nullopt)}}}});
  }
  return {{"possible_violations", list},
          {"incidents", report.incidents},
          {"agreements_in_force", report.agreements_in_force},
          {"notes", report.notes},
          {"note",
           "possible violations lay out what was agreed and what was reported; they do not decide who is to blame"}};
}

}  // namespace corridor::monitor

#pragma once
// Convoy reports as the re-planner and the status use them: read from
// signed report files or from the ledger, and what they say about each
// movement at a moment (planned against reported).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/ledger/ledger.hpp"
#include "corridor/monitor/convoy_report.hpp"
#include "corridor/ops/replan.hpp"

namespace corridor::ops {

// The reports of a JSON array of convoy report documents (signed, or bare
// payloads) or of one document, in the instance's terms; `source` names the
// file in errors. Positions stay points; nodes become graph nodes.
std::vector<ConvoyReport> reports_from_documents(const plan::Instance& in, const nlohmann::json& documents,
                                                 const std::string& source);
// Every convoy report in a ledger (checked when it was appended).
std::vector<ConvoyReport> reports_from_ledger(const plan::Instance& in, const ledger::Ledger& ledger);

// Every convoy report document in a ledger, with its entry index.
std::vector<std::pair<std::uint64_t, monitor::ConvoyReportDoc>> convoy_reports(const ledger::Ledger& ledger);

// Accepts a signed convoy report: signed by a registered key of the party
// it names as reporter, checked against the agreement in force at its time
// and the map (monitor::check_convoy_report), not in the ledger already (a
// replay is refused); appends it and returns after COMMIT. Throws
// ledger::RejectedEntry saying why not.
ledger::AppendResult append_convoy_report(ledger::Ledger& ledger, const nlohmann::json& signed_doc,
                                          const agree::Registry& registry, const graph::RoadGraph& map,
                                          const ledger::NoteSigner& signer, double max_off_route_m = 500);

// One movement of the agreement in force at `at`, planned against reported.
struct MovementStatus {
  std::string movement, corridor, origin, destination;
  std::int64_t vehicles = 0, people = 0;
  geo::UnixSeconds planned_departure{}, planned_arrival{};
  // waiting, on_road, late, stopped, off_route, arrived, overdue (no
  // arrival reported after the planned one)
  std::string state;
  std::int64_t late_s = 0;              // how late the last report shows it (negative: early)
  std::optional<geo::LonLat> position;  // the last reported position, or where the plan puts it
  bool position_reported = false;
  std::optional<std::uint64_t> last_entry;  // ledger entry of its last report
  std::string text;                         // one sentence
  std::int64_t people_arrived = 0;
};

struct Status {
  geo::UnixSeconds at{};
  std::string agreement;  // monitor::describe of the version in force
  std::int64_t version = 0;
  std::string hash;
  std::optional<geo::UnixSeconds> in_force_from;  // nullopt: from the start
  std::vector<MovementStatus> movements;
  std::vector<std::pair<std::string, std::int64_t>> waiting;  // origin -> people not yet gone
  std::vector<std::pair<std::string, std::int64_t>> arrived;  // destination -> people reported arrived
  std::vector<std::string> notes;
  [[nodiscard]] nlohmann::json to_json() const;
  // Convoys at their reported (or planned) positions, for the map; its
  // "agreement" member names the version in force.
  [[nodiscard]] nlohmann::json to_geojson() const;
  // {"version", "hash", "in_force_from"} of the version in force.
  [[nodiscard]] nlohmann::json agreement_json() const;
};

// The status at `at` of the agreement version in force then, from the
// ledger's convoy reports up to `at`. Throws InputError when no agreement
// with movements is in force.
Status operation_status(const ledger::Ledger& ledger, const agree::Registry& registry, const graph::RoadGraph& map,
                        geo::UnixSeconds at);

}  // namespace corridor::ops

#pragma once
// Possible violations: every incident in the ledger matched against the
// agreements in force, with the ledger entries and inclusion proofs as
// evidence. It never decides who is to blame; it lays out what was agreed
// and what each party reported.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/agree/keys.hpp"
#include "corridor/graph/road_graph.hpp"
#include "corridor/ledger/ledger.hpp"

namespace corridor::monitor {

struct ViolationOptions {
  double buffer_m = 500;  // how near a corridor an incident counts, plus its own precision
};

struct PossibleViolation {
  std::uint64_t incident_entry = 0;
  std::uint64_t agreement_entry = 0;
  nlohmann::json incident;  // the incident document
  std::string agreement_hash;
  std::int64_t agreement_version = 0;
  std::string agreement_in_force;  // which version was in force at the incident's time, and from when
  struct Near {
    std::string corridor;             // corridor id, "c1"
    std::string label;                // "andorra-la-vella -> south-reception"
    double distance_m = 0;            // from the incident's place to the route
    std::vector<std::string> during;  // "ceasefire valley-ceasefire window 1 (...)", "corridor convoys on the road ..."
  };
  std::vector<Near> corridors;  // every corridor it is near during a window, nearest first
};

struct ViolationReport {
  std::vector<PossibleViolation> violations;
  std::size_t incidents = 0;  // incidents with valid signatures
  std::size_t agreements_in_force = 0;
  std::vector<std::string> notes;  // entries skipped and why
};

// Node coordinates come from the map the agreements' routes were made on.
ViolationReport find_violations(const ledger::Ledger& ledger, const agree::Registry& registry,
                                const graph::RoadGraph& map, const ViolationOptions& options = {});

// The report with evidence: each violation's entries and their inclusion
// proofs against the ledger's latest signed head.
nlohmann::json to_json(const ledger::Ledger& ledger, const ViolationReport& report);

}  // namespace corridor::monitor

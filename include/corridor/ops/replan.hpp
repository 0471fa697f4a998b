#pragma once
// Re-planning from the current state (docs/operations.md).
//
// At a moment `at` during the operation everything before it is history:
// every movement that left before `at` passes the same nodes at the same
// times up to `at`. A convoy on the road goes on along its path while that
// stays open and has the capacity it had, and is otherwise diverted from
// where it stands (the old prefix and a new suffix, same id). Movements not
// yet gone are planned again on what is left of every capacity. Convoy
// reports, when given, override the plan's idea of where a convoy is.
//
// The scenario is the one the plan was made for with the operation's
// events merged in (merge_events): new hazards, changed checkpoint
// capacities, destinations and origins. The new plan is valid for that
// merged scenario, as `corridor check` verifies.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/monitor/convoy_report.hpp"
#include "corridor/plan/instance.hpp"
#include "corridor/plan/plan.hpp"
#include "corridor/plan/stop.hpp"

namespace corridor::ops {

using plan::Ms;

// The scenario with the events' features merged in: a feature whose kind
// and id match one of the scenario's updates it (its properties are
// overlaid, its geometry replaced unless null), any other is appended.
// Events are known from `at` on: a hazard that starts earlier (or has no
// `from`) starts at `at` instead, since history cannot change; each such
// change is a note. Throws InputError naming the event and field.
struct MergedScenario {
  nlohmann::json document;
  std::vector<std::string> notes;
};
MergedScenario merge_events(const nlohmann::json& scenario, const nlohmann::json& events, geo::UnixSeconds at);

// Reads a plan document (as `corridor plan` writes it) onto the instance's
// graph: movements with their ids (plans without ids get m1, m2, ... in
// order), graph nodes and times in milliseconds. Throws InputError naming
// the field when a movement is not a drivable path of the map or names an
// origin or destination the scenario does not have.
plan::PlanResult read_plan(const plan::Instance& in, const nlohmann::json& document);

// What a party reported about one movement (ops/reports.hpp reads them from
// signed documents and the ledger).
using ReportKind = monitor::ConvoyStatus;
struct ConvoyReport {
  std::string movement;  // "m17"
  ReportKind kind = ReportKind::position;
  Ms time = 0;                       // scenario milliseconds
  std::optional<plan::NodeId> node;  // where (position, at_checkpoint, stopped), when known
  std::optional<geo::LonLat> where;  // or a point (the nearest node of its path is taken)
  Ms delay = 0;                      // delayed: how much later than planned
  std::int64_t people = 0;           // arrived: people delivered
  std::string reason;                // stopped: why
  std::string reported_by;
};

struct ReplanOptions {
  const plan::StopToken* stop = nullptr;
  // Movements not yet gone whose paths stay open and keep their room keep
  // their paths and times; false: every one of them is planned again.
  bool keep_unaffected = true;
  // With keep_unaffected: one that no longer fits at its times (a road
  // closed, or its room taken by convoys running late) keeps its roads and
  // leaves later when it then arrives at most this much later, scheduled on
  // the room left (the change "delayed"); -1: it is planned again with the
  // rest. Fewer changes for the parties to sign, and far fewer searches.
  Ms delay_within = -1;
  // The planner's path reuse for the rest (plan::CcrpOptions::reuse_slack;
  // -1: one time step).
  Ms reuse_slack = -1;
  // Largest time-expanded network the bound of the re-planned problem
  // builds (as `corridor plan --max-expanded-nodes`); a third of the
  // planner's default, since a re-plan is wanted in seconds: beyond it the
  // network is condensed (a weaker bound, named in lower_bound_method).
  std::size_t max_expanded_nodes = 100'000;
  // false: no bounds and no summary, only the plan and its changes (the
  // simulation re-plans many times a run and reads neither).
  bool bounds = true;
};

// What happened to one movement of the old plan, and the sentence saying so.
struct MovementChange {
  std::string movement;
  // done (arrived before at), continues (on the road, same path and times),
  // diverted (on the road, new suffix), stopped (reported stopped, planned
  // on from where it stands), stranded (on the road, every way on closed),
  // kept, delayed, rerouted (not yet gone: same path and times, later, or
  // other roads), cancelled (not yet gone, not planned again).
  std::string change;
  std::string text;
};

struct ReplanResult {
  plan::PlanResult plan;  // ids kept for the movements it keeps
  std::vector<MovementChange> changes;
  std::vector<std::string> summary;  // sentences: what changed, people out, egress and bound, windows
  std::int64_t people_out_before = 0;
  Ms egress_before = 0;
  // {"at", "changes": [...], "summary": [...], "people_out": {before, after}, "egress_s": {before, after}}
  [[nodiscard]] nlohmann::json to_json() const;
};

// Re-plans `old` (read onto the merged scenario's instance) from `at`.
ReplanResult replan(const plan::Instance& in, const plan::PlanResult& old, Ms at,
                    const std::vector<ConvoyReport>& reports = {}, const ReplanOptions& options = {});

}  // namespace corridor::ops

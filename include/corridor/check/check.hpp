#pragma once
// The plan checker: verifies an evacuation plan (docs/plan.md) against the
// map and the scenario, constraint by constraint, and names every violation
// with the JSON path of the offending field.
//
// It is deliberately independent of the planner: it snaps the scenario's
// points itself, decides itself which road segments meet which polygons and
// counts capacities itself, so that a bug in the planner cannot hide behind
// the same bug in its checker. It shares only the graph and scenario loaders.
//
// A malformed plan (missing fields, wrong types, text that is not JSON) is
// reported as "format" violations, never as an exception.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/graph/road_graph.hpp"
#include "corridor/scenario/scenario.hpp"

namespace corridor::check {

struct CheckOptions {
  double max_snap_m = 1000;  // furthest a scenario point may be from its node
};

// One broken constraint.
//   constraint: a short code: format, scenario, snap, segment, speed,
//               earliest-departure, horizon, timetable, hazard, window,
//               rule-destination, rule-area, rule-checkpoint, capacity,
//               checkpoint-capacity, load, fleet, conservation,
//               destination-capacity, turn, summary; for fleets continuity,
//               seats, aid, rule-aid, rule-depot; for walks walk, gathering
//   path:       the JSON path in the plan ("movements[3].path[5..6]"),
//               empty when the plan as a whole is meant
//   message:    what is wrong, with ids, values, times (UTC) and steps
struct Violation {
  std::string constraint;
  std::string path;
  std::string message;
};

// What was checked (also when violations were found).
struct CheckCounts {
  std::size_t movements = 0;
  std::size_t legs = 0;  // of fleet vehicles
  std::int64_t vehicles = 0;
  std::int64_t people = 0;
  std::size_t segment_entries = 0;  // (movement, segment) pairs
  std::size_t distinct_segments = 0;
  std::size_t origins = 0;
  std::size_t destinations = 0;
  std::size_t hazards = 0;
  std::size_t ceasefires = 0;
  std::size_t checkpoints = 0;
  std::size_t rules = 0;
};

struct CheckReport {
  std::vector<Violation> violations;
  CheckCounts checked;
  [[nodiscard]] bool valid() const noexcept { return violations.empty(); }
};

// Checks a parsed plan document.
CheckReport check_plan(const graph::RoadGraph& g, const scenario::Scenario& s, const nlohmann::json& plan,
                       const CheckOptions& options = {});

// Reads and checks a plan file. Text that is not JSON is a "format"
// violation; throws IoError only when the file cannot be read.
CheckReport check_plan_file(const graph::RoadGraph& g, const scenario::Scenario& s,
                            const std::filesystem::path& plan_path, const CheckOptions& options = {});

// "movements[3].path[5..6]: capacity: segment 123 -> 456 gets ..."
std::string to_line(const Violation& v);

// {"valid": ..., "violations": [{"constraint", "path", "message"}...], "checked": {...}}
nlohmann::json to_json(const CheckReport& report);

}  // namespace corridor::check

#pragma once
// An evacuation plan: movements (groups of vehicles driving one node path
// together, entering every segment at the same instant), what could not be
// done and why, and the bounds that say how good it is. The JSON form is
// DESIGN.md's "The plan"; docs/plan.md documents every field.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/plan/instance.hpp"

namespace corridor::plan {

struct Movement {
  // "m17": stable across re-plans for the movements they keep (name_movements
  // gives new movements the next free number).
  std::string id;
  std::size_t origin = 0;       // index into Instance::origins
  std::size_t destination = 0;  // index into Instance::destinations
  std::int64_t vehicles = 0;
  std::int64_t people = 0;
  std::vector<NodeId> nodes;  // graph nodes, origin first
  std::vector<Ms> times;      // when the movement passes nodes[i]
  // A re-planned convoy on the road with every way on closed: its path ends
  // where it stands and its people are not out (they are listed as unmet).
  bool stranded = false;
  [[nodiscard]] Ms departure() const { return times.front(); }
  [[nodiscard]] Ms arrival() const { return times.back(); }
};

struct Unmet {
  std::size_t origin = 0;
  std::int64_t people = 0;
  std::string reason;
};

struct Bounds {
  std::optional<Ms> lower_bound_egress;  // nullopt: no plan can get everyone out
  std::int64_t upper_bound_people = 0;   // people who can possibly be out by the horizon
  std::string lower_bound_method;        // how the bound was proven
};

struct PlanResult {
  std::string method;  // "ccrp" or "optimal"
  std::vector<Movement> movements;
  std::vector<Unmet> unmet;
  Bounds bounds;
  double compute_ms = 0;
  std::uint64_t searches = 0;  // earliest-arrival searches run (heuristic)
  std::uint64_t settled = 0;   // nodes they settled

  [[nodiscard]] std::int64_t people_evacuated() const;
  [[nodiscard]] std::int64_t vehicles_used() const;
  [[nodiscard]] Ms egress() const;  // last arrival, 0 without movements
};

// Gives every movement without an id the next free "mN" (N above every
// numbered id already there), in order.
void name_movements(PlanResult& plan);

// DESIGN.md's plan JSON (plus "snaps", "bounds" and local times).
nlohmann::json to_json(const Instance& in, const PlanResult& plan);
// Movements as GeoJSON LineStrings (one feature per movement).
nlohmann::json to_geojson(const Instance& in, const PlanResult& plan);
// The convoy timetable: origin, destination, vehicles, people, departure and
// arrival in UTC and in the scenario's local time.
std::string to_csv(const Instance& in, const PlanResult& plan);

}  // namespace corridor::plan

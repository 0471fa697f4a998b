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

// One leg of a fleet vehicle's duty: the vehicle alone on a node path, with
// the same time semantics as a movement.
struct Leg {
  enum class Kind {
    inbound,  // depot -> pick-up point (JSON "inbound")
    loaded,   // pick-up point -> destination ("loaded")
    back,     // destination -> pick-up point ("return")
  };
  Kind kind = Kind::inbound;
  std::size_t from = 0;  // inbound: depot; loaded: pick-up point; back: destination
  std::size_t to = 0;    // inbound, back: pick-up point; loaded: destination
  std::int64_t people = 0;
  double aid_t = 0;  // aid carried in (inbound and return legs)
  std::vector<NodeId> nodes;
  std::vector<Ms> times;
  [[nodiscard]] Ms departure() const { return times.front(); }
  [[nodiscard]] Ms arrival() const { return times.back(); }
};
[[nodiscard]] std::string_view to_string(Leg::Kind kind) noexcept;

// A depot's vehicle and its legs, in order: inbound, loaded, then return
// and loaded in turn.
struct FleetVehicle {
  std::string id;  // "<depot id>/<n>"
  std::size_t depot = 0;
  std::vector<Leg> legs;
};

// People of a walking origin on their way to a pick-up point: one path on
// the foot network, walked in groups that leave as the ways' pedestrian
// capacity per time step allows (plan/walk.hpp).
struct Walk {
  std::size_t walker = 0;           // index into Instance::walkers
  std::size_t pickup = 0;           // index into Instance::pickups
  std::vector<std::int64_t> path;   // OSM node ids of the foot network, origin first
  std::vector<geo::LonLat> points;  // where those nodes are
  std::vector<Ms> offsets;          // walking time from the start to each node
  double distance_m = 0;
  std::vector<std::pair<Ms, std::int64_t>> groups;  // (leaves, people), in time order
  [[nodiscard]] Ms duration() const { return offsets.back(); }
  [[nodiscard]] std::int64_t people() const;
};

struct Unmet {
  // Index into Instance::origins, or into Instance::pickups when `pickup`,
  // or into Instance::walkers when `walker`.
  std::size_t origin = 0;
  std::int64_t people = 0;
  std::string reason;
  bool pickup = false;
  bool walker = false;
};

struct Bounds {
  std::optional<Ms> lower_bound_egress;  // nullopt: no plan can get everyone out
  std::int64_t upper_bound_people = 0;   // people who can possibly be out by the horizon
  std::string lower_bound_method;        // how the bound was proven
};

struct PlanResult {
  std::string method;  // "ccrp" or "optimal"
  std::vector<Movement> movements;
  std::vector<FleetVehicle> fleet;  // depot vehicles with at least one trip
  std::vector<Walk> walks;          // walkers to pick-up points (given to run_plan)
  std::vector<Unmet> unmet;
  Bounds bounds;
  double compute_ms = 0;
  std::uint64_t searches = 0;  // earliest-arrival searches run (heuristic)
  std::uint64_t settled = 0;   // nodes they settled

  // Movements' people and those fleet vehicles deliver.
  [[nodiscard]] std::int64_t people_evacuated() const;
  [[nodiscard]] std::int64_t vehicles_used() const;
  [[nodiscard]] Ms egress() const;  // last arrival with people, 0 without any
};

// Every movement, then every fleet leg (one vehicle), as the roads see them:
// fn(nodes, times, vehicles, people, is a fleet leg).
template <typename Fn>
void for_each_trip(const PlanResult& plan, Fn&& fn) {
  for (const auto& m : plan.movements) fn(m.nodes, m.times, m.vehicles, m.stranded ? 0 : m.people, false);
  for (const auto& v : plan.fleet) {
    for (const auto& l : v.legs) fn(l.nodes, l.times, std::int64_t{1}, l.people, true);
  }
}

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

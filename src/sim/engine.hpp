#pragma once
// The inside of `corridor simulate`: the plan flattened for fast runs
// (Prepared), one run's random draws (Draw), and the engine that drives the
// convoys through one run (Engine), reusing its buffers from run to run.
#include <cstdint>
#include <vector>

#include "corridor/geo/area.hpp"
#include "corridor/sim/simulate.hpp"

namespace corridor::sim {

using plan::ArcId;

struct WindowRef {
  std::string ceasefire;
  std::size_t window = 0;
  Ms from = 0, until = 0;
};

// The plan as flat arrays: segment s of movement m is first[m] + i, the
// road from nodes[i] to nodes[i + 1]. "Plan arcs" are the distinct road
// segments the plan uses, numbered densely for per-run tables.
struct Prepared {
  Prepared(const plan::Instance& in, const plan::PlanResult& plan, const IncidentModel& model);

  const plan::Instance& in;
  const plan::PlanResult& plan;
  Ms step = 60'000, horizon = 0;

  std::vector<std::uint32_t> first;         // per movement, and one past the last
  std::vector<bool> counted;                // per movement: its people are out in the plan
  std::vector<Ms> planned_arrival;          // per movement
  std::vector<std::uint32_t> corridor;      // per movement: index into corridors
  std::vector<std::string> corridors;       // "origin -> destination"
  std::vector<ArcId> arc;                   // per segment
  std::vector<std::uint32_t> plan_arc;      // per segment
  std::vector<std::int32_t> checkpoint;     // per segment: checkpoint at its tail, or -1
  std::vector<std::uint32_t> duration;      // per segment, ms
  std::vector<Ms> entry;                    // per segment: planned entry time
  std::vector<std::int32_t> window;         // per segment: the window the plan drives it in, or -1
  std::vector<std::uint32_t> window_first;  // per movement: its windows, CSR into window_list
  std::vector<std::uint32_t> window_list;
  std::vector<WindowRef> windows;
  std::vector<std::int64_t> plan_window_people;  // people out by each window's end, in the plan

  std::vector<ArcId> plan_arcs;
  std::vector<double> cumulative_m;  // plan arcs' lengths, summed in order (size + 1)
  struct Box {
    double min_lon, min_lat, max_lon, max_lat;
  };
  std::vector<Box> boxes;               // per plan arc
  std::vector<geo::Area> hazard_areas;  // the model's named areas

  std::int64_t plan_people_out = 0;
  Ms plan_egress = 0;
  std::uint64_t plan_segments = 0;

  [[nodiscard]] std::size_t movement_count() const noexcept { return first.size() - 1; }
};

struct RandomHazard {
  Ms from = 0, until = 0;
  geo::LonLat centre;
  double radius_m = 0;
};
struct CheckpointSlowdown {
  Ms from = 0, until = 0;
  double factor = 1;
  StepRate rate;
};
struct Breakdown {
  Ms after_driving = 0;  // ms of driving since the convoy left
  Ms delay = 0;
};

// Everything random in one run, drawn before it starts, so that the run
// with and the run without re-planning see the same incidents.
struct Draw {
  std::vector<RandomHazard> hazards;   // by start time
  std::vector<std::int32_t> slowdown;  // per checkpoint: index into slowdowns, or -1
  std::vector<CheckpointSlowdown> slowdowns;
  std::vector<Ms> slip;                        // per movement: departure delay
  std::vector<std::uint32_t> breakdown_first;  // per movement, CSR into breakdowns
  std::vector<Breakdown> breakdowns;
};
Draw draw(const Prepared& p, const IncidentModel& model, std::uint64_t seed);

// One run's figures.
struct RunOutcome {
  std::int64_t people_out = 0;              // by the horizon
  Ms egress = 0;                            // the last arrival
  bool complete = true;                     // every person the plan gets out is out
  std::vector<std::int64_t> window_people;  // by each window's end
  std::vector<bool> window_ok;
  double run_ms = 0;
};

// Sums over runs of what each movement, plan arc and corridor suffered;
// integers, so that adding threads' sums in any order gives the same.
struct Tallies {
  explicit Tallies(const Prepared& p)
      : movement_blocked(p.movement_count()),
        movement_delay(p.movement_count()),
        arc_blocked(p.plan_arcs.size()),
        arc_wait(p.plan_arcs.size()),
        corridor_blocked(p.corridors.size()),
        corridor_delay(p.corridors.size()),
        corridor_short(p.corridors.size()) {}
  std::vector<std::int64_t> movement_blocked, movement_delay;                  // runs, ms
  std::vector<std::int64_t> arc_blocked, arc_wait;                             // runs, ms of convoys waiting
  std::vector<std::int64_t> corridor_blocked, corridor_delay, corridor_short;  // runs, people x ms, people
  void add(const Tallies& other);
};

class Engine {
 public:
  explicit Engine(const Prepared& p);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  // Convoys wait for closed roads to open.
  RunOutcome run(const Draw& d, Tallies& tallies);

 private:
  struct State;
  const Prepared& p_;
  std::unique_ptr<State> state_;
};

}  // namespace corridor::sim

#pragma once
// The inside of `corridor simulate`: the plan flattened for fast runs
// (Prepared), one run's random draws (Draw), and the engine that drives the
// convoys through one run (Engine), reusing its buffers from run to run.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <unordered_map>
#include <vector>

#include "corridor/geo/area.hpp"
#include "corridor/geo/geo.hpp"
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
// Calls f(i) for every plan arc i that passes within the hazard's radius
// of its centre.
template <typename F>
void for_arcs_within(const Prepared& p, const RandomHazard& h, F&& f) {
  constexpr double k_metres_per_degree = 111'320.0;
  const double dlat = h.radius_m / k_metres_per_degree;
  const double dlon = dlat / std::max(0.01, std::cos(h.centre.lat * std::numbers::pi / 180.0));
  const auto& g = p.in.graph();
  for (std::uint32_t i = 0; i < p.plan_arcs.size(); ++i) {
    const auto& b = p.boxes[i];
    if (b.max_lon < h.centre.lon - dlon || b.min_lon > h.centre.lon + dlon || b.max_lat < h.centre.lat - dlat ||
        b.min_lat > h.centre.lat + dlat) {
      continue;
    }
    const auto a = p.plan_arcs[i];
    if (geo::distance_to_segment_m(h.centre, g.where(g.tail[a]), g.where(g.head[a])) <= h.radius_m) f(i);
  }
}

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
  std::size_t replans = 0;  // re-planning mode: how many times the plan was made again
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

// The part of a movement's convoy that drives together (a convoy splits
// when only some of its vehicles fit in a time step).
struct Group {
  enum class State : std::uint8_t { driving, arrived, lost };
  std::uint32_t movement = 0;  // of the engine's plan
  std::uint32_t segment = 0;   // the next segment to enter (absolute index)
  std::int64_t vehicles = 0;
  std::int64_t people = 0;
  Ms ready = 0;       // when it is at the segment's tail (arrived: when it arrived)
  Ms entered = -1;    // when it entered the segment before, -1: not yet left
  Ms wait_from = -1;  // when it first could have entered the segment, -1: not yet there
  Ms driven = 0;      // ms of driving since it left
  std::uint32_t next_breakdown = 0, breakdown_end = 0;  // its breakdowns still to come, in Draw::breakdowns
  State state = State::driving;
};

class Engine {
 public:
  explicit Engine(const Prepared& p);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  // One run in which convoys wait for closed roads to open.
  RunOutcome run(const Draw& d, Tallies& tallies);

  // The same in steps, for a run whose plan changes on the way (the
  // re-planning mode, replan_run.cpp): start() clears the engine for a run
  // whose figures go to `out`, seed_plan() or seed() put convoys on the
  // road, advance() drives every event before `until`, finish() marks the
  // windows of convoys that never got out and fills `out` (the tallies
  // only for a whole run of the plan).
  void start(const Draw& d, RunOutcome& out);
  void seed_plan();
  void seed(const Group& g);
  void advance(Ms until, Tallies& tallies);
  void finish(Tallies* tallies);
  // Every group so far, of this plan's movements.
  [[nodiscard]] const std::vector<Group>& groups() const noexcept;

 private:
  struct State;
  const Prepared& p_;
  std::unique_ptr<State> state_;
};

// Runs with re-planning (replan_run.cpp): the same draws driven while the
// operation re-plans each time a hazard meets a convoy's way.
struct ReplanRun {
  ReplanRun(const Prepared& p0, const IncidentModel& model, const ReplanContext& context, const plan::StopToken* stop);
  // `engine` is on p0, the plan as signed.
  RunOutcome run(Engine& engine, const Draw& d) const;

  const Prepared& p0;
  IncidentModel model;  // a copy: callers may pass a temporary
  ReplanContext context;
  const plan::StopToken* stop;
  std::unordered_map<std::string, std::uint32_t> movement_of;  // p0's movements by id
};

}  // namespace corridor::sim

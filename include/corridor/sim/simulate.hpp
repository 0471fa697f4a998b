#pragma once
// Monte Carlo runs of a plan under random incidents (docs/simulate.md).
//
// Each run drives the plan's convoys along their paths in scenario time.
// A convoy enters a road segment at its planned time or, when late, as soon
// as it is there, provided the segment is open (the scenario's closures and
// the run's random hazards) and the segment's and checkpoint's capacity of
// that time step (DESIGN.md's rule, the plan's own) has room: convoys are
// served first come, first served, and when only some of a convoy's
// vehicles fit, those go and the rest follow, so a delay upstream becomes a
// queue downstream. A convoy facing a closed segment waits for it to open.
// A convoy with nothing open before the horizon is not
// out. Without incidents every run is the plan itself, to the millisecond.
//
// With SimulateOptions::replan every run is also driven with the operation
// re-planning (ops::replan) each time a hazard meets a convoy's way, on the
// same draws (src/sim/replan_run.cpp), and the two are reported side by side.
//
// Runs are independent: run r draws from Rng(Rng::run_seed(seed, r)), and
// every figure is an integer sum or taken from the runs in run order, so the
// result is the same bit for bit whatever the thread count.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/graph/spatial_index.hpp"
#include "corridor/plan/instance.hpp"
#include "corridor/plan/plan.hpp"
#include "corridor/plan/stop.hpp"
#include "corridor/sim/model.hpp"

namespace corridor::sim {

using plan::Ms;

// What re-planning needs besides the plan: the scenario as GeoJSON, into
// which the hazards known at each moment are merged as the operation would
// (ops::merge_events), and the map's spatial index to compile it.
struct ReplanContext {
  const nlohmann::json* scenario = nullptr;
  const graph::SpatialIndex* index = nullptr;
  double max_snap_m = 1000;
};

struct SimulateOptions {
  std::size_t runs = 1000;
  std::uint64_t seed = 1;
  unsigned threads = 1;
  const plan::StopToken* stop = nullptr;
  // Called from the calling thread now and then with runs done of the total.
  std::function<void(std::size_t done, std::size_t total)> progress;
  // Given: every run is also driven with re-planning, on the same draws.
  std::optional<ReplanContext> replan;
};

// mean, P10, P50, P90, min and max of one figure over the runs.
struct Distribution {
  double mean = 0;
  std::int64_t p10 = 0, p50 = 0, p90 = 0, min = 0, max = 0;
  static Distribution of(std::vector<std::int64_t> values);
  [[nodiscard]] nlohmann::json to_json(double scale = 1) const;
};

struct WindowOutcome {
  std::string ceasefire;
  std::size_t window = 0;
  Ms from = 0, until = 0;
  std::int64_t plan_people_out = 0;  // by its end, in the plan
  Distribution people_out;           // by its end
  double p_suffices = 0;             // runs in which every convoy it must carry passed within it
};

// How often a movement, a road segment or a corridor (origin to destination)
// held convoys up, and the delay: a convoy is blocked at a segment when it
// is there but may not enter (closed, or no room), and its delay is how
// much later than planned it arrives (the horizon when it does not).
struct Fragility {
  std::string movement;       // "m17", or
  plan::ArcId segment = 0;    // a road segment (when movement is empty)
  std::string corridor;       // "origin-id -> destination-id"
  double blocked_share = 0;   // of the runs
  double delay_s = 0;         // mean over the runs: arrival delay (movements), waits at it (segments)
  std::int64_t people = 0;    // corridors: the people the plan carries on it
  double people_short = 0;    // corridors: mean people not out by the horizon
  std::size_t movements = 0;  // corridors: how many movements
};

struct ModeOutcome {
  Distribution people_out;  // by the horizon
  Distribution egress;      // ms: the last arrival of those out
  double p_complete = 0;    // runs in which every person the plan gets out is out
  std::vector<WindowOutcome> windows;
  std::vector<Fragility> movements;  // every movement, plan order
  std::vector<Fragility> segments;   // every segment some convoy waited at, most fragile first
  std::vector<Fragility> corridors;  // every corridor, most fragile first
  Distribution replans;              // re-planning: how many re-plans a run made
  double run_ms = 0;                 // mean compute time of one run
};

struct SimulationResult {
  std::size_t runs = 0;
  std::uint64_t seed = 0;
  IncidentModel model;
  std::int64_t plan_people_out = 0;
  Ms plan_egress = 0;
  ModeOutcome wait;                   // convoys wait for closed roads to open
  std::optional<ModeOutcome> replan;  // the plan is made again when a hazard meets a convoy's way
  double compute_ms = 0;

  // The JSON of docs/simulate.md: runs, seed, model, plan, people_out,
  // egress_s, p_complete, windows, fragile, corridors.
  [[nodiscard]] nlohmann::json to_json(const plan::Instance& in) const;
  // The road segments convoys waited at, coloured by blocked share, as
  // GeoJSON LineStrings (properties blocked_share, delay_s, road).
  [[nodiscard]] nlohmann::json to_geojson(const plan::Instance& in) const;
  // The summary `corridor simulate` prints.
  [[nodiscard]] std::vector<std::string> summary(const plan::Instance& in) const;
};

// Throws InputError when the model names an area the scenario does not have
// (hazards.areas[i]), plan::Stopped when stopped.
SimulationResult simulate(const plan::Instance& in, const plan::PlanResult& plan, const IncidentModel& model,
                          const SimulateOptions& options);

}  // namespace corridor::sim

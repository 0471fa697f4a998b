#pragma once
// The capacity-aware heuristic planner: CCRP (Lu, George, Shekhar,
// "Capacity Constrained Routing Algorithms for Evacuation Planning", SSTD
// 2005) on the time-dependent residual capacities of the instance.
//
// Each iteration runs one earliest-arrival search from a super source (every
// origin with vehicles left, from its earliest departure) over the road
// graph with time-dependent closures and per-step residual capacities, to
// the first acceptable destination that still has room for that origin's
// people; it sends as many vehicles as the path's bottleneck allows at that
// time, reserves their capacity, and re-sends on the same path while its
// arrival stays within `reuse_slack` of the searched one (path reuse, the
// main speed-up: most iterations need no search).
#include <functional>

#include "corridor/plan/plan.hpp"
#include "corridor/plan/stop.hpp"

namespace corridor::plan {

struct CcrpOptions {
  Ms reuse_slack = -1;  // -1: one time step
  // Called after each movement with (vehicles planned, vehicles in total).
  std::function<void(std::int64_t, std::int64_t)> progress;
  // Checked after each movement.
  const StopToken* stop = nullptr;
};

// Plans every origin's vehicles; people who cannot leave within the horizon
// are listed in PlanResult::unmet with the reason. Bounds are left empty.
PlanResult plan_ccrp(const Instance& in, const CcrpOptions& options = {});

}  // namespace corridor::plan

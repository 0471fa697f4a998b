#pragma once
// One call that plans a scenario the way `corridor plan` and the service's
// planning jobs both do: the method asked for, then the strongest proven
// bounds the size limit allows.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "corridor/plan/instance.hpp"
#include "corridor/plan/method.hpp"
#include "corridor/plan/plan.hpp"
#include "corridor/plan/stop.hpp"
#include "corridor/plan/walk.hpp"

namespace corridor::plan {

struct RunOptions {
  Method method = Method::ccrp;
  // Largest time-expanded network the bounds of a ccrp plan build; beyond
  // it, the plan gets the cut bound only.
  std::size_t max_expanded_nodes = 300'000;
  // Largest one the optimal method builds (node copies of the time-expanded
  // engine, about 60 bytes each); beyond it, it is refused.
  std::size_t max_optimal_nodes = 40'000'000;
  // (vehicles planned, vehicles in total), after each ccrp movement; may
  // throw to abandon the work.
  std::function<void(std::int64_t, std::int64_t)> progress;
  // A line on each step of long work (the optimal method's search).
  std::function<void(const std::string&)> note;
  // Stops the planner, the bounds and the optimal method alike.
  const StopToken* stop = nullptr;
  // The walkers' plan (plan_walks, its arrivals already added to the
  // instance's pick-up points); required when the instance has walkers.
  const WalkPlan* walks = nullptr;
};

// Throws as solve_optimal does when the optimal method's network is too
// large, Stopped when options.stop says so, and InputError when walkers
// come without their walks.
PlanResult run_plan(const Instance& in, const RunOptions& options);

}  // namespace corridor::plan

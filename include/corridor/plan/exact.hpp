#pragma once
// The exact method and the lower bound, both on a time-expanded network
// (flows over time: Ford & Fulkerson 1958; quickest transshipment: Hoppe &
// Tardos 2000). docs/lower-bound.md states the models and proves the bound.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "corridor/plan/instance.hpp"
#include "corridor/plan/plan.hpp"
#include "corridor/plan/stop.hpp"

namespace corridor::plan {

struct ExactLimits {
  // Largest time-expanded network (node copies after pruning) either method
  // builds; the optimal method's engine holds about 60 bytes a copy.
  std::size_t max_nodes = 3'000'000;
  // Time copies per time step in the exact method (vehicles enter road
  // sections at multiples of step / substeps). 0: solve with whole steps
  // and with the finest of 6, 3, 2 that divides the step and fits
  // max_nodes, and keep the better plan.
  int substeps = 0;
  // Networks up to this many node copies get a tidy flow (early arrivals,
  // few segments: a minimum-cost flow, LEMON); larger ones the decomposition
  // of the time-expanded engine's maximum flow as it comes.
  std::size_t tidy_copies = 400'000;
  // Checked before each network is built and each flow computed on it.
  const StopToken* stop = nullptr;
  // What is known before: the egress of a plan that gets everyone out (the
  // heuristic's), and proven bounds. The search for the last arrival step
  // then runs between the lower bound and a little past that egress, and
  // only networks that far are built (a long horizon costs nothing);
  // known bounds are returned instead of being proven again.
  std::optional<Ms> known_egress;
  const Bounds* known_bounds = nullptr;
  // A line on each step tried ("arrival by step 487 (1h21m10s): everyone"), for progress.
  std::function<void(const std::string&)> progress;
};

// The optimal plan among plans whose vehicles enter every road section
// (the road between two junctions) at a multiple of step / substeps and
// drive it without stopping, each step's capacity split evenly over its
// substeps: as many people out within the horizon as possible, then the
// earliest last arrival (in ticks). Exact for that objective when
// destination capacities do not bind (see docs/lower-bound.md for the
// conservative rounding when they do). bounds: time_expanded_bounds(), or
// cut_bounds() when the relaxed network is too large. Throws
// InputError("--method optimal", ...) when even the whole-step network
// exceeds limits.max_nodes.
PlanResult solve_optimal(const Instance& in, const ExactLimits& limits = {});

// Proven bounds from a relaxed time-expanded network that admits every
// feasible plan: lower_bound_egress (nullopt when no plan can get everyone
// out) and upper_bound_people by the horizon. Where the network at the
// scenario's step exceeds limits.max_nodes, a condensed one (several steps
// per copy, still a relaxation) that fits is solved instead, named in
// lower_bound_method; nullopt only when not even one copy for the whole
// horizon fits.
std::optional<Bounds> time_expanded_bounds(const Instance& in, const ExactLimits& limits = {});

}  // namespace corridor::plan

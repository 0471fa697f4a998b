#include "corridor/plan/run.hpp"

#include <chrono>

#include "corridor/error.hpp"
#include "corridor/plan/bounds.hpp"
#include "corridor/plan/ccrp.hpp"
#include "corridor/plan/exact.hpp"

namespace corridor::plan {

PlanResult run_plan(const Instance& in, const RunOptions& options) {
  if (options.method == "optimal") {
    ExactLimits limits;
    limits.max_nodes = options.max_optimal_nodes;
    limits.stop = options.stop;
    return solve_optimal(in, limits);  // carries its own proven bounds
  }
  if (options.method != "ccrp") {
    throw InputError("--method", "must be ccrp or optimal, got \"" + options.method + "\"");
  }
  CcrpOptions ccrp;
  ccrp.progress = options.progress;
  ccrp.stop = options.stop;
  auto result = plan_ccrp(in, ccrp);
  // The cut bound always; the time-expanded one too where it is small
  // enough, and the stronger of the two holds.
  const auto started = std::chrono::steady_clock::now();
  result.bounds = cut_bounds(in, options.stop);
  if (const auto expanded = time_expanded_bounds(in, {options.max_expanded_nodes, 0, options.stop})) {
    result.bounds = strongest(result.bounds, *expanded);
  }
  result.compute_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace corridor::plan

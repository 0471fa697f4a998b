#include "corridor/plan/run.hpp"

#include <chrono>

#include "corridor/error.hpp"
#include "corridor/plan/bounds.hpp"
#include "corridor/plan/ccrp.hpp"
#include "corridor/plan/exact.hpp"

namespace corridor::plan {

std::string_view to_string(Method method) noexcept { return method == Method::optimal ? "optimal" : "ccrp"; }

std::optional<Method> parse_method(std::string_view text) noexcept {
  if (text == "ccrp") return Method::ccrp;
  if (text == "optimal") return Method::optimal;
  return std::nullopt;
}

PlanResult run_plan(const Instance& in, const RunOptions& options) {
  if (options.method == Method::optimal) {
    ExactLimits limits;
    limits.max_nodes = options.max_optimal_nodes;
    limits.stop = options.stop;
    return solve_optimal(in, limits);  // carries its own proven bounds
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

#include "corridor/plan/run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include "corridor/error.hpp"
#include "corridor/plan/assignment.hpp"
#include "corridor/plan/bounds.hpp"
#include "corridor/plan/ccrp.hpp"
#include "corridor/plan/exact.hpp"
#include "corridor/plan/fleet.hpp"

namespace corridor::plan {

std::string_view to_string(Method method) noexcept { return method == Method::optimal ? "optimal" : "ccrp"; }

std::optional<Method> parse_method(std::string_view text) noexcept {
  if (text == "ccrp") return Method::ccrp;
  if (text == "optimal") return Method::optimal;
  return std::nullopt;
}

namespace {

// Where a movement of the plan makes a turn the map forbids, or drives a
// chain of ways a restriction forbids, in words; empty when none does.
std::string forbidden_turn(const graph::RoadGraph& g, const PlanResult& plan) {
  if (!g.has_turn_restrictions()) return {};
  std::vector<ArcId> arcs;
  for (const auto& m : plan.movements) {
    arcs.clear();
    for (std::size_t i = 0; i + 1 < m.nodes.size(); ++i) arcs.push_back(g.find_arc(m.nodes[i], m.nodes[i + 1]));
    for (std::size_t i = 0; i + 1 < arcs.size(); ++i) {
      if (g.turn_forbidden(arcs[i], arcs[i + 1])) {
        return "turns at node " + std::to_string(g.node_id[m.nodes[i + 1]]) + " where a restriction forbids it";
      }
    }
    for (std::size_t c = 0; c + 1 < g.turn_chain_first.size(); ++c) {
      const auto* first = g.turn_chain_arc.data() + g.turn_chain_first[c];
      const auto* last = g.turn_chain_arc.data() + g.turn_chain_first[c + 1];
      if (first != last && std::search(arcs.begin(), arcs.end(), first, last) != arcs.end()) {
        return "drives a chain of ways a restriction forbids, from node " + std::to_string(g.node_id[g.tail[*first]]);
      }
    }
  }
  return {};
}

// The heuristic plan and the strongest bounds proven for the instance.
PlanResult heuristic(const Instance& in, const RunOptions& options) {
  CcrpOptions ccrp;
  ccrp.progress = options.progress;
  ccrp.stop = options.stop;
  auto result = plan_ccrp(in, ccrp);
  const auto assignment = assign_destinations(in, options.stop);
  if (assignment && assignment->binds && result.unmet.empty() && assignment->bounds.lower_bound_egress &&
      result.egress() > *assignment->bounds.lower_bound_egress * 21 / 20) {
    // Destination capacities bind and the plan is more than 5 % above the
    // assignment bound: CCRP's greedy choice fills the nearest destinations
    // with people who had other options. Plan again with every origin's
    // destinations fixed by the assignment, the origins with the farthest
    // assigned destinations first, and keep the better plan.
    CcrpGuide guide;
    guide.quota = assignment->quota;
    for (std::size_t o = 0; o < in.origins.size(); ++o) guide.order.push_back(o);
    const auto latest = [&](std::size_t o) {
      return assignment->latest[o] == k_never ? Ms{-1} : assignment->latest[o];
    };
    std::stable_sort(guide.order.begin(), guide.order.end(),
                     [&](std::size_t a, std::size_t b) { return latest(a) > latest(b); });
    ccrp.guide = &guide;
    ccrp.progress = nullptr;
    auto guided = plan_ccrp(in, ccrp);
    guided.searches += result.searches;
    guided.settled += result.settled;
    if (std::pair(-guided.people_evacuated(), guided.egress()) < std::pair(-result.people_evacuated(), result.egress()))
      result = std::move(guided);
  }
  // The cut and assignment bounds always, the time-expanded one (condensed
  // where it must be), and the strongest of them holds.
  result.bounds = cut_bounds(in, options.stop);
  if (assignment) result.bounds = strongest(result.bounds, assignment->bounds);
  ExactLimits relaxed;
  relaxed.max_nodes = options.max_expanded_nodes;
  relaxed.stop = options.stop;
  if (const auto expanded = time_expanded_bounds(in, relaxed)) {
    result.bounds = strongest(result.bounds, *expanded);
  }
  return result;
}

// The depots' fleet on what the movements leave, and bounds for both: the
// two parts only share roads and destinations, so the sum of their upper
// bounds on people and the larger of their lower bounds on egress hold.
void add_fleet(const Instance& in, const RunOptions& options, PlanResult& result) {
  FleetOptions fleet;
  fleet.stop = options.stop;
  plan_fleet(in, result, fleet);
  const auto b = fleet_bounds(in);
  auto& out = result.bounds;
  if (in.origins.empty()) {
    out = {b.lower_bound_egress, b.upper_bound_people, "fleet round trips"};
    return;
  }
  out.upper_bound_people += b.upper_bound_people;
  out.lower_bound_egress = out.lower_bound_egress && b.lower_bound_egress
                               ? std::optional(std::max(*out.lower_bound_egress, *b.lower_bound_egress))
                               : std::nullopt;
  out.lower_bound_method += " and fleet round trips";
}

}  // namespace

PlanResult run_plan(const Instance& in, const RunOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (!in.depots.empty() && options.method == Method::optimal) {
    throw InputError("--method", "optimal plans movements only; plan a scenario with depots with --method ccrp");
  }
  if (!in.walkers.empty() && options.walks == nullptr) {
    throw InputError("--walk-map", "origin \"" + in.scenario().origins[in.walkers.front().scenario_index].id +
                                       "\" walks to pick-up points (walk_to): plan it with a foot network, "
                                       "corridor plan MAP SCENARIO --walk-map FOOT.graph (corridor import --walking)");
  }
  auto result = heuristic(in, options);
  if (options.walks != nullptr) {
    result.walks = options.walks->walks;
    result.unmet.insert(result.unmet.end(), options.walks->unmet.begin(), options.walks->unmet.end());
  }
  if (!in.depots.empty()) add_fleet(in, options, result);
  if (options.method == Method::optimal) {
    // The heuristic's egress and the bounds narrow the exact method's
    // search for the last arrival step to a few networks.
    ExactLimits limits;
    limits.max_nodes = options.max_optimal_nodes;
    limits.stop = options.stop;
    if (result.unmet.empty()) limits.known_egress = result.egress();
    const Bounds known = result.bounds;
    limits.known_bounds = &known;
    limits.progress = options.note;
    auto exact = solve_optimal(in, limits);
    // The exact model enters roads on whole steps only (a restriction of
    // the plan model); on maps whose roads take fractions of a step the
    // heuristic's plan can be better, and then it is the one returned. Nor
    // does it know turn restrictions: an optimum that makes a forbidden
    // turn is no plan (corridor check refuses it), and the heuristic's,
    // which honours them, is returned.
    const auto turn = forbidden_turn(in.graph(), exact);
    if (!turn.empty()) {
      if (options.note) {
        options.note("the optimum of the time-expanded network, which knows no turn restrictions, " + turn +
                     "; the heuristic's plan, which makes no forbidden turn, is kept");
      }
    } else if (std::pair(-exact.people_evacuated(), exact.egress()) <=
               std::pair(-result.people_evacuated(), result.egress())) {
      result = std::move(exact);
    } else if (options.note) {
      options.note("the optimum among plans that enter every road on a whole step gets " +
                   std::to_string(exact.people_evacuated()) + " people out by " + hms(exact.egress()) + " after start" +
                   "; the heuristic's plan does better and is kept");
    }
  }
  name_movements(result);
  result.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace corridor::plan

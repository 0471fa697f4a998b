// Flows on a built time-expanded network: maximum flow (LEMON Preflow,
// push-relabel) and minimum-cost flow (LEMON NetworkSimplex).
#include <algorithm>
#include <stdexcept>

#include <lemon/network_simplex.h>
#include <lemon/preflow.h>

#include "plan/time_expanded.hpp"

namespace corridor::plan::te {
namespace {

using Digraph = lemon::SmartDigraph;
using CostMap = Digraph::ArcMap<std::int64_t>;

// Tie-breaking cost of one unit on an arc: two per step spent, one per road
// segment, so that among equally good flows the units arrive early and do
// not wander.
std::int64_t time_cost(const ArcInfo& info) {
  switch (info.kind) {
    case ArcKind::road:
      return 2 * std::int64_t{info.advance} + 1;
    case ArcKind::wait:
      return 2 * std::int64_t{info.advance};
    default:
      return 0;
  }
}

// A weight unit must outweigh the time costs of all units together. Only
// exact networks are tidied: there a unit costs at most 3 per step up to
// the last one, plus 1 per road of no time it takes (a minimum-cost flow
// takes no cycle of them).
std::int64_t weight_scale(const Expanded& x) {
  std::int64_t last = 0, instant_roads = 0;
  for (const auto& i : x.info) {
    last = std::max<std::int64_t>(last, i.step);
    if (i.kind == ArcKind::road && i.advance == 0) ++instant_roads;
  }
  return std::max<std::int64_t>(1, x.total_supply) * (3 * (last + 1) + instant_roads + 1) + 1;
}

std::vector<std::int64_t> flows_of(const Expanded& x, const auto& solver) {
  std::vector<std::int64_t> flow(x.info.size());
  for (Digraph::ArcIt a(x.g); a != lemon::INVALID; ++a) flow[static_cast<std::size_t>(Digraph::id(a))] = solver.flow(a);
  return flow;
}

std::vector<std::int64_t> min_cost(const Expanded& x, const CostMap& cost) {
  lemon::NetworkSimplex<Digraph, std::int64_t, std::int64_t> ns(x.g);
  ns.upperMap(x.capacity).costMap(cost).stSupply(x.source, x.sink, x.total_supply);
  if (ns.run() != decltype(ns)::OPTIMAL) throw std::logic_error("time-expanded network: no flow of the full value");
  return flows_of(x, ns);
}

}  // namespace

std::int64_t max_flow(const Expanded& x, std::vector<std::int64_t>* flow) {
  lemon::Preflow<Digraph, Digraph::ArcMap<std::int64_t>> preflow(x.g, x.capacity, x.source, x.sink);
  if (flow == nullptr) {
    preflow.runMinCut();  // the first phase alone gives the value
    return preflow.flowValue();
  }
  preflow.run();
  *flow = flows_of(x, preflow);
  return preflow.flowValue();
}

std::int64_t max_weight(const Expanded& x, bool tidy, std::vector<std::int64_t>* flow) {
  CostMap cost(x.g, 0);
  const std::int64_t scale = tidy ? weight_scale(x) : 1;
  if (tidy) {
    for (Digraph::ArcIt a(x.g); a != lemon::INVALID; ++a)
      cost[a] = time_cost(x.info[static_cast<std::size_t>(Digraph::id(a))]);
  }
  for (const auto& [id, weight] : x.source_weight) cost[Digraph::arcFromId(id)] -= weight * scale;
  auto result = min_cost(x, cost);
  std::int64_t total = 0;
  for (const auto& [id, weight] : x.source_weight) total += result[static_cast<std::size_t>(id)] * weight;
  if (flow != nullptr) *flow = std::move(result);
  return total;
}

std::vector<std::int64_t> tidy_full_flow(const Expanded& x) {
  CostMap cost(x.g, 0);
  for (Digraph::ArcIt a(x.g); a != lemon::INVALID; ++a)
    cost[a] = time_cost(x.info[static_cast<std::size_t>(Digraph::id(a))]);
  return min_cost(x, cost);
}

}  // namespace corridor::plan::te

#include "corridor/plan/assignment.hpp"

#include <algorithm>

#include <lemon/network_simplex.h>
#include <lemon/preflow.h>
#include <lemon/smart_graph.h>

#include "corridor/route/one_to_all.hpp"

namespace corridor::plan {
namespace {

using Digraph = lemon::SmartDigraph;

// The bipartite network origins -> destinations for the pairs whose time is
// at most `limit`: source -> origin (its people), origin -> destination
// (unbounded), destination -> sink (its capacity).
struct Bipartite {
  Digraph g;
  Digraph::ArcMap<std::int64_t> capacity{g};
  Digraph::ArcMap<std::int64_t> cost{g};
  Digraph::Node source, sink;
  std::vector<std::pair<Digraph::Arc, std::pair<std::size_t, std::size_t>>> pairs;  // (arc, (origin, destination))
};

}  // namespace

std::optional<Assignment> assign_destinations(const Instance& in, const StopToken* stop, std::uint64_t max_work) {
  const auto& g = in.graph();
  std::vector<std::size_t> targets;
  for (std::size_t d = 0; d < in.destinations.size(); ++d) {
    if (in.destinations[d].acceptable() && in.destinations[d].capacity_people > 0) targets.push_back(d);
  }
  std::int64_t people = 0;
  for (const auto& o : in.origins) people += o.people;
  // One search per destination, and a time per (origin, destination) pair.
  const std::uint64_t pairs = std::uint64_t{targets.size()} * in.origins.size();
  if (people == 0 || targets.empty() || std::uint64_t{targets.size()} * g.node_count() > max_work ||
      pairs > max_work / 10)
    return std::nullopt;

  // time[o * D + j]: e_o + g(o, targets[j]), or k_never.
  const std::size_t n_origins = in.origins.size(), n_targets = targets.size();
  std::vector<Ms> time(n_origins * n_targets, k_never);
  for (std::size_t j = 0; j < n_targets; ++j) {
    check(stop);
    const auto to =
        route::one_to_all(g, {{in.destinations[targets[j]].node, 0}}, route::Direction::backward, &in.always_closed());
    for (std::size_t o = 0; o < n_origins; ++o) {
      const auto d = to[in.origins[o].node];
      if (d < route::k_unreachable) time[o * n_targets + j] = in.origins[o].earliest + d;
    }
  }

  auto network = [&](Ms limit) {
    auto b = std::make_unique<Bipartite>();
    b->source = b->g.addNode();
    b->sink = b->g.addNode();
    std::vector<Digraph::Node> dest(n_targets);
    for (std::size_t j = 0; j < n_targets; ++j) {
      dest[j] = b->g.addNode();
      const auto a = b->g.addArc(dest[j], b->sink);
      b->capacity[a] = in.destinations[targets[j]].capacity_people;
      b->cost[a] = 0;
    }
    for (std::size_t o = 0; o < n_origins; ++o) {
      if (in.origins[o].people <= 0) continue;
      const auto v = b->g.addNode();
      const auto a = b->g.addArc(b->source, v);
      b->capacity[a] = in.origins[o].people;
      b->cost[a] = 0;
      for (std::size_t j = 0; j < n_targets; ++j) {
        const Ms t = time[o * n_targets + j];
        if (t > limit) continue;
        const auto arc = b->g.addArc(v, dest[j]);
        b->capacity[arc] = people;
        b->cost[arc] = t / 1000;  // seconds: small enough for any sum
        b->pairs.push_back({arc, {o, j}});
      }
    }
    return b;
  };
  auto placed = [&](Ms limit) {
    check(stop);
    const auto b = network(limit);
    lemon::Preflow<Digraph, Digraph::ArcMap<std::int64_t>> preflow(b->g, b->capacity, b->source, b->sink);
    preflow.runMinCut();
    return preflow.flowValue();
  };

  Assignment result;
  result.bounds.lower_bound_method = "assignment";
  // The bottleneck: the smallest time among the pairs' that places everyone.
  std::vector<Ms> times;
  for (const Ms t : time) {
    if (t <= in.horizon()) times.push_back(t);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  Ms limit = in.horizon();
  std::int64_t moved = 0;
  if (!times.empty() && (moved = placed(times.back())) == people) {
    std::size_t lo = 0, hi = times.size() - 1;  // placed(times[hi]) == people
    while (lo < hi) {
      const auto mid = lo + (hi - lo) / 2;
      if (placed(times[mid]) == people)
        hi = mid;
      else
        lo = mid + 1;
    }
    limit = times[hi];
    result.bounds.lower_bound_egress = limit;
    result.bounds.upper_bound_people = people;
  } else {
    result.bounds.lower_bound_egress = std::nullopt;
    result.bounds.upper_bound_people = moved;
  }

  // Among the assignments within the limit that place the most, the least
  // total time (LEMON's network simplex).
  result.quota.resize(n_origins);
  result.latest.assign(n_origins, k_never);
  if (moved > 0) {
    check(stop);
    const auto b = network(limit);
    lemon::NetworkSimplex<Digraph, std::int64_t, std::int64_t> simplex(b->g);
    simplex.upperMap(b->capacity).costMap(b->cost).stSupply(b->source, b->sink, moved);
    if (simplex.run() == decltype(simplex)::OPTIMAL) {
      for (const auto& [arc, pair] : b->pairs) {
        const auto flow = simplex.flow(arc);
        if (flow <= 0) continue;
        const auto [o, j] = pair;
        result.quota[o].emplace_back(targets[j], flow);
        const Ms t = time[o * n_targets + j];
        result.latest[o] = result.latest[o] == k_never ? t : std::max(result.latest[o], t);
      }
    }
  }

  // Whether capacities bind: everyone at their nearest destination overfills one.
  std::vector<std::int64_t> nearest_load(n_targets, 0);
  for (std::size_t o = 0; o < n_origins; ++o) {
    const auto first = time.begin() + static_cast<std::ptrdiff_t>(o * n_targets);
    const auto best = std::min_element(first, first + static_cast<std::ptrdiff_t>(n_targets));
    if (*best < k_never) nearest_load[static_cast<std::size_t>(best - first)] += in.origins[o].people;
  }
  for (std::size_t j = 0; j < n_targets; ++j) {
    result.binds = result.binds || nearest_load[j] > in.destinations[targets[j]].capacity_people;
  }
  return result;
}

}  // namespace corridor::plan

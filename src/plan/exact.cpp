// The exact method: a quickest transshipment (Hoppe & Tardos 2000) on the
// exact time-expanded network (Ford & Fulkerson's flows over time), found by
// searching the last arrival step with one maximum flow per candidate, then
// decomposed into movements. docs/lower-bound.md states the model.
#include "corridor/plan/exact.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <tuple>

#include "corridor/error.hpp"
#include "corridor/plan/bounds.hpp"
#include "plan/explain.hpp"
#include "plan/time_expanded.hpp"

namespace corridor::plan {
namespace {

using Digraph = lemon::SmartDigraph;

// Vehicles as flow units: each origin's fleet, its last vehicle carrying the
// remainder (weights are people per vehicle). A destination that can hold
// everybody takes any number of vehicles; any other takes
// floor(capacity / largest persons_per_vehicle), which every loading fits.
te::Units vehicle_units(const Instance& in, bool bypass) {
  te::Units u;
  u.bypass = bypass;
  std::int64_t people = 0;
  std::int64_t ppv_max = 1;
  for (const auto& o : in.origins) {
    people += o.people;
    ppv_max = std::max(ppv_max, o.persons_per_vehicle);
  }
  for (std::size_t o = 0; o < in.origins.size(); ++o) {
    const auto& site = in.origins[o];
    if (site.vehicles <= 0) continue;
    if (site.vehicles > 1) u.supplies.push_back({o, site.vehicles - 1, site.persons_per_vehicle});
    u.supplies.push_back({o, 1, site.people - (site.vehicles - 1) * site.persons_per_vehicle});
  }
  for (const auto& d : in.destinations) {
    if (!d.acceptable())
      u.intake.push_back(0);
    else if (d.capacity_people >= people)
      u.intake.push_back(te::k_unbounded);
    else
      u.intake.push_back(d.capacity_people / ppv_max);
  }
  return u;
}

// One path of the flow decomposition: vehicles of one origin entering the
// listed (section, step) copies.
struct Path {
  std::size_t origin = 0;
  std::size_t destination = 0;
  std::int32_t first_step = 0;
  std::vector<std::pair<std::uint32_t, std::int32_t>> roads;
  auto key() const { return std::tie(origin, destination, first_step, roads); }
};

// Decomposes an integral, acyclic flow into source-sink paths, each taking
// its bottleneck (the textbook path decomposition); units that stay home
// (the bypass arc) are dropped.
std::vector<std::pair<Path, std::int64_t>> decompose(const te::Expanded& x, std::vector<std::int64_t> flow) {
  const auto nodes = static_cast<std::size_t>(x.g.maxNodeId()) + 1;
  std::vector<Digraph::Arc> current(nodes);
  std::vector<char> started(nodes, 0);
  auto next_arc = [&](Digraph::Node u) {
    const auto i = static_cast<std::size_t>(Digraph::id(u));
    if (!started[i]) {
      x.g.firstOut(current[i], u);
      started[i] = 1;
    }
    while (current[i] != lemon::INVALID && flow[static_cast<std::size_t>(Digraph::id(current[i]))] <= 0) {
      x.g.nextOut(current[i]);
    }
    return current[i];
  };
  std::vector<std::pair<Path, std::int64_t>> paths;
  std::vector<Digraph::Arc> walk;
  // Where each node stands on the current walk (-1: not on it). A maximum
  // flow may carry cycles through roads of no time (copies of one step);
  // a walk that meets itself cancels the cycle and goes on.
  std::vector<std::int64_t> at(nodes, -1);
  auto position = [&](Digraph::Node u) -> std::int64_t& { return at[static_cast<std::size_t>(Digraph::id(u))]; };
  while (next_arc(x.source) != lemon::INVALID) {
    walk.clear();
    position(x.source) = 0;
    for (auto u = x.source; u != x.sink;) {
      const auto a = next_arc(u);
      if (a == lemon::INVALID) throw std::logic_error("time-expanded flow does not conserve units");
      walk.push_back(a);
      u = x.g.target(a);
      if (const auto p = position(u); p >= 0) {
        const auto first = walk.begin() + p;
        std::int64_t around = flow[static_cast<std::size_t>(Digraph::id(*first))];
        for (auto it = first; it != walk.end(); ++it)
          around = std::min(around, flow[static_cast<std::size_t>(Digraph::id(*it))]);
        for (auto it = first; it != walk.end(); ++it) {
          flow[static_cast<std::size_t>(Digraph::id(*it))] -= around;
          if (x.g.target(*it) != u) position(x.g.target(*it)) = -1;
        }
        walk.erase(first, walk.end());
      } else {
        position(u) = static_cast<std::int64_t>(walk.size());
      }
    }
    position(x.source) = -1;
    for (const auto a : walk) position(x.g.target(a)) = -1;
    std::int64_t units = flow[static_cast<std::size_t>(Digraph::id(walk.front()))];
    for (const auto a : walk) units = std::min(units, flow[static_cast<std::size_t>(Digraph::id(a))]);
    for (const auto a : walk) flow[static_cast<std::size_t>(Digraph::id(a))] -= units;
    const auto& first = x.info[static_cast<std::size_t>(Digraph::id(walk.front()))];
    if (first.kind != te::ArcKind::source) continue;  // the bypass: these stay home
    Path p;
    p.origin = first.ref;
    p.first_step = first.step;
    for (const auto a : walk) {
      const auto& info = x.info[static_cast<std::size_t>(Digraph::id(a))];
      if (info.kind == te::ArcKind::road) p.roads.emplace_back(info.ref, info.step);
      if (info.kind == te::ArcKind::sink) p.destination = info.ref;
    }
    paths.emplace_back(std::move(p), units);
  }
  return paths;
}

// Movements from paths: identical paths merge; each origin's people fill its
// vehicles in order of arrival, the last one carrying the remainder.
std::vector<Movement> movements_of(const Instance& in, const te::Network& net,
                                   const std::vector<std::pair<Path, std::int64_t>>& paths) {
  const auto& g = in.graph();
  const Ms step = net.tick();
  std::map<decltype(std::declval<const Path&>().key()), std::pair<const Path*, std::int64_t>> merged;
  for (const auto& [p, units] : paths) {
    auto [it, fresh] = merged.try_emplace(p.key(), &p, 0);
    it->second.second += units;
  }
  std::vector<Movement> out;
  for (const auto& [key, entry] : merged) {
    const auto& [p, vehicles] = entry;
    Movement m;
    m.origin = p->origin;
    m.destination = p->destination;
    m.vehicles = vehicles;
    m.nodes.push_back(in.origins[p->origin].node);
    m.times.push_back(p->first_step * step);
    for (const auto& [id, k] : p->roads) {
      // Passes the section's first node as it enters (after any wait at
      // the end of the previous one), then drives it without stopping.
      const auto& section = net.section(id);
      m.times.back() = k * step;
      for (auto i = section.first; i < section.last; ++i) {
        const ArcId a = net.arc(i);
        m.nodes.push_back(g.head[a]);
        m.times.push_back(k * step + net.offset(i) + g.time_ms[a]);
      }
    }
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const Movement& a, const Movement& b) {
    return std::tie(a.times.back(), a.times.front(), a.origin) < std::tie(b.times.back(), b.times.front(), b.origin);
  });
  std::vector<std::int64_t> left;
  for (const auto& o : in.origins) left.push_back(o.people);
  for (auto& m : out) {
    const auto& site = in.origins[m.origin];
    m.people = std::min(m.vehicles * site.persons_per_vehicle, left[m.origin]);
    left[m.origin] -= m.people;
  }
  std::erase_if(out, [](const Movement& m) { return m.people <= 0; });
  return out;
}

// The last arrival step the search needs networks for: the horizon, or
// just past the egress of a plan known to get everyone out (the exact model
// enters roads on whole ticks only, so it may need a little longer).
int last_needed(const te::Network& net, const ExactLimits& limits) {
  const int horizon = net.horizon_steps();
  if (!limits.known_egress) return horizon;
  const auto known = static_cast<int>((*limits.known_egress + net.tick() - 1) / net.tick());
  return std::min(horizon, known + std::max(6, known / 20));
}

std::string too_large_text(const te::Network& net, int last, std::uint64_t copies, const ExactLimits& limits) {
  return "the time-expanded network is too large: " + std::to_string(net.junctions()) + " nodes x " +
         std::to_string(last + 1) + " steps leave " + std::to_string(copies) + " node copies after pruning (limit " +
         std::to_string(limits.max_nodes) + "); use --method ccrp, a longer time step or a smaller map";
}

// The exact networks to solve: the resolution asked for, or both whole
// steps and the finest substeps (6, 3 or 2 dividing the step) that fit.
// Each step's capacity is split over its substeps, which can cost a burst
// more than finer timing gains, so the better of the two plans is kept.
std::vector<std::unique_ptr<te::Network>> exact_networks(const Instance& in, const ExactLimits& limits) {
  std::vector<int> tries;
  if (limits.substeps > 0)
    tries.push_back(in.step() % limits.substeps == 0 ? limits.substeps : 1);
  else
    tries = {6, 3, 2, 1};
  std::vector<std::unique_ptr<te::Network>> nets;
  std::string refusal;
  for (const int m : tries) {
    if (in.step() % m != 0 || (m > 1 && !nets.empty())) continue;
    auto net = std::make_unique<te::Network>(in, te::Model::exact, m);
    const int last = last_needed(*net, limits);
    const auto copies = net->node_copies(last);
    if (copies <= limits.max_nodes)
      nets.push_back(std::move(net));
    else
      refusal = too_large_text(*net, last, copies, limits);
  }
  if (nets.empty()) throw InputError("--method optimal", refusal);
  return nets;
}

// Networks up to this many node copies get a tidy flow (early arrivals, few
// segments: a minimum-cost flow); larger ones the maximum flow as it comes.
constexpr std::uint64_t k_tidy_copies = 400'000;

// The optimum on one exact network. Quickest transshipment: the fewest
// steps T by which every vehicle can arrive (monotone in T: the network for
// T is part of the one for T+1), searched from the proven lower bound up,
// through networks no larger than needed. If even the horizon is too short,
// the most people by the horizon, then the fewest steps that still carry
// that many.
std::vector<Movement> solve_on(const Instance& in, const te::Network& net, const ExactLimits& limits) {
  const int horizon = net.horizon_steps();
  const Ms tick = net.tick();
  std::int64_t fleet = 0;
  for (const auto& o : in.origins) fleet += o.vehicles;
  auto build = [&](int t, const te::Units& units) {
    check(limits.stop);
    if (const auto copies = net.node_copies(t); copies > limits.max_nodes)
      throw InputError("--method optimal", too_large_text(net, t, copies, limits));
    return net.build(t, units);
  };
  auto say = [&](int t, const std::string& what) {
    if (!limits.progress) return;
    const auto seconds = static_cast<long long>(Ms{t} * tick / 1000);
    char text[160];
    std::snprintf(text, sizeof text, "arrival by step %d (%lldh%02lldm%02llds after start): %s", t, seconds / 3600,
                  seconds / 60 % 60, seconds % 60, what.c_str());
    limits.progress(text);
  };
  const auto all = vehicle_units(in, false);
  const auto full = [&](int t) {
    const auto carried = te::max_flow(*build(t, all));
    say(t, carried == fleet ? "everyone" : std::to_string(carried) + " of " + std::to_string(fleet) + " vehicles");
    return carried == fleet;
  };
  // An arrival at instant E lies at or before copy ceil(E / tick).
  int from = std::min(net.earliest_last_step(), horizon + 1);
  if (limits.known_bounds != nullptr && limits.known_bounds->lower_bound_egress)
    from = std::max(from, static_cast<int>(
                              std::min<Ms>((*limits.known_bounds->lower_bound_egress + tick - 1) / tick, horizon + 1)));
  const int near = last_needed(net, limits);
  auto last = te::first_passing(from, near, full);
  if (!last && near < horizon) last = te::first_passing(near + 1, horizon, full);

  std::vector<std::int64_t> flow;
  std::unique_ptr<te::Expanded> final_net;
  if (last) {
    final_net = build(*last, all);
    if (net.node_copies(*last) <= k_tidy_copies)
      flow = te::tidy_full_flow(*final_net);
    else
      te::max_flow(*final_net, &flow);
  } else {
    const auto some = vehicle_units(in, true);
    const std::int64_t best = te::max_weight(*build(horizon, some), false);
    const auto most = [&](int t) { return te::max_weight(*build(t, some), false) == best; };
    final_net = build(best == 0 ? 0 : te::first_passing(0, horizon, most).value_or(horizon), some);
    te::max_weight(*final_net, true, &flow);
  }
  return movements_of(in, net, decompose(*final_net, std::move(flow)));
}

std::pair<std::int64_t, Ms> score(const std::vector<Movement>& movements) {
  std::int64_t people = 0;
  Ms egress = 0;
  for (const auto& m : movements) {
    people += m.people;
    egress = std::max(egress, m.arrival());
  }
  return {-people, egress};  // smaller is better
}

}  // namespace

PlanResult solve_optimal(const Instance& in, const ExactLimits& limits) {
  const auto started = std::chrono::steady_clock::now();
  PlanResult result;
  result.method = "optimal";
  bool first = true;
  for (const auto& net : exact_networks(in, limits)) {
    auto movements = solve_on(in, *net, limits);
    if (first || score(movements) < score(result.movements)) result.movements = std::move(movements);
    first = false;
  }

  std::vector<std::int64_t> delivered(in.origins.size(), 0);
  std::vector<std::int64_t> room;
  for (const auto& d : in.destinations) room.push_back(d.capacity_people);
  for (const auto& m : result.movements) {
    delivered[m.origin] += m.people;
    room[m.destination] -= m.people;
  }
  for (std::size_t o = 0; o < in.origins.size(); ++o) {
    const std::int64_t missing = in.origins[o].people - delivered[o];
    if (missing > 0) result.unmet.push_back({o, missing, explain_unmet(in, o, room)});
  }
  if (limits.known_bounds != nullptr) {
    result.bounds = *limits.known_bounds;
  } else {
    const auto relaxed = time_expanded_bounds(in, limits);
    result.bounds = relaxed ? *relaxed : cut_bounds(in);
  }
  result.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace corridor::plan

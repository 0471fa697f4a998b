// The exact method: a quickest transshipment (Hoppe & Tardos 2000) on the
// exact time-expanded network (Ford & Fulkerson's flows over time), found by
// searching the last arrival step with one maximum flow per candidate, then
// decomposed into movements. docs/lower-bound.md states the model.
#include "corridor/plan/exact.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>

#include "corridor/error.hpp"
#include "corridor/plan/bounds.hpp"
#include "plan/explain.hpp"
#include "plan/time_expanded.hpp"
#include "plan/time_expanded_engine.hpp"

namespace corridor::plan {
namespace {

using Digraph = lemon::SmartDigraph;

// Vehicles as flow units: each origin's fleet, its last vehicle carrying the
// remainder (weights are people per vehicle). A destination that can hold
// everybody takes any number of vehicles; any other takes
// floor(capacity / largest persons_per_vehicle), which every loading fits,
// or with `loose` floor(capacity / smallest persons_per_vehicle), which
// every feasible plan keeps to (a relaxation).
te::Units vehicle_units(const Instance& in, bool bypass, bool loose = false) {
  te::Units u;
  u.bypass = bypass;
  std::int64_t people = 0;
  std::int64_t ppv_max = 1;
  std::int64_t ppv_min = std::numeric_limits<std::int64_t>::max();
  for (const auto& o : in.origins) {
    people += o.people;
    ppv_max = std::max(ppv_max, o.persons_per_vehicle);
    if (o.vehicles > 0) ppv_min = std::min(ppv_min, std::max<std::int64_t>(1, o.persons_per_vehicle));
  }
  const std::int64_t ppv = loose && ppv_min <= ppv_max ? ppv_min : ppv_max;
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
      u.intake.push_back(d.capacity_people / ppv);
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

std::string too_large_text(const te::Network& net, int last, std::uint64_t copies, std::uint64_t limit) {
  return "the time-expanded network is too large: " + std::to_string(net.junctions()) + " nodes x " +
         std::to_string(last + 1) + " steps leave " + std::to_string(copies) + " node copies after pruning (limit " +
         std::to_string(limit) + "); use --method ccrp, a longer time step or a smaller map";
}

// The exact networks to solve: the resolution asked for, or both whole
// steps and the finest substeps (6, 3 or 2 dividing the step) that fit.
// Each step's capacity is split over its substeps, which can cost a burst
// more than finer timing gains, so the better of the two plans is kept.
// Where every road time, every origin's earliest departure and every
// closure's ends are whole numbers of steps, a vehicle gains nothing by
// entering a road between steps: whole steps only.
// Substeps multiply the network; they are tried only while it stays small.
constexpr std::uint64_t k_substep_copies = 1'000'000;

bool step_integral(const Instance& in) {
  const auto& g = in.graph();
  const Ms step = in.step();
  auto whole = [&](Ms t) { return t % step == 0 || t <= 0 || t >= in.horizon(); };
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    if (!whole(g.time_ms[a])) return false;
    for (const auto& span : in.closed_spans(a))
      if (!whole(span.from) || !whole(span.until)) return false;
  }
  return std::all_of(in.origins.begin(), in.origins.end(), [&](const auto& o) { return whole(o.earliest); });
}

std::vector<std::unique_ptr<te::Network>> exact_networks(const Instance& in, const ExactLimits& limits) {
  std::vector<int> tries;
  if (limits.substeps > 0)
    tries.push_back(in.step() % limits.substeps == 0 ? limits.substeps : 1);
  else if (step_integral(in))
    tries = {1};
  else
    tries = {6, 3, 2, 1};
  std::vector<std::unique_ptr<te::Network>> nets;
  std::string refusal;
  for (const int m : tries) {
    if (in.step() % m != 0 || (m > 1 && !nets.empty())) continue;
    auto net = std::make_unique<te::Network>(in, te::Model::exact, m);
    const int last = last_needed(*net, limits);
    const auto copies = net->node_copies(last);
    if (copies <= (m > 1 ? std::min<std::uint64_t>(limits.max_nodes, k_substep_copies) : limits.max_nodes))
      nets.push_back(std::move(net));
    else
      refusal = too_large_text(*net, last, copies, limits.max_nodes);
  }
  if (nets.empty()) throw InputError("--method optimal", refusal);
  return nets;
}

// LEMON networks (the tidy flow, and the most people when not everyone can
// arrive by the horizon) are built up to k_lemon_copies.
constexpr std::uint64_t k_lemon_copies = 3'000'000;

constexpr int k_steps_before_galloping = 32;
constexpr int k_intake_rounds = 4;

// The fewest steps by which every vehicle arrives, in [from, to], with the
// engine holding that flow; nullopt when not even `to` suffices.
// Quickest transshipment: monotone in the step (the network for T is part
// of the one for T + 1). One engine walks up from `from` step by step, then
// gallops (+2, +4, ...), re-using its flow throughout; after a gallop the
// last interval is bisected with fresh engines while it is long, then
// walked step by step.
struct Quickest {
  int last = 0;
  std::unique_ptr<te::Engine> engine;
};

std::optional<Quickest> quickest(const te::Network& net, const te::Units& all, std::int64_t fleet, int from, int to,
                                 const ExactLimits& limits, const std::function<void(int, std::int64_t)>& say) {
  if (from > to) return std::nullopt;
  auto engine_for = [&](int t) {
    check(limits.stop);
    if (const auto copies = net.node_copies(t); copies > limits.max_nodes)
      throw InputError("--method optimal", too_large_text(net, t, copies, limits.max_nodes));
    return std::make_unique<te::Engine>(net.pattern(t, all), limits.stop);
  };
  auto carries = [&](te::Engine& e, int t) {
    const auto carried = e.solve(t);
    say(t, carried);
    return carried == fleet;
  };
  auto engine = engine_for(to);
  int failed = from - 1;
  int t = from;
  // A step on from a flow costs a global relabelling and a few pushes, a
  // fresh engine the whole first phase (twenty times more on the walk
  // instance): step by step first, galloping only far from the bound.
  for (int tries = 1, gap = 1; !carries(*engine, t); ++tries) {
    if (t == to) return std::nullopt;
    failed = t;
    if (tries >= k_steps_before_galloping) gap *= 2;
    t = std::min(to, t + gap);
  }
  while (t - failed > 16) {
    const int mid = failed + (t - failed) / 2;
    auto probe = engine_for(mid);
    if (carries(*probe, mid)) {
      t = mid;
      engine = std::move(probe);
    } else {
      failed = mid;
    }
  }
  if (t - failed > 1) {
    engine = engine_for(t);
    for (int u = failed + 1; !carries(*engine, u); ++u) {
    }
  }
  return Quickest{t, std::move(engine)};
}

// Per destination: by how many people the movements overfill it (0: they
// fit), and how many vehicles arrive there.
struct Fill {
  std::vector<std::int64_t> over;
  std::vector<std::int64_t> vehicles;
  [[nodiscard]] bool fits() const {
    return std::all_of(over.begin(), over.end(), [](std::int64_t o) { return o == 0; });
  }
};

Fill fill_of(const Instance& in, const std::vector<Movement>& movements) {
  Fill f;
  f.over.assign(in.destinations.size(), 0);
  f.vehicles.assign(in.destinations.size(), 0);
  std::vector<std::int64_t> people(in.destinations.size(), 0);
  for (const auto& m : movements) {
    people[m.destination] += m.people;
    f.vehicles[m.destination] += m.vehicles;
  }
  for (std::size_t d = 0; d < people.size(); ++d)
    f.over[d] = std::max<std::int64_t>(0, people[d] - in.destinations[d].capacity_people);
  return f;
}

// Paths from the engine's decomposition.
std::vector<std::pair<Path, std::int64_t>> paths_of(te::Engine& engine) {
  std::vector<std::pair<Path, std::int64_t>> paths;
  for (auto& r : engine.routes()) {
    const auto& supply = engine.pattern().supplies[r.supply];
    Path p;
    p.origin = supply.ref;
    p.destination = engine.pattern().drains[r.drain].ref;
    p.first_step = supply.tick;
    p.roads = std::move(r.roads);
    paths.emplace_back(std::move(p), r.units);
  }
  return paths;
}

// The optimum on one exact network: the fewest steps T by which every
// vehicle can arrive, searched from the proven lower bound up through
// networks no larger than needed (the time-expanded engine). If even the
// horizon is too short, the most people by the horizon, then the fewest
// steps that still carry that many (LEMON, on networks it can hold).
std::vector<Movement> solve_on(const Instance& in, const te::Network& net, const ExactLimits& limits) {
  const int horizon = net.horizon_steps();
  const Ms tick = net.tick();
  std::int64_t fleet = 0;
  for (const auto& o : in.origins) fleet += o.vehicles;
  const auto say = [&](int t, std::int64_t carried) {
    if (!limits.progress) return;
    const auto seconds = static_cast<long long>(Ms{t} * tick / 1000);
    char text[160];
    std::snprintf(text, sizeof text, "arrival by step %d (%lldh%02lldm%02llds after start): %s", t, seconds / 3600,
                  seconds / 60 % 60, seconds % 60,
                  carried == fleet ? "everyone"
                                   : (std::to_string(carried) + " of " + std::to_string(fleet) + " vehicles").c_str());
    limits.progress(text);
  };
  auto lemon = [&](int t, const te::Units& units) {
    check(limits.stop);
    const auto limit = std::min<std::uint64_t>(limits.max_nodes, k_lemon_copies);
    if (const auto copies = net.node_copies(t); copies > limit)
      throw InputError("--method optimal", too_large_text(net, t, copies, limit));
    return net.build(t, units);
  };
  // An arrival at instant E lies at or before copy ceil(E / tick).
  int from = std::min(net.earliest_last_step(), horizon + 1);
  if (limits.known_bounds != nullptr && limits.known_bounds->lower_bound_egress)
    from = std::max(from, static_cast<int>(
                              std::min<Ms>((*limits.known_bounds->lower_bound_egress + tick - 1) / tick, horizon + 1)));
  const int near = last_needed(net, limits);
  // The quickest plan that gets everyone out with these units, and its step.
  auto everyone = [&](const te::Units& units, int lo) -> std::optional<std::pair<int, std::vector<Movement>>> {
    std::int64_t intake = 0;
    for (const auto i : units.intake) intake += i == te::k_unbounded ? fleet : i;
    if (intake < fleet) return std::nullopt;  // the destinations do not take everyone
    // Up to just past the known egress first, then in windows twice as
    // long each time, every engine no larger than its window needs.
    std::optional<Quickest> found;
    for (int hi = std::max(lo, near); !found && lo <= horizon;) {
      found = quickest(net, units, fleet, lo, hi, limits, say);
      const int length = hi - lo + 1;
      lo = hi + 1;
      hi = std::min(horizon, hi + 2 * length);
    }
    if (!found) return std::nullopt;
    if (net.node_copies(found->last) > std::min<std::uint64_t>(limits.tidy_copies, k_lemon_copies))
      return std::pair{found->last, movements_of(in, net, paths_of(*found->engine))};
    found->engine.reset();
    const auto final_net = lemon(found->last, units);
    return std::pair{found->last, movements_of(in, net, decompose(*final_net, te::tidy_full_flow(*final_net)))};
  };
  // Destination capacities count people. Where vehicles carry different
  // numbers of them, the quickest flow under the loose intake (a
  // relaxation: no plan arrives earlier) is the optimum when its people
  // fit. When they overfill a destination, its intake is cut by the
  // vehicles the overflow would fill at the smallest load, and the search
  // goes on from there (a few rounds); the plan is then feasible, and the
  // optimum lies between the first step and its.
  const auto strict = vehicle_units(in, false);
  auto units = vehicle_units(in, false, true);
  if (units.intake != strict.intake) {
    std::int64_t ppv_min = std::numeric_limits<std::int64_t>::max();
    for (const auto& o : in.origins)
      if (o.vehicles > 0) ppv_min = std::min(ppv_min, std::max<std::int64_t>(1, o.persons_per_vehicle));
    std::optional<int> relaxed;
    for (int round = 0; round < k_intake_rounds; ++round) {
      auto r = everyone(units, from);
      if (!r) {
        if (!relaxed) from = horizon + 1;  // not even the relaxation gets everyone out
        break;
      }
      if (!relaxed) relaxed = r->first;
      const auto fill = fill_of(in, r->second);
      if (fill.fits()) {
        if (limits.progress && r->first > *relaxed)
          limits.progress("destinations bind with vehicles of different loads: the optimum lies between step " +
                          std::to_string(*relaxed) + " and this plan's step " + std::to_string(r->first));
        return std::move(r->second);
      }
      from = r->first;
      for (std::size_t d = 0; d < fill.over.size(); ++d) {
        if (fill.over[d] > 0) units.intake[d] = fill.vehicles[d] - (fill.over[d] + ppv_min - 1) / ppv_min;
      }
    }
  }
  if (auto r = everyone(strict, from)) return std::move(r->second);
  const auto some = vehicle_units(in, true);
  const std::int64_t best = te::max_weight(*lemon(horizon, some), false);
  const auto most = [&](int t) { return te::max_weight(*lemon(t, some), false) == best; };
  const auto final_net = lemon(best == 0 ? 0 : te::first_passing(0, horizon, most).value_or(horizon), some);
  std::vector<std::int64_t> flow;
  te::max_weight(*final_net, true, &flow);
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
  name_movements(result);
  result.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace corridor::plan

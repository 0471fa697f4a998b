// Bounds from the relaxed time-expanded network (docs/lower-bound.md): every
// feasible plan is a flow in it, so its maximum flows bound what any plan can
// do, and the first step at which it carries everyone bounds the egress time.
#include <algorithm>
#include <memory>
#include <string>

#include "corridor/plan/exact.hpp"
#include "plan/time_expanded.hpp"

namespace corridor::plan {
namespace {

struct Totals {
  std::int64_t people = 0;
  std::int64_t vehicles = 0;
  std::int64_t ppv_min = 0;
  std::int64_t ppv_max = 1;
  std::int64_t slack = 0;  // seats left empty when every vehicle is used: sum of vehicles*ppv - people
};

Totals totals_of(const Instance& in) {
  Totals t;
  for (const auto& o : in.origins) {
    t.people += o.people;
    t.vehicles += o.vehicles;
    t.ppv_min = t.ppv_min == 0 ? o.persons_per_vehicle : std::min(t.ppv_min, o.persons_per_vehicle);
    t.ppv_max = std::max(t.ppv_max, o.persons_per_vehicle);
    t.slack += o.vehicles * o.persons_per_vehicle - o.people;
  }
  t.ppv_min = std::max<std::int64_t>(1, t.ppv_min);
  return t;
}

// Units of flow: people (road capacities times the largest persons_per_vehicle)
// or vehicles, with destination intakes computed by `intake(capacity_people)`.
template <typename Intake>
te::Units units(const Instance& in, bool people, std::int64_t road_factor, const Intake& intake) {
  te::Units u;
  u.road_factor = road_factor;
  for (std::size_t o = 0; o < in.origins.size(); ++o) {
    u.supplies.push_back({o, people ? in.origins[o].people : in.origins[o].vehicles, 1});
  }
  for (const auto& d : in.destinations) u.intake.push_back(d.acceptable() ? intake(d.capacity_people) : 0);
  return u;
}

// The most people `vehicles` vehicles can carry: the fullest loads first,
// at most each origin's fleet, its last vehicle carrying the remainder.
std::int64_t people_in_fullest(const Instance& in, std::int64_t vehicles) {
  std::vector<std::pair<std::int64_t, std::int64_t>> loads;  // (people per vehicle, vehicles)
  for (const auto& o : in.origins) {
    if (o.vehicles <= 0) continue;
    loads.emplace_back(o.persons_per_vehicle, o.vehicles - 1);
    loads.emplace_back(o.people - (o.vehicles - 1) * o.persons_per_vehicle, 1);
  }
  std::sort(loads.rbegin(), loads.rend());
  std::int64_t people = 0;
  for (const auto& [load, count] : loads) {
    const std::int64_t take = std::min(count, vehicles);
    people += take * load;
    vehicles -= take;
  }
  return people;
}

// The latest free-flow arrival over origins: every vehicle of origin o
// arrives no earlier than its earliest departure plus the free-flow time to
// the nearest acceptable destination.
Ms free_flow_arrival(const Instance& in) {
  const auto& g = in.graph();
  const auto to =
      te::distances(in, te::acceptable_destinations(in), true, [&g](ArcId a) -> Ms { return g.time_ms[a]; });
  Ms latest = 0;
  for (const auto& o : in.origins) {
    if (o.people <= 0) continue;
    latest = to[o.node] >= k_never ? k_never : std::max(latest, o.earliest + to[o.node]);
    if (latest >= k_never) break;
  }
  return latest;
}

// The relaxed network with the fewest steps per copy whose copies for the
// whole horizon fit in max_nodes (condensing steps keeps it a relaxation);
// nullptr when even one copy for the whole horizon does not fit.
std::unique_ptr<te::Network> relaxed_network(const Instance& in, std::size_t max_nodes) {
  auto net = std::make_unique<te::Network>(in, te::Model::relaxed);
  const auto whole = net->node_copies(net->horizon_steps());
  if (whole <= max_nodes) return net;
  const Ms steps = std::max<Ms>(1, in.horizon() / in.step());
  // Copies shrink about in proportion to the steps per copy.
  auto condense = static_cast<Ms>((whole + max_nodes - 1) / std::max<std::size_t>(1, max_nodes));
  while (condense <= steps) {
    net = std::make_unique<te::Network>(in, te::Model::relaxed, 1, static_cast<int>(condense));
    if (net->node_copies(net->horizon_steps()) <= max_nodes) return net;
    condense = std::max(condense + 1, condense * 5 / 4);
  }
  return nullptr;
}

}  // namespace

std::optional<Bounds> time_expanded_bounds(const Instance& in, const ExactLimits& limits) {
  const auto relaxed = relaxed_network(in, limits.max_nodes);
  if (!relaxed) return std::nullopt;
  const te::Network& net = *relaxed;
  const int horizon = net.horizon_steps();
  const Ms step = net.tick();
  const auto t = totals_of(in);
  auto build = [&](int last, const te::Units& units) {
    check(limits.stop);  // the flow on the network built last is done
    return net.build(last, units);
  };

  // People as units: each vehicle carries at most ppv_max people, so a
  // segment takes at most capacity * ppv_max people per step.
  const auto people = units(in, true, t.ppv_max, [](std::int64_t cap) { return cap; });
  // Vehicles carrying at least one person: at most `capacity` of them fit.
  const auto vehicles = units(in, false, 1, [](std::int64_t cap) { return cap; });
  // A plan getting everyone out uses every vehicle of every fleet, and the
  // v vehicles reaching a destination carry at least v * ppv_min - slack people.
  const auto everyone =
      units(in, false, 1, [&t](std::int64_t cap) { return std::min(cap, (cap + t.slack) / t.ppv_min); });

  Bounds b;
  b.lower_bound_method = net.tick() == in.step()
                             ? "time-expanded"
                             : "time-expanded, condensed to " + std::to_string(net.tick() / 1000) + " s steps";
  // Arrival at time E lies in step floor(E / step): the first step T at
  // which the relaxation carries everyone gives E >= T * step.
  const Ms free_flow = free_flow_arrival(in);
  if (free_flow <= in.horizon()) {
    const auto all_out = [&](int last) {
      return te::max_flow(*build(last, everyone)) == t.vehicles && te::max_flow(*build(last, people)) == t.people;
    };
    if (const auto last = te::first_passing(static_cast<int>(free_flow / step), horizon, all_out)) {
      b.lower_bound_egress = std::max<Ms>(*last * step, free_flow);
      b.upper_bound_people = t.people;
      return b;
    }
  }
  // No plan gets everyone out: bound the people out by the horizon.
  const std::int64_t people_by_horizon = te::max_flow(*build(horizon, people));
  const std::int64_t vehicles_by_horizon = te::max_flow(*build(horizon, vehicles));
  b.lower_bound_egress = std::nullopt;
  b.upper_bound_people = std::min(
      {std::max<std::int64_t>(0, t.people - 1), people_by_horizon, people_in_fullest(in, vehicles_by_horizon)});
  return b;
}

}  // namespace corridor::plan

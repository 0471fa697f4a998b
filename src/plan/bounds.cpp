#include "corridor/plan/bounds.hpp"

#include "corridor/route/one_to_all.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <map>

#include <lemon/preflow.h>
#include <lemon/smart_graph.h>

namespace corridor::plan {
namespace {

// A cut element: a segment or a checkpoint every vehicle of some group must pass.
struct Element {
  StepRate rate;    // vehicles per step
  Ms earliest = 0;  // e(x)
  Ms rest = 0;      // r(x)
  // Entry times [from, until] at which the segment can be driven without
  // meeting a closure; empty: any time.
  std::vector<Span> open;
};

// When a vehicle can enter arc a and drive it through without being on it
// while it is closed (hazards, ceasefire roads outside windows).
std::vector<Span> entry_times(const Instance& in, ArcId a) {
  const auto closed = in.closed_spans(a);
  if (closed.empty()) return {};
  const Ms tt = std::max<Ms>(1, in.graph().time_ms[a]);
  std::vector<Span> open;
  Ms from = -k_never;
  for (const auto& c : closed) {
    if (c.from - tt >= from) open.push_back({from, c.from - tt});
    from = std::max(from, c.until);
  }
  if (from < k_never) open.push_back({from, k_never});
  if (open.empty()) open.push_back({k_never, -k_never});  // never: an empty interval
  return open;
}

Element arc_element(const Instance& in, ArcId a, Ms earliest, Ms rest) {
  return {in.arc_rate(a), earliest, rest, entry_times(in, a)};
}

// Multi-source free-flow times over the arcs not permanently closed;
// forward from `sources` (node, start time) or backward into them.
std::vector<Ms> free_flow(const Instance& in, const std::vector<std::pair<NodeId, Ms>>& sources, bool backward) {
  auto d = route::one_to_all(in.graph(), sources, backward ? route::Direction::backward : route::Direction::forward,
                             &in.always_closed());
  for (auto& t : d) {
    if (t >= route::k_unreachable) t = k_never;
  }
  return d;
}

// Slots with arrival <= t.
std::int64_t slots_by(const std::vector<Element>& cut, Ms t, Ms step) {
  std::int64_t count = 0;
  for (const auto& x : cut) {
    const Ms last_entry = t - x.rest;
    if (last_entry < x.earliest) continue;
    if (x.open.empty()) {
      count += x.rate.over(x.earliest / step, last_entry / step);
      continue;
    }
    // Steps in which some entry time is open, each counted once.
    std::int64_t counted_up_to = std::numeric_limits<std::int64_t>::min();
    for (const auto& w : x.open) {
      const Ms lo = std::max(w.from, x.earliest), hi = std::min(w.until, last_entry);
      if (lo > hi) continue;
      const std::int64_t first = std::max(lo / step, counted_up_to + 1), last = hi / step;
      count += x.rate.over(first, last);
      counted_up_to = std::max(counted_up_to, last);
    }
  }
  return count;
}

// The smallest t <= limit with at least `vehicles` slots, or nullopt.
std::optional<Ms> arrival_of(const std::vector<Element>& cut, std::int64_t vehicles, Ms step, Ms limit) {
  if (vehicles <= 0) return Ms{0};
  Ms lo = k_never;
  for (const auto& x : cut) lo = std::min(lo, x.earliest + x.rest);
  if (lo > limit || slots_by(cut, limit, step) < vehicles) return std::nullopt;
  Ms hi = limit;
  while (lo < hi) {  // invariant: slots_by(hi) >= vehicles
    const Ms mid = lo + (hi - lo) / 2;
    if (slots_by(cut, mid, step) >= vehicles)
      hi = mid;
    else
      lo = mid + 1;
  }
  return hi;
}

// People in the `vehicles` fullest vehicles of the given origins: each
// fleet has full vehicles and perhaps one partly filled last one, so take
// the loads largest first across all fleets.
std::int64_t people_in_fullest(const Instance& in, const std::vector<std::size_t>& origins, std::int64_t vehicles) {
  std::vector<std::pair<std::int64_t, std::int64_t>> loads;  // (people in a vehicle, how many such vehicles)
  for (auto o : origins) {
    const auto& site = in.origins[o];
    loads.push_back({site.persons_per_vehicle, site.people / site.persons_per_vehicle});
    if (site.people % site.persons_per_vehicle != 0) loads.push_back({site.people % site.persons_per_vehicle, 1});
  }
  std::sort(loads.rbegin(), loads.rend());
  std::int64_t people = 0;
  for (const auto& [load, count] : loads) {
    if (vehicles <= 0) break;
    const std::int64_t take = std::min(vehicles, count);
    people += take * load;
    vehicles -= take;
  }
  return people;
}

// What an element weighs when choosing a cut: its rate in thousandths of a
// vehicle per step (any cut is a valid bound; the lightest is the strongest).
std::int64_t cut_weight(const StepRate& rate) { return std::llround(rate.per_step() * 1000.0); }

// A minimum-capacity set of segments and checkpoints separating every origin
// from every acceptable destination (LEMON's push-relabel Preflow).
std::vector<Element> minimum_cut(const Instance& in, const std::vector<std::size_t>& group,
                                 const std::vector<Ms>& from_origins, const std::vector<Ms>& to_dest) {
  const auto& g = in.graph();
  lemon::SmartDigraph net;
  net.reserveNode(static_cast<int>(g.node_count() + in.checkpoints.size() + 2));
  std::vector<lemon::SmartDigraph::Node> in_node(g.node_count()), out_node(g.node_count());
  for (NodeId v = 0; v < g.node_count(); ++v) in_node[v] = out_node[v] = net.addNode();
  lemon::SmartDigraph::ArcMap<std::int64_t> cap(net);
  struct Origin {
    enum Kind { arc, checkpoint } kind;
    std::uint32_t id;
  };
  std::vector<Origin> what;
  for (std::size_t c = 0; c < in.checkpoints.size(); ++c) {
    const NodeId v = in.checkpoints[c].node;
    if (out_node[v] != in_node[v]) continue;  // two checkpoints on one node: the first counts
    out_node[v] = net.addNode();
    const auto arc = net.addArc(in_node[v], out_node[v]);
    cap[arc] = cut_weight(in.checkpoints[c].rate);
    what.push_back({Origin::checkpoint, static_cast<std::uint32_t>(c)});
  }
  constexpr std::int64_t k_infinite = std::int64_t{1} << 40;
  const auto used = [&](ArcId a) {
    return !in.always_closed().contains(a) && from_origins[g.tail[a]] < k_never && to_dest[g.head[a]] < k_never;
  };
  // A node that only passes traffic on between its two neighbours (most
  // are the shape points of OSM ways) joins the arcs through it: each chain
  // of them is one arc of its least capacity, a network a few times
  // smaller with as many times fewer push-relabel levels. A minimum cut of
  // it has the capacity of one of the whole graph, and a chain in it is cut
  // at one of its least arcs: which one is named is chosen below.
  std::vector<bool> kept(g.node_count(), false);  // ends of arcs to the source or sink, checkpoints
  for (const auto& o : in.origins) kept[o.node] = true;
  for (const auto& d : in.destinations) kept[d.node] = true;
  for (const auto& c : in.checkpoints) kept[c.node] = true;
  const auto passes_on = [&](NodeId v) {
    if (kept[v]) return false;
    std::array<NodeId, 2> next_to{graph::k_invalid, graph::k_invalid};
    std::array<std::array<int, 2>, 2> arcs{};  // [neighbour][in, out]
    const auto note = [&](ArcId a, NodeId other, int way) {
      if (other == v || cut_weight(in.arc_rate(a)) <= 0) return false;
      for (std::size_t k = 0; k < 2; ++k) {
        if (next_to[k] == graph::k_invalid) next_to[k] = other;
        if (next_to[k] == other) return ++arcs[k][static_cast<std::size_t>(way)] == 1;
      }
      return false;
    };
    for (auto a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
      if (used(a) && !note(a, g.head[a], 1)) return false;
    }
    for (auto i = g.in_first[v]; i < g.in_first[v + 1]; ++i) {
      if (const auto a = g.in_arc[i]; used(a) && !note(a, g.tail[a], 0)) return false;
    }
    return next_to[1] != graph::k_invalid;
  };
  std::vector<bool> passing(g.node_count(), false);
  for (NodeId v = 0; v < g.node_count(); ++v) passing[v] = passes_on(v);
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    if (!used(a) || passing[g.tail[a]]) continue;
    // The chain's element (any of its arcs is a cut): of its least arcs,
    // the one the fastest way through reaches a destination latest by, and
    // of those the first, nearest the origins, whose remaining time to a
    // destination is the longest.
    const auto latest = [&](ArcId b) { return from_origins[g.tail[b]] + g.time_ms[b] + to_dest[g.head[b]]; };
    ArcId least = a;
    auto weight = cut_weight(in.arc_rate(a));
    NodeId from = g.tail[a], at = g.head[a];
    while (passing[at]) {
      ArcId on = graph::k_invalid;
      for (auto b = g.first_out[at]; b < g.first_out[at + 1]; ++b) {
        if (used(b) && g.head[b] != from) on = b;
      }
      if (on == graph::k_invalid) break;  // a dead end this way
      if (const auto w = cut_weight(in.arc_rate(on)); w < weight || (w == weight && latest(on) > latest(least))) {
        weight = w;
        least = on;
      }
      from = at;
      at = g.head[on];
    }
    if (passing[at] || at == g.tail[a]) continue;  // a dead end or a loop: no flow gets through
    const auto arc = net.addArc(out_node[g.tail[a]], in_node[at]);
    cap[arc] = weight;
    what.push_back({Origin::arc, least});
  }
  const auto source = net.addNode();
  const auto sink = net.addNode();
  for (auto o : group) cap[net.addArc(source, in_node[in.origins[o].node])] = k_infinite;
  for (const auto& d : in.destinations) {
    if (d.acceptable()) cap[net.addArc(in_node[d.node], sink)] = k_infinite;  // arriving passes no checkpoint
  }
  lemon::Preflow<lemon::SmartDigraph, lemon::SmartDigraph::ArcMap<std::int64_t>> preflow(net, cap, source, sink);
  preflow.runMinCut();
  std::vector<Element> cut;
  for (std::size_t i = 0; i < what.size(); ++i) {
    const auto arc = net.arcFromId(static_cast<int>(i));
    if (!preflow.minCut(net.source(arc)) || preflow.minCut(net.target(arc))) continue;
    if (what[i].kind == Origin::arc) {
      const ArcId a = what[i].id;
      cut.push_back(arc_element(in, a, from_origins[g.tail[a]], g.time_ms[a] + to_dest[g.head[a]]));
    } else {
      const NodeId v = in.checkpoints[what[i].id].node;
      cut.push_back({in.checkpoints[what[i].id].rate, from_origins[v], to_dest[v], {}});
    }
  }
  return cut;
}

}  // namespace

// Origin nodes that get a minimum cut of their own.
constexpr std::size_t k_origin_cuts = 16;

Bounds cut_bounds(const Instance& in, const StopToken* stop) {
  const auto& g = in.graph();
  const Ms step = in.step();
  std::vector<std::pair<NodeId, Ms>> ends;
  for (const auto& d : in.destinations) {
    if (d.acceptable()) ends.push_back({d.node, 0});
  }
  auto from_group = [&](const std::vector<std::size_t>& group) {
    std::vector<std::pair<NodeId, Ms>> starts;
    for (auto o : group) starts.push_back({in.origins[o].node, in.origins[o].earliest});
    return free_flow(in, starts, false);
  };
  const auto to_dest = free_flow(in, ends, true);

  std::int64_t people = 0;
  std::vector<std::size_t> all;
  for (std::size_t o = 0; o < in.origins.size(); ++o) {
    people += in.origins[o].people;
    all.push_back(o);
  }
  const auto from_origins = from_group(all);
  Bounds b;
  b.lower_bound_egress = Ms{0};
  b.upper_bound_people = people;

  // Destinations: people only fit where there is room, if reachable at all.
  std::int64_t room = 0;
  for (const auto& d : in.destinations) {
    if (d.acceptable() && from_origins[d.node] < k_never) room += d.capacity_people;
  }
  b.upper_bound_people = std::min(b.upper_bound_people, room);

  auto apply = [&](const std::vector<Element>& cut, const std::vector<std::size_t>& group) {
    std::int64_t group_vehicles = 0, group_people = 0;
    for (auto o : group) {
      group_vehicles += in.origins[o].vehicles;
      group_people += in.origins[o].people;
    }
    const auto arrival = arrival_of(cut, group_vehicles, step, in.horizon());
    if (!arrival)
      b.lower_bound_egress = std::nullopt;  // this group cannot all be out by the horizon
    else if (b.lower_bound_egress)
      b.lower_bound_egress = std::max(*b.lower_bound_egress, *arrival);
    const auto by_horizon = slots_by(cut, in.horizon(), step);
    return group_people - people_in_fullest(in, group, by_horizon);  // people who cannot be out
  };

  // People whose origin lies on an acceptable destination are out without
  // driving; every other vehicle has to cross the cuts below.
  std::vector<bool> at_destination(g.node_count(), false);
  for (const auto& d : in.destinations) {
    if (d.acceptable() && d.capacity_people > 0) at_destination[d.node] = true;
  }
  std::vector<std::size_t> travelling;
  for (std::size_t o = 0; o < in.origins.size(); ++o) {
    if (!at_destination[in.origins[o].node]) travelling.push_back(o);
  }

  // Per origin node: the segments leaving it.
  std::map<NodeId, std::vector<std::size_t>> by_node;
  for (auto o : travelling) by_node[in.origins[o].node].push_back(o);
  // A minimum cut costs a maximum flow over the whole graph: only the origin
  // nodes whose vehicles press hardest on the roads leaving them get one
  // (any set of cuts is a valid bound; these are the ones likely to bind),
  // so that thousands of origins cost seconds.
  std::vector<std::pair<double, NodeId>> pressure;
  for (const auto& [node, group] : by_node) {
    double leaving = 0;
    for (auto a = g.first_out[node]; a < g.first_out[node + 1]; ++a) {
      if (!in.always_closed().contains(a)) leaving += in.arc_rate(a).per_step();
    }
    std::int64_t vehicles = 0;
    for (auto o : group) vehicles += in.origins[o].vehicles;
    pressure.emplace_back(leaving > 0 ? static_cast<double>(vehicles) / leaving : 1e300, node);
  }
  std::sort(pressure.rbegin(), pressure.rend());
  std::vector<bool> min_cut_at(g.node_count(), false);
  for (std::size_t i = 0; i < pressure.size() && i < k_origin_cuts; ++i) min_cut_at[pressure[i].second] = true;

  std::int64_t stuck = 0;
  for (const auto& [node, group] : by_node) {
    check(stop);
    Ms earliest = k_never;
    for (auto o : group) earliest = std::min(earliest, in.origins[o].earliest);
    std::vector<Element> cut;
    for (auto a = g.first_out[node]; a < g.first_out[node + 1]; ++a) {
      if (in.always_closed().contains(a) || to_dest[g.head[a]] >= k_never) continue;
      cut.push_back(arc_element(in, a, earliest, g.time_ms[a] + to_dest[g.head[a]]));
    }
    std::int64_t group_stuck = apply(cut, group);
    if (const int cp = in.checkpoint_at(node); cp >= 0 && !cut.empty()) {
      // Every vehicle leaving passes the origin's own checkpoint too.
      const std::vector<Element> checkpoint{
          {in.checkpoints[static_cast<std::size_t>(cp)].rate, earliest, to_dest[node], {}}};
      group_stuck = std::max(group_stuck, apply(checkpoint, group));
    }
    // A minimum cut between this group and the destinations.
    if (min_cut_at[node])
      group_stuck = std::max(group_stuck, apply(minimum_cut(in, group, from_group(group), to_dest), group));
    stuck += group_stuck;
  }
  b.upper_bound_people = std::min(b.upper_bound_people, people - stuck);

  // All vehicles: the segments into acceptable destinations, and a minimum cut.
  std::vector<Element> into;
  for (const auto& d : in.destinations) {
    if (!d.acceptable()) continue;
    for (auto i = g.in_first[d.node]; i < g.in_first[d.node + 1]; ++i) {
      const ArcId a = g.in_arc[i];
      if (in.always_closed().contains(a) || from_origins[g.tail[a]] >= k_never) continue;
      into.push_back(arc_element(in, a, from_origins[g.tail[a]], g.time_ms[a]));
    }
  }
  if (!travelling.empty()) {
    const auto from_travelling = from_group(travelling);
    b.upper_bound_people = std::min(b.upper_bound_people, people - apply(into, travelling));
    b.upper_bound_people = std::min(b.upper_bound_people,
                                    people - apply(minimum_cut(in, travelling, from_travelling, to_dest), travelling));
  }
  b.upper_bound_people = std::max<std::int64_t>(0, b.upper_bound_people);

  if (b.upper_bound_people < people) {
    b.lower_bound_egress = std::nullopt;  // no plan gets everyone out within the horizon
  }
  b.lower_bound_method = "cut";
  return b;
}

Bounds strongest(const Bounds& a, const Bounds& b) {
  Bounds r;
  r.upper_bound_people = std::min(a.upper_bound_people, b.upper_bound_people);
  if (a.lower_bound_egress && b.lower_bound_egress) {
    r.lower_bound_egress = std::max(*a.lower_bound_egress, *b.lower_bound_egress);
    r.lower_bound_method = *a.lower_bound_egress >= *b.lower_bound_egress ? a.lower_bound_method : b.lower_bound_method;
  } else {
    r.lower_bound_egress = std::nullopt;  // either argument proves no plan gets everyone out
    r.lower_bound_method = a.lower_bound_egress ? b.lower_bound_method : a.lower_bound_method;
  }
  return r;
}

}  // namespace corridor::plan

#include "corridor/route/snapped.hpp"

#include <algorithm>
#include <cmath>

#include "corridor/route/turns.hpp"

namespace corridor::route {
namespace {

// One way onto or off a segment: the arc (k_invalid for a point on a node),
// where on it the route starts or ends, and the node where the rest of the
// route joins it.
struct Way {
  ArcId arc = graph::k_invalid;
  double at = 0;  // a fraction of the arc's length from its tail
  NodeId node = graph::k_invalid;
};

std::uint64_t part_ms(const graph::RoadGraph& g, ArcId a, double share) {
  return static_cast<std::uint64_t>(std::llround(g.time_ms[a] * share));
}

}  // namespace

NodeSearch each_pair(std::function<Route(NodeId, NodeId)> search) {
  return [search = std::move(search)](std::span<const Endpoint> sources, std::span<const Endpoint> targets) {
    Route best;
    std::uint64_t best_total = 0;
    for (const auto& s : sources) {
      for (const auto& t : targets) {
        auto r = search(s.node, t.node);
        const auto total = r.time_ms + s.offset_ms + t.offset_ms;
        if (r.found && (!best.found || total < best_total)) {
          best = std::move(r);
          best_total = total;
        }
      }
    }
    return best;
  };
}

Route route_between(const graph::RoadGraph& g, const graph::SegmentSnap& from, const graph::SegmentSnap& to,
                    const ArcSet* closed, const NodeSearch& search, const TurnSplit* turns) {
  auto open = [&](ArcId a) { return a != graph::k_invalid && (closed == nullptr || !closed->contains(a)); };
  // The snaps name road arcs and nodes; the search runs on the split graph
  // when there are turn restrictions. A route leaves its start on the
  // start arc's copy from the unrestricted tail, and may reach its end on
  // any copy of the end arc (or at any copy of the end node).
  const auto& road = turns ? turns->road() : g;
  auto first_copy = [&](ArcId a) { return turns && a != graph::k_invalid ? turns->copies(a).front() : a; };
  auto each_copy = [&](ArcId a, auto&& f) {
    if (turns == nullptr || a == graph::k_invalid) return f(a);
    for (auto c : turns->copies(a)) f(c);
  };
  auto each_node_copy = [&](NodeId v, auto&& f) {
    if (turns == nullptr) return f(v);
    for (auto c : turns->copies_of_node(v)) f(c);
  };
  // A point snapped onto a segment's end is at that node: the search starts
  // or ends there. Otherwise a route leaves the start along its arc towards
  // the head, or along the reverse towards the arc's tail, and reaches the
  // end likewise from its arc's tail or head.
  auto at_node = [&](const graph::SegmentSnap& s) {
    return s.fraction <= 0 ? road.tail[s.arc] : s.fraction >= 1 ? road.head[s.arc] : graph::k_invalid;
  };
  std::vector<Way> outs, ins;
  if (const auto v = at_node(from); v != graph::k_invalid) {
    outs.push_back({graph::k_invalid, 0, v});
  } else {
    if (const auto a = first_copy(from.arc); open(a)) outs.push_back({a, from.fraction, g.head[a]});
    if (const auto a = first_copy(from.reverse); open(a)) outs.push_back({a, 1 - from.fraction, g.head[a]});
  }
  if (const auto v = at_node(to); v != graph::k_invalid) {
    each_node_copy(v, [&](NodeId c) { ins.push_back({graph::k_invalid, 0, c}); });
  } else {
    each_copy(to.arc, [&](ArcId a) {
      if (open(a)) ins.push_back({a, to.fraction, g.tail[a]});
    });
    each_copy(to.reverse, [&](ArcId a) {
      if (open(a)) ins.push_back({a, 1 - to.fraction, g.tail[a]});
    });
  }
  // The time from the start to the node where the search takes over, and
  // from the node where it hands over to the end.
  auto out_ms = [&](const Way& w) { return w.arc == graph::k_invalid ? 0 : part_ms(g, w.arc, 1 - w.at); };
  auto in_ms = [&](const Way& w) { return w.arc == graph::k_invalid ? 0 : part_ms(g, w.arc, w.at); };

  Route best;
  // Both points inside one segment, the end further along the way driven.
  for (const auto& out : outs) {
    for (const auto& in : ins) {
      if (out.arc == graph::k_invalid || out.arc != in.arc || in.at < out.at) continue;
      if (best.found && best.time_ms <= part_ms(g, out.arc, in.at - out.at)) continue;
      best = Route{};
      best.found = true;
      best.source = g.tail[out.arc];
      best.target = g.head[out.arc];
      best.arcs = {out.arc};
      best.start_at = out.at;
      best.end_at = in.at;
      best.time_ms = part_ms(g, out.arc, in.at - out.at);
      best.length_m = g.length_m[out.arc] * (in.at - out.at);
    }
  }
  std::vector<Endpoint> sources, targets;
  for (const auto& out : outs) sources.push_back({out.node, static_cast<std::uint32_t>(out_ms(out))});
  for (const auto& in : ins) targets.push_back({in.node, static_cast<std::uint32_t>(in_ms(in))});
  auto done = [&](Route r) {
    if (turns) turns->lower(r);
    return r;
  };
  if (sources.empty() || targets.empty()) return done(std::move(best));
  auto middle = search(sources, targets);
  if (!middle.found) return done(std::move(best));
  const auto& out = *std::find_if(outs.begin(), outs.end(), [&](const Way& w) { return w.node == middle.source; });
  const auto& in = *std::find_if(ins.begin(), ins.end(), [&](const Way& w) { return w.node == middle.target; });
  const auto time_ms = out_ms(out) + middle.time_ms + in_ms(in);
  if (best.found && best.time_ms <= time_ms) return done(std::move(best));
  Route r;
  r.found = true;
  r.settled = middle.settled;
  r.time_ms = time_ms;
  r.length_m = middle.length_m;
  if (out.arc != graph::k_invalid) {
    r.arcs.push_back(out.arc);
    r.start_at = out.at;
    r.length_m += g.length_m[out.arc] * (1 - out.at);
  }
  r.arcs.insert(r.arcs.end(), middle.arcs.begin(), middle.arcs.end());
  if (in.arc != graph::k_invalid) {
    r.arcs.push_back(in.arc);
    r.end_at = in.at;
    r.length_m += g.length_m[in.arc] * in.at;
  }
  r.source = r.arcs.empty() ? out.node : g.tail[r.arcs.front()];
  r.target = r.arcs.empty() ? in.node : g.head[r.arcs.back()];
  return done(std::move(r));
}

}  // namespace corridor::route

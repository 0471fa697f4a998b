#include "explain.hpp"

#include <queue>

namespace corridor::plan {
namespace {

// Nodes reachable from s, ignoring time and capacity, without the arcs in
// `closed` (may be null).
std::vector<bool> reachable(const graph::RoadGraph& g, NodeId s, const route::ArcSet* closed) {
  std::vector<bool> seen(g.node_count(), false);
  std::vector<NodeId> stack{s};
  seen[s] = true;
  while (!stack.empty()) {
    const NodeId u = stack.back();
    stack.pop_back();
    for (auto a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
      if ((closed && closed->contains(a)) || seen[g.head[a]]) continue;
      seen[g.head[a]] = true;
      stack.push_back(g.head[a]);
    }
  }
  return seen;
}

std::string list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? (i + 1 == items.size() ? " and " : ", ") : "") + items[i];
  return out;
}

std::string sources_of_kind(const Instance& in, std::initializer_list<scenario::ClosureKind> kinds) {
  std::vector<std::string> names;
  for (const auto& c : in.overlay().closures()) {
    for (const auto k : kinds) {
      if (c.kind == k && !c.arcs.empty()) names.push_back(std::string(scenario::to_string(k)) + " " + c.id);
    }
  }
  return list(names);
}

}  // namespace

std::string explain_unmet(const Instance& in, std::size_t origin, const std::vector<std::int64_t>& room) {
  const auto& s = in.scenario();
  const auto& site = in.origins[origin];
  std::vector<std::string> refusals;
  std::vector<std::size_t> acceptable;
  for (std::size_t d = 0; d < in.destinations.size(); ++d) {
    const auto& dest = in.destinations[d];
    const auto& id = s.destinations[dest.scenario_index].id;
    if (dest.acceptable())
      acceptable.push_back(d);
    else
      refusals.push_back(id + " (" + list(dest.refused_by) + ")");
  }
  if (acceptable.empty()) {
    return "no destination is acceptable to every party: " + list(refusals);
  }
  std::int64_t room_left = 0;
  for (auto d : acceptable) room_left += room[d];
  if (room_left < std::min(site.persons_per_vehicle, site.people)) {
    return "every acceptable destination is full" + (refusals.empty() ? std::string() : "; refused: " + list(refusals));
  }
  const auto open = reachable(in.graph(), site.node, &in.always_closed());
  bool any = false;
  for (auto d : acceptable) any = any || (room[d] > 0 && open[in.destinations[d].node]);
  if (!any) {
    const auto all = reachable(in.graph(), site.node, nullptr);
    bool without_rules = false;
    for (auto d : acceptable) without_rules = without_rules || all[in.destinations[d].node];
    if (without_rules) {
      return "every route to an acceptable destination with room crosses roads the parties' rules close: " +
             sources_of_kind(in, {scenario::ClosureKind::area, scenario::ClosureKind::checkpoint});
    }
    return "no road connects it to an acceptable destination with room";
  }
  const std::string timed = sources_of_kind(in, {scenario::ClosureKind::hazard, scenario::ClosureKind::ceasefire});
  std::string reason = "not enough time: the routes to acceptable destinations are saturated until the horizon (" +
                       geo::format_utc(s.end()) + ")";
  if (!timed.empty()) reason += "; roads are closed for part of it by " + timed;
  return reason;
}

}  // namespace corridor::plan

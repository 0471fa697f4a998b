#include "corridor/plan/walk.hpp"

#include <algorithm>
#include <cmath>

#include "capacity.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/area.hpp"
#include "corridor/graph/components.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/route/arc_set.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/units.hpp"

namespace corridor::plan {

std::int64_t Walk::people() const {
  std::int64_t n = 0;
  for (const auto& g : groups) n += g.second;
  return n;
}

void require_foot_network(const graph::RoadGraph& foot, const std::string& name) {
  const auto& profile = foot.meta.contains("profile") ? foot.meta["profile"] : nlohmann::json();
  if (!profile.is_object() || profile.value("mode", "") != "foot") {
    throw InputError("--walk-map",
                     name + " is not a foot network; import one with corridor import OSM --walking -o " + "FOOT.graph");
  }
}

namespace {

constexpr std::uint64_t k_far = ~std::uint64_t{0};

std::string metres(double m) { return std::to_string(std::llround(m)); }

class Walker {
 public:
  Walker(const graph::RoadGraph& foot, const Instance& in, double max_snap_m)
      : g_(foot), in_(in), index_(foot), max_snap_m_(max_snap_m), heap_(foot.node_count()), used_(foot.arc_count()) {
    // Snap to the largest connected network of walkable ways, not to a
    // courtyard's path that leads nowhere (ways on foot go both ways).
    const auto parts = graph::weak_components(g_);
    std::vector<std::uint32_t> size(parts.count, 0);
    for (const auto c : parts.of_node) ++size[c];
    const auto main = static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
    in_main_.resize(g_.node_count());
    for (NodeId v = 0; v < g_.node_count(); ++v) in_main_[v] = parts.of_node[v] == main ? 1 : 0;
    // Ways no walker takes: hazards' and forbidden areas.
    std::vector<ArcId> closed;
    const auto& s = in.scenario();
    for (const auto& h : s.hazards) {
      for (const auto a : graph::arcs_meeting(g_, h.area)) closed.push_back(a);
    }
    for (const auto& rule : s.rules) {
      for (const auto& id : rule.forbid_areas) {
        if (const auto* area = s.area(id)) {
          for (const auto a : graph::arcs_meeting(g_, area->area)) closed.push_back(a);
        }
      }
    }
    closed_ = route::ArcSet(g_.arc_count());
    for (const auto a : closed) closed_.insert(a);
    for (const auto& p : in.pickups) pickup_node_.push_back(snap(s.pickups[p.scenario_index].where));
    dist_.assign(g_.node_count(), k_far);
    parent_.assign(g_.node_count(), graph::k_invalid);
    stamp_.assign(g_.node_count(), 0);
  }

  void run(WalkPlan& out) {
    for (std::size_t w = 0; w < in_.walkers.size(); ++w) walk(w, out);
  }

 private:
  [[nodiscard]] NodeId snap(geo::LonLat where) const {
    const auto found = index_.nearest(where, max_snap_m_, [&](NodeId v) { return in_main_[v] != 0; });
    return found ? found->node : graph::k_invalid;
  }

  void walk(std::size_t w, WalkPlan& out) {
    const auto& walker = in_.walkers[w];
    const auto& origin = in_.scenario().origins[walker.scenario_index];
    const auto unmet = [&](std::int64_t people, std::string reason) {
      if (people > 0) out.unmet.push_back({w, people, std::move(reason), false, true});
    };
    const NodeId start = snap(origin.where);
    if (start == graph::k_invalid) {
      unmet(walker.people, "no walkable way within " + metres(max_snap_m_) + " m of the origin");
      return;
    }
    // Shortest walkable distances from the origin, as far as walk_max_m.
    search(start, walker.max_m);
    std::optional<std::size_t> best;
    for (const auto p : walker.pickups) {
      const NodeId v = pickup_node_[p];
      if (v == graph::k_invalid || label(v) > walker.max_m * 1000) continue;
      if (!best || label(v) < label(pickup_node_[*best])) best = p;
    }
    if (!best) {
      unmet(walker.people, "no pick-up point of walk_to within walk_max_m " + metres(walker.max_m) +
                               " m on foot, avoiding hazards and forbidden areas");
      return;
    }
    Walk walk;
    walk.walker = w;
    walk.pickup = *best;
    std::vector<ArcId> arcs;
    for (NodeId v = pickup_node_[*best]; v != start; v = g_.tail[parent_[v]]) arcs.push_back(parent_[v]);
    std::reverse(arcs.begin(), arcs.end());
    walk.path.push_back(g_.node_id[start]);
    walk.points.push_back(g_.where(start));
    walk.offsets.push_back(0);
    for (const auto a : arcs) {
      walk.path.push_back(g_.node_id[g_.head[a]]);
      walk.points.push_back(g_.where(g_.head[a]));
      walk.offsets.push_back(walk.offsets.back() + g_.time_ms[a]);
      walk.distance_m += g_.length_m[a];
    }
    const std::int64_t left = leave(arcs, walk, walker);
    unmet(left, "cannot all walk to " + in_.scenario().pickups[in_.pickups[*best].scenario_index].id +
                    " before the horizon: its ways' pedestrian capacity lets " + std::to_string(walk.people()) +
                    " arrive in time");
    if (!walk.groups.empty()) out.walks.push_back(std::move(walk));
  }

  // Sends the walker's people along the arcs in groups, one per time step
  // from their earliest departure, each as large as every arc's capacity
  // left in the step the group enters it; returns the people who would
  // arrive after the horizon.
  std::int64_t leave(const std::vector<ArcId>& arcs, Walk& walk, const WalkerSite& walker) {
    const Ms step = in_.step();
    const auto seconds = in_.scenario().time_step_s;
    std::int64_t left = walker.people;
    for (Ms t = walker.earliest; left > 0 && t + walk.duration() <= in_.horizon(); t = (t / step + 1) * step) {
      std::int64_t group = left;
      for (std::size_t i = 0; i < arcs.size() && group > 0; ++i)
        group = std::min(group, room(arcs[i], (t + walk.offsets[i]) / step, seconds));
      if (group == 0) continue;
      for (std::size_t i = 0; i < arcs.size(); ++i) used_.add(arcs[i], (t + walk.offsets[i]) / step, group);
      walk.groups.emplace_back(t, group);
      left -= group;
    }
    return left;
  }

  std::int64_t room(ArcId a, std::int64_t k, std::int64_t step_s) {
    const std::int64_t cap = StepRate(g_.capacity_vph[a], step_s).at(k);
    return std::max<std::int64_t>(0, cap - used_.at(a, k));
  }

  [[nodiscard]] double label(NodeId v) const {
    return stamp_[v] == current_ ? static_cast<double>(dist_[v]) : static_cast<double>(k_far);
  }

  // Dijkstra by length in millimetres from s, settling no farther than max_m.
  void search(NodeId s, double max_m) {
    ++current_;
    heap_.clear(current_);
    const auto limit = static_cast<std::uint64_t>(max_m * 1000);
    stamp_[s] = current_;
    dist_[s] = 0;
    parent_[s] = graph::k_invalid;
    heap_.push_or_decrease(s, 0);
    while (!heap_.empty()) {
      const NodeId u = heap_.pop();
      for (ArcId a = g_.first_out[u]; a < g_.first_out[u + 1]; ++a) {
        if (closed_.contains(a)) continue;
        const NodeId v = g_.head[a];
        const std::uint64_t d = dist_[u] + static_cast<std::uint64_t>(std::llround(g_.length_m[a] * 1000));
        if (d > limit || (stamp_[v] == current_ && dist_[v] <= d)) continue;
        stamp_[v] = current_;
        dist_[v] = d;
        parent_[v] = a;
        heap_.push_or_decrease(v, d);
      }
    }
  }

  const graph::RoadGraph& g_;
  const Instance& in_;
  graph::SpatialIndex index_;
  double max_snap_m_;
  route::ArcSet closed_;
  std::vector<char> in_main_;        // per node: in the largest network
  std::vector<NodeId> pickup_node_;  // per pick-up point, on the foot network
  route::NodeHeap heap_;
  std::vector<std::uint64_t> dist_;  // millimetres
  std::vector<ArcId> parent_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t current_ = 0;
  StepCounts used_;  // (arc, step) -> walkers entering
};

}  // namespace

WalkPlan plan_walks(const graph::RoadGraph& foot, const Instance& in, double max_snap_m) {
  WalkPlan out;
  if (in.walkers.empty()) return out;
  Walker(foot, in, max_snap_m).run(out);
  return out;
}

void add_arrivals(Instance& in, const std::vector<Walk>& walks) {
  for (const auto& w : walks) {
    auto& p = in.pickups[w.pickup];
    for (const auto& [leaves, people] : w.groups) {
      p.arrivals.emplace_back(leaves + w.duration(), people);
      p.people += people;
    }
  }
  for (auto& p : in.pickups) std::sort(p.arrivals.begin(), p.arrivals.end());
}

}  // namespace corridor::plan

#include "corridor/plan/instance.hpp"

#include <algorithm>
#include <cmath>

#include "corridor/error.hpp"
#include "corridor/route/closures.hpp"

namespace corridor::plan {
namespace {

// Forbidden spans of a ceasefire road: everything outside its windows.
std::vector<Span> outside(const std::vector<scenario::Interval>& windows, geo::UnixSeconds start) {
  std::vector<Span> open;
  for (const auto& w : windows) {
    const Ms from = w.from == scenario::k_always_from ? -k_never : (w.from - start) * 1000;
    const Ms until = w.until == scenario::k_always_until ? k_never : (w.until - start) * 1000;
    open.push_back({from, until});
  }
  std::sort(open.begin(), open.end(), [](const Span& a, const Span& b) { return a.from < b.from; });
  std::vector<Span> closed;
  Ms at = -k_never;
  for (const auto& o : open) {
    if (o.from > at) closed.push_back({at, o.from});
    at = std::max(at, o.until);
  }
  if (at < k_never) closed.push_back({at, k_never});
  return closed;
}

// Sorts and merges overlapping spans.
std::vector<Span> merged(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.from < b.from; });
  std::vector<Span> out;
  for (const auto& s : spans) {
    if (!out.empty() && s.from <= out.back().until) out.back().until = std::max(out.back().until, s.until);
    else out.push_back(s);
  }
  return out;
}

}  // namespace

Instance::Instance(const graph::RoadGraph& g, const graph::SpatialIndex& index, const scenario::Scenario& s,
                   double max_snap_m)
    : g_(g), s_(s), always_closed_(g.arc_count()) {
  step_ = s.time_step_s * 1000;
  horizon_ = static_cast<Ms>(std::llround(s.horizon_hours * 3600.0 * 1000.0));

  arc_cap_.resize(g.arc_count());
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    // ceil(capacity_vph * step / 3600), exactly as DESIGN.md counts it.
    arc_cap_[a] = static_cast<std::uint32_t>((std::uint64_t{g.capacity_vph[a]} * static_cast<std::uint64_t>(s.time_step_s) + 3599) / 3600);
  }

  std::vector<Problem> problems;
  auto snap = [&](const std::string& kind, const scenario::FeatureRef& f, geo::LonLat where, bool needs_out,
                  bool needs_in) -> NodeId {
    auto usable = [&](NodeId v) {
      return (!needs_out || g.first_out[v] < g.first_out[v + 1]) && (!needs_in || g.in_first[v] < g.in_first[v + 1]);
    };
    const auto hit = index.nearest(where, max_snap_m, usable);
    const std::string path = "features[" + std::to_string(f.index) + "].geometry";
    if (!hit) {
      const auto far = index.nearest(where, 1e7, usable);
      problems.push_back({path, kind + " \"" + f.id + "\" is more than " + std::to_string(static_cast<long>(max_snap_m)) +
                                    " m from any road" +
                                    (far ? " (nearest: " + std::to_string(static_cast<long>(far->distance_m)) + " m)" : "")});
      return graph::k_invalid;
    }
    snaps.push_back({kind, f.id, f.index, hit->node, g.node_id[hit->node], hit->distance_m});
    return hit->node;
  };

  for (std::size_t i = 0; i < s.origins.size(); ++i) {
    const auto& o = s.origins[i];
    OriginSite site;
    site.scenario_index = i;
    site.node = snap("origin", o, o.where, true, false);
    site.people = o.people;
    site.persons_per_vehicle = o.persons_per_vehicle;
    site.vehicles = o.vehicles();
    site.earliest = o.earliest_departure ? std::max<Ms>(0, (*o.earliest_departure - s.start) * 1000) : 0;
    origins.push_back(site);
  }
  for (std::size_t i = 0; i < s.destinations.size(); ++i) {
    const auto& d = s.destinations[i];
    DestinationSite site;
    site.scenario_index = i;
    site.node = snap("destination", d, d.where, false, true);
    site.capacity_people = d.capacity;
    for (const auto& r : s.rules) {
      for (const auto& controller : r.forbid_destinations_controlled_by) {
        if (controller == d.controlled_by) {
          site.refused_by.push_back("party " + r.party + " forbids destinations controlled by " + controller);
        }
      }
    }
    destinations.push_back(site);
  }
  for (std::size_t i = 0; i < s.checkpoints.size(); ++i) {
    const auto& c = s.checkpoints[i];
    CheckpointSite site;
    site.scenario_index = i;
    site.node = snap("checkpoint", c, c.where, false, false);
    site.per_step = static_cast<std::uint32_t>(std::ceil(c.vehicles_per_hour * static_cast<double>(s.time_step_s) / 3600.0 - 1e-9));
    for (const auto& r : s.rules) {
      for (const auto& op : r.forbid_checkpoints_operated_by) {
        if (op == c.operated_by) site.refused_by.push_back(r.party);
      }
    }
    checkpoints.push_back(site);
  }
  if (!problems.empty()) throw ValidationError("snapping the scenario onto the map", std::move(problems));

  for (std::size_t i = 0; i < checkpoints.size(); ++i) checkpoint_nodes_.emplace_back(checkpoints[i].node, static_cast<int>(i));
  std::sort(checkpoint_nodes_.begin(), checkpoint_nodes_.end());

  // Permanent closures: forbidden areas, refused checkpoints.
  for (const auto& r : s.rules) {
    for (const auto& area_id : r.forbid_areas) {
      const auto* area = s.area(area_id);
      if (area == nullptr) continue;
      auto arcs = route::arcs_meeting(g, area->area, area->box);
      for (auto a : arcs) always_closed_.insert(a);
      closure_sources.push_back({"area", area_id, std::move(arcs)});
    }
  }
  for (const auto& c : checkpoints) {
    if (c.refused_by.empty()) continue;
    std::vector<ArcId> arcs;
    for (auto a = g.first_out[c.node]; a < g.first_out[c.node + 1]; ++a) {
      always_closed_.insert(a);
      arcs.push_back(a);
    }
    closure_sources.push_back({"checkpoint", s.checkpoints[c.scenario_index].id, std::move(arcs)});
  }

  // Time-dependent closures, gathered per arc then stored as CSR.
  std::vector<std::pair<ArcId, Span>> pending;
  for (const auto& h : s.hazards) {
    const Ms from = h.active.from == scenario::k_always_from ? -k_never : (h.active.from - s.start) * 1000;
    const Ms until = h.active.until == scenario::k_always_until ? k_never : (h.active.until - s.start) * 1000;
    auto arcs = route::arcs_meeting(g, h.area, h.box);
    for (auto a : arcs) pending.push_back({a, {from, until}});
    closure_sources.push_back({"hazard", h.id, std::move(arcs)});
  }
  for (const auto& c : s.ceasefires) {
    const auto closed = outside(c.windows, s.start);
    auto arcs = route::arcs_meeting(g, c.area, c.box);
    for (auto a : arcs) {
      for (const auto& span : closed) pending.push_back({a, span});
    }
    closure_sources.push_back({"ceasefire", c.id, std::move(arcs)});
  }
  if (!pending.empty()) {
    std::sort(pending.begin(), pending.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    span_first_.assign(g.arc_count() + 1, 0);
    std::size_t i = 0;
    for (ArcId a = 0; a < g.arc_count(); ++a) {
      std::vector<Span> mine;
      while (i < pending.size() && pending[i].first == a) mine.push_back(pending[i++].second);
      for (const auto& sp : merged(std::move(mine))) spans_.push_back(sp);
      span_first_[a + 1] = static_cast<std::uint32_t>(spans_.size());
    }
  }
}

std::vector<Span> Instance::closed_spans(ArcId a) const {
  if (span_first_.empty()) return {};
  return {spans_.begin() + span_first_[a], spans_.begin() + span_first_[a + 1]};
}

bool Instance::may_occupy(ArcId a, Ms from, Ms until) const noexcept {
  if (always_closed_.contains(a)) return false;
  if (span_first_.empty()) return true;
  for (auto i = span_first_[a]; i < span_first_[a + 1]; ++i) {
    if (from < spans_[i].until && spans_[i].from < until) return false;
  }
  return true;
}

Ms Instance::earliest_entry(ArcId a, Ms t, Ms duration) const noexcept {
  if (always_closed_.contains(a)) return k_never;
  if (!span_first_.empty()) {
    // Spans are sorted and disjoint: step past each one the trip would touch.
    for (auto i = span_first_[a]; i < span_first_[a + 1]; ++i) {
      if (t < spans_[i].until && spans_[i].from < t + std::max<Ms>(duration, 1)) t = spans_[i].until;
    }
  }
  return t + duration <= horizon_ ? t : k_never;
}

int Instance::checkpoint_at(NodeId v) const noexcept {
  const auto it = std::lower_bound(checkpoint_nodes_.begin(), checkpoint_nodes_.end(), std::make_pair(v, -1));
  return (it != checkpoint_nodes_.end() && it->first == v) ? it->second : -1;
}

}  // namespace corridor::plan

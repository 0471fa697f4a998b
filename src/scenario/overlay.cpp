#include "corridor/scenario/overlay.hpp"

#include <algorithm>
#include <sstream>

#include "corridor/graph/area.hpp"

namespace corridor::scenario {
namespace {

std::string metres(double m) {
  std::ostringstream out;
  out << m;
  return out.str();
}

// The closed spans of a ceasefire road: everything outside its windows.
std::vector<Interval> outside(std::vector<Interval> windows) {
  std::sort(windows.begin(), windows.end(), [](const Interval& a, const Interval& b) { return a.from < b.from; });
  std::vector<Interval> closed;
  geo::UnixSeconds at = k_always_from;
  for (const auto& w : windows) {
    if (w.from > at) closed.push_back({at, w.from});
    at = std::max(at, w.until);
  }
  if (at < k_always_until) closed.push_back({at, k_always_until});
  return closed;
}

std::vector<Interval> merged(std::vector<Interval> spans) {
  std::sort(spans.begin(), spans.end(), [](const Interval& a, const Interval& b) { return a.from < b.from; });
  std::vector<Interval> out;
  for (const auto& s : spans) {
    if (!out.empty() && s.from <= out.back().until)
      out.back().until = std::max(out.back().until, s.until);
    else
      out.push_back(s);
  }
  return out;
}

std::string span_text(const Interval& i) {
  const std::string from = i.from == k_always_from ? "always" : geo::format_utc(i.from);
  const std::string until = i.until == k_always_until ? "open end" : geo::format_utc(i.until);
  return from + " to " + until;
}

}  // namespace

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::origin:
      return "origin";
    case Role::destination:
      return "destination";
    case Role::via:
      return "via";
    case Role::checkpoint:
      return "checkpoint";
    case Role::depot:
      return "depot";
    case Role::pickup:
      return "pickup";
  }
  return "point";
}

std::string_view to_string(ClosureKind kind) noexcept {
  switch (kind) {
    case ClosureKind::hazard:
      return "hazard";
    case ClosureKind::ceasefire:
      return "ceasefire";
    case ClosureKind::area:
      return "area";
    case ClosureKind::checkpoint:
      return "checkpoint";
  }
  return "closure";
}

std::optional<graph::Snap> snap_point(const graph::RoadGraph& g, const graph::SpatialIndex& index, geo::LonLat p,
                                      Role role, double max_m, std::string* why) {
  const bool needs_out = role == Role::origin || role == Role::via || role == Role::depot || role == Role::pickup;
  const bool needs_in = role == Role::destination || role == Role::via || role == Role::pickup;
  auto usable = [&](graph::NodeId v) {
    return (!needs_out || g.first_out[v] < g.first_out[v + 1]) && (!needs_in || g.in_first[v] < g.in_first[v + 1]);
  };
  if (auto hit = index.nearest(p, max_m, usable)) return hit;
  if (why != nullptr) {
    *why = "no road within " + metres(max_m) + " m";
    if (const auto far = index.nearest(p, 1e7, usable)) {
      *why += " (the nearest is " + std::to_string(static_cast<long>(far->distance_m)) + " m away)";
    }
  }
  return std::nullopt;
}

std::optional<graph::SegmentSnap> snap_segment(const graph::SpatialIndex& index, geo::LonLat p, double max_m,
                                               std::string* why) {
  if (auto hit = index.nearest_segment(p, max_m)) return hit;
  if (why != nullptr) {
    *why = "no road within " + metres(max_m) + " m";
    if (const auto far = index.nearest_segment(p, 1e7)) {
      *why += " (the nearest is " + std::to_string(static_cast<long>(far->distance_m)) + " m away)";
    }
  }
  return std::nullopt;
}

bool Closure::closed_at(geo::UnixSeconds t) const noexcept {
  return std::any_of(closed.begin(), closed.end(), [t](const Interval& i) { return i.contains(t); });
}

std::string Closure::reason() const {
  switch (kind) {
    case ClosureKind::hazard:
      return closed.empty() ? "never active" : "active " + span_text(closed.front());
    case ClosureKind::ceasefire:
      return "outside every window";
    case ClosureKind::area:
      return "forbidden by party " + party;
    case ClosureKind::checkpoint:
      return problem.empty() ? "operated by " + operated_by + ", refused by party " + party : problem;
  }
  return {};
}

Overlay::Overlay(const graph::RoadGraph& g, const graph::SpatialIndex& index, const Scenario& s, double max_snap_m)
    : g_(g), s_(s), always_closed_(g.arc_count()) {
  auto snap = [&](Role role, std::size_t i, const FeatureRef& f, geo::LonLat where) {
    PointSnap p{role, i, f.id, f.index, graph::k_invalid, 0};
    std::string why;
    if (role == Role::checkpoint) {
      if (const auto hit = snap_segment(index, where, max_snap_m, &why)) {
        p.node = hit->nearer_node(g);
        p.distance_m = hit->distance_m;
      }
    } else if (const auto hit = snap_point(g, index, where, role, max_snap_m, &why)) {
      p.node = hit->node;
      p.distance_m = hit->distance_m;
    }
    if (p.node == graph::k_invalid) {
      problems_.push_back({"features[" + std::to_string(f.index) + "].geometry",
                           std::string(to_string(role)) + " \"" + f.id + "\": " + why});
    }
    snaps_.push_back(std::move(p));
  };
  for (std::size_t i = 0; i < s.origins.size(); ++i) snap(Role::origin, i, s.origins[i], s.origins[i].where);
  for (std::size_t i = 0; i < s.destinations.size(); ++i) {
    snap(Role::destination, i, s.destinations[i], s.destinations[i].where);
  }
  for (std::size_t i = 0; i < s.checkpoints.size(); ++i) {
    snap(Role::checkpoint, i, s.checkpoints[i], s.checkpoints[i].where);
  }
  for (std::size_t i = 0; i < s.depots.size(); ++i) snap(Role::depot, i, s.depots[i], s.depots[i].where);
  for (std::size_t i = 0; i < s.pickups.size(); ++i) snap(Role::pickup, i, s.pickups[i], s.pickups[i].where);

  const Interval always{k_always_from, k_always_until};
  for (const auto& h : s.hazards) {
    closures_.push_back({ClosureKind::hazard, h.id, "", "", graph::arcs_meeting(g, h.area), {h.active}, ""});
  }
  for (const auto& cf : s.ceasefires) {
    closures_.push_back(
        {ClosureKind::ceasefire, cf.id, "", "", graph::arcs_meeting(g, cf.area), outside(cf.windows), ""});
  }
  for (const auto& rule : s.rules) {
    for (const auto& area_id : rule.forbid_areas) {
      if (const auto* area = s.area(area_id)) {
        closures_.push_back(
            {ClosureKind::area, area_id, rule.party, "", graph::arcs_meeting(g, area->area), {always}, ""});
      }
    }
    for (const auto& operator_id : rule.forbid_checkpoints_operated_by) {
      for (std::size_t i = 0; i < s.checkpoints.size(); ++i) {
        if (s.checkpoints[i].operated_by != operator_id) continue;
        Closure c{ClosureKind::checkpoint, s.checkpoints[i].id, rule.party, operator_id, {}, {always}, ""};
        // A vehicle passes a checkpoint when it enters a segment from its node.
        const auto node = checkpoint(i).node;
        if (node == graph::k_invalid)
          c.problem = "no road within " + metres(max_snap_m) + " m";
        else
          for (auto a = g.first_out[node]; a < g.first_out[node + 1]; ++a) c.arcs.push_back(a);
        closures_.push_back(std::move(c));
      }
    }
  }

  // Permanent closures as a bit set, timed ones per arc as CSR.
  std::vector<std::pair<graph::ArcId, Interval>> timed;
  for (const auto& c : closures_) {
    const bool permanent =
        c.closed.size() == 1 && c.closed.front().from == k_always_from && c.closed.front().until == k_always_until;
    for (auto a : c.arcs) {
      if (permanent)
        always_closed_.insert(a);
      else
        for (const auto& span : c.closed) timed.emplace_back(a, span);
    }
  }
  if (timed.empty()) return;
  std::stable_sort(timed.begin(), timed.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  span_first_.assign(g.arc_count() + 1, 0);
  std::size_t i = 0;
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    std::vector<Interval> mine;
    while (i < timed.size() && timed[i].first == a) mine.push_back(timed[i++].second);
    for (const auto& span : merged(std::move(mine))) spans_.push_back(span);
    span_first_[a + 1] = static_cast<std::uint32_t>(spans_.size());
  }
}

std::span<const Interval> Overlay::closed_spans(graph::ArcId a) const noexcept {
  if (span_first_.empty()) return {};
  return {spans_.data() + span_first_[a], spans_.data() + span_first_[a + 1]};
}

Closures Overlay::closures_at(geo::UnixSeconds t) const {
  Closures out{always_closed_, {}};
  for (const auto& c : closures_) {
    if (!c.problem.empty()) {
      out.causes.push_back({c.kind, c.id, c.reason(), 0});
      continue;
    }
    if (!c.closed_at(t)) continue;
    for (auto a : c.arcs) out.closed.insert(a);
    out.causes.push_back({c.kind, c.id, c.reason(), static_cast<std::uint32_t>(c.arcs.size())});
  }
  return out;
}

std::optional<geo::UnixSeconds> Overlay::instant(std::string_view text, std::string* why) const {
  if (text.empty()) return scenario().start;
  const auto parsed = geo::parse_rfc3339(std::string(text), why);
  if (!parsed) return std::nullopt;
  return parsed->utc;
}

}  // namespace corridor::scenario

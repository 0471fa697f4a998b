#include "corridor/route/closures.hpp"

#include <algorithm>

namespace corridor::route {

std::vector<graph::ArcId> arcs_meeting(const graph::RoadGraph& g, const geo::MultiPolygon& area, const geo::Box& box) {
  std::vector<graph::ArcId> out;
  const bool shapes = !g.shape_first.empty();
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    if (!shapes || g.shape_first[a] == g.shape_first[a + 1]) {
      if (geo::segment_meets(area, box, g.where(g.tail[a]), g.where(g.head[a]))) out.push_back(a);
      continue;
    }
    const auto points = g.arc_geometry(a);
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
      if (geo::segment_meets(area, box, points[i], points[i + 1])) {
        out.push_back(a);
        break;
      }
    }
  }
  return out;
}

Closures closures_at(const graph::RoadGraph& g, const graph::SpatialIndex& index, const scenario::Scenario& s,
                     geo::UnixSeconds t, double max_snap_m) {
  Closures c{ArcSet(g.arc_count()), {}};
  auto close = [&](const std::vector<graph::ArcId>& arcs, ClosureCause cause) {
    for (auto a : arcs) c.closed.insert(a);
    cause.arcs = static_cast<std::uint32_t>(arcs.size());
    c.causes.push_back(std::move(cause));
  };
  auto span = [](const scenario::Interval& i) {
    std::string from = i.from == scenario::k_always_from ? "always" : geo::format_utc(i.from);
    std::string until = i.until == scenario::k_always_until ? "open end" : geo::format_utc(i.until);
    return from + " to " + until;
  };
  for (const auto& h : s.hazards) {
    if (h.active.contains(t)) close(arcs_meeting(g, h.area, h.box), {"hazard", h.id, "active " + span(h.active), 0});
  }
  for (const auto& cf : s.ceasefires) {
    const bool open = std::any_of(cf.windows.begin(), cf.windows.end(), [&](const auto& w) { return w.contains(t); });
    if (!open) close(arcs_meeting(g, cf.area, cf.box), {"ceasefire", cf.id, "outside every window", 0});
  }
  for (const auto& rule : s.rules) {
    for (const auto& area_id : rule.forbid_areas) {
      if (const auto* area = s.area(area_id)) {
        close(arcs_meeting(g, area->area, area->box), {"area", area_id, "forbidden by party " + rule.party, 0});
      }
    }
    for (const auto& operator_id : rule.forbid_checkpoints_operated_by) {
      for (const auto& cp : s.checkpoints) {
        if (cp.operated_by != operator_id) continue;
        const auto snap = index.nearest(cp.where, max_snap_m);
        if (!snap) {
          c.causes.push_back({"checkpoint", cp.id, "no road within " + std::to_string(static_cast<int>(max_snap_m)) + " m", 0});
          continue;
        }
        // A vehicle passes a checkpoint when it enters a segment from its node.
        std::vector<graph::ArcId> out;
        for (auto a = g.first_out[snap->node]; a < g.first_out[snap->node + 1]; ++a) out.push_back(a);
        close(out, {"checkpoint", cp.id, "operated by " + operator_id + ", refused by party " + rule.party, 0});
      }
    }
  }
  return c;
}

}  // namespace corridor::route

// The scenario on the graph as the checker sees it: its own snapping, its own
// zones (which polygon closes or restricts which road segment, and when) and
// its own capacities.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "check/checker.hpp"
#include "corridor/geo/time.hpp"

namespace corridor::check::detail {
namespace {

// Seconds after `start` of a scenario instant; sentinels become infinities.
double relative(geo::UnixSeconds t, geo::UnixSeconds start) {
  if (t == scenario::k_always_from) return -k_infinity;
  if (t == scenario::k_always_until) return k_infinity;
  return static_cast<double>((t - start).count());
}

Window window_of(const scenario::Interval& i, geo::UnixSeconds start) {
  return {relative(i.from, start), relative(i.until, start)};
}

}  // namespace

Context::Context(const graph::RoadGraph& graph, const scenario::Scenario& scen, const CheckOptions& opts)
    : g(graph), s(scen), options(opts) {
  step_s = static_cast<double>(std::max<std::int64_t>(1, s.time_step_s));
  horizon_s = s.horizon_hours * 3600.0;

  node_of_.reserve(g.node_count());
  for (NodeId v = 0; v < g.node_count(); ++v) node_of_.emplace(g.node_id[v], v);

  const graph::SpatialIndex index(g);
  auto has_out = [&](NodeId v) { return g.first_out[v] < g.first_out[v + 1]; };
  auto has_in = [&](NodeId v) { return g.in_first[v] < g.in_first[v + 1]; };
  for (const auto& o : s.origins) origin_snap.push_back(index.nearest(o.where, options.max_snap_m, has_out));
  for (const auto& d : s.destinations) destination_snap.push_back(index.nearest(d.where, options.max_snap_m, has_in));
  for (const auto& d : s.depots) depot_snap.push_back(index.nearest(d.where, options.max_snap_m, has_out));
  auto both = [&](NodeId v) { return has_in(v) && has_out(v); };
  for (const auto& p : s.pickups) pickup_snap.push_back(index.nearest(p.where, options.max_snap_m, both));
  for (std::size_t i = 0; i < s.checkpoints.size(); ++i) {
    // DESIGN.md: a checkpoint stands on the road segment nearest to it, at
    // that segment's nearer end.
    std::optional<graph::Snap> at;
    if (const auto seg = index.nearest_segment(s.checkpoints[i].where, options.max_snap_m)) {
      at = graph::Snap{seg->nearer_node(g), seg->distance_m};
    }
    checkpoint_snap.push_back(at);
    if (checkpoint_snap.back()) checkpoints_at_[checkpoint_snap.back()->node].push_back(i);
  }

  checkpoint_refused_by.resize(s.checkpoints.size());
  destination_refused_by.resize(s.destinations.size());
  depot_refused_by.resize(s.depots.size());
  for (std::size_t r = 0; r < s.rules.size(); ++r) {
    const auto& rule = s.rules[r];
    if (rule.forbid_aid_inbound) aid_refused_by.push_back(r);
    for (std::size_t i = 0; i < s.depots.size(); ++i) {
      const auto& controllers = rule.forbid_depots_controlled_by;
      if (std::find(controllers.begin(), controllers.end(), s.depots[i].controlled_by) != controllers.end()) {
        depot_refused_by[i].push_back(r);
      }
    }
    for (std::size_t i = 0; i < s.checkpoints.size(); ++i) {
      const auto& ops = rule.forbid_checkpoints_operated_by;
      if (std::find(ops.begin(), ops.end(), s.checkpoints[i].operated_by) != ops.end()) {
        checkpoint_refused_by[i].push_back(r);
      }
    }
    for (std::size_t i = 0; i < s.destinations.size(); ++i) {
      const auto& controllers = rule.forbid_destinations_controlled_by;
      if (std::find(controllers.begin(), controllers.end(), s.destinations[i].controlled_by) != controllers.end()) {
        destination_refused_by[i].push_back(r);
      }
    }
  }

  for (std::size_t i = 0; i < s.hazards.size(); ++i) {
    const auto& h = s.hazards[i];
    zones.push_back({Zone::Kind::hazard, i, &h.area, {window_of(h.active, s.start)}, {}});
  }
  for (std::size_t i = 0; i < s.ceasefires.size(); ++i) {
    const auto& cf = s.ceasefires[i];
    Zone z{Zone::Kind::ceasefire, i, &cf.area, {}, {}};
    for (const auto& w : cf.windows) z.windows.push_back(window_of(w, s.start));
    std::sort(z.windows.begin(), z.windows.end(), [](const Window& a, const Window& b) { return a.from < b.from; });
    zones.push_back(std::move(z));
  }
  for (std::size_t r = 0; r < s.rules.size(); ++r) {
    for (const auto& area_id : s.rules[r].forbid_areas) {
      const auto it = std::find_if(s.areas.begin(), s.areas.end(), [&](const auto& a) { return a.id == area_id; });
      if (it == s.areas.end()) continue;  // the scenario loader refuses such rules
      const auto index_of_area = static_cast<std::size_t>(it - s.areas.begin());
      auto zone = std::find_if(zones.begin(), zones.end(), [&](const Zone& z) {
        return z.kind == Zone::Kind::forbidden_area && z.index == index_of_area;
      });
      if (zone == zones.end()) {
        zones.push_back({Zone::Kind::forbidden_area, index_of_area, &it->area, {}, {}});
        zone = zones.end() - 1;
      }
      if (std::find(zone->rules.begin(), zone->rules.end(), r) == zone->rules.end()) zone->rules.push_back(r);
    }
  }
}

std::optional<NodeId> Context::node(std::int64_t external_id) const {
  const auto it = node_of_.find(external_id);
  if (it == node_of_.end()) return std::nullopt;
  return it->second;
}

const std::vector<std::size_t>& Context::checkpoints_at(NodeId v) const {
  static const std::vector<std::size_t> none;
  const auto it = checkpoints_at_.find(v);
  return it == checkpoints_at_.end() ? none : it->second;
}

const std::vector<std::uint32_t>& Context::zones_of(ArcId a) {
  const auto [it, fresh] = arc_zones_.try_emplace(a);
  if (!fresh || zones.empty()) return it->second;
  const bool shaped = !g.shape_first.empty() && g.shape_first[a] < g.shape_first[a + 1];
  const std::vector<geo::LonLat> points =
      shaped ? g.arc_geometry(a) : std::vector<geo::LonLat>{g.where(g.tail[a]), g.where(g.head[a])};
  for (std::uint32_t z = 0; z < zones.size(); ++z) {
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
      if (zones[z].area->meets(points[i], points[i + 1])) {
        it->second.push_back(z);
        break;
      }
    }
  }
  return it->second;
}

namespace {

// DESIGN.md's capacity of step k for a rate of milli_per_hour thousandths
// of a vehicle per hour: floor(u(k+1)) - floor(u k), u = rate * step / 3600,
// in exact integers (written here again, apart from the planner's).
std::int64_t admitted_in_step(std::int64_t milli_per_hour, std::int64_t step_s, std::int64_t k) {
  // Before the start nothing is counted: such a movement is reported as
  // departing before the scenario starts.
  if (k < 0) return std::numeric_limits<std::int64_t>::max();
  if (milli_per_hour <= 0) return 0;
  __extension__ using Wide = __int128;
  const Wide per_step_scaled = static_cast<Wide>(milli_per_hour) * std::max<std::int64_t>(1, step_s);
  constexpr Wide k_scale = 3'600'000;
  return static_cast<std::int64_t>(per_step_scaled * (k + 1) / k_scale - per_step_scaled * k / k_scale);
}

}  // namespace

std::int64_t Context::arc_capacity(ArcId a, std::int64_t k) const {
  return admitted_in_step(std::int64_t{g.capacity_vph[a]} * 1000, s.time_step_s, k);
}

std::int64_t Context::checkpoint_capacity(std::size_t checkpoint, std::int64_t k) const {
  return admitted_in_step(std::llround(s.checkpoints[checkpoint].vehicles_per_hour * 1000.0), s.time_step_s, k);
}

std::string Context::segment(ArcId a) const {
  return "segment " + std::to_string(g.node_id[g.tail[a]]) + " -> " + std::to_string(g.node_id[g.head[a]]);
}

std::string Context::utc(double t) const {
  if (t == -k_infinity) return "always";
  if (t == k_infinity) return "open end";
  const double clamped = std::clamp(t, -1e11, 1e11);
  const auto ms = std::llround(clamped * 1000.0);
  auto whole = ms / 1000;
  auto fraction = ms % 1000;
  if (fraction < 0) {
    fraction += 1000;
    whole -= 1;
  }
  std::string text = geo::format_utc(s.start + geo::Seconds(whole));
  if (fraction != 0) {
    char digits[8];
    std::snprintf(digits, sizeof digits, ".%03d", static_cast<int>(fraction));
    std::string part = digits;
    while (part.back() == '0') part.pop_back();
    text.insert(text.size() - 1, part);
  }
  return text;
}

std::int64_t Context::step_of(double t) const {
  const double k = std::floor(t / step_s);
  return static_cast<std::int64_t>(std::clamp(k, -2147483648.0, 2147483647.0));
}

std::string Context::at(double t) const {
  return utc(t) + " (" + (t < 0 ? "-" : "+") + seconds_text(std::fabs(t)) + ", step " + std::to_string(step_of(t)) +
         ")";
}

std::string Context::window(const Window& w) const {
  if (w.from == -k_infinity && w.until == k_infinity) return "always";
  if (w.from == -k_infinity) return "until " + utc(w.until);
  if (w.until == k_infinity) return "from " + utc(w.from) + " on";
  return "from " + utc(w.from) + " until " + utc(w.until);
}

std::string number_text(double v) {
  char buffer[64];
  if (std::fabs(v) >= 1e12) {
    std::snprintf(buffer, sizeof buffer, "%.3g", v);
    return buffer;
  }
  if (std::fabs(v - std::round(v)) < 5e-7) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
    return buffer;
  }
  std::snprintf(buffer, sizeof buffer, "%.3f", v);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string seconds_text(double s) { return number_text(s) + " s"; }

std::string index_list(const std::vector<std::size_t>& indices, std::size_t limit) {
  std::string text;
  for (std::size_t i = 0; i < indices.size() && i < limit; ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(indices[i]);
  }
  if (indices.size() > limit) text += " and " + std::to_string(indices.size() - limit) + " more";
  return text;
}

}  // namespace corridor::check::detail

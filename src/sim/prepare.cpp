// The plan flattened for the runs, and one run's random draws.
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "corridor/error.hpp"
#include "engine.hpp"

namespace corridor::sim {
namespace {

// A window's end in planner time; an open end is `unbounded`.
Ms relative(const plan::Instance& in, geo::UnixSeconds t, Ms unbounded) {
  if (t == scenario::k_always_from || t == scenario::k_always_until) return unbounded;
  return in.after_start(t);
}

std::vector<geo::Area> resolve_areas(const scenario::Scenario& s, const std::vector<std::string>& ids) {
  std::vector<geo::Area> areas;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& id = ids[i];
    const geo::Area* found = nullptr;
    std::string known;
    const auto look = [&](const auto& features) {
      for (const auto& f : features) {
        if (f.id == id) found = &f.area;
        known += (known.empty() ? "" : ", ") + f.id;
      }
    };
    look(s.areas);
    look(s.ceasefires);
    look(s.hazards);
    if (found == nullptr) {
      throw InputError("hazards.areas[" + std::to_string(i) + "]",
                       "the scenario has no area, ceasefire or hazard \"" + id + "\"" +
                           (known.empty() ? " (it has none)" : " (it has: " + known + ")"));
    }
    areas.push_back(*found);
  }
  return areas;
}

}  // namespace

Prepared::Prepared(const plan::Instance& in_, const plan::PlanResult& plan_, const IncidentModel& model)
    : in(in_), plan(plan_), step(in_.step()), horizon(in_.horizon()) {
  const auto& g = in.graph();
  const auto& s = in.scenario();
  hazard_areas = resolve_areas(s, model.hazards.areas);

  // The ceasefires' windows, and which arcs each ceasefire holds: per arc
  // the windows that hold it, as a list (most arcs none; flat arrays, as a
  // re-planning run prepares every new plan).
  constexpr std::uint32_t k_none = ~std::uint32_t{0};
  std::vector<std::uint32_t> ceasefire_of(g.arc_count(), k_none);  // arc -> index into held_by
  std::vector<std::vector<std::uint32_t>> held_by;                 // distinct lists of windows
  for (const auto& cf : s.ceasefires) {
    const auto first_window = static_cast<std::uint32_t>(windows.size());
    for (std::size_t w = 0; w < cf.windows.size(); ++w) {
      windows.push_back({cf.id, w, relative(in, cf.windows[w].from, 0), relative(in, cf.windows[w].until, horizon)});
    }
    for (const auto& c : in.overlay().closures()) {
      if (c.kind != scenario::ClosureKind::ceasefire || c.id != cf.id) continue;
      std::unordered_map<std::uint32_t, std::uint32_t> extended;  // list before -> list with this ceasefire's windows
      for (const auto a : c.arcs) {
        const auto before = ceasefire_of[a];
        auto [it, fresh] = extended.emplace(before, static_cast<std::uint32_t>(held_by.size()));
        if (fresh) {
          auto list = before == k_none ? std::vector<std::uint32_t>{} : held_by[before];
          for (auto w = first_window; w < windows.size(); ++w) list.push_back(w);
          held_by.push_back(std::move(list));
        }
        ceasefire_of[a] = it->second;
      }
    }
  }
  plan_window_people.assign(windows.size(), 0);

  std::vector<std::uint32_t> plan_arc_of(g.arc_count(), k_none);
  std::map<std::string, std::uint32_t> corridor_of;
  std::size_t segments = 0;
  for (const auto& m : plan.movements) segments += m.nodes.empty() ? 0 : m.nodes.size() - 1;
  arc.reserve(segments);
  plan_arc.reserve(segments);
  duration.reserve(segments);
  checkpoint.reserve(segments);
  entry.reserve(segments);
  window.reserve(segments);
  first.reserve(plan.movements.size() + 1);
  first.push_back(0);
  window_first.push_back(0);
  for (const auto& m : plan.movements) {
    const bool out = !m.stranded && !m.nodes.empty();
    counted.push_back(out);
    planned_arrival.push_back(m.times.empty() ? 0 : m.arrival());
    const auto name = s.origins[in.origins[m.origin].scenario_index].id + " -> " +
                      s.destinations[in.destinations[m.destination].scenario_index].id;
    const auto [it, added] = corridor_of.emplace(name, static_cast<std::uint32_t>(corridors.size()));
    if (added) corridors.push_back(name);
    corridor.push_back(it->second);
    const auto list_start = window_list.size();
    for (std::size_t i = 0; out && i + 1 < m.nodes.size(); ++i) {
      const ArcId a = g.find_arc(m.nodes[i], m.nodes[i + 1]);
      if (a == graph::k_invalid) {
        throw InputError("movements[" + m.id + "]", "nodes " + std::to_string(g.node_id[m.nodes[i]]) + " and " +
                                                        std::to_string(g.node_id[m.nodes[i + 1]]) +
                                                        " are not joined by a road of the map");
      }
      if (plan_arc_of[a] == k_none) {
        plan_arc_of[a] = static_cast<std::uint32_t>(plan_arcs.size());
        plan_arcs.push_back(a);
      }
      arc.push_back(a);
      plan_arc.push_back(plan_arc_of[a]);
      checkpoint.push_back(in.checkpoint_at(m.nodes[i]));
      duration.push_back(g.time_ms[a]);
      entry.push_back(m.times[i]);
      std::int32_t used = -1;
      if (const auto cf = ceasefire_of[a]; cf != k_none) {
        for (const auto w : held_by[cf]) {
          if (windows[w].from <= m.times[i] && m.times[i] < windows[w].until) used = static_cast<std::int32_t>(w);
        }
        if (used >= 0 && std::find(window_list.begin() + static_cast<std::ptrdiff_t>(list_start), window_list.end(),
                                   static_cast<std::uint32_t>(used)) == window_list.end()) {
          window_list.push_back(static_cast<std::uint32_t>(used));
        }
      }
      window.push_back(used);
    }
    first.push_back(static_cast<std::uint32_t>(arc.size()));
    window_first.push_back(static_cast<std::uint32_t>(window_list.size()));
    if (out) {
      plan_people_out += m.people;
      plan_egress = std::max(plan_egress, m.arrival());
      for (std::size_t w = 0; w < windows.size(); ++w) {
        if (m.arrival() <= windows[w].until) plan_window_people[w] += m.people;
      }
    }
  }
  plan_segments = arc.size();

  cumulative_m.push_back(0);
  for (const auto a : plan_arcs) {
    cumulative_m.push_back(cumulative_m.back() + g.length_m[a]);
    const auto t = g.where(g.tail[a]);
    const auto h = g.where(g.head[a]);
    boxes.push_back({std::min(t.lon, h.lon), std::min(t.lat, h.lat), std::max(t.lon, h.lon), std::max(t.lat, h.lat)});
  }
}

Draw draw(const Prepared& p, const IncidentModel& model, std::uint64_t seed) {
  Rng rng(seed);
  Draw d;
  const auto& g = p.in.graph();
  const auto to_ms = [&](double minutes) {
    return static_cast<Ms>(std::clamp(minutes * 60'000.0, 0.0, static_cast<double>(p.horizon)));
  };
  // Hazards: a Poisson process over the horizon.
  if (model.hazards.per_hour > 0 && (!p.plan_arcs.empty() || !p.hazard_areas.empty())) {
    const double per_ms = model.hazards.per_hour / 3'600'000.0;
    for (double t = rng.exponential(per_ms); t < static_cast<double>(p.horizon); t += rng.exponential(per_ms)) {
      RandomHazard h;
      h.from = static_cast<Ms>(t);
      if (!p.hazard_areas.empty()) {
        const auto& area = p.hazard_areas[std::min(
            p.hazard_areas.size() - 1,
            static_cast<std::size_t>(rng.uniform() * static_cast<double>(p.hazard_areas.size())))];
        const auto lo = area.min_corner();
        const auto hi = area.max_corner();
        h.centre = {(lo.lon + hi.lon) / 2, (lo.lat + hi.lat) / 2};
        for (int attempt = 0; attempt < 1000; ++attempt) {
          const geo::LonLat q{rng.uniform(lo.lon, hi.lon), rng.uniform(lo.lat, hi.lat)};
          if (area.contains(q)) {
            h.centre = q;
            break;
          }
        }
      } else {
        // A point on the plan's roads, every metre of them alike.
        const double at = rng.uniform() * p.cumulative_m.back();
        const auto i = static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(
            std::upper_bound(p.cumulative_m.begin(), p.cumulative_m.end(), at) - p.cumulative_m.begin() - 1, 0,
            static_cast<std::ptrdiff_t>(p.plan_arcs.size()) - 1));
        const auto a = p.plan_arcs[i];
        const double length = p.cumulative_m[i + 1] - p.cumulative_m[i];
        const double f = length > 0 ? std::clamp((at - p.cumulative_m[i]) / length, 0.0, 1.0) : 0.0;
        const auto tail = g.where(g.tail[a]);
        const auto head = g.where(g.head[a]);
        h.centre = {tail.lon + f * (head.lon - tail.lon), tail.lat + f * (head.lat - tail.lat)};
      }
      h.radius_m = std::max(1.0, model.hazards.radius_m.sample(rng));
      h.until = std::min(p.horizon, h.from + to_ms(model.hazards.duration_min.sample(rng)));
      d.hazards.push_back(h);
    }
  }
  // Checkpoint slowdowns, at some time while the plan's convoys pass.
  d.slowdown.assign(p.in.checkpoints.size(), -1);
  if (model.checkpoints.probability > 0) {
    for (std::size_t c = 0; c < p.in.checkpoints.size(); ++c) {
      if (rng.uniform() >= model.checkpoints.probability) continue;
      CheckpointSlowdown slow;
      slow.from = static_cast<Ms>(rng.uniform() * static_cast<double>(p.plan_egress));
      slow.until = std::min(p.horizon, slow.from + to_ms(model.checkpoints.duration_min.sample(rng)));
      slow.factor = model.checkpoints.capacity_factor.given()
                        ? std::clamp(model.checkpoints.capacity_factor.sample(rng), 0.0, 1.0)
                        : 1.0;
      const auto& site = p.in.checkpoints[c];
      slow.rate = StepRate(p.in.scenario().checkpoints[site.scenario_index].vehicles_per_hour * slow.factor,
                           p.in.scenario().time_step_s);
      d.slowdown[c] = static_cast<std::int32_t>(d.slowdowns.size());
      d.slowdowns.push_back(slow);
    }
  }
  // Departures slip; convoys break down while they drive.
  const auto movements = p.movement_count();
  d.slip.assign(movements, 0);
  if (model.departure_delay_min.given()) {
    for (std::size_t m = 0; m < movements; ++m) d.slip[m] = to_ms(model.departure_delay_min.sample(rng));
  }
  d.breakdown_first.push_back(0);
  for (std::size_t m = 0; m < movements; ++m) {
    const double per_ms =
        model.breakdowns.per_vehicle_hour * static_cast<double>(p.plan.movements[m].vehicles) / 3'600'000.0;
    if (per_ms > 0) {
      for (double t = rng.exponential(per_ms); t < static_cast<double>(p.horizon); t += rng.exponential(per_ms)) {
        d.breakdowns.push_back({static_cast<Ms>(t), to_ms(model.breakdowns.delay_min.sample(rng))});
      }
    }
    d.breakdown_first.push_back(static_cast<std::uint32_t>(d.breakdowns.size()));
  }
  return d;
}

}  // namespace corridor::sim

#include "corridor/plan/windows.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "corridor/plan/ccrp.hpp"
#include "corridor/plan/fleet.hpp"

namespace corridor::plan {
namespace {

// A window's end in planner time; an open end is `unbounded`.
Ms relative(const Instance& in, geo::UnixSeconds t, Ms unbounded) {
  if (t == scenario::k_always_from || t == scenario::k_always_until) return unbounded;
  return in.after_start(t);
}

// Vehicles, people and last exit of the movements on `arcs` during [from, until).
void measure(const Instance& in, const PlanResult& plan, const std::set<ArcId>& arcs, WindowUse& use) {
  const auto& g = in.graph();
  for_each_trip(plan, [&](const std::vector<NodeId>& nodes, const std::vector<Ms>& times, std::int64_t vehicles,
                          std::int64_t people, bool leg) {
    bool inside = false;
    for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
      if (!arcs.count(g.find_arc(nodes[i], nodes[i + 1]))) continue;
      if (times[i] < use.until && use.from < times[i + 1]) {
        inside = true;
        use.last_exit = std::max(use.last_exit, times[i + 1]);
      }
    }
    if (inside) {
      (leg ? use.legs : use.vehicles) += vehicles;
      use.people += people;
    }
  });
}

std::string clock(const Instance& in, Ms t) {
  const auto& s = in.scenario();
  const auto abs = in.instant(t);
  const std::string local = s.local_time(abs);
  return geo::format_utc(abs) + " (" + local + (s.timezone.empty() ? "" : " " + s.timezone) + ")";
}

std::string duration(Ms t) {
  const long m = static_cast<long>(t / 60000);
  return std::to_string(m / 60) + "h" + (m % 60 < 10 ? "0" : "") + std::to_string(m % 60) + "m";
}

}  // namespace

std::vector<WindowUse> window_use(const Instance& in, const PlanResult& plan, const graph::SpatialIndex& graph_index) {
  const auto& s = in.scenario();
  std::vector<WindowUse> uses;
  // Walkers who reach no pick-up point are not held back by a window.
  std::int64_t unmet = 0;
  for (const auto& u : plan.unmet) unmet += u.walker ? 0 : u.people;
  for (const auto& cf : s.ceasefires) {
    std::set<ArcId> arcs;
    for (const auto& c : in.overlay().closures()) {
      if (c.kind == scenario::ClosureKind::ceasefire && c.id == cf.id) arcs.insert(c.arcs.begin(), c.arcs.end());
    }
    for (std::size_t w = 0; w < cf.windows.size(); ++w) {
      WindowUse use;
      use.ceasefire = cf.id;
      use.window = w;
      use.from = relative(in, cf.windows[w].from, 0);
      use.until = relative(in, cf.windows[w].until, in.horizon());
      measure(in, plan, arcs, use);
      uses.push_back(use);
    }
    if (unmet == 0 || cf.windows.empty() || arcs.empty()) continue;
    // Re-plan with the last window open to the horizon: when do its roads
    // empty then?
    scenario::Scenario longer = s;
    for (auto& c : longer.ceasefires) {
      if (c.id == cf.id) c.windows.back().until = s.end();
    }
    Instance relaxed(in.graph(), graph_index, longer, 1e7);
    relaxed.pickups = in.pickups;  // with the walkers' arrivals
    auto replanned = plan_ccrp(relaxed);
    plan_fleet(relaxed, replanned);
    std::int64_t unmet_after = 0;
    for (const auto& u : replanned.unmet) unmet_after += u.people;
    if (unmet_after >= unmet) continue;  // the window is not what holds people back
    WindowUse extended = uses.back();
    extended.last_exit = 0;
    extended.until = in.horizon();
    measure(relaxed, replanned, arcs, extended);
    uses.back().needed_until = extended.last_exit;
  }
  return uses;
}

std::vector<std::string> window_report(const Instance& in, const std::vector<WindowUse>& uses) {
  std::vector<std::string> lines;
  for (const auto& u : uses) {
    std::string line = "ceasefire " + u.ceasefire + " window " + std::to_string(u.window + 1) + " (" +
                       clock(in, u.from) + " to " + clock(in, u.until) + "): ";
    if (u.needed_until) {
      line += "too short: it would need to last until " + clock(in, *u.needed_until) + ", " +
              duration(*u.needed_until - u.from) + " instead of " + duration(u.until - u.from);
    } else if (u.vehicles == 0 && u.legs == 0) {
      line += "no movement uses its roads";
    } else {
      const std::string vehicles = std::to_string(u.vehicles) + " vehicles";
      const std::string legs = std::to_string(u.legs) + " fleet legs";
      line += "long enough: " +
              (u.legs == 0       ? vehicles
               : u.vehicles == 0 ? legs
                                 : vehicles + " and " + legs) +
              " carrying " + std::to_string(u.people) + " people are off its roads by " + clock(in, u.last_exit) +
              ", " + duration(u.until - u.last_exit) + " before it closes";
    }
    lines.push_back(line);
  }
  return lines;
}

namespace {

std::string per_hour_text(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", rate);
  return text;
}

}  // namespace

std::vector<std::string> checkpoint_report(const Instance& in, const PlanResult& plan) {
  const auto& g = in.graph();
  std::vector<std::string> lines;
  for (const auto& c : in.checkpoints) {
    const auto& id = in.scenario().checkpoints[c.scenario_index].id;
    std::map<Ms, std::int64_t> per_step;  // time step -> vehicles passing
    std::int64_t vehicles = 0;
    double nearest_m = std::numeric_limits<double>::infinity();
    for_each_trip(plan, [&](const std::vector<NodeId>& nodes, const std::vector<Ms>& times, std::int64_t n,
                            std::int64_t /*people*/, bool /*leg*/) {
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        nearest_m = std::min(nearest_m, geo::distance_m(g.where(c.node), g.where(nodes[i])));
        if (nodes[i] != c.node || i + 1 == nodes.size()) continue;
        per_step[times[i] / in.step()] += n;
        vehicles += n;
      }
    });
    std::int64_t peak = 0;
    for (const auto& [step, n] : per_step) peak = std::max(peak, n);
    if (vehicles > 0) {
      lines.push_back("checkpoint " + id + ": " + std::to_string(vehicles) + " vehicles pass it, at most " +
                      std::to_string(peak) + " in one time step (it admits at most " + std::to_string(c.rate.most()) +
                      " a step, " + per_hour_text(in.scenario().checkpoints[c.scenario_index].vehicles_per_hour) +
                      " an hour)");
    } else if (!plan.movements.empty() || !plan.fleet.empty()) {
      lines.push_back("checkpoint " + id + ": no movement passes it (its road is " +
                      std::to_string(static_cast<long>(std::lround(nearest_m))) + " m from the nearest planned route)");
    }
  }
  return lines;
}

}  // namespace corridor::plan

// One run with re-planning: the operation re-plans (ops::replan) at the
// moment a hazard appears that meets the way of a convoy still to drive it.
//
// The run goes in phases, one per plan in force. At a hazard's start the
// engine stops; what has happened becomes the record the re-planner reads
// (each group of vehicles a movement: those that arrived, those on the road
// with the times they really passed, those not yet gone leaving no earlier
// than now), the hazards known by then are merged into the scenario as the
// operation would merge reported events, and the new plan is driven on from
// there, under the same draw. The re-planner knows what has happened and
// what hazards are on the ground, never what is still to come.
#include <chrono>

#include "corridor/geo/time.hpp"
#include "corridor/ops/replan.hpp"
#include "corridor/scenario/scenario.hpp"
#include "engine.hpp"

namespace corridor::sim {
namespace {

using plan::Movement;

// How the simulated operation re-plans (see ReplanRun::run).
constexpr Ms k_replan_delay_within = 30 * 60'000;
constexpr Ms k_replan_reuse_slack = 15 * 60'000;

// The hazard's circle as a polygon of 32 corners drawn just outside it, so
// that the polygon closes every road the circle does.
nlohmann::json polygon(const RandomHazard& h) {
  constexpr int k_corners = 32;
  constexpr double k_metres_per_degree = 111'320.0;
  const double r = h.radius_m / std::cos(std::numbers::pi / k_corners) / k_metres_per_degree;
  const double shrink = std::max(0.01, std::cos(h.centre.lat * std::numbers::pi / 180.0));
  nlohmann::json ring = nlohmann::json::array();
  for (int i = 0; i <= k_corners; ++i) {
    const double a = 2 * std::numbers::pi * (i % k_corners) / k_corners;
    ring.push_back({h.centre.lon + r * std::cos(a) / shrink, h.centre.lat + r * std::sin(a)});
  }
  return {{"type", "Polygon"}, {"coordinates", {ring}}};
}

// The hazards on the ground at `at`, as scenario features.
nlohmann::json known_hazards(const plan::Instance& in, const Draw& d, Ms at) {
  nlohmann::json features = nlohmann::json::array();
  for (std::size_t i = 0; i < d.hazards.size(); ++i) {
    const auto& h = d.hazards[i];
    if (h.from > at || h.until <= at) continue;
    features.push_back({{"type", "Feature"},
                        {"geometry", polygon(h)},
                        {"properties",
                         {{"kind", "hazard"},
                          {"id", "simulated-hazard-" + std::to_string(i + 1)},
                          {"from", geo::format_utc(in.instant(h.from))},
                          {"until", geo::format_utc(in.instant(h.until + 999))}}}});
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

// Whether the hazard closes a road some group still has to enter while it
// lasts (at the group's present lateness).
bool meets_a_convoy(const Prepared& p, const std::vector<Group>& groups, const RandomHazard& h,
                    std::vector<char>& closes) {
  closes.assign(p.plan_arcs.size(), 0);
  bool any = false;
  for_arcs_within(p, h, [&](std::uint32_t i) {
    closes[i] = 1;
    any = true;
  });
  if (!any) return false;
  for (const auto& g : groups) {
    if (g.state == Group::State::arrived) continue;
    const auto end = p.first[g.movement + 1];
    if (g.segment == end) continue;
    const Ms late = std::max<Ms>(0, g.ready - p.entry[g.segment]);
    for (auto s = g.segment; s < end; ++s) {
      const Ms enter = p.entry[s] + late;
      if (closes[p.plan_arc[s]] != 0 && enter < h.until && enter + p.duration[s] > h.from) return true;
    }
  }
  return false;
}

// What has happened by `at`, as a plan the re-planner reads: the movements
// done in earlier phases, then every group of this phase as a movement of
// its own (group[i]: the group movement i is, or -1).
struct Record {
  plan::PlanResult plan;
  std::vector<std::int32_t> group;
};

Record record(const Prepared& p, const std::vector<Group>& groups, const std::vector<Movement>& done, Ms at) {
  Record r;
  for (const auto& m : done) {
    r.plan.movements.push_back(m);
    r.group.push_back(-1);
  }
  std::vector<std::uint32_t> parts(p.movement_count(), 0);
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const auto& g = groups[gi];
    const auto& planned = p.plan.movements[g.movement];
    Movement m = planned;
    m.vehicles = g.vehicles;
    m.people = g.people;
    if (parts[g.movement]++ > 0) m.id += "/" + std::to_string(parts[g.movement]);
    auto& t = m.times;
    const auto base = p.first[g.movement];
    const auto duration = [&](std::size_t i) { return static_cast<Ms>(p.duration[base + i]); };
    if (g.state == Group::State::arrived) {
      for (auto& x : t) x += g.ready - planned.arrival();
    } else if (g.entered < 0) {  // not yet gone: leaves now at the earliest
      const Ms late = std::max<Ms>(0, std::max(at, g.ready) - planned.departure());
      for (auto& x : t) x += late;
    } else {  // on the road, heading for node k
      const std::size_t k = g.segment - base;
      t[k] = std::max(g.ready, at);
      t[k - 1] = g.entered;
      for (std::size_t i = k - 1; i-- > 0;) t[i] = t[i + 1] - duration(i);
      for (std::size_t i = k + 1; i < t.size(); ++i) t[i] = std::max(planned.times[i], t[i - 1] + duration(i - 1));
    }
    r.plan.movements.push_back(std::move(m));
    r.group.push_back(static_cast<std::int32_t>(gi));
  }
  return r;
}

}  // namespace

ReplanRun::ReplanRun(const Prepared& p0_, const IncidentModel& model_, const ReplanContext& context_,
                     const plan::StopToken* stop_)
    : p0(p0_), model(model_), context(context_), stop(stop_) {
  for (std::uint32_t m = 0; m < p0.movement_count(); ++m) movement_of.emplace(p0.plan.movements[m].id, m);
}

RunOutcome ReplanRun::run(Engine& engine, const Draw& d) const {
  const auto started = std::chrono::steady_clock::now();
  RunOutcome out;
  engine.start(d, out);
  engine.seed_plan();

  // The phase in force: its plan, flattened, and its engine (the first is
  // the caller's, on the plan as signed).
  struct Phase {
    std::unique_ptr<plan::PlanResult> plan;
    std::unique_ptr<Prepared> prepared;
    std::unique_ptr<Engine> engine;
  };
  Phase phase;
  const Prepared* p = &p0;
  Engine* e = &engine;
  Tallies scratch(p0);
  std::vector<Movement> done;
  std::vector<char> closes;

  for (const auto& h : d.hazards) {
    if (h.from >= p0.horizon) break;
    e->advance(h.from, scratch);
    if (!meets_a_convoy(*p, e->groups(), h, closes)) continue;
    plan::check(stop);
    const Ms at = h.from;
    const auto was = record(*p, e->groups(), done, at);
    const auto merged = ops::merge_events(*context.scenario, known_hazards(p0.in, d, at), p0.in.instant(at));
    const auto scenario = scenario::parse_scenario(merged.document.dump(), "the simulated operation");
    const plan::Instance now(p0.in.graph(), *context.index, scenario, context.max_snap_m);
    ops::ReplanOptions options;
    options.bounds = false;
    options.stop = stop;
    // As `corridor replan --delay-within 30 --reuse-slack 15`: convoys not
    // yet gone keep their roads when leaving up to 30 min later lets them
    // through, and the rest reuse each path found while it costs at most
    // 15 min more. A run re-plans several times, and the operation would
    // rather delay a convoy than send it on new roads.
    options.delay_within = k_replan_delay_within;
    options.reuse_slack = k_replan_reuse_slack;
    auto replanned = ops::replan(now, was.plan, at, {}, options);
    ++out.replans;

    // A convoy the re-planner finds caught on a road as it closes drives
    // on, as in every run: closures stop convoys from entering a road.
    std::unordered_map<std::string, std::size_t> recorded;
    for (std::size_t i = 0; i < was.plan.movements.size(); ++i) recorded.emplace(was.plan.movements[i].id, i);
    for (auto& m : replanned.plan.movements) {
      if (!m.stranded) continue;
      const auto it = recorded.find(m.id);
      if (it != recorded.end() && was.group[it->second] >= 0) m = was.plan.movements[it->second];
    }
    Phase next;
    next.plan = std::make_unique<plan::PlanResult>(std::move(replanned.plan));
    next.prepared = std::make_unique<Prepared>(p0.in, *next.plan, model);
    next.engine = std::make_unique<Engine>(*next.prepared);
    next.engine->start(d, out);
    const auto& q = *next.prepared;
    // The group a movement of the new plan continues: same id, or the id
    // before ".2" for the further parts of a diverted convoy.
    const auto source = [&](std::string id) -> const Group* {
      for (;;) {
        if (const auto it = recorded.find(id); it != recorded.end()) {
          const auto gi = was.group[it->second];
          return gi < 0 ? nullptr : &e->groups()[static_cast<std::size_t>(gi)];
        }
        const auto dot = id.rfind('.');
        if (dot == std::string::npos) return nullptr;
        id.resize(dot);
      }
    };
    done.clear();
    for (std::uint32_t i = 0; i < q.movement_count(); ++i) {
      const auto& m = next.plan->movements[i];
      if (!q.counted[i]) {  // stranded: its people will not be out, nor will the windows it needed suffice
        done.push_back(m);
        const auto id = m.id.substr(0, m.id.find_first_of("./"));
        if (const auto it = movement_of.find(id); it != movement_of.end()) {
          for (auto w = p0.window_first[it->second]; w < p0.window_first[it->second + 1]; ++w)
            out.window_ok[p0.window_list[w]] = false;
        }
        continue;
      }
      if (m.departure() < at && m.arrival() < at) {  // arrived before: counted already
        done.push_back(m);
        continue;
      }
      Group g;
      g.movement = i;
      g.vehicles = m.vehicles;
      g.people = m.people;
      const Group* from = source(m.id);
      if (from != nullptr) {
        g.driven = from->driven;
        g.next_breakdown = from->next_breakdown;
        g.breakdown_end = from->breakdown_end;
      }
      if (m.departure() >= at) {
        g.segment = q.first[i];
        g.ready = m.departure();
        if (from != nullptr && from->entered < 0) g.ready = std::max(g.ready, from->ready);  // its slip stands
      } else {
        std::size_t k = 1;
        while (k + 1 < m.times.size() && m.times[k] < at) ++k;
        g.segment = q.first[i] + static_cast<std::uint32_t>(k);
        g.ready = m.times[k];
        g.entered = m.times[k - 1];
      }
      next.engine->seed(g);
    }
    // The new phase takes over; entries in the current time step before
    // `at` are not carried over (at most one step's capacity, once).
    phase = std::move(next);
    p = phase.prepared.get();
    e = phase.engine.get();
    scratch = Tallies(*p);
  }
  e->advance(plan::k_never, scratch);
  e->finish(nullptr);
  out.complete = out.complete && out.people_out >= p0.plan_people_out;
  out.run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace corridor::sim

// The fleet-size questions: trips per vehicle, egress by fleet size, and the
// fleet each ceasefire window needs (fleet.hpp).
#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>

#include "corridor/geo/time.hpp"
#include "corridor/plan/fleet.hpp"
#include "corridor/units.hpp"

namespace corridor::plan {
namespace {

std::int64_t own_fleet(const Instance& in) {
  std::int64_t n = 0;
  for (const auto& d : in.depots) n += d.acceptable() ? d.vehicles : 0;
  return n;
}

// `total` vehicles shared among the acceptable depots in proportion to
// their own fleets (the remainder to the last of them).
std::vector<std::int64_t> scaled(const Instance& in, std::int64_t total) {
  const auto own = own_fleet(in);
  std::vector<std::int64_t> out(in.depots.size(), 0);
  std::int64_t given = 0;
  std::size_t last = 0;
  for (std::size_t d = 0; d < in.depots.size(); ++d) {
    if (!in.depots[d].acceptable()) continue;
    out[d] = total * in.depots[d].vehicles / own;
    given += out[d];
    last = d;
  }
  out[last] += total - given;
  return out;
}

struct Outcome {
  std::int64_t people = 0;
  Ms egress = 0;
};

// The plan's movements with the fleet planned again at `total` vehicles.
Outcome with_fleet(const Instance& in, const PlanResult& plan, std::int64_t total, const StopToken* stop) {
  PlanResult p;
  p.movements = plan.movements;
  FleetOptions options;
  options.vehicles = scaled(in, total);
  options.stop = stop;
  plan_fleet(in, p, options);
  return {p.people_evacuated(), p.egress()};
}

// The plan's fleet collecting the walkers where they live: each walking
// origin a pick-up point on its road node from its earliest departure, the
// gathering points with their own people only.
Outcome at_origins(const Instance& in, const PlanResult& plan, const StopToken* stop) {
  Instance doorstep = in;
  for (auto& p : doorstep.pickups) {
    p.arrivals.clear();
    p.people = p.gathered;
  }
  for (const auto& w : plan.walks) {
    const auto& walker = in.walkers[w.walker];
    PickupSite site;
    site.scenario_index = in.pickups[w.pickup].scenario_index;  // only for names; unused here
    site.node = in.overlay().origin(walker.scenario_index).node;
    site.people = site.gathered = w.people();
    site.earliest = walker.earliest;
    doorstep.pickups.push_back(site);
  }
  PlanResult p;
  p.movements = plan.movements;
  FleetOptions options;
  options.stop = stop;
  plan_fleet(doorstep, p, options);
  return {p.people_evacuated(), p.egress()};
}

std::string clock(const Instance& in, Ms t) { return in.scenario().local_time(in.instant(t)); }

std::string signed_minutes(Ms d) {
  const auto m = static_cast<long>((d >= 0 ? d : -d) / 60'000);
  return std::string(d >= 0 ? "+" : "-") + std::to_string(m / 60) + "h" + (m % 60 < 10 ? "0" : "") +
         std::to_string(m % 60) + "m";
}

}  // namespace

FleetReport fleet_report(const Instance& in, const PlanResult& plan, const StopToken* stop) {
  FleetReport r;
  r.vehicles = own_fleet(in);
  if (r.vehicles == 0) return r;
  std::int64_t people = 0;
  for (const auto& o : in.origins) people += o.people;
  for (const auto& p : in.pickups) people += p.people;

  std::int64_t trips = 0;
  r.fewest_trips = plan.fleet.empty() ? 0 : std::numeric_limits<std::int64_t>::max();
  for (const auto& v : plan.fleet) {
    const auto n =
        std::count_if(v.legs.begin(), v.legs.end(), [](const Leg& l) { return l.kind == Leg::Kind::loaded; });
    r.fewest_trips = std::min<std::int64_t>(r.fewest_trips, n);
    r.most_trips = std::max<std::int64_t>(r.most_trips, n);
    trips += n;
  }
  r.mean_trips = plan.fleet.empty() ? 0 : static_cast<double>(trips) / static_cast<double>(plan.fleet.size());

  std::map<std::int64_t, Outcome> tried{{r.vehicles, {plan.people_evacuated(), plan.egress()}}};
  const auto outcome = [&](std::int64_t n) {
    if (const auto it = tried.find(n); it != tried.end()) return it->second;
    return tried[n] = with_fleet(in, plan, n, stop);
  };
  for (const std::int64_t delta : {-20, -10, 10, 20}) {
    if (r.vehicles + delta >= 1) outcome(r.vehicles + delta);
  }
  for (const auto& [n, o] : tried) r.sizes.push_back({n, o.people, o.egress});

  // Per window: the smallest fleet that gets everyone out before it closes.
  // The round-trip bound rules out the fleets too small to do it at all; a
  // binary search over plans (which nearly always get better with more
  // vehicles) finds the smallest that does, up to four times the own fleet.
  const std::int64_t cap = 4 * r.vehicles;
  for (const auto& cf : in.scenario().ceasefires) {
    for (std::size_t w = 0; w < cf.windows.size(); ++w) {
      WindowFleet need{cf.id, w, std::min(in.horizon(), in.after_start(cf.windows[w].until)), std::nullopt, cap};
      const auto suffices = [&](std::int64_t n) {
        const auto o = outcome(n);
        return o.people == people && o.egress <= need.until;
      };
      std::int64_t lo = 1, hi = cap;  // the bound: fewer than lo cannot
      while (lo < hi) {
        const auto mid = lo + (hi - lo) / 2;
        const auto b = fleet_bounds(in, scaled(in, mid));
        if (b.lower_bound_egress && *b.lower_bound_egress <= need.until)
          hi = mid;
        else
          lo = mid + 1;
      }
      std::int64_t top = std::max(lo, r.vehicles);
      while (top < cap && !suffices(top)) top = std::min(cap, top * 2);
      if (suffices(top)) {
        std::int64_t bottom = lo;
        while (bottom < top) {
          const auto mid = bottom + (top - bottom) / 2;
          if (suffices(mid))
            top = mid;
          else
            bottom = mid + 1;
        }
        need.vehicles = top;
      }
      r.windows.push_back(need);
    }
  }
  if (!plan.walks.empty()) {
    const auto o = at_origins(in, plan, stop);
    r.at_origins = FleetSize{r.vehicles, o.people, o.egress};
  }
  return r;
}

nlohmann::json to_json(const Instance& in, const FleetReport& r) {
  nlohmann::json sizes = nlohmann::json::array();
  for (const auto& s : r.sizes) {
    sizes.push_back({{"vehicles", s.vehicles}, {"people_out", s.people_out}, {"egress_s", to_seconds(s.egress)}});
  }
  nlohmann::json windows = nlohmann::json::array();
  for (const auto& w : r.windows) {
    windows.push_back({{"ceasefire", w.ceasefire},
                       {"window", w.window},
                       {"until", geo::format_utc(in.instant(w.until))},
                       {"vehicles_needed", w.vehicles ? nlohmann::json(*w.vehicles) : nlohmann::json(nullptr)},
                       {"tried_up_to", w.tried}});
  }
  nlohmann::json out = {
      {"vehicles", r.vehicles},
      {"trips_per_vehicle", {{"fewest", r.fewest_trips}, {"mean", r.mean_trips}, {"most", r.most_trips}}},
      {"sizes", sizes},
      {"windows", windows}};
  if (r.at_origins) {
    out["collected_at_origins"] = {{"people_out", r.at_origins->people_out},
                                   {"egress_s", to_seconds(r.at_origins->egress)}};
  }
  return out;
}

std::vector<std::string> fleet_report_lines(const Instance& in, const FleetReport& r) {
  std::vector<std::string> lines;
  if (r.vehicles == 0) return lines;
  char mean[32];
  std::snprintf(mean, sizeof mean, "%.1f", r.mean_trips);
  lines.push_back("fleet of " + std::to_string(r.vehicles) + ": " + mean + " round trips a vehicle (" +
                  std::to_string(r.fewest_trips) + " to " + std::to_string(r.most_trips) + ")");
  Ms own = 0;
  for (const auto& s : r.sizes) own = s.vehicles == r.vehicles ? s.egress : own;
  for (const auto& s : r.sizes) {
    lines.push_back("  with " + std::to_string(s.vehicles) + " vehicles: " + std::to_string(s.people_out) +
                    " people out, egress " + hms(s.egress) +
                    (s.vehicles == r.vehicles ? " (the plan)" : " (" + signed_minutes(s.egress - own) + ")"));
  }
  if (r.at_origins) {
    const auto& o = *r.at_origins;
    lines.push_back("walking the first mile: egress " + hms(own) +
                    "; collecting everyone at their origins instead: " + std::to_string(o.people_out) +
                    " people out, egress " + hms(o.egress) + " (" + signed_minutes(o.egress - own) + ")");
  }
  for (const auto& w : r.windows) {
    lines.push_back("ceasefire " + w.ceasefire + " window " + std::to_string(w.window + 1) + " (until " +
                    clock(in, w.until) + "): " +
                    (w.vehicles
                         ? "everyone is out before it closes with " + std::to_string(*w.vehicles) + " vehicles"
                         : "not everyone is out before it closes even with " + std::to_string(w.tried) + " vehicles"));
  }
  return lines;
}

}  // namespace corridor::plan

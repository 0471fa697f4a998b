#pragma once
// Shuttle fleets: the depots' vehicles drive to pick-up points, load, take
// their people to destinations, unload and come back for more, on the same
// capacity-, closure- and rule-aware network as every movement (the bus
// evacuation problem of Bish, "Planning for a bus-based evacuation", OR
// Spectrum 2011, here on real roads with windows and party rules).
//
// The heuristic is CCRP over round trips: the vehicle free earliest goes
// next; one earliest-arrival search takes it to the first pick-up point
// with people left, a second from there (after loading) to the first
// destination with room; both legs reserve their capacity per time step
// before the next vehicle is routed. A vehicle retires when no trip can end
// within the horizon.
#include <functional>
#include <optional>

#include "corridor/plan/plan.hpp"
#include "corridor/plan/stop.hpp"

namespace corridor::plan {

struct FleetOptions {
  // Called after each trip with (people delivered, people at pick-up points).
  std::function<void(std::int64_t, std::int64_t)> progress;
  const StopToken* stop = nullptr;  // checked after each trip
  // Vehicles each depot sends, instead of the ones it has (to ask "what if
  // it had more?"); nullopt: all it has.
  std::optional<std::vector<std::int64_t>> vehicles;
};

// Plans the fleet on the capacity the plan's movements leave (their roads,
// checkpoints and destination room are taken first) and adds it to `plan`:
// plan.fleet, and plan.unmet for people left at pick-up points.
void plan_fleet(const Instance& in, PlanResult& plan, const FleetOptions& options = {});

// Proven bounds for the fleet alone, from free-flow times on the roads no
// rule forbids (closures and capacities only delay, so they are relaxed):
// every person needs a loaded trip from their pick-up point, T trips in all
// (per point its people over the most seats). With V vehicles one makes at
// least ceil(T / V), the first no sooner than the fastest depot -> pick-up
// -> destination trip, each further one no sooner than the fastest unload +
// return + load + loaded cycle; and the vehicles share the work of all T
// trips (coming to the point, loading, driving out, and T - V unloads), so
// the last ends no sooner than the earliest start plus their average.
struct FleetBounds {
  std::optional<Ms> lower_bound_egress;  // nullopt: the fleet cannot get everyone out
  std::int64_t upper_bound_people = 0;   // people the fleet can possibly deliver by the horizon
  Ms first_trip = 0;                     // the fastest first trip (to a destination)
  Ms cycle = 0;                          // the fastest further trip
};
FleetBounds fleet_bounds(const Instance& in, const std::optional<std::vector<std::int64_t>>& vehicles = {});

// The questions the parties ask about a fleet plan, answered by planning the
// fleet again with other sizes (each depot scaled in proportion to its own):
// the trips each vehicle makes, the egress with 10 and 20 vehicles fewer and
// more, and for each ceasefire window the smallest fleet that gets everyone
// out before it closes; with walkers, the fleet collecting them at their
// origins instead ("does walking the first mile help?").
struct FleetSize {
  std::int64_t vehicles = 0;
  std::int64_t people_out = 0;
  Ms egress = 0;
};
struct WindowFleet {
  std::string ceasefire;
  std::size_t window = 0;
  Ms until = 0;
  // The smallest fleet found that gets everyone out by `until`; nullopt when
  // not even `tried` vehicles do.
  std::optional<std::int64_t> vehicles;
  std::int64_t tried = 0;
};
struct FleetReport {
  std::int64_t vehicles = 0;  // the depots' own
  std::int64_t fewest_trips = 0, most_trips = 0;
  double mean_trips = 0;
  std::vector<FleetSize> sizes;  // by vehicles, ascending; the plan's own size among them
  std::vector<WindowFleet> windows;
  // With walkers: the plan's fleet if it collected them at their origins
  // instead (each origin a pick-up point from its earliest departure).
  std::optional<FleetSize> at_origins;
};
FleetReport fleet_report(const Instance& in, const PlanResult& plan, const StopToken* stop = nullptr);
nlohmann::json to_json(const Instance& in, const FleetReport& report);
std::vector<std::string> fleet_report_lines(const Instance& in, const FleetReport& report);

}  // namespace corridor::plan

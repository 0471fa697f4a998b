#pragma once
// Who goes where: people assigned to destinations by free-flow times, as a
// bottleneck transportation problem. Every person of origin o reaching
// destination d arrives no earlier than e_o + g(o, d) (earliest departure
// plus free-flow time), and no destination takes more than its capacity; so
// the smallest T for which an assignment of everyone with all those times
// <= T exists is a lower bound on any plan's egress, and when even the
// horizon admits none, the most people such an assignment places by the
// horizon bound the people out. Strong exactly where the time-expanded
// bounds are weakest: many origins and destinations whose capacities bind.
// The assignment itself (among those within T, the least total time) guides
// the planner's choice of destinations.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "corridor/plan/instance.hpp"
#include "corridor/plan/plan.hpp"
#include "corridor/plan/stop.hpp"

namespace corridor::plan {

struct Assignment {
  Bounds bounds;       // lower_bound_method "assignment"
  bool binds = false;  // some destination cannot take everyone who has it nearest
  // Per origin: (destination index, people), empty when no destination
  // takes anyone within the bottleneck time.
  std::vector<std::vector<std::pair<std::size_t, std::int64_t>>> quota;
  // Per origin: e_o + g(o, d) of its slowest assigned destination (k_never: none).
  std::vector<Ms> latest;
};

// nullopt when the instance is too large for one free-flow search per
// destination (destinations x nodes over max_work, or destinations x
// origins over a tenth of it), or has no people or no destination.
std::optional<Assignment> assign_destinations(const Instance& in, const StopToken* stop = nullptr,
                                              std::uint64_t max_work = 200'000'000);

}  // namespace corridor::plan

#pragma once
// The capacity-aware heuristic planner: CCRP (Lu, George, Shekhar,
// "Capacity Constrained Routing Algorithms for Evacuation Planning", SSTD
// 2005) on the time-dependent residual capacities of the instance.
//
// Each iteration runs one earliest-arrival search from a super source (every
// origin with vehicles left, from its earliest departure) over the road
// graph with time-dependent closures and per-step residual capacities, to
// the first acceptable destination that still has room for that origin's
// people; it sends as many vehicles as the path's bottleneck allows at that
// time, reserves their capacity, and re-sends on the same path while its
// arrival stays within `reuse_slack` of the searched one (path reuse, the
// main speed-up: most iterations need no search).
#include <functional>
#include <utility>
#include <vector>

#include "corridor/plan/plan.hpp"
#include "corridor/plan/stop.hpp"

namespace corridor::plan {

// Destinations chosen beforehand (e.g. by a transportation problem over
// free-flow times): per origin, the destinations its people go to and how
// many to each; origins are then planned one at a time in `order`, each
// with single-origin searches. An origin whose shares cannot be met (no
// path left, or a share smaller than a vehicle's load) may then use any
// destination with room.
struct CcrpGuide {
  std::vector<std::vector<std::pair<std::size_t, std::int64_t>>> quota;  // per origin: (destination, people)
  std::vector<std::size_t> order;                                        // origins, in the order planned
};

struct CcrpOptions {
  Ms reuse_slack = -1;  // -1: one time step
  // Called after each movement with (vehicles planned, vehicles in total).
  std::function<void(std::int64_t, std::int64_t)> progress;
  // Checked after each movement.
  const StopToken* stop = nullptr;
  // Null: CCRP's own choice of destinations, all origins at once.
  const CcrpGuide* guide = nullptr;
};

// Plans every origin's vehicles; people who cannot leave within the horizon
// are listed in PlanResult::unmet with the reason. Bounds are left empty.
PlanResult plan_ccrp(const Instance& in, const CcrpOptions& options = {});

// A group of vehicles on the road that must go on together (a convoy being
// re-planned): it stands at `at`, having arrived by arc `via` (where it
// waits, so `via` must stay open while it does; graph::k_invalid when it
// stands at its origin), and may leave no earlier than `ready`.
struct Convoy {
  std::size_t origin = 0;
  NodeId at = graph::k_invalid;
  ArcId via = graph::k_invalid;
  Ms ready = 0;
  std::int64_t vehicles = 0;
  std::int64_t people = 0;
};

// What is already decided when the rest is planned (ops/replan.hpp): the
// movements whose road and checkpoint capacity is taken (history and the
// convoys that keep their paths), and the convoys to route first, each as
// one group, before the origins' vehicles. The instance's origins and
// destinations hold what is left (people, vehicles, room).
struct Residual {
  std::vector<Movement> taken;
  std::vector<Convoy> convoys;
};

// A convoy's way on from where it stands: one movement (nodes from
// Convoy::at, times as in a movement, the last the arrival) when the roads
// take it whole, else several groups; what is left when no destination
// with room can be reached any more.
struct ConvoyRoute {
  std::vector<Movement> pieces;
  std::int64_t vehicles_left = 0;
  std::int64_t people_left = 0;
};

struct ResidualPlan {
  PlanResult plan;  // the origins' new movements (no ids)
  std::vector<ConvoyRoute> convoys;
};

ResidualPlan plan_ccrp_residual(const Instance& in, const Residual& residual, const CcrpOptions& options = {});

}  // namespace corridor::plan

#pragma once
// Proven bounds for any plan of an instance (docs/lower-bound.md):
// a lower bound on the egress time of a plan that gets everyone out, and an
// upper bound on the people who can be out by the horizon.
//
// The cut bound: take a set K of road segments (and checkpoints) that every
// vehicle must enter on its way, e.g. the segments leaving an origin or a
// minimum cut between all origins and all destinations. In each time step,
// element x of K admits at most cap_k(x) vehicles in step k (the capacity rule); a vehicle cannot enter x
// before e(x) (the free-flow time from the nearest origin, from its earliest
// departure), and after entering still needs r(x) (x's own time plus the
// free-flow time to the nearest acceptable destination). So the j-th vehicle
// through K arrives no earlier than the j-th smallest of the slot times
// max(e(x), k*step) + r(x), over all steps k and cap_k(x) slots in step k.
// Hazards and windows are ignored (a relaxation); the rules' permanent
// closures are kept, since no plan may use those roads.
#include "corridor/plan/plan.hpp"
#include "corridor/plan/stop.hpp"

namespace corridor::plan {

Bounds cut_bounds(const Instance& in, const StopToken* stop = nullptr);

// Combines bounds proven by different arguments: the larger lower bound and
// the smaller upper bound hold.
Bounds strongest(const Bounds& a, const Bounds& b);

}  // namespace corridor::plan

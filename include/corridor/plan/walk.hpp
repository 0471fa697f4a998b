#pragma once
// The first mile on foot: the people of an origin with `walk_to` walk to the
// nearest of those pick-up points on a foot network (a graph imported with
// `corridor import --walking`), and the fleet loads them there as they
// arrive.
//
// Each origin's people take the shortest walkable path (by distance, at most
// its walk_max_m) that meets no hazard's area (whenever it is active: a
// crowd on foot does not wait for shelling to stop) and no area a rule
// forbids. They leave in groups from their earliest departure, a group per
// time step as large as the path's pedestrian capacity left in the steps
// it passes each way allows (DESIGN.md's capacity per step, in persons);
// origins are served in scenario order and share the ways' capacity.
#include "corridor/graph/road_graph.hpp"
#include "corridor/plan/plan.hpp"

namespace corridor::plan {

struct WalkPlan {
  std::vector<Walk> walks;
  std::vector<Unmet> unmet;  // walker: true
};

// Plans the walks of every walker of `in` on the foot network; snaps the
// origins and pick-up points onto it within max_snap_m.
WalkPlan plan_walks(const graph::RoadGraph& foot, const Instance& in, double max_snap_m);

// Adds the walkers' arrivals to their pick-up points (people, arrivals).
void add_arrivals(Instance& in, const std::vector<Walk>& walks);

// Throws InputError when the graph is not a foot network (`corridor import
// --walking` marks its profile "mode": "foot").
void require_foot_network(const graph::RoadGraph& foot, const std::string& name);

}  // namespace corridor::plan

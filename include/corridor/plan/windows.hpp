#pragma once
// Whether each ceasefire window is long enough for the people it must
// carry, and if not, how long it would need to be.
#include <string>
#include <vector>

#include "corridor/plan/plan.hpp"

namespace corridor::plan {

struct WindowUse {
  std::string ceasefire;      // feature id
  std::size_t window = 0;     // index in its windows
  Ms from = 0, until = 0;     // the window, ms after start
  std::int64_t vehicles = 0;  // vehicles of movements on its roads during it
  std::int64_t legs = 0;      // fleet legs on its roads during it
  std::int64_t people = 0;
  Ms last_exit = 0;                // when the last of them leaves its roads
  std::optional<Ms> needed_until;  // with unmet people: when the window would have to end
};

// For each window of each ceasefire: its use by the plan. When people are
// unmet, the plan is made again with that ceasefire's last window open to
// the horizon, to say how long the window would need to be (`graph_index`
// is needed for that re-plan).
std::vector<WindowUse> window_use(const Instance& in, const PlanResult& plan, const graph::SpatialIndex& graph_index);

// One line per window for people, with UTC and local times.
std::vector<std::string> window_report(const Instance& in, const std::vector<WindowUse>& uses);

// One line per checkpoint: the vehicles that pass it and its busiest time
// step against what it takes, or, when no movement passes it, how far its
// node is from the nearest planned route, so that a scenario's author sees a
// checkpoint placed off every corridor.
std::vector<std::string> checkpoint_report(const Instance& in, const PlanResult& plan);

}  // namespace corridor::plan

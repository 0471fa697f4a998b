#pragma once
// A scenario snapped onto a road graph, in the planner's terms: integer
// times in milliseconds after the scenario's start, capacities as rates
// counted per time step (corridor::StepRate), and for every road segment the intervals during which no
// vehicle may be on it (hazards, ceasefire roads outside their windows).
// Built once per plan; immutable and shared by the heuristic, the exact
// method and the lower bound.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "corridor/graph/road_graph.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/route/arc_set.hpp"
#include "corridor/route/turns.hpp"
#include "corridor/scenario/overlay.hpp"
#include "corridor/scenario/scenario.hpp"
#include "corridor/units.hpp"

namespace corridor::plan {

using graph::ArcId;
using graph::NodeId;
using Ms = std::int64_t;  // milliseconds after the scenario's start
inline constexpr Ms k_never = std::numeric_limits<Ms>::max() / 4;

// Where a scenario point landed on the graph.
struct SnapReport {
  std::string kind;  // origin, destination, checkpoint
  std::string id;
  std::size_t feature_index = 0;
  NodeId node = graph::k_invalid;
  std::int64_t osm_node = 0;
  double distance_m = 0;
};

struct OriginSite {
  std::size_t scenario_index = 0;  // into Scenario::origins
  NodeId node = graph::k_invalid;
  std::int64_t people = 0;
  std::int64_t persons_per_vehicle = 40;
  std::int64_t vehicles = 0;  // ceil(people / persons_per_vehicle)
  Ms earliest = 0;            // earliest departure
};

struct DestinationSite {
  std::size_t scenario_index = 0;
  NodeId node = graph::k_invalid;
  std::int64_t capacity_people = 0;
  // Empty when every party accepts it; otherwise who refuses it and why:
  // "party A forbids destinations controlled by B".
  std::vector<std::string> refused_by;
  [[nodiscard]] bool acceptable() const noexcept { return refused_by.empty(); }
};

// A fleet's depot: its vehicles leave from here, no earlier than `earliest`.
struct DepotSite {
  std::size_t scenario_index = 0;
  NodeId node = graph::k_invalid;
  std::int64_t vehicles = 0;
  std::int64_t seats = 0;
  Ms load = 0;    // at a pick-up point, per trip
  Ms unload = 0;  // at a destination, per trip
  Ms earliest = 0;
  double cargo_t = 0;  // aid carried in per trip (0 when the rules forbid it)
  // Empty when every party accepts it; otherwise who refuses it and why:
  // "party A forbids depots controlled by B".
  std::vector<std::string> refused_by;
  [[nodiscard]] bool acceptable() const noexcept { return refused_by.empty(); }
};

struct PickupSite {
  std::size_t scenario_index = 0;
  NodeId node = graph::k_invalid;
  std::int64_t people = 0;    // in all: gathered there and arriving on foot
  std::int64_t gathered = 0;  // there from `earliest` (the scenario's people)
  Ms earliest = 0;
  // Walkers arriving (time, people), in time order (plan/walk.hpp).
  std::vector<std::pair<Ms, std::int64_t>> arrivals;
  // The earliest time at which `count` people have been there in all,
  // k_never when fewer ever are.
  [[nodiscard]] Ms present_by(std::int64_t count) const noexcept;
  // People who have been there by time t.
  [[nodiscard]] std::int64_t there_at(Ms t) const noexcept;
};

// An origin whose people walk to pick-up points (walk_to) instead of
// leaving in vehicles of their own; not among Instance::origins.
struct WalkerSite {
  std::size_t scenario_index = 0;  // into Scenario::origins
  std::int64_t people = 0;
  Ms earliest = 0;                   // they leave from
  std::vector<std::size_t> pickups;  // where they may go, into Instance::pickups
  double max_m = 0;                  // the farthest they walk
};

struct CheckpointSite {
  std::size_t scenario_index = 0;
  NodeId node = graph::k_invalid;
  StepRate rate;                        // vehicles_per_hour, counted per time step
  std::vector<std::string> refused_by;  // parties whose rules forbid passing it
};

// A half-open interval [from, until) of milliseconds.
struct Span {
  Ms from = 0;
  Ms until = 0;
};

class Instance {
 public:
  // Compiles the scenario onto the graph (scenario::Overlay: every point
  // within max_snap_m, else ValidationError naming each feature) and derives
  // closures and capacities in the planner's units.
  Instance(const graph::RoadGraph& g, const graph::SpatialIndex& index, const scenario::Scenario& s, double max_snap_m);
  // The same from an overlay built before (a service keeps one per scenario).
  explicit Instance(std::shared_ptr<const scenario::Overlay> overlay);

  [[nodiscard]] const graph::RoadGraph& graph() const noexcept { return g_; }
  [[nodiscard]] const scenario::Scenario& scenario() const noexcept { return s_; }
  [[nodiscard]] Ms step() const noexcept { return step_; }
  [[nodiscard]] Ms horizon() const noexcept { return horizon_; }

  // Vehicles that may enter arc a in time step k (DESIGN.md's rule:
  // floor(u(k+1)) - floor(u k)), and the arc's rate for sums over steps.
  [[nodiscard]] std::int64_t arc_capacity(ArcId a, std::int64_t k) const noexcept { return arc_rate_[a].at(k); }
  [[nodiscard]] const StepRate& arc_rate(ArcId a) const noexcept { return arc_rate_[a]; }
  // Arcs no movement may ever use: areas some party forbids, roads leaving
  // checkpoints some party refuses.
  [[nodiscard]] const route::ArcSet& always_closed() const noexcept { return overlay_->always_closed(); }
  // Also why roads are closed, for explanations (overlay().closures()).
  [[nodiscard]] const scenario::Overlay& overlay() const noexcept { return *overlay_; }
  // Intervals during which no vehicle may be on arc a (sorted, disjoint).
  [[nodiscard]] std::vector<Span> closed_spans(ArcId a) const;
  // True when a vehicle may be on arc a throughout [from, until).
  [[nodiscard]] bool may_occupy(ArcId a, Ms from, Ms until) const noexcept;
  // The earliest entry time >= t at which a vehicle can drive arc a taking
  // `duration` ms without being on it while it is closed; k_never if none
  // before the horizon.
  [[nodiscard]] Ms earliest_entry(ArcId a, Ms t, Ms duration) const noexcept;

  // The one conversion between instants and the planner's milliseconds:
  // the milliseconds after the scenario's start of instant t (the "always"
  // ends of an interval to -k_never and k_never, others clamped within),
  // and the instant of planner time t, to the second below.
  [[nodiscard]] Ms after_start(geo::UnixSeconds t) const noexcept;
  [[nodiscard]] geo::UnixSeconds instant(Ms t) const noexcept;

  // Checkpoint at node v, or -1.
  [[nodiscard]] int checkpoint_at(NodeId v) const noexcept;

  // The split graph the planner's searches run on to make no turn the
  // map's restrictions forbid (route::TurnSplit); null when it has none.
  [[nodiscard]] const route::TurnSplit* turns() const noexcept { return turns_.get(); }

  std::vector<OriginSite> origins;
  std::vector<DestinationSite> destinations;
  std::vector<CheckpointSite> checkpoints;
  std::vector<DepotSite> depots;
  std::vector<PickupSite> pickups;
  std::vector<WalkerSite> walkers;
  // Whom a rule forbidding aid inbound names (empty: aid may go in).
  std::vector<std::string> aid_refused_by;
  std::vector<SnapReport> snaps;

 private:
  std::shared_ptr<const scenario::Overlay> overlay_;
  const graph::RoadGraph& g_;
  const scenario::Scenario& s_;
  Ms step_ = 60'000;
  Ms horizon_ = 0;
  std::vector<StepRate> arc_rate_;
  std::vector<std::uint32_t> span_first_;  // arc -> spans, CSR; empty when no arc has spans
  std::vector<Span> spans_;
  std::vector<std::pair<NodeId, int>> checkpoint_nodes_;  // sorted by node
  std::shared_ptr<const route::TurnSplit> turns_;
};

}  // namespace corridor::plan

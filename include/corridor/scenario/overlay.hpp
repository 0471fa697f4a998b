#pragma once
// A scenario compiled onto a road graph, once: where its points landed, which
// arcs each of its features closes and when, and why. Everything that routes
// or plans on a scenario reads this one overlay: closures_at(t) for a route
// at one instant (the CLI route, the OSRM endpoint, the map), the permanent
// closures and the per-arc closed spans for the planner's entry rules. (The
// plan checker keeps its own reading of the scenario on purpose.)
//
// What closes what (docs/scenario.md):
//   hazard      arcs meeting its polygon, while it is active
//   ceasefire   arcs meeting its polygon, outside all of its windows
//   area        arcs meeting it, always, when a party's rule forbids it
//   checkpoint  the arcs leaving its node, always, when a party's rule
//               refuses checkpoints of its operator
// A checkpoint's node is the nearer end of the road segment nearest to it,
// so a checkpoint drawn on a road constrains that road; other points snap
// to the nearest node that suits their role.
// Immutable after construction; the graph, index and scenario must outlive it.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "corridor/error.hpp"
#include "corridor/graph/road_graph.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/route/arc_set.hpp"
#include "corridor/scenario/scenario.hpp"

namespace corridor::scenario {

// What a point is snapped for, and so which roads its node needs.
enum class Role : std::uint8_t {
  origin,       // vehicles leave: a road must leave the node
  destination,  // vehicles arrive: a road must arrive at it
  via,          // both: an intermediate point of a route
  checkpoint,   // any node with a road
  depot,        // a fleet leaves: a road must leave the node
  pickup,       // a fleet comes and goes: roads both ways
};
[[nodiscard]] std::string_view to_string(Role role) noexcept;

// The nearest node within max_m that suits `role`, or nullopt and the
// reason in *why: "no road within 1000 m (the nearest is 2345 m away)".
std::optional<graph::Snap> snap_point(const graph::RoadGraph& g, const graph::SpatialIndex& index, geo::LonLat p,
                                      Role role, double max_m, std::string* why = nullptr);

// The nearest point of the nearest road segment within max_m, or nullopt
// and the reason in *why, worded as snap_point's.
std::optional<graph::SegmentSnap> snap_segment(const graph::SpatialIndex& index, geo::LonLat p, double max_m,
                                               std::string* why = nullptr);

enum class ClosureKind : std::uint8_t { hazard, ceasefire, area, checkpoint };
[[nodiscard]] std::string_view to_string(ClosureKind kind) noexcept;

// One feature's closure (for areas and checkpoints: one per rule that
// forbids it).
struct Closure {
  ClosureKind kind = ClosureKind::hazard;
  std::string id;                  // the feature's id
  std::string party;               // area, checkpoint: whose rule forbids it
  std::string operated_by;         // checkpoint: its operator
  std::vector<graph::ArcId> arcs;  // sorted
  std::vector<Interval> closed;    // UTC spans the arcs are closed, sorted and disjoint
  std::string problem;             // a checkpoint too far from any road: why it closes nothing

  [[nodiscard]] bool closed_at(geo::UnixSeconds t) const noexcept;
  // Why, in words: "active 2022-03-05T10:00:00Z to open end", "outside every
  // window", "forbidden by party B", "operated by A, refused by party B".
  [[nodiscard]] std::string reason() const;
};

// Where an origin, destination or checkpoint landed.
struct PointSnap {
  Role role = Role::origin;
  std::size_t index = 0;  // into the scenario's list of its role's features
  std::string id;
  std::size_t feature_index = 0;          // position in "features"
  graph::NodeId node = graph::k_invalid;  // k_invalid: too far from any road
  double distance_m = 0;
};

// The roads closed at one instant, and by which features.
struct ClosureCause {
  ClosureKind kind = ClosureKind::hazard;
  std::string id;
  std::string reason;
  std::uint32_t arcs = 0;
};
struct Closures {
  route::ArcSet closed;
  std::vector<ClosureCause> causes;
};

class Overlay {
 public:
  // Snaps every point within max_snap_m; one that is too far is kept with
  // node k_invalid and listed in problems() (the planner refuses such a
  // scenario, a route merely reports it).
  Overlay(const graph::RoadGraph& g, const graph::SpatialIndex& index, const Scenario& s, double max_snap_m);

  [[nodiscard]] const graph::RoadGraph& graph() const noexcept { return g_; }
  [[nodiscard]] const Scenario& scenario() const noexcept { return s_; }

  // Origins, destinations, checkpoints, depots, then pick-up points, each in
  // scenario order.
  [[nodiscard]] const std::vector<PointSnap>& snaps() const noexcept { return snaps_; }
  [[nodiscard]] const PointSnap& origin(std::size_t i) const { return snaps_[i]; }
  [[nodiscard]] const PointSnap& destination(std::size_t i) const { return snaps_[s_.origins.size() + i]; }
  [[nodiscard]] const PointSnap& checkpoint(std::size_t i) const {
    return snaps_[s_.origins.size() + s_.destinations.size() + i];
  }
  [[nodiscard]] const PointSnap& depot(std::size_t i) const {
    return snaps_[s_.origins.size() + s_.destinations.size() + s_.checkpoints.size() + i];
  }
  [[nodiscard]] const PointSnap& pickup(std::size_t i) const {
    return snaps_[s_.origins.size() + s_.destinations.size() + s_.checkpoints.size() + s_.depots.size() + i];
  }
  // Points too far from any road, with the feature's JSON path.
  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

  [[nodiscard]] const std::vector<Closure>& closures() const noexcept { return closures_; }
  // Arcs no movement may ever use (forbidden areas, refused checkpoints).
  [[nodiscard]] const route::ArcSet& always_closed() const noexcept { return always_closed_; }
  // UTC spans during which arc a is closed by hazards and ceasefires,
  // sorted and disjoint (empty for most arcs).
  [[nodiscard]] std::span<const Interval> closed_spans(graph::ArcId a) const noexcept;
  // Every arc closed at instant t, and the causes active then.
  [[nodiscard]] Closures closures_at(geo::UnixSeconds t) const;
  // The instant a request names (RFC 3339 with an offset), the scenario's
  // start when `text` is empty; nullopt with `why` when it is not a time.
  [[nodiscard]] std::optional<geo::UnixSeconds> instant(std::string_view text, std::string* why) const;

 private:
  const graph::RoadGraph& g_;
  const Scenario& s_;
  std::vector<PointSnap> snaps_;
  std::vector<Problem> problems_;
  std::vector<Closure> closures_;
  route::ArcSet always_closed_;
  std::vector<std::uint32_t> span_first_;  // arc -> spans_, CSR in the graph's arc order; empty: no spans
  std::vector<Interval> spans_;
};

}  // namespace corridor::scenario

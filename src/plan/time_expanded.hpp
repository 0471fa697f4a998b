#pragma once
// The time-expanded network behind the exact method and the lower bound
// (flows over time, Ford & Fulkerson 1958): a copy of every node per time
// step, a copy of every road section per entry step. Two models share this
// builder; docs/lower-bound.md defines them and proves what each is.
//
// exact:   sections are the roads between junctions (chains of segments
//          through nodes with two neighbours and nothing on them). A
//          section entered at step k is driven without stopping and left at
//          step k + ceil(time/step) (at least 1); it exists only if each of
//          its segments is open while the vehicle is on it. Vehicles wait
//          before departing, and at the end of a section while its last
//          segment stays open. Every flow is a feasible plan.
// relaxed: sections are single segments. One entered in step k is left no
//          earlier than step floor((t0 + time)/step), t0 its earliest open
//          entry in the step; vehicles wait anywhere. Every feasible plan
//          is a flow.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <lemon/smart_graph.h>

#include "corridor/plan/instance.hpp"

namespace corridor::plan::te {

enum class Model { exact, relaxed };

inline constexpr std::int32_t k_no_step = std::numeric_limits<std::int32_t>::max();

// Multi-source Dijkstra over the arcs no rule closes for good; sources carry
// their start distances. reverse: along arcs backwards (distance to the
// sources). Unreachable: k_never.
std::vector<Ms> distances(const Instance& in, const std::vector<std::pair<NodeId, Ms>>& sources, bool reverse,
                          const std::function<Ms(ArcId)>& weight);

// Acceptable destinations as Dijkstra sources at distance 0.
std::vector<std::pair<NodeId, Ms>> acceptable_destinations(const Instance& in);

// What one unit of flow is: supplies leave the super source for an origin's
// node at its first step; each has a weight (people per unit) for the
// max-weight objective.
struct Supply {
  std::size_t origin = 0;
  std::int64_t amount = 0;
  std::int64_t weight = 1;
};

inline constexpr std::int64_t k_unbounded = -1;

struct Units {
  std::int64_t road_factor = 1;  // multiplies segment and checkpoint capacities
  std::vector<Supply> supplies;
  std::vector<std::int64_t> intake;  // per destination: units it takes, 0 none, k_unbounded
  bool bypass = false;               // an arc source -> sink for units that stay home
};

enum class ArcKind : std::uint8_t { road, wait, source, sink, other };

struct ArcInfo {
  ArcKind kind = ArcKind::other;
  std::int32_t step = 0;     // entry step (road), arrival step (sink), first step (source)
  std::int32_t advance = 0;  // steps the arc spans
  std::uint32_t ref = 0;     // road arc, origin (source) or destination (sink)
};

// One built network.
struct Expanded {
  lemon::SmartDigraph g;
  lemon::SmartDigraph::ArcMap<std::int64_t> capacity{g};
  lemon::SmartDigraph::Node source;
  lemon::SmartDigraph::Node sink;
  std::vector<ArcInfo> info;  // by arc id
  std::int64_t total_supply = 0;
  std::vector<std::pair<int, std::int64_t>> source_weight;  // (arc id, weight) of every source arc
};

struct Pattern;  // time_expanded_engine.hpp

// A road section: segments first..last-1 of Network::arcs(), driven in a row.
struct Section {
  NodeId tail = 0;
  NodeId head = 0;
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  Ms time = 0;             // free-flow time of all its segments
  std::int32_t steps = 1;  // exact: steps a vehicle spends on it
  bool buffered = false;   // exact: its last segment closes some time within the horizon
};

class Network {
 public:
  // substeps (exact model only): copies per time step; the capacity of a
  // step is split over its substeps as evenly as whole vehicles allow.
  // condense (relaxed model only): time steps per copy, a condensed
  // time-expanded network (Fleischer & Skutella 2007): a copy spans
  // `condense` steps and admits what they admit together, so it is still a
  // relaxation, with that many times fewer copies.
  Network(const Instance& in, Model model, int substeps = 1, int condense = 1);

  // Milliseconds between copies: the time step over substeps, or times condense.
  [[nodiscard]] Ms tick() const noexcept { return tick_; }
  // K: the last step (tick) a vehicle may arrive in.
  [[nodiscard]] int horizon_steps() const noexcept { return horizon_steps_; }
  // Nodes that get time copies (junctions in the exact model).
  [[nodiscard]] std::size_t junctions() const noexcept { return junctions_; }
  // Node copies of the network for arrivals by step T, after pruning copies
  // no vehicle can reach in time or leave in time to arrive by T.
  [[nodiscard]] std::uint64_t node_copies(int last_step) const;
  // The network for arrivals by step last_step.
  [[nodiscard]] std::unique_ptr<Expanded> build(int last_step, const Units& units) const;
  // The same network as a pattern for the engine (exact model), with the
  // arcs into the destinations gated: with the gate at T < last_step it
  // carries what build(T, units) carries.
  [[nodiscard]] Pattern pattern(int last_step, const Units& units) const;

  [[nodiscard]] const Section& section(std::uint32_t i) const { return sections_[i]; }
  // Segment i of the flat list sections index, and its start time within its section.
  [[nodiscard]] ArcId arc(std::uint32_t i) const { return arcs_[i]; }
  [[nodiscard]] Ms offset(std::uint32_t i) const { return offsets_[i]; }
  // The step an origin's vehicles are first available in.
  [[nodiscard]] std::int32_t departure_step(std::size_t origin) const;
  // No arrival of everyone before this step, ignoring capacities;
  // k_no_step when some origin reaches no acceptable destination.
  [[nodiscard]] std::int32_t earliest_last_step() const;

 private:
  void make_sections();
  // Vehicles that may enter section s at tick k: the least of what each of
  // its segments admits in the tick the vehicles enter that segment.
  // Capacities are rates per tick (u / substeps, StepRate::split), so the
  // ticks of one step admit together exactly what the step does.
  [[nodiscard]] std::int64_t section_capacity(const Section& s, std::int32_t k) const noexcept;
  // Exact model: may a vehicle entering section s at step k drive it?
  [[nodiscard]] bool drivable(const Section& s, std::int32_t k) const;
  // Multi-source Dijkstra over the sections, forward or backward.
  [[nodiscard]] std::vector<Ms> section_distances(const std::vector<std::pair<NodeId, Ms>>& sources, bool reverse,
                                                  bool in_steps) const;

  const Instance& in_;
  Model model_;
  // A rate per time step as a rate per tick.
  [[nodiscard]] StepRate per_tick(const StepRate& r) const noexcept {
    return substeps_ > 1 ? r.split(substeps_) : r.joined(condense_);
  }

  int substeps_ = 1;
  int condense_ = 1;
  Ms tick_ = 60'000;
  int horizon_steps_ = 0;
  std::size_t junctions_ = 0;
  std::vector<Section> sections_;
  std::vector<ArcId> arcs_;
  std::vector<Ms> offsets_;
  std::vector<StepRate> rates_;             // per segment of arcs_: its rate per tick
  std::vector<std::int32_t> shifts_;        // per segment of arcs_: whole ticks from its section's entry to its own
  std::vector<StepRate> checkpoint_rates_;  // per checkpoint: its rate per tick
  std::vector<std::uint32_t> out_first_;    // per node + 1: sections leaving it, CSR into out_
  std::vector<std::uint32_t> out_;
  std::vector<std::uint32_t> in_first_;  // per node + 1: sections entering it, CSR into into_
  std::vector<std::uint32_t> into_;
  std::vector<std::int32_t> first_;  // per node: first step anything can be there (k_no_step: never)
  std::vector<std::int32_t> to_go_;  // per node: steps to the nearest acceptable destination
  std::vector<Ms> first_ms_;         // relaxed: earliest arrival in ms
};

// The smallest step in [lo, hi] satisfying a monotone test that hi passes.
template <typename Test>
int smallest_step(int lo, int hi, const Test& passes) {
  while (lo < hi) {
    const int mid = lo + (hi - lo) / 2;
    if (passes(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  return hi;
}

// The smallest step in [lo, hi] passing a monotone test, or nullopt when
// hi fails. Tries lo, lo+1, lo+3, lo+7, ... first (small networks are
// cheap, and the answer is usually near lo), then bisects.
template <typename Test>
std::optional<int> first_passing(int lo, int hi, const Test& passes) {
  if (lo > hi) return std::nullopt;
  int failed = lo - 1;
  int t = lo;
  for (int gap = 1; !passes(t); gap *= 2) {
    if (t == hi) return std::nullopt;
    failed = t;
    t = t + gap >= hi || gap > hi ? hi : t + gap;
  }
  return smallest_step(failed + 1, t, passes);
}

// Maximum flow value (LEMON Preflow); optionally the flow, by arc id.
std::int64_t max_flow(const Expanded& x, std::vector<std::int64_t>* flow = nullptr);

// Maximum total weight of the supplies that reach the sink (LEMON
// NetworkSimplex; needs units.bypass). With tidy, ties are broken towards
// early arrivals and few segments, and the flow is returned by arc id.
std::int64_t max_weight(const Expanded& x, bool tidy, std::vector<std::int64_t>* flow = nullptr);

// Flow of value x.total_supply with early arrivals and few segments (LEMON
// NetworkSimplex); the caller knows it is feasible.
std::vector<std::int64_t> tidy_full_flow(const Expanded& x);

}  // namespace corridor::plan::te

#pragma once
// Residual capacity over time: vehicles entering each arc, and passing each
// checkpoint, per time step. Sparse: only (arc, step) pairs in use are stored.
#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "corridor/plan/instance.hpp"

namespace corridor::plan {

class CapacityLedger {
 public:
  explicit CapacityLedger(const Instance& in)
      : in_(in), first_open_(in.graph().arc_count(), 0), used_(in.graph().arc_count(), false) {}

  [[nodiscard]] std::int64_t arc_left(ArcId a, std::int64_t step) const {
    const std::int64_t cap = in_.arc_capacity(a, step);
    if (cap == 0) return 0;
    // Most arcs a search relaxes carry no vehicle at all: no hash lookup.
    if (!used_[a]) return cap;
    const auto it = arc_used_.find(key(a, step));
    return it == arc_used_.end() ? cap : std::max<std::int64_t>(0, cap - it->second);
  }
  [[nodiscard]] std::int64_t checkpoint_left(int checkpoint, std::int64_t step) const {
    const std::int64_t cap = in_.checkpoints[static_cast<std::size_t>(checkpoint)].rate.at(step);
    if (cap == 0) return 0;
    const auto it = checkpoint_used_.find(key(static_cast<std::uint32_t>(checkpoint), step));
    return it == checkpoint_used_.end() ? cap : std::max<std::int64_t>(0, cap - it->second);
  }
  // Every step before this one is full on arc a: searches start here.
  [[nodiscard]] std::int64_t first_open_step(ArcId a) const { return first_open_[a]; }

  void take_arc(ArcId a, std::int64_t step, std::int64_t vehicles) {
    used_[a] = true;
    arc_used_[key(a, step)] += vehicles;
    while (first_open_[a] == step && arc_left(a, step) == 0 && in_.arc_rate(a).most() > 0) first_open_[a] = ++step;
  }
  // Room for `entries` more (arc, step) pairs without rehashing.
  void reserve(std::size_t entries) { arc_used_.reserve(arc_used_.size() + entries); }
  void take_checkpoint(int checkpoint, std::int64_t step, std::int64_t vehicles) {
    checkpoint_used_[key(static_cast<std::uint32_t>(checkpoint), step)] += vehicles;
  }

 private:
  static std::uint64_t key(std::uint32_t id, std::int64_t step) {
    return (std::uint64_t{id} << 24) | static_cast<std::uint64_t>(step);
  }
  const Instance& in_;
  std::unordered_map<std::uint64_t, std::int64_t> arc_used_;
  std::unordered_map<std::uint64_t, std::int64_t> checkpoint_used_;
  std::vector<std::int64_t> first_open_;
  std::vector<bool> used_;  // per arc: any step taken
};

// The earliest time >= ready at which `need` vehicles standing at the tail
// of a (having arrived by `parent`, graph::k_invalid at their start) can
// enter a: the arc open for the whole trip, room on it and at the
// checkpoint at its tail (-1: none) in that step, and the parent arc open
// while they wait. k_never when there is no such time before the horizon.
inline Ms earliest_room(const Instance& in, const CapacityLedger& ledger, ArcId a, Ms ready, ArcId parent,
                        std::int64_t need, int checkpoint) {
  const Ms step = in.step();
  const Ms tt = in.graph().time_ms[a];
  Ms tau = std::max(ready, ledger.first_open_step(a) * step);
  while (true) {
    tau = in.earliest_entry(a, tau, tt);
    if (tau == k_never) return k_never;
    const Ms k = tau / step;
    if (ledger.arc_left(a, k) < need || (checkpoint >= 0 && ledger.checkpoint_left(checkpoint, k) < need)) {
      tau = (k + 1) * step;
      continue;
    }
    if (parent != graph::k_invalid && tau > ready && !in.may_occupy(parent, ready, tau)) return k_never;
    return tau;
  }
}

// The arcs of the path to `target` in a search tree (the arc each node was
// reached by, graph::k_invalid at the root) and when each was entered, in
// driving order.
inline void trace_path(const graph::RoadGraph& g, const std::vector<ArcId>& parent, const std::vector<Ms>& entered,
                       NodeId target, std::vector<ArcId>& arcs, std::vector<Ms>& enter) {
  for (NodeId v = target; parent[v] != graph::k_invalid; v = g.tail[parent[v]]) {
    arcs.push_back(parent[v]);
    enter.push_back(entered[v]);
  }
  std::reverse(arcs.begin(), arcs.end());
  std::reverse(enter.begin(), enter.end());
}

}  // namespace corridor::plan

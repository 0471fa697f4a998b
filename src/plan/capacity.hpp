#pragma once
// Residual capacity over time: vehicles entering each arc, and passing each
// checkpoint, per time step. Sparse: only the arcs in use have counts, in
// pages of 64 steps allocated at their first use.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "corridor/plan/ccrp.hpp"
#include "corridor/plan/instance.hpp"

namespace corridor::plan {

// A count per (id, step), zero until added to: per id in use a table of
// pages, each 64 consecutive steps. Reading is three array lookups, no
// hashing: the searches read it for every arc a convoy may enter. Counts
// are stored in 32 bits, saturating (no capacity per step comes near):
// a re-plan on Mannheim's exercise builds tables of 1.2 million counts.
class StepCounts {
 public:
  explicit StepCounts(std::uint32_t ids) : slot_(ids, k_none) {}

  [[nodiscard]] bool any(std::uint32_t id) const noexcept { return slot_[id] != k_none; }
  [[nodiscard]] std::int64_t at(std::uint32_t id, std::int64_t step) const noexcept {
    const auto s = slot_[id];
    if (s == k_none || step < 0) return 0;
    const auto& pages = pages_[s];
    const auto p = static_cast<std::size_t>(step >> k_page_bits);
    if (p >= pages.size() || pages[p] == k_none) return 0;
    return counts_[(std::size_t{pages[p]} << k_page_bits) | static_cast<std::size_t>(step & k_page_mask)];
  }
  // Steps before the start (none are planned) count nothing; n >= 0.
  void add(std::uint32_t id, std::int64_t step, std::int64_t n) {
    if (step < 0) return;
    if (slot_[id] == k_none) {
      slot_[id] = static_cast<std::uint32_t>(pages_.size());
      pages_.emplace_back();
    }
    auto& pages = pages_[slot_[id]];
    const auto p = static_cast<std::size_t>(step >> k_page_bits);
    if (p >= pages.size()) pages.resize(p + 1, k_none);
    if (pages[p] == k_none) {
      pages[p] = static_cast<std::uint32_t>(counts_.size() >> k_page_bits);
      counts_.resize(counts_.size() + (std::size_t{1} << k_page_bits), 0);
    }
    auto& c = counts_[(std::size_t{pages[p]} << k_page_bits) | static_cast<std::size_t>(step & k_page_mask)];
    c = static_cast<std::int32_t>(std::min<std::int64_t>(c + n, std::numeric_limits<std::int32_t>::max()));
  }

 private:
  static constexpr std::uint32_t k_none = ~std::uint32_t{0};
  static constexpr int k_page_bits = 6;
  static constexpr std::int64_t k_page_mask = (std::int64_t{1} << k_page_bits) - 1;
  std::vector<std::uint32_t> slot_;                // per id: its page table, or k_none
  std::vector<std::vector<std::uint32_t>> pages_;  // per id in use: page per 64 steps, or k_none
  std::vector<std::int32_t> counts_;               // the pages
};

class CapacityLedger {
 public:
  explicit CapacityLedger(const Instance& in)
      : in_(in),
        first_open_(in.graph().arc_count(), 0),
        arc_used_(in.graph().arc_count()),
        checkpoint_used_(static_cast<std::uint32_t>(in.checkpoints.size())) {}

  [[nodiscard]] std::int64_t arc_left(ArcId a, std::int64_t step) const {
    const std::int64_t cap = in_.arc_capacity(a, step);
    if (cap == 0) return 0;
    // Most arcs a search relaxes carry no vehicle at all: one lookup.
    if (!arc_used_.any(a)) return cap;
    return std::max<std::int64_t>(0, cap - arc_used_.at(a, step));
  }
  [[nodiscard]] std::int64_t checkpoint_left(int checkpoint, std::int64_t step) const {
    const std::int64_t cap = in_.checkpoints[static_cast<std::size_t>(checkpoint)].rate.at(step);
    if (cap == 0) return 0;
    return std::max<std::int64_t>(0, cap - checkpoint_used_.at(static_cast<std::uint32_t>(checkpoint), step));
  }
  // Every step before this one is full on arc a: searches start here.
  [[nodiscard]] std::int64_t first_open_step(ArcId a) const { return first_open_[a]; }

  void take_arc(ArcId a, std::int64_t step, std::int64_t vehicles) {
    arc_used_.add(a, step, vehicles);
    while (first_open_[a] == step && arc_left(a, step) == 0 && in_.arc_rate(a).most() > 0) first_open_[a] = ++step;
  }
  void take_checkpoint(int checkpoint, std::int64_t step, std::int64_t vehicles) {
    checkpoint_used_.add(static_cast<std::uint32_t>(checkpoint), step, vehicles);
  }
  // m's vehicles on its segment k (arc a, entered at m.times[k]) and at
  // the checkpoint at its tail.
  void take(const Movement& m, std::size_t k, ArcId a) {
    const auto step = m.times[k] / in_.step();
    take_arc(a, step, m.vehicles);
    if (const int cp = in_.checkpoint_at(m.nodes[k]); cp >= 0) take_checkpoint(cp, step, m.vehicles);
  }
  // Every segment of m (a pair of nodes not joined on the map counts none).
  void take(const Movement& m) {
    for (std::size_t k = 0; k + 1 < m.nodes.size(); ++k) {
      if (const ArcId a = in_.graph().find_arc(m.nodes[k], m.nodes[k + 1]); a != graph::k_invalid) take(m, k, a);
    }
  }

 private:
  const Instance& in_;
  std::vector<std::int64_t> first_open_;
  StepCounts arc_used_;
  StepCounts checkpoint_used_;
};

// The earliest time >= ready at which `need` vehicles standing at the tail
// of a (having arrived by `parent`, graph::k_invalid at their start) can
// enter a: the arc open for the whole trip, room on it and at the
// checkpoint at its tail (-1: none) in that step, and the parent arc open
// while they wait. k_never when there is no such time before the horizon;
// then *parent_closes (when given) is set if it is the parent closing under
// them that stopped them (who came later could have waited elsewhere).
inline Ms earliest_room(const Instance& in, const CapacityLedger& ledger, ArcId a, Ms ready, ArcId parent,
                        std::int64_t need, int checkpoint, bool* parent_closes = nullptr) {
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
    if (parent != graph::k_invalid && tau > ready && !in.may_occupy(parent, ready, tau)) {
      if (parent_closes != nullptr) *parent_closes = true;
      return k_never;
    }
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

// plan_ccrp_residual with the capacity residual.taken uses already counted
// in `used` (built on an instance with in's roads and checkpoints): what a
// re-planner that counted it itself hands on, instead of counting it again.
ResidualPlan plan_ccrp_residual(const Instance& in, const Residual& residual, CapacityLedger used,
                                const CcrpOptions& options);

}  // namespace corridor::plan

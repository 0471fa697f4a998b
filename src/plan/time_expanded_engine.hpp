#pragma once
// A maximum-flow engine for time-expanded networks at city scale. The
// network over time is never built: it is given by its pattern (a "layer"
// per node of the static network, with copies for ticks lo..hi, and "links"
// from layer a at tick k to layer b at tick k + shift), and a node copy is
// an index computed from (layer, tick). State is flat arrays: per node copy
// its layer, excess, label, current arc and bucket links (26 bytes), per
// link copy its flow (4 bytes) and, for links of bounded capacity, its
// capacity (4 bytes).
//
// The algorithm is push-relabel (Goldberg & Tarjan 1988) with highest-label
// selection, global relabelling by a backward breadth-first search from the
// sink and the gap heuristic (Cherkassky & Goldberg 1997), first phase
// only: excess that cannot reach the sink stays where it is. That preflow
// is valid for every later, larger gate, so a search for the quickest
// transshipment (Hoppe & Tardos 2000) opens the arcs into the sink one
// step at a time and carries on from the flow it has.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "corridor/plan/stop.hpp"
#include "plan/time_expanded.hpp"

namespace corridor::plan::te {

struct Pattern {
  struct Layer {
    std::int32_t lo = 0;
    std::int32_t hi = -1;
  };
  struct Link {
    std::uint32_t tail = 0;
    std::uint32_t head = 0;
    std::int32_t shift = 0;                                      // copy (tail, k) leads to (head, k + shift)
    std::int32_t lo = std::numeric_limits<std::int32_t>::min();  // ticks k of the tail with a copy of the link
    std::int32_t hi = std::numeric_limits<std::int32_t>::max();
    std::int64_t caps = -1;  // index of copy lo's capacity in Pattern::caps; -1: unbounded
    bool gated = false;      // copies with k above the engine's gate are closed
    ArcKind kind = ArcKind::other;
    std::uint32_t ref = 0;  // the section of a road link
  };
  // A supply at a node copy (units from the source), or a drain (units
  // into the sink, at most amount, k_unbounded: any).
  struct Terminal {
    std::uint32_t layer = 0;
    std::int32_t tick = 0;
    std::int64_t amount = 0;
    std::uint32_t ref = 0;  // origin, or destination
  };
  std::vector<Layer> layers;
  std::vector<Link> links;
  std::vector<std::int32_t> caps;
  std::vector<Terminal> supplies;
  std::vector<Terminal> drains;

  // Node copies of all layers.
  [[nodiscard]] std::uint64_t copies() const;
  // Appends a layer for ticks [lo, hi] and returns its index.
  std::uint32_t add_layer(std::int32_t lo, std::int32_t hi);
  // Appends a link for the ticks k in [link.lo, link.hi] where both ends
  // have copies, of unbounded capacity or of capacity(k) (at most
  // k_unbounded_capacity).
  void add_link(Link link);
  template <typename Capacity>
  void add_link(Link link, const Capacity& capacity);

 private:
  bool clip(Link& link) const;
};

inline constexpr std::int32_t k_unbounded_capacity = 1 << 30;

template <typename Capacity>
void Pattern::add_link(Link link, const Capacity& capacity) {
  if (!clip(link)) return;
  link.caps = static_cast<std::int64_t>(caps.size());
  for (auto k = link.lo; k <= link.hi; ++k)
    caps.push_back(static_cast<std::int32_t>(std::min<std::int64_t>(capacity(k), k_unbounded_capacity)));
  links.push_back(link);
}

class Engine {
 public:
  // Throws std::length_error when the units exceed what 32-bit flows hold.
  Engine(Pattern pattern, const StopToken* stop);

  // Carries as much of the supply to the sink as the network allows with
  // gated links open up to tick `gate` (never lower than a previous call's),
  // from the flow found so far; returns the units at the sink.
  std::int64_t solve(std::int32_t gate);
  [[nodiscard]] std::int64_t supply() const noexcept { return supply_; }
  [[nodiscard]] const Pattern& pattern() const noexcept { return p_; }
  // Bytes held by the engine's arrays.
  [[nodiscard]] std::uint64_t bytes() const noexcept;

  // One path of the flow's decomposition: units of a supply entering the
  // listed copies of road links (link, tick) and leaving by a drain.
  struct Route {
    std::size_t supply = 0;
    std::size_t drain = 0;
    std::int64_t units = 0;
    std::vector<std::pair<std::uint32_t, std::int32_t>> roads;
  };
  // Decomposes the flow once solve() carried the whole supply (cycles of
  // links of no time are cancelled on the way). Consumes the flow.
  std::vector<Route> routes();

 private:
  using Copy = std::uint32_t;
  static constexpr std::int32_t k_inf = k_unbounded_capacity;

  [[nodiscard]] Copy copy(std::uint32_t layer, std::int32_t k) const noexcept {
    return first_[layer] + static_cast<Copy>(k - p_.layers[layer].lo);
  }
  [[nodiscard]] bool open(const Pattern::Link& l, std::int32_t k) const noexcept {
    return k >= l.lo && k <= l.hi && (!l.gated || k <= gate_);
  }
  [[nodiscard]] std::int32_t capacity(std::uint32_t link, std::int32_t k) const noexcept {
    const auto& l = p_.links[link];
    return l.caps < 0 ? k_inf : p_.caps[static_cast<std::size_t>(l.caps + (k - l.lo))];
  }
  [[nodiscard]] std::int32_t& flow(std::uint32_t link, std::int32_t k) noexcept {
    return flow_[link_first_[link] + static_cast<std::uint64_t>(k - p_.links[link].lo)];
  }
  // Arc i of copy x = (layer, k): its out links, then its in links
  // (backwards), then its drain. Sets the other end (sink_ for the sink)
  // and returns the residual capacity (0 where the arc has no copy).
  std::int32_t residual(std::uint32_t layer, std::int32_t k, std::uint32_t i, Copy& other) noexcept;
  void push(std::uint32_t layer, std::int32_t k, std::uint32_t i, std::int32_t delta) noexcept;
  [[nodiscard]] std::uint32_t degree(std::uint32_t layer) const noexcept {
    return out_first_[layer + 1] - out_first_[layer] + in_first_[layer + 1] - in_first_[layer] +
           (drain_of_[layer] >= 0 ? 1 : 0);
  }

  void global_relabel();
  void discharge(Copy x);
  void relabel(Copy x, std::uint32_t layer, std::int32_t k);
  void gap(std::int32_t label);
  void link_all(Copy x);
  void unlink_all(Copy x);
  void activate(Copy x);

  Pattern p_;
  const StopToken* stop_;
  std::int32_t gate_ = -1;
  std::int64_t supply_ = 0;
  std::int64_t at_sink_ = 0;
  Copy n_ = 0;  // node copies; label n_ means "cannot reach the sink"
  Copy sink_ = 0;
  std::vector<Copy> first_;                // per layer: copy of tick lo
  std::vector<std::uint64_t> link_first_;  // per link: flow index of tick lo
  std::vector<std::uint32_t> out_first_;   // per layer + 1, CSR into out_
  std::vector<std::uint32_t> out_;         // links by tail
  std::vector<std::uint32_t> in_first_;    // per layer + 1, CSR into in_
  std::vector<std::uint32_t> in_;          // links by head
  std::vector<std::int32_t> drain_of_;     // per layer: its drain, or -1
  std::vector<std::int32_t> drained_;      // per drain: units into the sink
  std::vector<std::int32_t> flow_;         // per link copy
  std::vector<std::uint32_t> layer_of_;    // per node copy
  std::vector<std::int32_t> excess_;       // per node copy
  std::vector<std::int32_t> label_;        // per node copy
  std::vector<std::uint16_t> current_;     // per node copy: next arc to try
  std::vector<Copy> next_, prev_;          // per node copy: the list of its label
  std::vector<Copy> active_next_;  // per node copy: the active stack of its label (the queue of a global relabel)
  std::vector<Copy> all_head_, active_head_;  // per label
  std::int32_t max_label_ = -1;               // highest label with a node in all lists
  std::int32_t max_active_ = -1;              // highest label that may have an active node
  std::uint64_t work_ = 0;
  std::uint64_t relabel_every_ = 0;
};

}  // namespace corridor::plan::te

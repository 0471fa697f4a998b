#pragma once
// Residual capacity over time: vehicles entering each arc, and passing each
// checkpoint, per time step. Sparse: only (arc, step) pairs in use are stored.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "corridor/plan/instance.hpp"

namespace corridor::plan {

class CapacityLedger {
 public:
  explicit CapacityLedger(const Instance& in) : in_(in), first_open_(in.graph().arc_count(), 0) {}

  [[nodiscard]] std::uint32_t arc_left(ArcId a, std::int64_t step) const {
    const auto it = arc_used_.find(key(a, step));
    const std::uint32_t used = it == arc_used_.end() ? 0 : it->second;
    return in_.arc_capacity(a) - std::min(used, in_.arc_capacity(a));
  }
  [[nodiscard]] std::uint32_t checkpoint_left(int checkpoint, std::int64_t step) const {
    const auto it = checkpoint_used_.find(key(static_cast<std::uint32_t>(checkpoint), step));
    const std::uint32_t cap = in_.checkpoints[static_cast<std::size_t>(checkpoint)].per_step;
    const std::uint32_t used = it == checkpoint_used_.end() ? 0 : it->second;
    return cap - std::min(used, cap);
  }
  // Every step before this one is full on arc a: searches start here.
  [[nodiscard]] std::int64_t first_open_step(ArcId a) const { return first_open_[a]; }

  void take_arc(ArcId a, std::int64_t step, std::uint32_t vehicles) {
    arc_used_[key(a, step)] += vehicles;
    while (first_open_[a] == step && arc_left(a, step) == 0) first_open_[a] = ++step;
  }
  void take_checkpoint(int checkpoint, std::int64_t step, std::uint32_t vehicles) {
    checkpoint_used_[key(static_cast<std::uint32_t>(checkpoint), step)] += vehicles;
  }

 private:
  static std::uint64_t key(std::uint32_t id, std::int64_t step) {
    return (std::uint64_t{id} << 24) | static_cast<std::uint64_t>(step);
  }
  const Instance& in_;
  std::unordered_map<std::uint64_t, std::uint32_t> arc_used_;
  std::unordered_map<std::uint64_t, std::uint32_t> checkpoint_used_;
  std::vector<std::int64_t> first_open_;
};

}  // namespace corridor::plan

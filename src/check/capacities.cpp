// Capacities per time step, over all movements: the vehicles entering each
// road segment, and the vehicles passing each checkpoint (entering a segment
// from its node), counted in steps [k*step, (k+1)*step) after the start.
#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "check/checker.hpp"

namespace corridor::check::detail {
namespace {

// (segment or checkpoint, step) as one hash key.
std::uint64_t key_of(std::uint32_t what, std::int64_t step) {
  return (std::uint64_t{what} << 32) | static_cast<std::uint32_t>(static_cast<std::int32_t>(step));
}

std::int64_t step_of_key(std::uint64_t key) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(key & 0xFFFFFFFFu));
}

// What one movement adds to one counter.
struct Entry {
  std::uint64_t key = 0;
  std::size_t movement = 0;  // index into all_movements()
  std::size_t at = 0;        // path index of the node the vehicles leave
};

// Counts entries per key; where a count exceeds its limit, finds the movement
// whose vehicles crossed it and every movement that contributed.
class Counter {
 public:
  void add(const Entry& e, std::int64_t vehicles) {
    totals_[e.key] += vehicles;
    entries_.push_back(e);
  }

  struct Excess {
    std::uint64_t key = 0;
    std::int64_t total = 0;
    std::int64_t limit = 0;
    Entry crossing;                         // the entry that went over the limit
    std::vector<std::size_t> contributors;  // indices into all_movements(), in plan order
  };

  template <typename Limit>
  std::vector<Excess> excesses(const std::vector<const MovementIn*>& all, const Limit& limit_of) const {
    std::unordered_map<std::uint64_t, Excess> over;
    for (const auto& [key, total] : totals_) {
      const auto limit = limit_of(key);
      if (total > limit) over.emplace(key, Excess{key, total, limit, {}, {}});
    }
    if (over.empty()) return {};
    std::unordered_map<std::uint64_t, std::int64_t> running;
    for (const auto& e : entries_) {  // entries are in plan order
      const auto it = over.find(e.key);
      if (it == over.end()) continue;
      auto& x = it->second;
      const auto& m = *all[e.movement];
      const auto before = running[e.key];
      running[e.key] = before + m.vehicles;
      if (x.contributors.empty() || x.contributors.back() != e.movement) x.contributors.push_back(e.movement);
      if (before <= x.limit && before + m.vehicles > x.limit) x.crossing = e;
    }
    std::vector<Excess> out;
    for (auto& [key, x] : over) out.push_back(std::move(x));
    std::sort(out.begin(), out.end(), [](const Excess& a, const Excess& b) {
      return std::tie(a.crossing.movement, a.crossing.at, a.key) < std::tie(b.crossing.movement, b.crossing.at, b.key);
    });
    return out;
  }

 private:
  std::unordered_map<std::uint64_t, std::int64_t> totals_;
  std::vector<Entry> entries_;
};

std::string step_text(const Context& c, std::int64_t step) {
  return "step " + std::to_string(step) + " (" + c.utc(static_cast<double>(step) * c.step_s) + " to " +
         c.utc(static_cast<double>(step + 1) * c.step_s) + ")";
}

std::string from_movements(const std::vector<const MovementIn*>& all, const std::vector<std::size_t>& contributors) {
  std::vector<const MovementIn*> ms;
  for (const auto i : contributors) ms.push_back(all[i]);
  return "; from " + movements_text(ms);
}

}  // namespace

std::string movements_text(const std::vector<const MovementIn*>& ms) {
  const bool legs = std::any_of(ms.begin(), ms.end(), [](const MovementIn* m) { return m->leg; });
  if (!legs) {
    std::vector<std::size_t> indices;
    for (const auto* m : ms) indices.push_back(m->index);
    return (ms.size() == 1 ? "movement " : "movements ") + index_list(indices);
  }
  std::string named;
  for (std::size_t i = 0; i < ms.size() && i < 8; ++i) named += (i ? ", " : "") + ms[i]->where;
  return ms.size() > 8 ? named + " and " + std::to_string(ms.size() - 8) + " more" : named;
}

void check_capacities(Context& c, const PlanIn& plan, const Sink& sink) {
  Counter segments;
  Counter checkpoints;
  const auto all = all_movements(plan);
  for (std::size_t mi = 0; mi < all.size(); ++mi) {
    const auto& m = *all[mi];
    if (!m.numbers || m.times.empty()) continue;
    for (std::size_t i = 0; i < m.arcs.size(); ++i) {
      const auto a = m.arcs[i];
      if (a == graph::k_invalid) continue;
      const auto step = c.step_of(m.times[i]);
      segments.add({key_of(a, step), mi, i}, m.vehicles);
      for (const auto cp : c.checkpoints_at(m.nodes[i])) {
        checkpoints.add({key_of(static_cast<std::uint32_t>(cp), step), mi, i}, m.vehicles);
      }
    }
  }

  const auto arc_limit = [&](std::uint64_t key) {
    return c.arc_capacity(static_cast<ArcId>(key >> 32), step_of_key(key));
  };
  for (const auto& x : segments.excesses(all, arc_limit)) {
    const auto a = static_cast<ArcId>(x.key >> 32);
    const auto& m = *all[x.crossing.movement];
    sink.add("capacity",
             m.where + ".path[" + std::to_string(x.crossing.at) + ".." + std::to_string(x.crossing.at + 1) + "]",
             c.segment(a) + " gets " + std::to_string(x.total) + " vehicles entering in " +
                 step_text(c, step_of_key(x.key)) + ", capacity " + std::to_string(x.limit) + " (" +
                 std::to_string(c.g.capacity_vph[a]) + " vehicles/h)" + from_movements(all, x.contributors));
  }

  const auto checkpoint_limit = [&](std::uint64_t key) { return c.checkpoint_capacity(key >> 32, step_of_key(key)); };
  for (const auto& x : checkpoints.excesses(all, checkpoint_limit)) {
    const auto& cp = c.s.checkpoints[x.key >> 32];
    const auto& m = *all[x.crossing.movement];
    sink.add("checkpoint-capacity", m.where + ".path[" + std::to_string(x.crossing.at) + "]",
             "checkpoint \"" + cp.id + "\" (node " + std::to_string(m.ids[x.crossing.at]) + ") is passed by " +
                 std::to_string(x.total) + " vehicles in " + step_text(c, step_of_key(x.key)) + ", capacity " +
                 std::to_string(x.limit) + " (" + number_text(cp.vehicles_per_hour) + " vehicles/h)" +
                 from_movements(all, x.contributors));
  }
}

}  // namespace corridor::check::detail

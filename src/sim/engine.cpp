// One run: convoys driven through the plan's roads in time order.
//
// Events are (time, group) pairs on a binary heap; a group is the part of a
// movement's convoy that drives together. A group pops at the time it is
// ready at its next node and goes on inline while it stays the earliest, so
// capacity of a time step goes to whoever is there first (ties: the lower
// group number, which is plan order).
#include <algorithm>
#include <chrono>

#include "engine.hpp"

namespace corridor::sim {
namespace {

constexpr int k_group_bits = 24;
constexpr std::uint64_t k_group_mask = (std::uint64_t{1} << k_group_bits) - 1;

std::uint64_t event_key(Ms t, std::uint32_t group) {
  return (static_cast<std::uint64_t>(std::max<Ms>(0, t)) << k_group_bits) | group;
}

struct ClosedSpan {
  Ms from = 0, until = 0;
  std::int32_t next = -1;
};

}  // namespace

void Tallies::add(const Tallies& o) {
  const auto sum = [](std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  };
  sum(movement_blocked, o.movement_blocked);
  sum(movement_delay, o.movement_delay);
  sum(arc_blocked, o.arc_blocked);
  sum(arc_wait, o.arc_wait);
  sum(corridor_blocked, o.corridor_blocked);
  sum(corridor_delay, o.corridor_delay);
  sum(corridor_short, o.corridor_short);
}

struct Engine::State {
  const Draw* d = nullptr;
  RunOutcome* out = nullptr;
  std::vector<Group> groups;
  std::vector<std::uint64_t> heap;  // min-heap of event keys
  // Vehicles that entered each plan arc, and passed each checkpoint, in
  // the latest time step any did: entries come in time order (the heap's),
  // so no earlier step is ever counted again.
  std::vector<std::int64_t> arc_step, arc_used;
  std::vector<std::int64_t> checkpoint_step, checkpoint_used;
  std::vector<std::int32_t> closed_first;  // per plan arc: its random closures, or -1
  std::vector<ClosedSpan> closed;
  std::vector<std::uint32_t> closed_arcs;  // plan arcs with closures, to clear
  // This run's per-movement, per-arc and per-corridor marks.
  std::vector<Ms> last_arrival;
  std::vector<std::int64_t> people_out;
  std::vector<bool> lost, movement_blocked, corridor_blocked;
  std::vector<std::uint32_t> arc_stamp;  // run number + 1 when the arc blocked a convoy in this run
  std::uint32_t run = 0;

  void push(Ms t, std::uint32_t group) {
    heap.push_back(event_key(t, group));
    std::push_heap(heap.begin(), heap.end(), std::greater<>());
  }
  // The end of the random closure of a plan arc that holds at t, else t.
  Ms closed_until(std::uint32_t plan_arc, Ms t) const {
    for (auto i = closed_first[plan_arc]; i >= 0; i = closed[static_cast<std::size_t>(i)].next) {
      const auto& c = closed[static_cast<std::size_t>(i)];
      if (c.from <= t && t < c.until) return c.until;
    }
    return t;
  }
};

Engine::Engine(const Prepared& p) : p_(p), state_(std::make_unique<State>()) {
  auto& st = *state_;
  st.closed_first.assign(p.plan_arcs.size(), -1);
  st.arc_stamp.assign(p.plan_arcs.size(), 0);
}

Engine::~Engine() = default;

const std::vector<Group>& Engine::groups() const noexcept { return state_->groups; }

RunOutcome Engine::run(const Draw& d, Tallies& tallies) {
  const auto started = std::chrono::steady_clock::now();
  RunOutcome out;
  start(d, out);
  seed_plan();
  advance(plan::k_never, tallies);
  finish(&tallies);
  out.run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return out;
}

void Engine::start(const Draw& d, RunOutcome& out) {
  const Prepared& p = p_;
  const auto& in = p.in;
  auto& st = *state_;
  const auto movements = p.movement_count();
  st.d = &d;
  st.out = &out;
  ++st.run;
  st.groups.clear();
  st.heap.clear();
  st.arc_step.assign(p.plan_arcs.size(), -1);
  st.arc_used.assign(p.plan_arcs.size(), 0);
  st.checkpoint_step.assign(in.checkpoints.size(), -1);
  st.checkpoint_used.assign(in.checkpoints.size(), 0);
  for (const auto a : st.closed_arcs) st.closed_first[a] = -1;
  st.closed_arcs.clear();
  st.closed.clear();
  st.last_arrival.assign(movements, 0);
  st.people_out.assign(movements, 0);
  st.lost.assign(movements, false);
  st.movement_blocked.assign(movements, false);
  st.corridor_blocked.assign(p.corridors.size(), false);
  if (out.window_people.size() != p.windows.size()) {
    out.window_people.assign(p.windows.size(), 0);
    out.window_ok.assign(p.windows.size(), true);
  }

  // The hazards close the plan arcs within their radius.
  for (const auto& h : d.hazards) {
    for_arcs_within(p, h, [&](std::uint32_t i) {
      if (st.closed_first[i] < 0) st.closed_arcs.push_back(i);
      st.closed.push_back({h.from, h.until, st.closed_first[i]});
      st.closed_first[i] = static_cast<std::int32_t>(st.closed.size() - 1);
    });
  }
}

void Engine::seed_plan() {
  const Prepared& p = p_;
  auto& st = *state_;
  const auto& d = *st.d;
  for (std::uint32_t m = 0; m < p.movement_count(); ++m) {
    if (!p.counted[m]) continue;
    Group g;
    g.movement = m;
    g.segment = p.first[m];
    g.vehicles = p.plan.movements[m].vehicles;
    g.people = p.plan.movements[m].people;
    g.ready = p.first[m] == p.first[m + 1] ? p.planned_arrival[m] : p.entry[g.segment] + d.slip[m];
    g.next_breakdown = d.breakdown_first[m];
    g.breakdown_end = d.breakdown_first[m + 1];
    seed(g);
  }
}

void Engine::seed(const Group& g) {
  auto& st = *state_;
  st.groups.push_back(g);
  st.push(g.ready, static_cast<std::uint32_t>(st.groups.size() - 1));
}

void Engine::advance(Ms until, Tallies& tallies) {
  const Prepared& p = p_;
  const auto& in = p.in;
  auto& st = *state_;
  const auto& d = *st.d;
  auto& out = *st.out;

  const auto checkpoint_capacity = [&](std::int32_t c, std::int64_t k) {
    const auto slow = d.slowdown[static_cast<std::size_t>(c)];
    if (slow >= 0) {
      const auto& s = d.slowdowns[static_cast<std::size_t>(slow)];
      const Ms at = k * p.step;
      if (s.from <= at && at < s.until) return s.rate.at(k);
    }
    return in.checkpoints[static_cast<std::size_t>(c)].rate.at(k);
  };
  const auto stuck = [&](Group& g) {
    g.state = Group::State::lost;
    st.lost[g.movement] = true;
  };
  const auto arrive = [&](Group& g) {
    const Ms at = std::max(g.ready, p.planned_arrival[g.movement]);
    if (at > p.horizon) {
      stuck(g);
      return;
    }
    g.state = Group::State::arrived;
    g.ready = at;
    st.last_arrival[g.movement] = std::max(st.last_arrival[g.movement], at);
    st.people_out[g.movement] += g.people;
    out.people_out += g.people;
    out.egress = std::max(out.egress, at);
    for (std::size_t w = 0; w < p.windows.size(); ++w) {
      if (at <= p.windows[w].until) out.window_people[w] += g.people;
    }
  };

  while (!st.heap.empty() && static_cast<Ms>(st.heap.front() >> k_group_bits) < until) {
    std::pop_heap(st.heap.begin(), st.heap.end(), std::greater<>());
    const auto key = st.heap.back();
    st.heap.pop_back();
    const auto id = static_cast<std::uint32_t>(key & k_group_mask);
    Ms now = static_cast<Ms>(key >> k_group_bits);
    for (;;) {
      Group& g = st.groups[id];
      const auto m = g.movement;
      const auto s = g.segment;
      if (s == p.first[m + 1]) {
        if (std::max(g.ready, p.planned_arrival[m]) >= until) {
          st.push(g.ready, id);  // arrives in a later phase
        } else {
          arrive(g);
        }
        break;
      }
      // The earliest instant the segment is open, by the scenario and by
      // the run's hazards.
      Ms t = std::max(g.ready, p.entry[s]);
      if (g.wait_from < 0) g.wait_from = t;
      for (;;) {
        t = in.earliest_entry(p.arc[s], t, p.duration[s]);
        if (t == plan::k_never) break;
        const Ms open = st.closed_until(p.plan_arc[s], t);
        if (open == t) break;
        t = open;
      }
      if (t == plan::k_never || t >= p.horizon) {
        stuck(g);
        break;
      }
      if (t > now) {
        // Someone else may come first, or the phase ends: back on the heap.
        if (t >= until || (!st.heap.empty() && event_key(t, id) > st.heap.front())) {
          g.ready = t;
          st.push(t, id);
          break;
        }
        now = t;
      }
      // Room in this time step, on the segment and at the checkpoint.
      const std::int64_t k = t / p.step;
      const auto pa = p.plan_arc[s];
      if (st.arc_step[pa] != k) {
        st.arc_step[pa] = k;
        st.arc_used[pa] = 0;
      }
      std::int64_t room = in.arc_capacity(p.arc[s], k) - st.arc_used[pa];
      const auto c = p.checkpoint[s];
      const auto cu = static_cast<std::size_t>(std::max(0, c));
      if (c >= 0) {
        if (st.checkpoint_step[cu] != k) {
          st.checkpoint_step[cu] = k;
          st.checkpoint_used[cu] = 0;
        }
        room = std::min(room, checkpoint_capacity(c, k) - st.checkpoint_used[cu]);
      }
      if (room <= 0) {
        g.ready = (k + 1) * p.step;
        continue;
      }
      if (room < g.vehicles && st.groups.size() < k_group_mask) {
        // Those that fit go; the rest follow in a group of their own.
        Group rest = g;
        rest.vehicles = g.vehicles - room;
        rest.people = g.people - g.people * room / g.vehicles;
        rest.ready = (k + 1) * p.step;
        g.vehicles = room;
        g.people -= rest.people;
        seed(rest);  // g is not used after this
      }
      Group& e = st.groups[id];
      if (room < e.vehicles) {  // too many groups to split: wait whole
        e.ready = (k + 1) * p.step;
        continue;
      }
      st.arc_used[pa] += e.vehicles;
      if (c >= 0) st.checkpoint_used[cu] += e.vehicles;
      if (t > e.wait_from) {
        st.movement_blocked[m] = true;
        st.corridor_blocked[p.corridor[m]] = true;
        if (st.arc_stamp[pa] != st.run) {
          st.arc_stamp[pa] = st.run;
          ++tallies.arc_blocked[pa];
        }
        tallies.arc_wait[pa] += t - e.wait_from;
      }
      e.wait_from = -1;
      if (const auto w = p.window[s]; w >= 0) {
        const auto& win = p.windows[static_cast<std::size_t>(w)];
        if (t < win.from || t >= win.until) out.window_ok[static_cast<std::size_t>(w)] = false;
      }
      e.entered = t;
      e.ready = t + p.duration[s];
      e.driven += p.duration[s];
      while (e.next_breakdown < e.breakdown_end && d.breakdowns[e.next_breakdown].after_driving <= e.driven) {
        e.ready += d.breakdowns[e.next_breakdown++].delay;
      }
      ++e.segment;
    }
  }
}

void Engine::finish(Tallies* tallies) {
  const Prepared& p = p_;
  auto& st = *state_;
  auto& out = *st.out;
  for (std::uint32_t m = 0; m < p.movement_count(); ++m) {
    if (!st.lost[m]) continue;
    out.complete = false;
    for (auto i = p.window_first[m]; i < p.window_first[m + 1]; ++i) out.window_ok[p.window_list[i]] = false;
  }
  if (tallies == nullptr) return;
  for (std::uint32_t m = 0; m < p.movement_count(); ++m) {
    if (!p.counted[m]) continue;
    const auto& mv = p.plan.movements[m];
    const Ms arrival = st.lost[m] ? p.horizon : st.last_arrival[m];
    const Ms delay = std::max<Ms>(0, arrival - p.planned_arrival[m]);
    tallies->movement_delay[m] += delay;
    tallies->movement_blocked[m] += st.movement_blocked[m] ? 1 : 0;
    const auto cor = p.corridor[m];
    tallies->corridor_delay[cor] += delay * mv.people;
    tallies->corridor_short[cor] += mv.people - st.people_out[m];
  }
  for (std::size_t c = 0; c < p.corridors.size(); ++c) tallies->corridor_blocked[c] += st.corridor_blocked[c] ? 1 : 0;
}

}  // namespace corridor::sim

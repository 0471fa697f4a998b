// Re-planning from the current state: history kept, convoys on the road
// continued or diverted, the rest planned again on what capacity is left.
#include "corridor/ops/replan.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <map>
#include <unordered_map>

#include "corridor/geo/time.hpp"
#include "corridor/plan/assignment.hpp"
#include "corridor/plan/bounds.hpp"
#include "corridor/plan/ccrp.hpp"
#include "corridor/plan/exact.hpp"
#include "corridor/route/one_to_all.hpp"
#include "corridor/units.hpp"
#include "plan/capacity.hpp"

namespace corridor::ops {
namespace {

using plan::ArcId;
using plan::Movement;
using plan::NodeId;

// Shifts the times of m from index `from` on by `by` (a late convoy).
// Only what lies at or after `at` moves: the record before it stays as
// agreed (a late convoy waits longer on the segment it is on), so that the
// history of the plan keeps holding every capacity it held.
void shift(Movement& m, std::size_t from, Ms by, Ms at) {
  for (std::size_t k = from; k < m.times.size(); ++k) {
    if (m.times[k] >= at) m.times[k] += by;
  }
}

// Index of node v on m's path at or after `from`, or nullopt.
std::optional<std::size_t> index_of(const Movement& m, NodeId v, std::size_t from = 0) {
  for (std::size_t k = from; k < m.nodes.size(); ++k) {
    if (m.nodes[k] == v) return k;
  }
  return std::nullopt;
}

// The path index nearest to a reported point (within 1 km), or nullopt.
std::optional<std::size_t> nearest_index(const plan::Instance& in, const Movement& m, geo::LonLat p) {
  std::optional<std::size_t> best;
  double best_m = 1000;
  for (std::size_t k = 0; k < m.nodes.size(); ++k) {
    const double d = geo::distance_m(in.graph().where(m.nodes[k]), p);
    if (d <= best_m) {
      best_m = d;
      best = k;
    }
  }
  return best;
}

// What the reports say about one movement, applied to its planned times.
struct Observed {
  bool arrived = false;
  std::optional<std::size_t> stopped_at;  // path index where it stands
  std::string stop_reason;
  std::vector<std::string> notes;
};

Observed apply_reports(const plan::Instance& in, Movement& m, std::vector<const ConvoyReport*> reports, Ms at) {
  Observed o;
  std::sort(reports.begin(), reports.end(), [](const auto* a, const auto* b) { return a->time < b->time; });
  for (const auto* r : reports) {
    if (r->time > at) continue;
    switch (r->kind) {
      case ReportKind::departed:
        if (r->time > m.departure()) shift(m, 0, r->time - m.departure(), at);
        break;
      case ReportKind::position:
      case ReportKind::at_checkpoint: {
        const auto k = r->node ? index_of(m, *r->node) : r->where ? nearest_index(in, m, *r->where) : std::nullopt;
        if (!k) {
          o.notes.push_back("reported off its route at " + hms(r->time) + "; its plan is kept");
        } else if (r->time > m.times[*k]) {
          shift(m, *k, r->time - m.times[*k], at);  // at the node later than it was to leave it
        }
        break;
      }
      case ReportKind::delayed:
        for (std::size_t k = 0; k < m.times.size(); ++k) {
          if (m.times[k] >= r->time) {
            shift(m, k, r->delay, at);
            break;
          }
        }
        break;
      case ReportKind::stopped: {
        // Where it stands: the reported node, else the node it was heading
        // for at that time.
        std::optional<std::size_t> k = r->node    ? index_of(m, *r->node)
                                       : r->where ? nearest_index(in, m, *r->where)
                                                  : std::nullopt;
        if (!k) {
          k = m.nodes.size() - 1;
          for (std::size_t i = 0; i < m.times.size(); ++i) {
            if (m.times[i] >= r->time) {
              k = i;
              break;
            }
          }
        }
        o.stopped_at = *k;
        o.stop_reason = r->reason;
        break;
      }
      case ReportKind::arrived:
        o.arrived = true;
        m.times.back() = std::max(m.times.back(), r->time);
        break;
    }
  }
  return o;
}

// Road and checkpoint use per time step of the movements fixed so far (the
// planner's own ledger, seen movement by movement).
class Usage {
 public:
  explicit Usage(const plan::Instance& in) : in_(in), ledger_(in) {}
  // Whether m's vehicles may enter segment k (arc a) at m.times[k], and
  // pass the checkpoint at its tail.
  [[nodiscard]] bool room(const Movement& m, std::size_t k, ArcId a) const {
    const auto step = m.times[k] / in_.step();
    if (ledger_.arc_left(a, step) < m.vehicles) return false;
    const int cp = in_.checkpoint_at(m.nodes[k]);
    return cp < 0 || ledger_.checkpoint_left(cp, step) >= m.vehicles;
  }
  // m's path scheduled anew from its departure on the room left, each
  // segment entered at the earliest its vehicles fit (waiting where they
  // stand while the road they are on stays open): its times, or nullopt
  // when the path cannot take them all before the horizon.
  [[nodiscard]] std::optional<std::vector<Ms>> retime(const Movement& m) const {
    std::vector<Ms> times(m.times.size());
    Ms t = m.departure();
    ArcId parent = graph::k_invalid;
    for (std::size_t k = 0; k + 1 < m.nodes.size(); ++k) {
      const ArcId a = in_.graph().find_arc(m.nodes[k], m.nodes[k + 1]);
      const Ms tau = plan::earliest_room(in_, ledger_, a, t, parent, m.vehicles, in_.checkpoint_at(m.nodes[k]));
      if (tau == plan::k_never) return std::nullopt;
      times[k] = tau;
      t = tau + in_.graph().time_ms[a];
      parent = a;
    }
    times.back() = t;
    return times;
  }
  void take(const Movement& m, std::size_t k, ArcId a) { ledger_.take(m, k, a); }
  // The ledger, for the planner to go on from.
  plan::CapacityLedger release() && { return std::move(ledger_); }

 private:
  const plan::Instance& in_;
  plan::CapacityLedger ledger_;
};

// A movement of the old plan and what becomes of it.
struct Tracked {
  Movement m;  // times as reported
  Observed observed;
  enum class State { done, continues, convoy, stranded, kept, future } state = State::future;
  std::size_t keep = 0;  // convoy, stranded: path indices 0..keep-1 are history, keep its position
  plan::Convoy convoy;
  std::string caught;           // stranded: why
  std::optional<Movement> was;  // kept later than planned: the movement as it was
};

class Replanner {
 public:
  Replanner(const plan::Instance& in, const plan::PlanResult& old, Ms at, const std::vector<ConvoyReport>& reports,
            const ReplanOptions& options)
      : in_(in), g_(in.graph()), at_(at), options_(options), usage_(in) {
    std::map<std::string, std::vector<const ConvoyReport*>> by_movement;
    for (const auto& r : reports) by_movement[r.movement].push_back(&r);
    for (const auto& m : old.movements) {
      Tracked t;
      t.m = m;
      const auto it = by_movement.find(m.id);
      if (it != by_movement.end()) t.observed = apply_reports(in, t.m, it->second, at);
      tracked_.push_back(std::move(t));
    }
    result_.people_out_before = old.people_evacuated();
    result_.egress_before = old.egress();
  }

  ReplanResult run() {
    classify();
    continue_or_divert();
    plan_rest();
    if (options_.bounds) {
      bound();
      describe();
    }
    return std::move(result_);
  }

 private:
  ArcId arc(const Movement& m, std::size_t k) const { return g_.find_arc(m.nodes[k], m.nodes[k + 1]); }

  // History first: movements done, and the part of every convoy on the
  // road that lies before `at`.
  void classify() {
    for (auto& t : tracked_) {
      auto& m = t.m;
      const bool departed = m.departure() < at_ || t.observed.stopped_at;
      if (m.stranded || t.observed.arrived || (departed && m.arrival() < at_ && !t.observed.stopped_at)) {
        t.state = Tracked::State::done;
        for (std::size_t k = 0; k + 1 < m.nodes.size(); ++k) usage_.take(m, k, arc(m, k));
        continue;
      }
      if (!departed) continue;  // future: planned again
      // On the road: the segments entered before `at` are history; it is
      // on the last of them, heading for node `keep` (or stands there when
      // reported stopped).
      std::size_t keep = 1;
      while (keep + 1 < m.nodes.size() && m.times[keep] < at_) ++keep;
      if (t.observed.stopped_at) keep = std::min(keep, *t.observed.stopped_at);
      for (std::size_t k = 0; k < keep; ++k) usage_.take(m, k, arc(m, k));
      t.keep = keep;
      t.state = Tracked::State::continues;
    }
  }

  // Whether a convoy on the road can go on as planned: every segment from
  // where it is open while it is on it, room on every road and checkpoint
  // it enters from now on, room at its destination.
  bool can_continue(const Tracked& t, const std::vector<std::int64_t>& room) const {
    const auto& m = t.m;
    if (t.observed.stopped_at || room[m.destination] < m.people) return false;
    for (std::size_t k = t.keep == 0 ? 0 : t.keep - 1; k + 1 < m.nodes.size(); ++k) {
      const ArcId a = arc(m, k);
      if (!in_.may_occupy(a, m.times[k], m.times[k + 1])) return false;
      if (k >= t.keep && !usage_.room(m, k, a)) return false;
    }
    return true;
  }

  void continue_or_divert() {
    room_.clear();
    for (const auto& d : in_.destinations) room_.push_back(d.acceptable() ? d.capacity_people : 0);
    for (const auto& t : tracked_) {
      if (t.state == Tracked::State::done && !t.m.stranded) room_[t.m.destination] -= t.m.people;
    }
    std::vector<Tracked*> on_road;
    for (auto& t : tracked_) {
      if (t.state == Tracked::State::continues) on_road.push_back(&t);
    }
    std::stable_sort(on_road.begin(), on_road.end(),
                     [](const Tracked* a, const Tracked* b) { return a->m.departure() < b->m.departure(); });
    keep_unaffected(on_road);
    for (auto* t : on_road) {
      auto& m = t->m;
      if (can_continue(*t, room_)) {
        for (std::size_t k = t->keep; k + 1 < m.nodes.size(); ++k) usage_.take(m, k, arc(m, k));
        room_[m.destination] -= m.people;
        continue;
      }
      // Diverted from the node it is heading for (or stands at), once it
      // can be there and no earlier than now.
      t->state = Tracked::State::convoy;
      const std::size_t at_index = t->keep;
      auto& c = t->convoy;
      c.origin = m.origin;
      c.at = m.nodes[at_index];
      c.vehicles = m.vehicles;
      c.people = m.people;
      if (at_index == 0) {
        c.via = graph::k_invalid;
        c.ready = std::max(at_, m.times[0]);
        continue;
      }
      c.via = arc(m, at_index - 1);
      const Ms there = m.times[at_index - 1] + g_.time_ms[c.via];
      c.ready = std::max(at_, there);
      if (!in_.may_occupy(c.via, m.times[at_index - 1], c.ready)) {
        t->state = Tracked::State::stranded;
        t->caught = "caught on " + road(c.via) + " when it closed";
      }
    }
  }

  // Movements not yet gone whose paths stay open, with the room they had
  // on every road, checkpoint and destination after history and the
  // convoys on the road, keep their paths and times (the parties re-sign
  // fewer changes, and only the rest is planned again); in order of
  // departure, after the convoys on the road have taken what they need.
  // With ReplanOptions::delay_within, one that no longer fits at its times
  // keeps its roads and leaves later when that costs it at most so much
  // (delayed; its times are the new ones).
  void keep_unaffected(const std::vector<Tracked*>& on_road) {
    if (!options_.keep_unaffected) return;
    std::vector<Tracked*> future;
    for (auto& t : tracked_) {
      if (t.state == Tracked::State::future) future.push_back(&t);
    }
    std::stable_sort(future.begin(), future.end(),
                     [](const Tracked* a, const Tracked* b) { return a->m.departure() < b->m.departure(); });
    // The convoys on the road that go on claim their capacity first.
    Usage trial = usage_;
    std::vector<std::int64_t> room = room_;
    for (const auto* t : on_road) {
      if (!can_continue(*t, room)) continue;
      for (std::size_t k = t->keep; k + 1 < t->m.nodes.size(); ++k) trial.take(t->m, k, arc(t->m, k));
      room[t->m.destination] -= t->m.people;
    }
    for (auto* t : future) {
      auto& m = t->m;
      if (room[m.destination] < m.people || m.departure() < std::max(at_, in_.origins[m.origin].earliest)) continue;
      bool fits = true;
      for (std::size_t k = 0; fits && k + 1 < m.nodes.size(); ++k) {
        const ArcId a = arc(m, k);
        fits = in_.may_occupy(a, m.times[k], m.times[k + 1]) && trial.room(m, k, a);
      }
      if (!fits) {
        if (options_.delay_within < 0) continue;
        auto times = trial.retime(m);
        if (!times || times->back() > m.arrival() + options_.delay_within) continue;
        t->was = m;
        m.times = std::move(*times);
      }
      for (std::size_t k = 0; k + 1 < m.nodes.size(); ++k) trial.take(m, k, arc(m, k));
      room[m.destination] -= m.people;
      t->state = Tracked::State::kept;
    }
    // Kept movements hold their capacity from now on.
    for (auto* t : future) {
      if (t->state != Tracked::State::kept) continue;
      for (std::size_t k = 0; k + 1 < t->m.nodes.size(); ++k) usage_.take(t->m, k, arc(t->m, k));
      room_[t->m.destination] -= t->m.people;
    }
  }

  std::string road(ArcId a) const {
    const auto& name = g_.name_of(a);
    return name.empty() ? "the road from node " + std::to_string(g_.node_id[g_.tail[a]]) + " to node " +
                              std::to_string(g_.node_id[g_.head[a]])
                        : name;
  }

  // The prefix of a convoy (path indices 0..keep) as a movement; its last
  // time is when it can leave its position.
  static Movement prefix(const Tracked& t) {
    Movement p = t.m;
    p.nodes.resize(t.keep + 1);
    p.times.resize(t.keep + 1);
    p.times[t.keep] = t.convoy.ready;
    return p;
  }

  void plan_rest() {
    plan::Instance residual = in_;
    plan::Residual r;
    std::vector<std::int64_t> people_gone(in_.origins.size(), 0), vehicles_gone(in_.origins.size(), 0);
    for (const auto& t : tracked_) {
      if (t.state == Tracked::State::future) continue;
      people_gone[t.m.origin] += t.m.people;
      vehicles_gone[t.m.origin] += t.m.vehicles;
      if (t.state == Tracked::State::done || t.state == Tracked::State::continues || t.state == Tracked::State::kept)
        r.taken.push_back(t.m);
      if (t.state == Tracked::State::convoy) {
        if (t.keep > 0) r.taken.push_back(prefix(t));
        r.convoys.push_back(t.convoy);
      }
      if (t.state == Tracked::State::stranded) r.taken.push_back(prefix(t));
    }
    for (std::size_t o = 0; o < residual.origins.size(); ++o) {
      auto& site = residual.origins[o];
      const auto left = std::max<std::int64_t>(0, site.people - people_gone[o]);
      const auto fleet = std::max<std::int64_t>(0, site.vehicles - vehicles_gone[o]);
      site.people = left;
      site.vehicles = std::min(fleet, (left + site.persons_per_vehicle - 1) / site.persons_per_vehicle);
      site.earliest = std::max(site.earliest, at_);
      if (site.vehicles == 0 && left > 0) fleet_short_.emplace_back(o, left);
    }
    for (std::size_t d = 0; d < residual.destinations.size(); ++d) {
      residual.destinations[d].capacity_people = std::max<std::int64_t>(0, room_[d]);
    }
    residual_ = std::make_unique<plan::Instance>(std::move(residual));
    // The bounds need only the residual instance: proven on the second
    // core while the first plans (both only read the instance).
    if (options_.bounds) {
      residual_bound_ = std::async(std::launch::async, residual_bounds, std::cref(*residual_), std::cref(options_));
    }
    plan::CcrpOptions ccrp;
    ccrp.stop = options_.stop;
    ccrp.reuse_slack = options_.reuse_slack;
    // usage_ has counted exactly r.taken (on in_, whose roads and
    // checkpoints the residual instance shares): the planner goes on from it.
    auto rest = plan::plan_ccrp_residual(*residual_, r, std::move(usage_).release(), ccrp);

    auto& out = result_.plan;
    out.method = "ccrp";
    out.searches = rest.plan.searches;
    out.settled = rest.plan.settled;
    std::size_t next_convoy = 0;
    for (auto& t : tracked_) {
      switch (t.state) {
        case Tracked::State::done:
          out.movements.push_back(t.m);
          change(t.m.id, "done", "arrived before " + hms(at_));
          break;
        case Tracked::State::continues:
          out.movements.push_back(t.m);
          change(t.m.id, "continues", "goes on along its path");
          break;
        case Tracked::State::kept:
          out.movements.push_back(t.m);
          if (t.was) {
            change(t.m.id, "delayed", later(*t.was, t.m));
          } else {
            change(t.m.id, "kept", "leaves as planned");
          }
          break;
        case Tracked::State::convoy:
          divert(t, rest.convoys[next_convoy++]);
          break;
        case Tracked::State::stranded:
          strand(t, t.m.id, t.m.vehicles, t.m.people);
          break;
        case Tracked::State::future:
          break;
      }
    }
    match_future(rest.plan.movements);
    for (auto& m : rest.plan.movements) out.movements.push_back(std::move(m));
    for (const auto& u : rest.plan.unmet) out.unmet.push_back(u);
    for (const auto& short_of : fleet_short_) {
      const auto o = short_of.first;
      const bool listed =
          std::any_of(out.unmet.begin(), out.unmet.end(), [o](const plan::Unmet& u) { return u.origin == o; });
      if (!listed) out.unmet.push_back({o, short_of.second, "every vehicle of its fleet has left already"});
    }
    plan::name_movements(out);
  }

  // The old prefix and the new way on, same id (further groups, when the
  // roads cannot take the convoy whole, get ids "m7.2", "m7.3", ...).
  void divert(Tracked& t, const plan::ConvoyRoute& way) {
    const Ms old_arrival = t.m.arrival();
    for (std::size_t p = 0; p < way.pieces.size(); ++p) {
      const auto& suffix = way.pieces[p];
      Movement m = prefix(t);
      m.nodes.pop_back();
      m.times.pop_back();
      m.nodes.insert(m.nodes.end(), suffix.nodes.begin(), suffix.nodes.end());
      m.times.insert(m.times.end(), suffix.times.begin(), suffix.times.end());
      m.destination = suffix.destination;
      m.vehicles = suffix.vehicles;
      m.people = suffix.people;
      if (p > 0) m.id = t.m.id + "." + std::to_string(p + 1);
      if (p == 0) {
        const bool same_path = m.nodes == t.m.nodes;
        std::string text = t.observed.stopped_at ? "reported stopped" : "";
        if (!t.observed.stop_reason.empty()) text += " (" + t.observed.stop_reason + ")";
        if (!text.empty()) text += "; ";
        if (same_path) {
          text += "goes on along its path, arriving " + hms(m.arrival()) + " (was " + hms(old_arrival) + ")";
        } else {
          text += "diverted at node " + std::to_string(g_.node_id[t.convoy.at]) + " to " + destination(m.destination) +
                  (m.destination == t.m.destination ? "" : " (was " + destination(t.m.destination) + ")") + " via " +
                  via(m, t.keep) + ", arriving " + hms(m.arrival()) + " (was " + hms(old_arrival) + ")";
        }
        if (way.pieces.size() > 1) text += "; in " + std::to_string(way.pieces.size()) + " groups as the roads allow";
        change(t.m.id, t.observed.stopped_at ? "stopped" : same_path ? "continues" : "diverted", text);
      } else {
        change(m.id, "diverted", "a group split from " + t.m.id + ", arriving " + hms(m.arrival()));
      }
      result_.plan.movements.push_back(std::move(m));
    }
    if (way.vehicles_left > 0) {
      t.caught = in_.may_occupy(t.convoy.via, t.convoy.ready, t.convoy.ready + 1)
                     ? "every way on from node " + std::to_string(g_.node_id[t.convoy.at]) + " is closed or full"
                     : "caught on " + road(t.convoy.via) + ", closed from " + hms(t.convoy.ready);
      strand(t, way.pieces.empty() ? t.m.id : t.m.id + ".s", way.vehicles_left, way.people_left);
    }
  }

  void strand(const Tracked& t, const std::string& id, std::int64_t vehicles, std::int64_t people) {
    Movement m = prefix(t);
    m.id = id;
    m.vehicles = vehicles;
    m.people = people;
    m.stranded = true;
    result_.plan.unmet.push_back({m.origin, m.people, "convoy " + m.id + " is stranded: " + t.caught});
    change(m.id, "stranded", t.caught + "; it stands at node " + std::to_string(g_.node_id[m.nodes.back()]));
    result_.plan.movements.push_back(std::move(m));
  }

  std::string destination(std::size_t d) const {
    return in_.scenario().destinations[in_.destinations[d].scenario_index].id;
  }
  std::string via(const Movement& m, std::size_t from) const {
    std::vector<ArcId> arcs;
    for (std::size_t k = from; k + 1 < m.nodes.size(); ++k) arcs.push_back(arc(m, k));
    std::string text;
    for (const auto& name : g_.road_names(arcs)) text += (text.empty() ? "" : ", ") + name;
    return text.empty() ? "unnamed roads" : text;
  }

  // The same path at other times, in words.
  static std::string later(const Movement& a, const Movement& b) {
    if (b.departure() == a.departure()) {
      return "leaves as planned and waits on its roads, arriving " + hms(b.arrival()) + " instead of " +
             hms(a.arrival());
    }
    return std::string(b.departure() > a.departure() ? "leaves later" : "leaves earlier") + ", at " +
           hms(b.departure()) + " instead of " + hms(a.departure()) + ", arriving " + hms(b.arrival());
  }

  // New movements of origins that had not left take the ids of the old
  // ones they repeat: the same path and times (kept), the same path later
  // or earlier (delayed), the same origin and destination on other roads
  // (rerouted). Old ones left over are cancelled.
  void match_future(std::vector<Movement>& fresh) {
    std::vector<Tracked*> old;
    for (auto& t : tracked_) {
      if (t.state == Tracked::State::future) old.push_back(&t);
    }
    std::vector<bool> used(old.size(), false);
    auto pass = [&](auto same, const char* what, auto text) {
      for (auto& m : fresh) {
        if (!m.id.empty()) continue;
        for (std::size_t i = 0; i < old.size(); ++i) {
          if (used[i] || old[i]->m.origin != m.origin || !same(old[i]->m, m)) continue;
          used[i] = true;
          m.id = old[i]->m.id;
          change(m.id, what, text(old[i]->m, m));
          break;
        }
      }
    };
    pass([](const Movement& a, const Movement& b) { return a.nodes == b.nodes && a.times == b.times; }, "kept",
         [](const Movement&, const Movement&) { return std::string("leaves as planned"); });
    pass([](const Movement& a, const Movement& b) { return a.nodes == b.nodes; }, "delayed", later);
    const auto rerouted = [&](const Movement& a, const Movement& b) {
      return "takes other roads: to " + destination(b.destination) + " via " + via(b, 0) + ", leaving " +
             hms(b.departure()) + " and arriving " + hms(b.arrival()) + " (was " + destination(a.destination) +
             ", arriving " + hms(a.arrival()) + ")";
    };
    pass([](const Movement& a, const Movement& b) { return a.destination == b.destination; }, "rerouted", rerouted);
    pass([](const Movement&, const Movement&) { return true; }, "rerouted", rerouted);
    for (std::size_t i = 0; i < old.size(); ++i) {
      if (!used[i])
        change(old[i]->m.id, "cancelled", "is not planned again (its people go in other convoys or cannot leave)");
    }
  }

  void change(const std::string& id, std::string what, std::string text) {
    result_.changes.push_back({id, std::move(what), std::move(text)});
  }

  // Bounds of the residual problem as `corridor plan` proves them: the
  // assignment and time-expanded ones here, on the second core beside the
  // re-plan itself; the cut bound after it on the first (bound()).
  static std::optional<plan::Bounds> residual_bounds(const plan::Instance& res, const ReplanOptions& options) {
    std::optional<plan::Bounds> b;
    if (const auto a = plan::assign_destinations(res, options.stop)) b = a->bounds;
    plan::ExactLimits limits;
    limits.max_nodes = options.max_expanded_nodes;
    limits.stop = options.stop;
    if (const auto expanded = plan::time_expanded_bounds(res, limits))
      b = b ? plan::strongest(*b, *expanded) : *expanded;
    return b;
  }

  // Bounds of the re-planned problem. History is fixed; a convoy on the
  // road reaches a destination no earlier than free flow from where it is;
  // the people not yet gone face the residual problem (its origins from
  // `at`, its destinations with the room history left), relaxed by
  // ignoring the capacity the convoys take.
  void bound() {
    plan::Bounds b = plan::cut_bounds(*residual_, options_.stop);
    if (const auto more = residual_bound_.get()) b = plan::strongest(b, *more);

    std::vector<std::pair<NodeId, std::int64_t>> targets;
    for (const auto& d : in_.destinations) {
      if (d.acceptable()) targets.push_back({d.node, 0});
    }
    const auto to_go = route::one_to_all(g_, targets, route::Direction::backward, &in_.always_closed());
    Ms fixed = 0;
    std::int64_t on_road_people = 0;
    bool all_reach = true;
    for (const auto& t : tracked_) {
      if (t.state == Tracked::State::done) {
        if (!t.m.stranded) fixed = std::max(fixed, t.m.arrival());
        if (!t.m.stranded) on_road_people += t.m.people;
        continue;
      }
      if (t.state == Tracked::State::future) continue;
      on_road_people += t.m.people;
      // Where it can be by now: the node after its segment, at the earliest.
      const std::size_t k = t.keep;
      const NodeId v = t.m.nodes[k];
      const Ms there =
          k == 0 ? std::max(at_, t.m.times[0]) : std::max(at_, t.m.times[k - 1] + g_.time_ms[arc(t.m, k - 1)]);
      if (to_go[v] >= route::k_unreachable) {
        all_reach = false;
        continue;
      }
      fixed = std::max(fixed, there + to_go[v]);
    }
    auto& out = result_.plan.bounds;
    out.upper_bound_people = b.upper_bound_people + on_road_people;
    out.lower_bound_method =
        "re-plan: history, convoys on the road at free flow, " + b.lower_bound_method + " for the rest";
    if (b.lower_bound_egress && all_reach) out.lower_bound_egress = std::max(fixed, *b.lower_bound_egress);
  }

  void describe() {
    auto& s = result_.summary;
    const auto count = [&](const char* what) {
      return std::count_if(result_.changes.begin(), result_.changes.end(),
                           [&](const MovementChange& c) { return c.change == what; });
    };
    const auto local = in_.scenario().local_time(in_.instant(at_));
    s.push_back("re-planned at " + geo::format_utc(in_.instant(at_)) + " (" + local + "), " + hms(at_) +
                " after start: " + std::to_string(count("done")) + " movements done, " +
                std::to_string(count("continues")) + " on the road go on, " + std::to_string(count("diverted")) +
                " diverted, " + std::to_string(count("stopped")) + " stopped and planned on, " +
                std::to_string(count("stranded")) + " stranded; of those not yet gone " +
                std::to_string(count("kept")) + " kept, " + std::to_string(count("delayed")) + " retimed, " +
                std::to_string(count("rerouted")) + " rerouted, " + std::to_string(count("cancelled")) + " cancelled");
    constexpr std::size_t k_most = 20;
    std::size_t told = 0;
    for (const auto& c : result_.changes) {
      if (c.change != "diverted" && c.change != "stranded" && c.change != "stopped") continue;
      if (++told <= k_most) s.push_back("convoy " + c.movement + ": " + c.text);
    }
    if (told > k_most) s.push_back("... and " + std::to_string(told - k_most) + " more convoys diverted or stopped");
    const auto& p = result_.plan;
    std::int64_t people = 0;
    for (const auto& o : in_.origins) people += o.people;
    s.push_back("people out: " + std::to_string(p.people_evacuated()) + " of " + std::to_string(people) +
                " (before: " + std::to_string(result_.people_out_before) + "; at most " +
                std::to_string(p.bounds.upper_bound_people) + " can be)");
    std::string egress = "egress " + hms(p.egress()) + " after start (before: " + hms(result_.egress_before) + ")";
    if (p.bounds.lower_bound_egress) {
      char gap[32];
      std::snprintf(
          gap, sizeof gap, "%.1f%%",
          *p.bounds.lower_bound_egress > 0
              ? (static_cast<double>(p.egress()) / static_cast<double>(*p.bounds.lower_bound_egress) - 1) * 100
              : 0.0);
      egress += "; lower bound " + hms(*p.bounds.lower_bound_egress) + ", gap " + gap;
    } else {
      egress += "; no plan gets everyone out any more";
    }
    s.push_back(egress);
    for (const auto& u : p.unmet) {
      s.push_back(in_.scenario().origins[in_.origins[u.origin].scenario_index].id + ": " + std::to_string(u.people) +
                  " people cannot leave: " + u.reason);
    }
  }

  const plan::Instance& in_;
  const graph::RoadGraph& g_;
  Ms at_;
  ReplanOptions options_;
  Usage usage_;
  std::vector<Tracked> tracked_;
  std::vector<std::int64_t> room_;
  std::vector<std::pair<std::size_t, std::int64_t>> fleet_short_;
  std::unique_ptr<plan::Instance> residual_;
  std::future<std::optional<plan::Bounds>> residual_bound_;
  ReplanResult result_;
};

}  // namespace

ReplanResult replan(const plan::Instance& in, const plan::PlanResult& old, Ms at,
                    const std::vector<ConvoyReport>& reports, const ReplanOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto result = Replanner(in, old, at, reports, options).run();
  result.plan.compute_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

nlohmann::json ReplanResult::to_json() const {
  nlohmann::json changed = nlohmann::json::array();
  for (const auto& c : changes) changed.push_back({{"movement", c.movement}, {"change", c.change}, {"text", c.text}});
  return {{"changes", changed},
          {"summary", summary},
          {"people_out", {{"before", people_out_before}, {"after", plan.people_evacuated()}}},
          {"egress_s", {{"before", to_seconds(egress_before)}, {"after", to_seconds(plan.egress())}}}};
}

}  // namespace corridor::ops

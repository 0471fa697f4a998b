#include "corridor/plan/ccrp.hpp"

#include <algorithm>
#include <chrono>

#include "capacity.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/one_to_all.hpp"
#include "explain.hpp"

namespace corridor::plan {
namespace {

struct Path {
  std::size_t origin = 0;
  std::size_t destination = 0;
  std::vector<ArcId> arcs;
  std::vector<Ms> enter;  // entry time of each arc
  Ms arrival = k_never;
};

class Planner {
 public:
  Planner(const Instance& in, const CcrpOptions& options, CapacityLedger ledger)
      : in_(in),
        g_(in.graph()),
        turns_(in.turns()),
        sg_(turns_ ? turns_->graph() : g_),
        options_(options),
        ledger_(std::move(ledger)),
        heap_(sg_.node_count()) {
    const auto n = g_.node_count();
    // Labels per node of the graph searched: the split graph with turn
    // restrictions, whose arcs stand for road arcs (capacities, closures
    // and checkpoints stay the road's).
    time_.assign(sg_.node_count(), k_never);
    parent_.assign(sg_.node_count(), graph::k_invalid);
    enter_.assign(sg_.node_count(), 0);
    root_.assign(sg_.node_count(), 0);
    stamp_.assign(sg_.node_count(), 0);
    is_destination_.assign(n, false);
    for (const auto& d : in.destinations) is_destination_[d.node] = true;
    for (const auto& o : in.origins) {
      vehicles_left_.push_back(o.vehicles);
      people_left_.push_back(o.people);
      total_vehicles_ += o.vehicles;
    }
    for (const auto& d : in.destinations) room_.push_back(d.acceptable() ? d.capacity_people : 0);
    slack_ = options.reuse_slack >= 0 ? options.reuse_slack : in.step();
    if (options.guide != nullptr) {
      quota_.assign(in.origins.size() * in.destinations.size(), 0);
      for (std::size_t o = 0; o < in.origins.size() && o < options.guide->quota.size(); ++o) {
        for (const auto& [d, people] : options.guide->quota[o]) quota_[o * in.destinations.size() + d] += people;
      }
      free_.assign(in.origins.size(), 0);
    }
    checkpoint_.assign(n, -1);
    for (NodeId v = 0; v < n; ++v) checkpoint_[v] = in.checkpoint_at(v);
    compute_potentials();
  }

  // Routes one convoy on to the earliest destination with room for its
  // people: all its vehicles together where the roads take them in one
  // step, else in groups as the bottleneck allows (each group a movement
  // from where the convoy stands). Takes the capacity and the room.
  ConvoyRoute route(const Convoy& c) {
    ConvoyRoute out{{}, c.vehicles, c.people};
    convoy_ = &c;
    need_ = std::max<std::int64_t>(1, c.vehicles);
    convoy_people_ = c.people;
    auto path = search();
    if (!path) {
      need_ = 1;
      convoy_people_ = std::min(c.people, (c.people + c.vehicles - 1) / std::max<std::int64_t>(1, c.vehicles));
      path = search();
    }
    const std::int64_t per_vehicle = (c.people + c.vehicles - 1) / std::max<std::int64_t>(1, c.vehicles);
    const Ms step = in_.step();
    while (path && out.vehicles_left > 0) {
      std::int64_t f = out.vehicles_left;
      for (std::size_t i = 0; i < path->arcs.size(); ++i) {
        f = std::min(f, ledger_.arc_left(path->arcs[i], path->enter[i] / step));
        if (const int cp = checkpoint_[g_.tail[path->arcs[i]]]; cp >= 0)
          f = std::min(f, ledger_.checkpoint_left(cp, path->enter[i] / step));
      }
      const std::int64_t people = f == out.vehicles_left ? out.people_left : std::min(out.people_left, f * per_vehicle);
      if (f <= 0 || room_[path->destination] < people) break;
      Movement m;
      m.origin = c.origin;
      m.destination = path->destination;
      m.vehicles = f;
      m.people = people;
      m.nodes.push_back(c.at);
      for (std::size_t i = 0; i < path->arcs.size(); ++i) {
        ledger_.take_arc(path->arcs[i], path->enter[i] / step, f);
        if (const int cp = checkpoint_[g_.tail[path->arcs[i]]]; cp >= 0)
          ledger_.take_checkpoint(cp, path->enter[i] / step, f);
        m.nodes.push_back(g_.head[path->arcs[i]]);
        m.times.push_back(path->enter[i]);
      }
      m.times.push_back(path->arrival);
      room_[path->destination] -= people;
      out.vehicles_left -= f;
      out.people_left -= people;
      out.pieces.push_back(std::move(m));
      if (out.vehicles_left > 0) {
        need_ = 1;
        convoy_people_ = std::min(out.people_left, per_vehicle);
        path = search();
      }
    }
    convoy_ = nullptr;
    need_ = 1;
    return out;
  }

  [[nodiscard]] std::uint64_t searches() const noexcept { return searches_; }
  [[nodiscard]] std::uint64_t settled() const noexcept { return settled_; }

  PlanResult run() {
    PlanResult result;
    result.method = "ccrp";
    if (options_.guide == nullptr) {
      route_all(result);
    } else {
      for (const auto o : options_.guide->order) {
        only_ = o;
        route_all(result);
        if (vehicles_left_[o] > 0 && !free_[o]) {
          free_[o] = 1;  // its shares cannot be met: any destination with room
          route_all(result);
        }
      }
      only_ = k_all;
    }
    // A search leaves every origin at its earliest and keeps one label per
    // node, so it misses a way open only to those who leave later (a road
    // closed until after the one before it closes too: no road to wait on).
    // People left over try again leaving as each closure ends, in turn;
    // not when the search that found no more never met a road closing
    // under a waiting convoy: then leaving later reaches nothing more (it
    // could wait anywhere it reached), and each search that finds nothing
    // explores the whole map.
    // (Guided, the last search was from one origin only: the first closure
    // end is tried whatever it met.)
    bool searched_all = options_.guide == nullptr;
    for (const Ms t : closure_ends()) {
      if (std::all_of(vehicles_left_.begin(), vehicles_left_.end(), [](std::int64_t v) { return v == 0; })) break;
      if (searched_all && !parent_closed_) break;
      searched_all = true;
      depart_after_ = t;
      route_all(result);
    }
    depart_after_ = 0;
    for (std::size_t o = 0; o < in_.origins.size(); ++o) {
      if (people_left_[o] > 0) result.unmet.push_back({o, people_left_[o], explain_unmet(in_, o, room_)});
    }
    return result;
  }

 private:
  static constexpr std::size_t k_all = ~std::size_t{0};

  // The instants closures end, in order (before the horizon).
  [[nodiscard]] std::vector<Ms> closure_ends() const {
    std::vector<Ms> ends;
    for (ArcId a = 0; a < g_.arc_count(); ++a) {
      for (const auto& span : in_.closed_spans(a)) {
        if (span.until > 0 && span.until < in_.horizon()) ends.push_back(span.until);
      }
    }
    std::sort(ends.begin(), ends.end());
    ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
    return ends;
  }

  // When an origin's vehicles may leave at the earliest.
  [[nodiscard]] Ms leaves(std::size_t o) const { return std::max(in_.origins[o].earliest, depart_after_); }

  // Searches and sends until no origin in play has a path left.
  void route_all(PlanResult& result) {
    while (true) {
      auto path = search();
      if (!path) break;
      const Ms searched_arrival = path->arrival;
      // Send on this path, then keep re-sending on it while it stays nearly
      // as good as a fresh search would be.
      while (path && send(*path, result)) {
        if (vehicles_left_[path->origin] == 0 || !accepts(path->destination, path->origin)) break;
        path = reschedule(*path);
        if (path && path->arrival > searched_arrival + slack_) break;
      }
    }
  }

  // Goal direction (A*): the free-flow time from each node to the nearest
  // destination that still has room (when one guided origin is searched
  // from, the nearest of those it has a share of). Real trips never beat
  // free flow, so the potential is a consistent lower bound and the first
  // destination settled is still the earliest reachable one.
  void compute_potentials() {
    std::vector<std::pair<NodeId, Ms>> targets;
    const bool one_guided = only_ != k_all && guided(only_);
    for (std::size_t d = 0; d < in_.destinations.size(); ++d) {
      if (room_[d] > 0 && (!one_guided || share(only_, d) > 0)) targets.push_back({in_.destinations[d].node, 0});
    }
    potential_for_ = {only_, one_guided};
    potential_ = route::one_to_all(g_, targets, route::Direction::backward, &in_.always_closed());
    for (auto& p : potential_) {
      if (p >= route::k_unreachable) p = k_never;
    }
    rooms_with_space_ = destinations_with_room();
  }

  [[nodiscard]] std::size_t destinations_with_room() const {
    return static_cast<std::size_t>(std::count_if(room_.begin(), room_.end(), [](std::int64_t r) { return r > 0; }));
  }

  // Whether destination d can take at least one vehicle of origin o (and,
  // when guided, o has a share of d left for it).
  [[nodiscard]] bool accepts(std::size_t d, std::size_t o) const {
    if (convoy_ != nullptr) return room_[d] > 0 && room_[d] >= convoy_people_;
    const auto load = std::min(in_.origins[o].persons_per_vehicle, people_left_[o]);
    return room_[d] > 0 && room_[d] >= load && (!guided(o) || share(o, d) >= load);
  }
  [[nodiscard]] bool guided(std::size_t o) const { return !quota_.empty() && !free_[o]; }
  [[nodiscard]] std::int64_t& share(std::size_t o, std::size_t d) { return quota_[o * in_.destinations.size() + d]; }
  [[nodiscard]] std::int64_t share(std::size_t o, std::size_t d) const {
    return quota_[o * in_.destinations.size() + d];
  }

  // The earliest time >= ready at which a vehicle standing at the tail of a
  // (having arrived by `parent`) can enter a: the arc open for the whole
  // trip, a free slot on it and at the checkpoint in that step, and the
  // parent arc open while it waits.
  [[nodiscard]] Ms entry(ArcId a, Ms ready, ArcId parent) {
    return earliest_room(in_, ledger_, a, ready, parent, need_, checkpoint_[g_.tail[a]], &parent_closed_);
  }

  // Earliest-arrival search from every origin with vehicles left to the
  // first destination with room for the people of the origin that reaches it.
  std::optional<Path> search() {
    // A destination filled up, or the searches' origin changed.
    if (destinations_with_room() != rooms_with_space_ ||
        potential_for_ != std::pair(only_, only_ != k_all && guided(only_)))
      compute_potentials();
    ++searches_;
    parent_closed_ = false;
    if (++current_ == 0) {
      std::fill(stamp_.begin(), stamp_.end(), 0);
      current_ = 1;
    }
    heap_.clear(current_);
    auto label = [&](NodeId v) { return stamp_[v] == current_ ? time_[v] : k_never; };
    auto set = [&](NodeId v, Ms t, ArcId via, Ms entered, std::size_t root) {
      stamp_[v] = current_;
      time_[v] = t;
      parent_[v] = via;
      enter_[v] = entered;
      root_[v] = root;
      heap_.push_or_decrease(v, static_cast<std::uint64_t>(t + potential_[road_node(v)]));
    };
    for (std::size_t o = 0; o < in_.origins.size() && convoy_ == nullptr; ++o) {
      const auto& site = in_.origins[o];
      if (only_ != k_all && o != only_) continue;
      if (vehicles_left_[o] > 0 && leaves(o) < label(site.node)) set(site.node, leaves(o), graph::k_invalid, 0, o);
    }
    if (convoy_ != nullptr) {
      // A convoy on the road stands at the copy of its node that the road
      // it came by enters: the turns forbidden from that road bind it.
      const bool came = turns_ != nullptr && convoy_->via != graph::k_invalid;
      const NodeId at = came ? sg_.head[turns_->copies(convoy_->via).front()] : convoy_->at;
      set(at, convoy_->ready, graph::k_invalid, 0, convoy_->origin);
    }
    while (!heap_.empty()) {
      const NodeId u = heap_.pop();
      const NodeId road_u = road_node(u);
      const Ms t = time_[u];
      ++settled_;
      if (is_destination_[road_u]) {
        for (std::size_t d = 0; d < in_.destinations.size(); ++d) {
          if (in_.destinations[d].node == road_u && accepts(d, root_[u])) return trace(u, d);
        }
      }
      // A convoy waits on the road it came by, which must stay open.
      const ArcId came_by = parent_[u] != graph::k_invalid ? road_arc(parent_[u])
                            : convoy_ == nullptr           ? graph::k_invalid
                                                           : convoy_->via;
      for (ArcId s = sg_.first_out[u]; s < sg_.first_out[u + 1]; ++s) {
        const NodeId w = sg_.head[s];
        const ArcId a = road_arc(s);
        if (potential_[road_node(w)] >= k_never) continue;     // leads to no destination with room
        if (stamp_[w] == current_ && time_[w] <= t) continue;  // cannot improve
        const Ms tau = entry(a, t, came_by);
        if (tau == k_never) continue;
        const Ms arrive = tau + g_.time_ms[a];
        if (arrive < label(w)) set(w, arrive, s, tau, root_[u]);
      }
    }
    return std::nullopt;
  }

  [[nodiscard]] NodeId road_node(NodeId v) const noexcept { return turns_ ? turns_->road_node(v) : v; }
  [[nodiscard]] ArcId road_arc(ArcId a) const noexcept { return turns_ ? turns_->road_arc(a) : a; }

  Path trace(NodeId target, std::size_t destination) const {
    Path p;
    p.origin = root_[target];
    p.destination = destination;
    p.arrival = time_[target];
    trace_path(sg_, parent_, enter_, target, p.arcs, p.enter);
    for (auto& a : p.arcs) a = road_arc(a);
    return p;
  }

  // The same arcs, scheduled greedily on the capacity left now.
  std::optional<Path> reschedule(const Path& old) {
    Path p = old;
    Ms t = leaves(p.origin);
    ArcId parent = graph::k_invalid;
    for (std::size_t i = 0; i < p.arcs.size(); ++i) {
      const Ms tau = entry(p.arcs[i], t, parent);
      if (tau == k_never) return std::nullopt;
      p.enter[i] = tau;
      t = tau + g_.time_ms[p.arcs[i]];
      parent = p.arcs[i];
    }
    p.arrival = t;
    return p;
  }

  // Sends as many vehicles along p as its bottleneck allows; false if none.
  bool send(const Path& p, PlanResult& result) {
    const Ms step = in_.step();
    const auto& site = in_.origins[p.origin];
    std::int64_t f = vehicles_left_[p.origin];
    for (std::size_t i = 0; i < p.arcs.size(); ++i) {
      f = std::min<std::int64_t>(f, ledger_.arc_left(p.arcs[i], p.enter[i] / step));
      if (const int cp = checkpoint_[g_.tail[p.arcs[i]]]; cp >= 0) {
        f = std::min<std::int64_t>(f, ledger_.checkpoint_left(cp, p.enter[i] / step));
      }
    }
    if (people_left_[p.origin] > room_[p.destination]) f = std::min(f, room_[p.destination] / site.persons_per_vehicle);
    if (guided(p.origin) && people_left_[p.origin] > share(p.origin, p.destination))
      f = std::min(f, share(p.origin, p.destination) / site.persons_per_vehicle);
    if (f <= 0) return false;
    const std::int64_t people = std::min(f * site.persons_per_vehicle, people_left_[p.origin]);

    Movement m;
    m.origin = p.origin;
    m.destination = p.destination;
    m.vehicles = f;
    m.people = people;
    m.nodes.push_back(site.node);
    for (std::size_t i = 0; i < p.arcs.size(); ++i) {
      const auto k = p.enter[i] / step;
      ledger_.take_arc(p.arcs[i], k, static_cast<std::uint32_t>(f));
      if (const int cp = checkpoint_[g_.tail[p.arcs[i]]]; cp >= 0)
        ledger_.take_checkpoint(cp, k, static_cast<std::uint32_t>(f));
      m.nodes.push_back(g_.head[p.arcs[i]]);
      m.times.push_back(p.enter[i]);
    }
    m.times.push_back(p.arrival);
    vehicles_left_[p.origin] -= f;
    people_left_[p.origin] -= people;
    room_[p.destination] -= people;
    if (guided(p.origin)) share(p.origin, p.destination) -= people;
    planned_ += f;
    result.movements.push_back(std::move(m));
    if (options_.progress) options_.progress(planned_, total_vehicles_);
    check(options_.stop);
    return true;
  }

  const Instance& in_;
  const graph::RoadGraph& g_;
  const route::TurnSplit* turns_;  // with turn restrictions, else null
  const graph::RoadGraph& sg_;     // the graph searched: turns_'s split graph or g_
  CcrpOptions options_;
  CapacityLedger ledger_;
  route::NodeHeap heap_;
  std::vector<Ms> time_;
  std::vector<ArcId> parent_;
  std::vector<Ms> enter_;
  std::vector<std::size_t> root_;
  std::vector<std::uint32_t> stamp_;
  std::vector<bool> is_destination_;
  std::vector<int> checkpoint_;  // per node: checkpoint index or -1
  std::vector<Ms> potential_;    // per road node: free-flow time to a destination with room
  std::size_t rooms_with_space_ = 0;
  std::pair<std::size_t, bool> potential_for_{~std::size_t{0}, false};  // (only_, guided) the potentials were for
  std::uint64_t searches_ = 0, settled_ = 0;
  std::uint32_t current_ = 0;
  bool parent_closed_ = false;  // the last search met a road closing under a waiting convoy
  std::vector<std::int64_t> vehicles_left_, people_left_, room_;
  std::int64_t total_vehicles_ = 0, planned_ = 0;
  Ms slack_ = 0;
  Ms depart_after_ = 0;              // no origin leaves before
  std::vector<std::int64_t> quota_;  // guided: people left per (origin, destination)
  std::vector<char> free_;           // guided: origins released from their shares
  std::size_t only_ = k_all;         // the one origin searched from, or all
  const Convoy* convoy_ = nullptr;   // the convoy searched from, or none
  std::int64_t need_ = 1;            // vehicles a search needs room for on every road and checkpoint
  std::int64_t convoy_people_ = 0;   // people a convoy search needs room for at the destination
};

}  // namespace

ResidualPlan plan_ccrp_residual(const Instance& in, const Residual& residual, const CcrpOptions& options) {
  CapacityLedger used(in);
  for (const auto& m : residual.taken) used.take(m);
  return plan_ccrp_residual(in, residual, std::move(used), options);
}

ResidualPlan plan_ccrp_residual(const Instance& in, const Residual& residual, CapacityLedger used,
                                const CcrpOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  Planner planner(in, options, std::move(used));
  ResidualPlan out;
  for (const auto& c : residual.convoys) out.convoys.push_back(planner.route(c));
  out.plan = planner.run();
  out.plan.searches = planner.searches();
  out.plan.settled = planner.settled();
  out.plan.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return out;
}

PlanResult plan_ccrp(const Instance& in, const CcrpOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  Planner planner(in, options, CapacityLedger(in));
  auto result = planner.run();
  name_movements(result);
  result.searches = planner.searches();
  result.settled = planner.settled();
  result.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace corridor::plan

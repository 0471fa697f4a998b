#include "corridor/plan/fleet.hpp"

#include <algorithm>
#include <queue>

#include "capacity.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/one_to_all.hpp"
#include "corridor/units.hpp"

namespace corridor::plan {
namespace {

// Free-flow times from the sources to every node (forward) or from every
// node to the nearest source (backward), on the roads no rule forbids;
// k_never where unreachable.
std::vector<Ms> free_flow(const Instance& in, const std::vector<std::pair<NodeId, Ms>>& sources,
                          route::Direction direction) {
  auto t = route::one_to_all(in.graph(), sources, direction, &in.always_closed());
  for (auto& x : t) x = x >= route::k_unreachable ? k_never : x;
  return t;
}

// The places a search may end at: their nodes, and what each has left
// (people at a pick-up point, room at a destination). Several places may
// share a node.
struct Targets {
  std::vector<char> here;          // per node: some place is there
  std::vector<NodeId> node;        // per place
  std::vector<std::int64_t> left;  // per place
  std::vector<Ms> ready;           // per place: a vehicle can start loading there from
  [[nodiscard]] std::optional<std::size_t> open_at(NodeId v) const {
    if (here[v] == 0) return std::nullopt;
    for (std::size_t i = 0; i < node.size(); ++i) {
      if (node[i] == v && left[i] > 0) return i;
    }
    return std::nullopt;
  }
  void add(NodeId v, std::int64_t amount) {
    here[v] = 1;
    node.push_back(v);
    left.push_back(amount);
    ready.push_back(0);
  }
};

// A vehicle's path found by a search: arcs and when it enters each.
struct Way {
  std::size_t target = 0;  // index of the pick-up point or destination reached
  Ms arrival = 0;
  std::vector<ArcId> arcs;
  std::vector<Ms> enter;
};

class FleetPlanner {
 public:
  FleetPlanner(const Instance& in, PlanResult& plan, const FleetOptions& options)
      : in_(in),
        g_(in.graph()),
        turns_(in.turns()),
        sg_(turns_ ? turns_->graph() : g_),
        plan_(plan),
        options_(options),
        ledger_(in),
        heap_(sg_.node_count()) {
    const auto n = g_.node_count();
    // Labels per node of the split graph with turn restrictions (ccrp.cpp).
    time_.assign(sg_.node_count(), k_never);
    parent_.assign(sg_.node_count(), graph::k_invalid);
    enter_.assign(sg_.node_count(), 0);
    stamp_.assign(sg_.node_count(), 0);
    checkpoint_.assign(n, -1);
    for (NodeId v = 0; v < n; ++v) checkpoint_[v] = in.checkpoint_at(v);
    pickups_.here.assign(n, 0);
    destinations_.here.assign(n, 0);
    for (const auto& p : in.pickups) {
      pickups_.add(p.node, p.people);
      total_ += p.people;
    }
    for (const auto& d : in.destinations) destinations_.add(d.node, d.acceptable() ? d.capacity_people : 0);
    // What the movements planned before take.
    for (const auto& m : plan.movements) {
      for (std::size_t i = 0; i + 1 < m.nodes.size(); ++i)
        take(g_.find_arc(m.nodes[i], m.nodes[i + 1]), m.times[i], m.vehicles);
      if (!m.stranded) destinations_.left[m.destination] -= m.people;
    }
  }

  void run() {
    struct Free {
      Ms ready;
      std::size_t vehicle;
      bool operator>(const Free& o) const { return ready != o.ready ? ready > o.ready : vehicle > o.vehicle; }
    };
    std::priority_queue<Free, std::vector<Free>, std::greater<>> free;
    for (std::size_t d = 0; d < in_.depots.size(); ++d) {
      const auto& depot = in_.depots[d];
      if (!depot.acceptable()) continue;
      const auto sends = options_.vehicles ? (*options_.vehicles)[d] : depot.vehicles;
      for (std::int64_t k = 0; k < sends; ++k) {
        free.push({depot.earliest, vehicles_.size()});
        vehicles_.push_back({in_.scenario().depots[depot.scenario_index].id + "/" + std::to_string(k + 1), d, {}});
        at_.push_back(depot.node);
      }
    }
    refresh_potentials();
    const auto& left = pickups_.left;
    while (!free.empty() && std::any_of(left.begin(), left.end(), [](std::int64_t x) { return x > 0; })) {
      const auto [ready, v] = free.top();
      free.pop();
      if (const auto next = trip(v, ready)) free.push({*next, v});
    }
    for (std::size_t p = 0; p < left.size(); ++p) {
      if (left[p] > 0) plan_.unmet.push_back({p, left[p], why_left(), true});
    }
    for (const auto& [p, at] : cut_off_) {
      plan_.unmet.push_back({p, in_.pickups[p].people - collected(p),
                             "loaded there at " + hms(at) +
                                 " after start, a vehicle could reach no destination with room before the horizon",
                             true});
    }
    for (auto& v : vehicles_) {
      if (!v.legs.empty()) plan_.fleet.push_back(std::move(v));
    }
  }

 private:
  // One round trip of vehicle v, free at `ready` where it stands: the time
  // it is free again at the destination, or nullopt when it retires.
  std::optional<Ms> trip(std::size_t v, Ms ready) {
    auto& vehicle = vehicles_[v];
    const auto& depot = in_.depots[vehicle.depot];
    // When each pick-up point has this vehicle's load there (walkers arrive
    // over time).
    for (std::size_t p = 0; p < pickups_.node.size(); ++p) {
      const auto& site = in_.pickups[p];
      const auto& left = pickups_.left[p];
      pickups_.ready[p] = left > 0 ? site.present_by(site.people - left + std::min(depot.seats, left)) : k_never;
    }
    const auto inbound = search(at_[v], ready, pickups_, to_pickup_);
    if (!inbound) return std::nullopt;
    const auto p = inbound->target;
    const Ms loaded_at = std::max(inbound->arrival, pickups_.ready[p]) + depot.load;
    commit(*inbound, 1);
    const auto loaded = search(in_.pickups[p].node, loaded_at, destinations_, to_destination_);
    if (!loaded) {
      // Nowhere to take them from there, now or later (a search waits for
      // every closure to end): no vehicle is sent there again. The inbound
      // leg's capacity stays taken (unused by anyone); the vehicle retires.
      cut_off_.emplace_back(p, loaded_at);
      pickups_.left[p] = 0;
      refresh_potentials();
      return std::nullopt;
    }
    commit(*loaded, 1);
    const auto d = loaded->target;
    const std::int64_t people = std::min({depot.seats, pickups_.left[p], destinations_.left[d]});
    const bool first = vehicle.legs.empty();
    vehicle.legs.push_back(leg(first ? Leg::Kind::inbound : Leg::Kind::back,
                               first ? vehicle.depot : vehicle.legs.back().to, p, 0, depot.cargo_t, at_[v], *inbound));
    vehicle.legs.push_back(leg(Leg::Kind::loaded, p, d, people, 0, in_.pickups[p].node, *loaded));
    at_[v] = in_.destinations[d].node;
    pickups_.left[p] -= people;
    destinations_.left[d] -= people;
    delivered_ += people;
    if (pickups_.left[p] == 0 || destinations_.left[d] == 0) refresh_potentials();
    if (options_.progress) options_.progress(delivered_, total_);
    check(options_.stop);
    return loaded->arrival + depot.unload;
  }

  Leg leg(Leg::Kind kind, std::size_t from, std::size_t to, std::int64_t people, double aid, NodeId start,
          const Way& way) const {
    Leg l;
    l.kind = kind;
    l.from = from;
    l.to = to;
    l.people = people;
    l.aid_t = aid;
    l.nodes.push_back(start);
    for (std::size_t i = 0; i < way.arcs.size(); ++i) {
      l.nodes.push_back(g_.head[way.arcs[i]]);
      l.times.push_back(way.enter[i]);
    }
    l.times.push_back(way.arrival);
    return l;
  }

  void take(ArcId a, Ms t, std::int64_t vehicles) {
    const auto k = t / in_.step();
    ledger_.take_arc(a, k, vehicles);
    if (const int cp = checkpoint_[g_.tail[a]]; cp >= 0) ledger_.take_checkpoint(cp, k, vehicles);
  }
  void commit(const Way& w, std::int64_t vehicles) {
    for (std::size_t i = 0; i < w.arcs.size(); ++i) take(w.arcs[i], w.enter[i], vehicles);
  }

  // Goal direction for both searches: free-flow time to the nearest pick-up
  // point with people left, and to the nearest destination with room.
  void refresh_potentials() {
    std::vector<std::pair<NodeId, Ms>> pickups, destinations;
    for (std::size_t p = 0; p < pickups_.node.size(); ++p) {
      if (pickups_.left[p] > 0) pickups.push_back({pickups_.node[p], 0});
    }
    for (std::size_t d = 0; d < destinations_.node.size(); ++d) {
      if (destinations_.left[d] > 0) destinations.push_back({destinations_.node[d], 0});
    }
    to_pickup_ = free_flow(in_, pickups, route::Direction::backward);
    to_destination_ = free_flow(in_, destinations, route::Direction::backward);
  }

  // Earliest-arrival search (A* on the potential) for one vehicle standing
  // at s from `ready` to the target with people or room left where it can
  // start soonest: its arrival, or later when the target is ready later.
  std::optional<Way> search(NodeId s, Ms ready, const Targets& targets, const std::vector<Ms>& potential) {
    if (potential[s] >= k_never) return std::nullopt;
    ++plan_.searches;
    if (++current_ == 0) {
      std::fill(stamp_.begin(), stamp_.end(), 0);
      current_ = 1;
    }
    heap_.clear(current_);
    auto label = [&](NodeId v) { return stamp_[v] == current_ ? time_[v] : k_never; };
    auto set = [&](NodeId v, Ms t, ArcId via, Ms entered) {
      stamp_[v] = current_;
      time_[v] = t;
      parent_[v] = via;
      enter_[v] = entered;
      heap_.push_or_decrease(v, static_cast<std::uint64_t>(t + potential[road_node(v)]));
    };
    set(s, ready, graph::k_invalid, 0);
    std::optional<std::pair<Ms, NodeId>> best;  // (start, node) of the best target reached
    std::size_t best_place = 0;
    while (!heap_.empty()) {
      // A* keys never exceed the arrival at a target: none left can start
      // before the best one found.
      if (best && heap_.min_key() >= static_cast<std::uint64_t>(best->first)) break;
      const NodeId u = heap_.pop();
      const NodeId road_u = road_node(u);
      const Ms t = time_[u];
      ++plan_.settled;
      if (const auto place = targets.open_at(road_u)) {
        const Ms start = std::max(t, targets.ready[*place]);
        if (start == t) return trace(u, *place);
        if (!best || start < best->first) {
          best = {start, u};
          best_place = *place;
        }
      }
      const ArcId came_by = parent_[u] == graph::k_invalid ? graph::k_invalid : road_arc(parent_[u]);
      for (ArcId x = sg_.first_out[u]; x < sg_.first_out[u + 1]; ++x) {
        const NodeId w = sg_.head[x];
        const ArcId a = road_arc(x);
        if (potential[road_node(w)] >= k_never || (stamp_[w] == current_ && time_[w] <= t)) continue;
        const Ms tau = earliest_room(in_, ledger_, a, t, came_by, 1, checkpoint_[road_u]);
        if (tau == k_never) continue;
        const Ms arrive = tau + g_.time_ms[a];
        if (arrive < label(w)) set(w, arrive, x, tau);
      }
    }
    if (best) return trace(best->second, best_place);
    return std::nullopt;
  }

  Way trace(NodeId target, std::size_t index) const {
    Way w;
    w.target = index;
    w.arrival = time_[target];
    trace_path(sg_, parent_, enter_, target, w.arcs, w.enter);
    for (auto& a : w.arcs) a = road_arc(a);
    return w;
  }

  [[nodiscard]] NodeId road_node(NodeId v) const noexcept { return turns_ ? turns_->road_node(v) : v; }
  [[nodiscard]] ArcId road_arc(ArcId a) const noexcept { return turns_ ? turns_->road_arc(a) : a; }

  // People the fleet has taken from pick-up point p.
  [[nodiscard]] std::int64_t collected(std::size_t p) const {
    std::int64_t n = 0;
    for (const auto& v : vehicles_) {
      for (const auto& l : v.legs) n += l.kind == Leg::Kind::loaded && l.from == p ? l.people : 0;
    }
    return n;
  }

  [[nodiscard]] std::string why_left() const {
    if (std::none_of(in_.depots.begin(), in_.depots.end(), [](const DepotSite& d) { return d.acceptable(); })) {
      return "every depot is refused: " + in_.depots.front().refused_by.front();
    }
    if (std::none_of(destinations_.left.begin(), destinations_.left.end(), [](std::int64_t r) { return r > 0; })) {
      return "no acceptable destination has room left";
    }
    return "the fleet cannot collect them and bring them to a destination within the horizon";
  }

  const Instance& in_;
  const graph::RoadGraph& g_;
  const route::TurnSplit* turns_;  // with turn restrictions, else null
  const graph::RoadGraph& sg_;     // the graph searched: turns_'s split graph or g_
  PlanResult& plan_;
  FleetOptions options_;
  CapacityLedger ledger_;
  route::NodeHeap heap_;
  std::vector<Ms> time_;
  std::vector<ArcId> parent_;
  std::vector<Ms> enter_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t current_ = 0;
  std::vector<int> checkpoint_;                 // per node: checkpoint index or -1
  Targets pickups_;                             // people left at each pick-up point
  Targets destinations_;                        // room left at each destination
  std::vector<Ms> to_pickup_, to_destination_;  // potentials
  std::vector<FleetVehicle> vehicles_;          // every vehicle sent, with its legs so far
  std::vector<NodeId> at_;                      // where each vehicle stands
  std::int64_t total_ = 0, delivered_ = 0;
  std::vector<std::pair<std::size_t, Ms>> cut_off_;  // pick-up points no vehicle can leave loaded, from when
};

}  // namespace

void plan_fleet(const Instance& in, PlanResult& plan, const FleetOptions& options) {
  if (in.depots.empty()) return;
  FleetPlanner(in, plan, options).run();
}

FleetBounds fleet_bounds(const Instance& in, const std::optional<std::vector<std::int64_t>>& vehicles) {
  FleetBounds b;
  std::vector<std::pair<NodeId, Ms>> depots, destinations;
  std::int64_t fleet = 0, seats = 0;
  Ms load = k_never, unload = k_never, start = k_never;
  for (std::size_t d = 0; d < in.depots.size(); ++d) {
    const auto& depot = in.depots[d];
    const auto sends = vehicles ? (*vehicles)[d] : depot.vehicles;
    if (!depot.acceptable() || sends <= 0) continue;
    depots.push_back({depot.node, depot.earliest});
    fleet += sends;
    seats = std::max(seats, depot.seats);
    load = std::min(load, depot.load);
    unload = std::min(unload, depot.unload);
    start = std::min(start, depot.earliest);
  }
  std::int64_t capacity = 0;
  for (const auto& d : in.destinations) {
    if (!d.acceptable()) continue;
    destinations.push_back({d.node, 0});
    capacity += d.capacity_people;
  }
  if (depots.empty() || destinations.empty()) return b;
  const auto from_depot = free_flow(in, depots, route::Direction::forward);
  const auto from_destination = free_flow(in, destinations, route::Direction::forward);
  const auto to_destination = free_flow(in, destinations, route::Direction::backward);
  Ms first = k_never, cycle = k_never;
  std::int64_t reachable = 0, people = 0, trips = 0;
  Ms work = 0;         // of all trips together: coming to the pick-up point, loading, driving out
  Ms last_loaded = 0;  // the last person's trip: they are there no sooner than they arrive
  for (const auto& p : in.pickups) {
    people += p.people;
    const Ms out = to_destination[p.node];
    if (p.people == 0 || from_depot[p.node] >= k_never || out >= k_never) continue;
    const Ms trip = std::max(from_depot[p.node], p.present_by(1)) + load + out;
    if (trip > in.horizon()) continue;
    reachable += p.there_at(in.horizon() - load - out);
    first = std::min(first, trip);
    last_loaded = std::max(last_loaded, p.present_by(p.people) + load + out);
    if (from_destination[p.node] < k_never) cycle = std::min(cycle, unload + from_destination[p.node] + load + out);
    const std::int64_t here = (p.people + seats - 1) / seats;  // a trip loads at one pick-up point
    trips += here;
    work += here * (std::min(from_depot[p.node] - start, from_destination[p.node]) + load + out);
  }
  if (reachable == 0) return b;
  b.first_trip = first;
  b.cycle = cycle;
  // Trips each vehicle can make at most, and must make at least.
  // (A pick-up point at a destination with no loading or unloading takes
  // no time a trip: then only the people and the room bound it.)
  b.upper_bound_people = std::min(reachable, capacity);
  if (cycle > 0) {
    const std::int64_t most_trips = 1 + (cycle >= k_never ? 0 : (in.horizon() - first) / cycle);
    b.upper_bound_people = std::min(b.upper_bound_people, fleet * most_trips * seats);
  }
  const std::int64_t per_vehicle = (trips + fleet - 1) / fleet;
  if (reachable == people && capacity >= people && (per_vehicle == 1 || cycle < k_never)) {
    // The vehicle with the most trips, and the average vehicle: each works
    // from the earliest start through its trips with an unload between two.
    const Ms busiest = first + (per_vehicle - 1) * (per_vehicle > 1 ? cycle : 0);
    const Ms average = start + (work + std::max<std::int64_t>(0, trips - fleet) * unload + fleet - 1) / fleet;
    const Ms egress = std::max({busiest, average, last_loaded});
    if (egress <= in.horizon()) b.lower_bound_egress = egress;
  }
  return b;
}

}  // namespace corridor::plan

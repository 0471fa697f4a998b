#include "corridor/plan/instance.hpp"

#include <algorithm>
#include <cmath>

#include "corridor/error.hpp"
#include "corridor/units.hpp"

namespace corridor::plan {
namespace {

// "party A forbids <what> controlled by B", once for each rule that does.
std::vector<std::string> refusals(const scenario::Scenario& s, std::vector<std::string> scenario::Rule::*forbidden,
                                  const std::string& controller, const std::string& what) {
  std::vector<std::string> out;
  for (const auto& r : s.rules) {
    for (const auto& party : r.*forbidden) {
      if (party == controller) out.push_back("party " + r.party + " forbids " + what + " controlled by " + controller);
    }
  }
  return out;
}

}  // namespace

Instance::Instance(const graph::RoadGraph& g, const graph::SpatialIndex& index, const scenario::Scenario& s,
                   double max_snap_m)
    : Instance(std::make_shared<const scenario::Overlay>(g, index, s, max_snap_m)) {}

Instance::Instance(std::shared_ptr<const scenario::Overlay> overlay)
    : overlay_(std::move(overlay)), g_(overlay_->graph()), s_(overlay_->scenario()) {
  const auto& g = g_;
  const auto& s = s_;
  const auto& o = *overlay_;
  if (!o.problems().empty()) throw ValidationError("snapping the scenario onto the map", o.problems());
  step_ = to_milliseconds(static_cast<double>(s.time_step_s));
  horizon_ = to_milliseconds(s.horizon_hours * 3600.0);

  if (g.has_turn_restrictions()) turns_ = std::make_shared<const route::TurnSplit>(g);
  arc_rate_.reserve(g.arc_count());
  for (ArcId a = 0; a < g.arc_count(); ++a) arc_rate_.emplace_back(g.capacity_vph[a], s.time_step_s);

  for (const auto& p : o.snaps()) {
    snaps.push_back(
        {std::string(scenario::to_string(p.role)), p.id, p.feature_index, p.node, g.node_id[p.node], p.distance_m});
  }
  for (std::size_t i = 0; i < s.origins.size(); ++i) {
    const auto& origin = s.origins[i];
    const Ms earliest = origin.earliest_departure ? std::max<Ms>(0, after_start(*origin.earliest_departure)) : 0;
    if (origin.walks()) {
      WalkerSite walker{i, origin.people, earliest, {}, origin.walk_max_m};
      for (const auto& id : origin.walk_to) {
        for (std::size_t p = 0; p < s.pickups.size(); ++p) {
          if (s.pickups[p].id == id) walker.pickups.push_back(p);
        }
      }
      walkers.push_back(std::move(walker));
      continue;
    }
    OriginSite site;
    site.scenario_index = i;
    site.node = o.origin(i).node;
    site.people = origin.people;
    site.persons_per_vehicle = origin.persons_per_vehicle;
    site.vehicles = origin.vehicles();
    site.earliest = earliest;
    origins.push_back(site);
  }
  for (std::size_t i = 0; i < s.destinations.size(); ++i) {
    const auto& d = s.destinations[i];
    DestinationSite site;
    site.scenario_index = i;
    site.node = o.destination(i).node;
    site.capacity_people = d.capacity;
    site.refused_by = refusals(s, &scenario::Rule::forbid_destinations_controlled_by, d.controlled_by, "destinations");
    destinations.push_back(site);
  }
  for (std::size_t i = 0; i < s.checkpoints.size(); ++i) {
    const auto& c = s.checkpoints[i];
    CheckpointSite site;
    site.scenario_index = i;
    site.node = o.checkpoint(i).node;
    site.rate = StepRate(c.vehicles_per_hour, s.time_step_s);
    for (const auto& r : s.rules) {
      for (const auto& op : r.forbid_checkpoints_operated_by) {
        if (op == c.operated_by) site.refused_by.push_back(r.party);
      }
    }
    checkpoints.push_back(site);
  }
  for (const auto& r : s.rules) {
    if (r.forbid_aid_inbound) aid_refused_by.push_back(r.party);
  }
  for (std::size_t i = 0; i < s.depots.size(); ++i) {
    const auto& d = s.depots[i];
    DepotSite site;
    site.scenario_index = i;
    site.node = o.depot(i).node;
    site.vehicles = d.vehicles;
    site.seats = d.seats;
    site.load = to_milliseconds(d.load_min * 60.0);
    site.unload = to_milliseconds(d.unload_min * 60.0);
    site.earliest = d.earliest_departure ? std::max<Ms>(0, after_start(*d.earliest_departure)) : 0;
    site.cargo_t = aid_refused_by.empty() ? d.cargo_t : 0.0;
    site.refused_by = refusals(s, &scenario::Rule::forbid_depots_controlled_by, d.controlled_by, "depots");
    depots.push_back(site);
  }
  for (std::size_t i = 0; i < s.pickups.size(); ++i) {
    PickupSite site;
    site.scenario_index = i;
    site.node = o.pickup(i).node;
    site.people = site.gathered = s.pickups[i].people;
    site.earliest = s.pickups[i].earliest ? std::max<Ms>(0, after_start(*s.pickups[i].earliest)) : 0;
    pickups.push_back(site);
  }
  for (std::size_t i = 0; i < checkpoints.size(); ++i)
    checkpoint_nodes_.emplace_back(checkpoints[i].node, static_cast<int>(i));
  std::sort(checkpoint_nodes_.begin(), checkpoint_nodes_.end());

  // The overlay's closed spans, in the planner's milliseconds.
  bool timed = false;
  for (ArcId a = 0; a < g.arc_count() && !timed; ++a) timed = !o.closed_spans(a).empty();
  if (timed) {
    span_first_.assign(g.arc_count() + 1, 0);
    for (ArcId a = 0; a < g.arc_count(); ++a) {
      for (const auto& span : o.closed_spans(a)) spans_.push_back({after_start(span.from), after_start(span.until)});
      span_first_[a + 1] = static_cast<std::uint32_t>(spans_.size());
    }
  }
}

std::vector<Span> Instance::closed_spans(ArcId a) const {
  if (span_first_.empty()) return {};
  return {spans_.begin() + span_first_[a], spans_.begin() + span_first_[a + 1]};
}

bool Instance::may_occupy(ArcId a, Ms from, Ms until) const noexcept {
  if (always_closed().contains(a)) return false;
  if (span_first_.empty()) return true;
  for (auto i = span_first_[a]; i < span_first_[a + 1]; ++i) {
    if (from < spans_[i].until && spans_[i].from < until) return false;
  }
  return true;
}

Ms PickupSite::present_by(std::int64_t count) const noexcept {
  if (count <= 0) return 0;
  std::int64_t here = 0;
  Ms t = 0;
  std::size_t next = 0;
  // Merge the gathered people (at `earliest`) into the arrivals.
  bool counted_gathered = gathered == 0;
  while (here < count) {
    const bool take_gathered = !counted_gathered && (next == arrivals.size() || earliest <= arrivals[next].first);
    if (take_gathered) {
      here += gathered;
      t = earliest;
      counted_gathered = true;
    } else if (next < arrivals.size()) {
      here += arrivals[next].second;
      t = arrivals[next].first;
      ++next;
    } else {
      return k_never;
    }
  }
  return t;
}

std::int64_t PickupSite::there_at(Ms t) const noexcept {
  std::int64_t n = earliest <= t ? gathered : 0;
  for (const auto& [at, walkers] : arrivals) n += at <= t ? walkers : 0;
  return n;
}

Ms Instance::earliest_entry(ArcId a, Ms t, Ms duration) const noexcept {
  if (always_closed().contains(a)) return k_never;
  if (!span_first_.empty()) {
    // Spans are sorted and disjoint: step past each one the trip would touch.
    for (auto i = span_first_[a]; i < span_first_[a + 1]; ++i) {
      if (t < spans_[i].until && spans_[i].from < t + std::max<Ms>(duration, 1)) t = spans_[i].until;
    }
  }
  return t + duration <= horizon_ ? t : k_never;
}

Ms Instance::after_start(geo::UnixSeconds t) const noexcept {
  if (t == scenario::k_always_from) return -k_never;
  if (t == scenario::k_always_until) return k_never;
  // In seconds first: a far instant times 1000 would overflow.
  const auto s = std::clamp<std::int64_t>((t - s_.start).count(), -k_never / 1000, k_never / 1000);
  return s * 1000;
}

geo::UnixSeconds Instance::instant(Ms t) const noexcept {
  const std::int64_t whole = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
  return s_.start + geo::Seconds(whole);
}

int Instance::checkpoint_at(NodeId v) const noexcept {
  const auto it = std::lower_bound(checkpoint_nodes_.begin(), checkpoint_nodes_.end(), std::make_pair(v, -1));
  return (it != checkpoint_nodes_.end() && it->first == v) ? it->second : -1;
}

}  // namespace corridor::plan

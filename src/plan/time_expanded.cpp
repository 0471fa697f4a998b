// Building the time-expanded network (see time_expanded.hpp).
#include "plan/time_expanded.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <stdexcept>

#include "plan/time_expanded_engine.hpp"

namespace corridor::plan::te {
namespace {

std::int32_t to_steps(Ms value) {
  return value >= k_never ? k_no_step : static_cast<std::int32_t>(std::min<Ms>(value, k_no_step - 1));
}

// Where the copies of every node and of every buffered section lie among
// the network's node ids (ids 0 and 1 are source and sink, then one
// collector per destination, then these).
struct Layout {
  std::vector<std::int64_t> base;    // per road node: id of copy (v, lo), -1 when none
  std::vector<std::uint8_t> stride;  // per road node: ids per step (arrive, depart, pass)
  std::vector<std::uint8_t> has_dep;
  std::vector<std::int64_t> buf_base;  // per section: id of buffer (s, lo(head)), -1 when none
  std::int64_t count = 0;              // node ids in all
};

}  // namespace

Network::Network(const Instance& in, Model model, int substeps, int condense)
    : in_(in),
      model_(model),
      substeps_(model == Model::exact ? std::max(1, substeps) : 1),
      condense_(model == Model::relaxed ? std::max(1, condense) : 1) {
  const auto& g = in.graph();
  if (in.step() % substeps_ != 0) substeps_ = 1;  // copies must fall on the step boundaries
  tick_ = in.step() / substeps_ * condense_;
  const Ms step = tick_;
  horizon_steps_ = static_cast<int>(in.horizon() / step);
  make_sections();
  for (const auto& c : in.checkpoints) checkpoint_rates_.push_back(per_tick(c.rate));
  std::vector<std::pair<NodeId, Ms>> starts;
  const bool exact = model == Model::exact;
  for (std::size_t o = 0; o < in.origins.size(); ++o) {
    starts.emplace_back(in.origins[o].node, exact ? Ms{departure_step(o)} : in.origins[o].earliest);
  }
  const auto from = section_distances(starts, false, exact);
  const auto to = section_distances(acceptable_destinations(in), true, exact);
  if (!exact) first_ms_ = from;
  first_.resize(g.node_count());
  to_go_.resize(g.node_count());
  for (NodeId v = 0; v < g.node_count(); ++v) {
    if (exact) {
      first_[v] = to_steps(from[v]);
      to_go_[v] = to_steps(to[v]);
    } else {
      first_[v] = from[v] >= k_never ? k_no_step : to_steps(from[v] / step);
      to_go_[v] = to[v] >= k_never ? k_no_step : to_steps(to[v] / step);
    }
  }
}

std::int64_t Network::section_capacity(const Section& s, std::int32_t k) const noexcept {
  std::int64_t cap = std::numeric_limits<std::int64_t>::max();
  for (auto i = s.first; i < s.last && cap > 0; ++i) cap = std::min(cap, rates_[i].at(k + shifts_[i]));
  return cap;
}

std::int32_t Network::earliest_last_step() const {
  std::int32_t last = 0;
  for (std::size_t o = 0; o < in_.origins.size(); ++o) {
    if (in_.origins[o].vehicles <= 0) continue;
    const auto to_go = to_go_[in_.origins[o].node];
    if (to_go == k_no_step) return k_no_step;
    last = std::max(last, departure_step(o) + to_go);
  }
  return last;
}

std::int32_t Network::departure_step(std::size_t origin) const {
  const Ms e = in_.origins[origin].earliest;
  const Ms step = tick_;
  return static_cast<std::int32_t>(model_ == Model::exact ? (e + step - 1) / step : e / step);
}

namespace {

// Steps [lo, hi] at which node v has copies for arrivals by step T.
struct Range {
  std::int32_t lo = 0;
  std::int32_t hi = -1;
  [[nodiscard]] bool empty() const noexcept { return lo > hi; }
};

Layout make_layout(const Instance& in, const std::vector<Section>& sections, const std::vector<std::int32_t>& first,
                   const std::vector<std::int32_t>& to_go, int last_step, std::int64_t first_id) {
  const auto& g = in.graph();
  auto range = [&](NodeId v) {
    if (first[v] == k_no_step || to_go[v] == k_no_step) return Range{};
    return Range{first[v], static_cast<std::int32_t>(last_step - to_go[v])};
  };
  Layout l;
  l.base.assign(g.node_count(), -1);
  l.stride.assign(g.node_count(), 1);
  l.has_dep.assign(g.node_count(), 0);
  l.buf_base.assign(sections.size(), -1);
  auto waits_at_end = [&](const Section& s) { return s.buffered && !range(s.tail).empty() && !range(s.head).empty(); };
  for (const auto& s : sections) {
    if (waits_at_end(s)) l.has_dep[s.head] = 1;
  }
  std::int64_t id = first_id;
  for (NodeId v = 0; v < g.node_count(); ++v) {
    const auto r = range(v);
    if (r.empty()) continue;
    l.stride[v] = static_cast<std::uint8_t>(1 + l.has_dep[v] + (in.checkpoint_at(v) >= 0 ? 1 : 0));
    l.base[v] = id;
    id += static_cast<std::int64_t>(r.hi - r.lo + 1) * l.stride[v];
  }
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (!waits_at_end(sections[i])) continue;
    const auto r = range(sections[i].head);
    l.buf_base[i] = id;
    id += r.hi - r.lo + 1;
  }
  l.count = id;
  return l;
}

}  // namespace

std::uint64_t Network::node_copies(int last_step) const {
  const auto l = make_layout(in_, sections_, first_, to_go_, last_step, 0);
  return static_cast<std::uint64_t>(l.count) + 2 + in_.destinations.size();
}

std::unique_ptr<Expanded> Network::build(int last_step, const Units& units) const {
  using Digraph = lemon::SmartDigraph;
  const auto& g = in_.graph();
  const Ms step = tick_;
  const bool exact = model_ == Model::exact;
  auto x = std::make_unique<Expanded>();
  for (const auto& s : units.supplies) x->total_supply += s.amount;
  const std::int64_t inf = std::max<std::int64_t>(1, x->total_supply);
  const std::int64_t collectors = 2;
  const auto l = make_layout(in_, sections_, first_, to_go_, last_step,
                             collectors + static_cast<std::int64_t>(in_.destinations.size()));
  x->g.reserveNode(static_cast<int>(l.count));
  for (std::int64_t i = 0; i < l.count; ++i) x->g.addNode();
  x->source = Digraph::nodeFromId(0);
  x->sink = Digraph::nodeFromId(1);

  auto node = [](std::int64_t id) { return Digraph::nodeFromId(static_cast<int>(id)); };
  auto add = [&](std::int64_t from, std::int64_t to, std::int64_t cap, ArcInfo info) {
    const auto arc = x->g.addArc(node(from), node(to));
    x->capacity[arc] = std::min(cap, inf);
    x->info.push_back(info);
    return arc;
  };
  auto lo = [&](NodeId v) { return first_[v]; };
  auto hi = [&](NodeId v) { return static_cast<std::int32_t>(last_step - to_go_[v]); };
  auto arrive = [&](NodeId v, std::int32_t k) {
    return l.base[v] + static_cast<std::int64_t>(k - lo(v)) * l.stride[v];
  };
  auto depart = [&](NodeId v, std::int32_t k) { return arrive(v, k) + l.has_dep[v]; };
  auto pass = [&](NodeId v, std::int32_t k) { return depart(v, k) + (l.stride[v] - 1 - l.has_dep[v]); };
  auto buffer = [&](std::uint32_t s, std::int32_t k) { return l.buf_base[s] + (k - lo(sections_[s].head)); };

  for (const auto& s : units.supplies) {
    const NodeId v = in_.origins[s.origin].node;
    const auto k0 = departure_step(s.origin);
    if (s.amount <= 0 || l.base[v] < 0 || k0 < lo(v) || k0 > hi(v)) continue;
    const auto arc = add(0, arrive(v, k0), s.amount, {ArcKind::source, k0, 0, static_cast<std::uint32_t>(s.origin)});
    x->source_weight.emplace_back(Digraph::id(arc), s.weight);
  }
  if (units.bypass) add(0, 1, inf, {});
  for (std::size_t d = 0; d < in_.destinations.size(); ++d) {
    const auto& site = in_.destinations[d];
    const std::int64_t intake = units.intake.at(d);
    const NodeId v = site.node;
    if (!site.acceptable() || intake == 0 || l.base[v] < 0) continue;
    const std::int64_t collector = collectors + static_cast<std::int64_t>(d);
    for (auto k = lo(v); k <= hi(v); ++k) {
      add(depart(v, k), collector, inf, {ArcKind::sink, k, 0, static_cast<std::uint32_t>(d)});
    }
    add(collector, 1, intake == k_unbounded ? inf : intake, {});
  }

  for (NodeId v = 0; v < g.node_count(); ++v) {
    if (l.base[v] < 0) continue;
    const int cp = in_.checkpoint_at(v);
    for (auto k = lo(v); k <= hi(v); ++k) {
      if (k < hi(v)) add(arrive(v, k), arrive(v, k + 1), inf, {ArcKind::wait, k, 1, v});
      if (l.has_dep[v]) add(arrive(v, k), depart(v, k), inf, {});
      if (cp >= 0) {
        add(depart(v, k), pass(v, k), checkpoint_rates_[static_cast<std::size_t>(cp)].at(k) * units.road_factor, {});
      }
    }
    for (auto j = out_first_[v]; j < out_first_[v + 1]; ++j) {
      const auto id = out_[j];
      const auto& s = sections_[id];
      const NodeId w = s.head;
      if (l.base[w] < 0) continue;
      for (auto k = lo(v); k <= hi(v); ++k) {
        std::int32_t land = 0;
        if (exact) {
          land = k + s.steps;
          if (land < lo(w)) continue;
          if (land > hi(w)) break;
          if (!drivable(s, k)) continue;
        } else {
          // The earliest instant of step k a vehicle can be at v and enter the segment.
          const Ms t0 = in_.earliest_entry(arcs_[s.first], std::max(k * step, first_ms_[v]), s.time);
          if (t0 >= (k + 1) * step) continue;
          land = static_cast<std::int32_t>((t0 + s.time) / step);
          if (land > hi(w)) continue;
          assert(land >= lo(w));  // first_ms_[w] <= first_ms_[v] + time <= t0 + time
        }
        const auto head = l.buf_base[id] >= 0 ? buffer(id, land) : arrive(w, land);
        add(pass(v, k), head, section_capacity(s, k) * units.road_factor, {ArcKind::road, k, land - k, id});
      }
    }
  }
  for (std::uint32_t id = 0; id < sections_.size(); ++id) {
    if (l.buf_base[id] < 0) continue;
    const ArcId last = arcs_[sections_[id].last - 1];
    const NodeId w = sections_[id].head;
    for (auto k = lo(w); k <= hi(w); ++k) {
      if (k < hi(w) && in_.may_occupy(last, k * step, (k + 1) * step)) {
        add(buffer(id, k), buffer(id, k + 1), inf, {ArcKind::wait, k, 1, w});
      }
      add(buffer(id, k), depart(w, k), inf, {});
    }
  }
  return x;
}

Pattern Network::pattern(int last_step, const Units& units) const {
  if (model_ != Model::exact) throw std::logic_error("time-expanded pattern: exact model only");
  const auto& g = in_.graph();
  const auto l = make_layout(in_, sections_, first_, to_go_, last_step, 0);
  auto lo = [&](NodeId v) { return first_[v]; };
  auto hi = [&](NodeId v) { return static_cast<std::int32_t>(last_step - to_go_[v]); };
  Pattern p;
  constexpr auto none = std::numeric_limits<std::uint32_t>::max();
  // Layers as build() numbers its copies: arrive, depart (where a buffered
  // section ends), pass (beyond a checkpoint), one per buffered section,
  // then a collector per destination.
  std::vector<std::uint32_t> arrive(g.node_count(), none), depart(g.node_count(), none), pass(g.node_count(), none);
  for (NodeId v = 0; v < g.node_count(); ++v) {
    if (l.base[v] < 0) continue;
    arrive[v] = p.add_layer(lo(v), hi(v));
    depart[v] = l.has_dep[v] ? p.add_layer(lo(v), hi(v)) : arrive[v];
    pass[v] = in_.checkpoint_at(v) >= 0 ? p.add_layer(lo(v), hi(v)) : depart[v];
  }
  std::vector<std::uint32_t> buffer(sections_.size(), none);
  for (std::size_t id = 0; id < sections_.size(); ++id) {
    if (l.buf_base[id] >= 0) buffer[id] = p.add_layer(lo(sections_[id].head), hi(sections_[id].head));
  }
  for (const auto& s : units.supplies) {
    const NodeId v = in_.origins[s.origin].node;
    const auto k0 = departure_step(s.origin);
    if (s.amount <= 0 || l.base[v] < 0 || k0 < lo(v) || k0 > hi(v)) continue;
    p.supplies.push_back({arrive[v], k0, s.amount, static_cast<std::uint32_t>(s.origin)});
  }
  // Arrivals in tick k enter the destination's collector at k (gated: the
  // arrival step being tried), and the collector runs back in time to its
  // first tick, where it drains into the sink at most its intake.
  for (std::size_t d = 0; d < in_.destinations.size(); ++d) {
    const auto& site = in_.destinations[d];
    const std::int64_t intake = units.intake.at(d);
    const NodeId v = site.node;
    if (!site.acceptable() || intake == 0 || l.base[v] < 0) continue;
    const auto collector = p.add_layer(lo(v), hi(v));
    p.add_link({.tail = depart[v],
                .head = collector,
                .gated = true,
                .kind = ArcKind::sink,
                .ref = static_cast<std::uint32_t>(d)});
    p.add_link({.tail = collector, .head = collector, .shift = -1});
    p.drains.push_back({collector, lo(v), intake, static_cast<std::uint32_t>(d)});
  }
  const auto factor = units.road_factor;
  for (NodeId v = 0; v < g.node_count(); ++v) {
    if (l.base[v] < 0) continue;
    p.add_link({.tail = arrive[v], .head = arrive[v], .shift = 1, .kind = ArcKind::wait, .ref = v});
    if (l.has_dep[v]) p.add_link({.tail = arrive[v], .head = depart[v]});
    if (const int cp = in_.checkpoint_at(v); cp >= 0) {
      const auto& rate = checkpoint_rates_[static_cast<std::size_t>(cp)];
      p.add_link({.tail = depart[v], .head = pass[v]}, [&](std::int32_t k) { return rate.at(k) * factor; });
    }
    for (auto j = out_first_[v]; j < out_first_[v + 1]; ++j) {
      const auto id = out_[j];
      const auto& s = sections_[id];
      if (l.base[s.head] < 0) continue;
      p.add_link({.tail = pass[v],
                  .head = buffer[id] != none ? buffer[id] : arrive[s.head],
                  .shift = s.steps,
                  .kind = ArcKind::road,
                  .ref = id},
                 [&](std::int32_t k) { return drivable(s, k) ? section_capacity(s, k) * factor : 0; });
    }
  }
  for (std::uint32_t id = 0; id < sections_.size(); ++id) {
    if (buffer[id] == none) continue;
    const ArcId last = arcs_[sections_[id].last - 1];
    const NodeId w = sections_[id].head;
    p.add_link({.tail = buffer[id], .head = buffer[id], .shift = 1, .kind = ArcKind::wait, .ref = w},
               [&](std::int32_t k) {
                 return in_.may_occupy(last, k * tick_, (k + 1) * tick_) ? std::int64_t{k_unbounded_capacity} : 0;
               });
    p.add_link({.tail = buffer[id], .head = depart[w]});
  }
  return p;
}

}  // namespace corridor::plan::te

#include "corridor/route/dijkstra.hpp"

#include "corridor/route/landmarks.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace corridor::route {
namespace {
constexpr std::uint64_t k_inf = std::numeric_limits<std::uint64_t>::max() / 8;  // 2 (inf + inf) cannot overflow
// Keys carry signed potentials; this offset keeps them unsigned.
constexpr std::int64_t k_key_offset = std::int64_t{1} << 40;
constexpr std::uint32_t k_popped = 0xFFFFFFFFu;
constexpr std::size_t k_arity = 4;
}  // namespace

NodeHeap::NodeHeap(std::uint32_t node_count) : pos_(node_count, 0), stamp_(node_count, 0) {}

void NodeHeap::clear(std::uint32_t stamp) noexcept {
  heap_.clear();
  current_ = stamp;
}

bool NodeHeap::push_or_decrease(NodeId v, std::uint64_t key) noexcept {
  if (stamp_[v] != current_) {
    stamp_[v] = current_;
    pos_[v] = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back({key, v});
    sift_up(heap_.size() - 1);
    return true;
  }
  if (pos_[v] == k_popped || heap_[pos_[v]].key <= key) return false;
  heap_[pos_[v]].key = key;
  sift_up(pos_[v]);
  return true;
}

NodeId NodeHeap::pop() noexcept {
  const NodeId v = heap_.front().node;
  pos_[v] = k_popped;
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) {
    pos_[heap_.front().node] = 0;
    sift_down(0);
  }
  return v;
}

void NodeHeap::sift_up(std::size_t i) noexcept {
  const Entry e = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / k_arity;
    if (heap_[parent].key <= e.key) break;
    heap_[i] = heap_[parent];
    pos_[heap_[i].node] = static_cast<std::uint32_t>(i);
    i = parent;
  }
  heap_[i] = e;
  pos_[e.node] = static_cast<std::uint32_t>(i);
}

void NodeHeap::sift_down(std::size_t i) noexcept {
  const Entry e = heap_[i];
  const std::size_t n = heap_.size();
  for (;;) {
    const std::size_t first = i * k_arity + 1;
    if (first >= n) break;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < std::min(first + k_arity, n); ++c) {
      if (heap_[c].key < heap_[best].key) best = c;
    }
    if (heap_[best].key >= e.key) break;
    heap_[i] = heap_[best];
    pos_[heap_[i].node] = static_cast<std::uint32_t>(i);
    i = best;
  }
  heap_[i] = e;
  pos_[e.node] = static_cast<std::uint32_t>(i);
}

BidirectionalDijkstra::BidirectionalDijkstra(const graph::RoadGraph& g)
    : g_(g), heap_{NodeHeap(g.node_count()), NodeHeap(g.node_count())} {
  for (int d = 0; d < 2; ++d) {
    dist_[d].assign(g.node_count(), k_inf);
    parent_[d].assign(g.node_count(), graph::k_invalid);
    stamp_[d].assign(g.node_count(), 0);
  }
}

void BidirectionalDijkstra::next_stamp() noexcept {
  if (++current_ == 0) {  // wrapped: reset the stamps once every 2^32 queries
    for (auto& s : stamp_) std::fill(s.begin(), s.end(), 0);
    current_ = 1;
  }
  heap_[0].clear(current_);
  heap_[1].clear(current_);
}

Route BidirectionalDijkstra::run(NodeId s, NodeId t, const ArcSet* closed, const Landmarks* landmarks) {
  assert(s < g_.node_count() && t < g_.node_count());
  // Landmark bounds exist only inside the component they cover; every s-t
  // path between two covered nodes stays inside it (it is strongly connected).
  if (landmarks && (!landmarks->covers(s) || !landmarks->covers(t))) landmarks = nullptr;
  next_stamp();
  Route route;
  route.source = s;
  route.target = t;

  // Keys are in half milliseconds: forward 2 d_f(v) + p(v), backward
  // 2 d_b(v) - p(v), with the average potential p(v) = h_t(v) - h_s(v) of
  // Ikeda et al. (h_t bounds d(v,t), h_s bounds d(s,v); 0 without
  // landmarks). Both searches then run on consistent reduced costs, and a
  // path through an unsettled node cannot beat the best one found once the
  // two minimum keys add up to twice its length (Goldberg and Harrelson).
  auto potential = [&](NodeId v) -> std::int64_t {
    if (!landmarks || !landmarks->covers(v)) return 0;
    return std::int64_t{landmarks->lower_bound(v, t)} - std::int64_t{landmarks->lower_bound(s, v)};
  };
  auto dist = [&](int d, NodeId v) { return stamp_[d][v] == current_ ? dist_[d][v] : k_inf; };
  auto relax_to = [&](int d, NodeId v, std::uint64_t dv, ArcId via) {
    if (dv >= dist(d, v)) return;
    stamp_[d][v] = current_;
    dist_[d][v] = dv;
    parent_[d][v] = via;
    const std::int64_t p = d == 0 ? potential(v) : -potential(v);
    heap_[d].push_or_decrease(v, static_cast<std::uint64_t>(2 * static_cast<std::int64_t>(dv) + p + k_key_offset));
  };
  relax_to(0, s, 0, graph::k_invalid);
  relax_to(1, t, 0, graph::k_invalid);

  std::uint64_t best = s == t ? 0 : k_inf;
  NodeId meet = s == t ? s : graph::k_invalid;
  auto done = [&] {
    return best != k_inf && heap_[0].min_key() + heap_[1].min_key() >= 2 * (best + std::uint64_t{k_key_offset});
  };
  while (!heap_[0].empty() && !heap_[1].empty() && !done()) {
    const int d = heap_[0].min_key() <= heap_[1].min_key() ? 0 : 1;
    const NodeId u = heap_[d].pop();
    ++route.settled;
    const std::uint64_t du = dist_[d][u];
    auto scan = [&](NodeId v, ArcId a) {
      if (closed && closed->contains(a)) return;
      const std::uint64_t dv = du + g_.time_ms[a];
      relax_to(d, v, dv, a);
      if (const auto other = dist(1 - d, v); other != k_inf && dist(d, v) == dv && dv + other < best) {
        best = dv + other;
        meet = v;
      }
    };
    if (d == 0) {
      for (ArcId a = g_.first_out[u]; a < g_.first_out[u + 1]; ++a) scan(g_.head[a], a);
    } else {
      for (ArcId i = g_.in_first[u]; i < g_.in_first[u + 1]; ++i) scan(g_.tail[g_.in_arc[i]], g_.in_arc[i]);
    }
  }
  if (meet == graph::k_invalid) return route;

  route.found = true;
  route.time_ms = best;
  for (NodeId v = meet; v != s; v = g_.tail[parent_[0][v]]) route.arcs.push_back(parent_[0][v]);
  std::reverse(route.arcs.begin(), route.arcs.end());
  for (NodeId v = meet; v != t; v = g_.head[parent_[1][v]]) route.arcs.push_back(parent_[1][v]);
  for (auto a : route.arcs) route.length_m += g_.length_m[a];
  return route;
}

std::vector<NodeId> route_nodes(const graph::RoadGraph& g, const Route& r) {
  std::vector<NodeId> nodes;
  if (!r.found) return nodes;
  nodes.push_back(r.source);
  for (auto a : r.arcs) nodes.push_back(g.head[a]);
  return nodes;
}

namespace {
// The part of a polyline from fraction f0 to f1 of its length.
std::vector<geo::LonLat> polyline_part(const std::vector<geo::LonLat>& line, double f0, double f1) {
  std::vector<double> at(line.size(), 0.0);
  for (std::size_t i = 1; i < line.size(); ++i) at[i] = at[i - 1] + geo::distance_m(line[i - 1], line[i]);
  const double total = at.back();
  auto point_at = [&](double f) {
    const double d = f * total;
    std::size_t i = 1;
    while (i + 1 < line.size() && at[i] < d) ++i;
    const double piece = at[i] - at[i - 1];
    const double t = piece > 0 ? std::clamp((d - at[i - 1]) / piece, 0.0, 1.0) : 0.0;
    return geo::LonLat{line[i - 1].lon + t * (line[i].lon - line[i - 1].lon),
                       line[i - 1].lat + t * (line[i].lat - line[i - 1].lat)};
  };
  std::vector<geo::LonLat> out{point_at(f0)};
  for (std::size_t i = 1; i + 1 < line.size(); ++i) {
    if (at[i] > f0 * total && at[i] < f1 * total) out.push_back(line[i]);
  }
  out.push_back(point_at(f1));
  return out;
}
}  // namespace

double driven_share(const Route& r, std::size_t i) noexcept {
  return (i + 1 == r.arcs.size() ? r.end_at : 1.0) - (i == 0 ? r.start_at : 0.0);
}

std::vector<geo::LonLat> driven_points(const graph::RoadGraph& g, const Route& r, std::size_t i) {
  const double from = i == 0 ? r.start_at : 0.0;
  const double to = i + 1 == r.arcs.size() ? r.end_at : 1.0;
  auto shape = g.arc_geometry(r.arcs[i]);
  return from > 0 || to < 1 ? polyline_part(shape, from, to) : shape;
}

std::vector<geo::LonLat> route_points(const graph::RoadGraph& g, const Route& r) {
  if (r.arcs.empty()) return {g.where(r.source)};
  std::vector<geo::LonLat> points;
  for (std::size_t i = 0; i < r.arcs.size(); ++i) {
    const auto part = driven_points(g, r, i);
    points.insert(points.end(), part.begin() + (points.empty() ? 0 : 1), part.end());
  }
  return points;
}

}  // namespace corridor::route

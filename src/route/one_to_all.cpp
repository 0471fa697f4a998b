#include "corridor/route/one_to_all.hpp"

#include "corridor/route/dijkstra.hpp"

namespace corridor::route {

std::vector<std::int64_t> one_to_all(const graph::RoadGraph& g,
                                     const std::vector<std::pair<graph::NodeId, std::int64_t>>& sources,
                                     Direction direction, const ArcSet* closed) {
  std::vector<std::int64_t> dist(g.node_count(), k_unreachable);
  NodeHeap heap(g.node_count());
  heap.clear(1);
  // Keys are unsigned: shift by the smallest start so negative starts work.
  std::int64_t base = 0;
  for (const auto& [v, t] : sources) base = std::min(base, t);
  for (const auto& [v, t] : sources) {
    if (t < dist[v]) {
      dist[v] = t;
      heap.push_or_decrease(v, static_cast<std::uint64_t>(t - base));
    }
  }
  while (!heap.empty()) {
    const NodeId u = heap.pop();
    const std::int64_t du = dist[u];
    auto relax = [&](NodeId v, ArcId a) {
      if (closed && closed->contains(a)) return;
      const std::int64_t dv = du + g.time_ms[a];
      if (dv < dist[v]) {
        dist[v] = dv;
        heap.push_or_decrease(v, static_cast<std::uint64_t>(dv - base));
      }
    };
    if (direction == Direction::backward) {
      for (auto i = g.in_first[u]; i < g.in_first[u + 1]; ++i) relax(g.tail[g.in_arc[i]], g.in_arc[i]);
    } else {
      for (auto a = g.first_out[u]; a < g.first_out[u + 1]; ++a) relax(g.head[a], a);
    }
  }
  return dist;
}

}  // namespace corridor::route

#include "corridor/graph/road_graph.hpp"

#include <algorithm>

namespace corridor::graph {

ArcId RoadGraph::find_arc(NodeId u, NodeId v) const noexcept {
  if (u >= node_count()) return k_invalid;
  const auto begin = head.begin() + first_out[u];
  const auto end = head.begin() + first_out[u + 1];
  const auto it = std::lower_bound(begin, end, v);
  return (it != end && *it == v) ? static_cast<ArcId>(it - head.begin()) : k_invalid;
}

bool RoadGraph::turn_forbidden(ArcId from, ArcId to) const noexcept {
  const auto [begin, end] = std::equal_range(turn_from.begin(), turn_from.end(), from);
  const auto first = turn_to.begin() + (begin - turn_from.begin());
  const auto last = turn_to.begin() + (end - turn_from.begin());
  return std::binary_search(first, last, to);
}

std::vector<geo::LonLat> RoadGraph::arc_geometry(ArcId a) const {
  std::vector<geo::LonLat> points{where(tail[a])};
  if (!shape_first.empty()) {
    for (auto k = shape_first[a]; k < shape_first[a + 1]; ++k) {
      points.push_back({geo::from_fixed(shape_lon[k]), geo::from_fixed(shape_lat[k])});
    }
  }
  points.push_back(where(head[a]));
  return points;
}

std::vector<std::string> RoadGraph::road_names(const std::vector<ArcId>& arcs) const {
  std::vector<std::string> out;
  for (auto a : arcs) {
    const auto& n = name_of(a);
    if (!n.empty() && (out.empty() || out.back() != n)) out.push_back(n);
  }
  return out;
}

double RoadGraph::total_arc_length_m() const noexcept {
  double total = 0;
  for (float l : length_m) total += l;
  return total;
}

std::size_t RoadGraph::memory_bytes() const noexcept {
  auto bytes = [](const auto& v) { return v.size() * sizeof(v[0]); };
  return bytes(first_out) + bytes(head) + bytes(tail) + bytes(in_first) + bytes(in_arc) + bytes(node_id) + bytes(lat) +
         bytes(lon) + bytes(time_ms) + bytes(length_m) + bytes(capacity_vph) + bytes(road_class) + bytes(lanes) +
         bytes(way_id) + bytes(name) + bytes(shape_first) + bytes(shape_lat) + bytes(shape_lon) + bytes(cch_order) +
         bytes(turn_from) + bytes(turn_to) + bytes(turn_chain_first) + bytes(turn_chain_arc);
}

}  // namespace corridor::graph

#include "corridor/graph/area.hpp"

namespace corridor::graph {

std::vector<ArcId> arcs_meeting(const RoadGraph& g, const geo::Area& area) {
  std::vector<ArcId> out;
  const bool shapes = !g.shape_first.empty();
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    if (!shapes || g.shape_first[a] == g.shape_first[a + 1]) {
      if (area.meets(g.where(g.tail[a]), g.where(g.head[a]))) out.push_back(a);
      continue;
    }
    const auto points = g.arc_geometry(a);
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
      if (area.meets(points[i], points[i + 1])) {
        out.push_back(a);
        break;
      }
    }
  }
  return out;
}

}  // namespace corridor::graph

#pragma once
// Nearest-node look-up for snapping points onto the graph: a uniform grid
// over a local equirectangular projection, stored as CSR (cell -> nodes).
// Immutable after construction; queries are const and thread-safe.
#include <functional>
#include <optional>

#include "corridor/graph/road_graph.hpp"

namespace corridor::graph {

struct Snap {
  NodeId node = k_invalid;
  double distance_m = 0;  // great-circle distance from the point to the node
};

class SpatialIndex {
 public:
  explicit SpatialIndex(const RoadGraph& g);

  // The nearest node within max_distance_m that `accept` admits (all nodes
  // when accept is empty); nullopt when there is none.
  [[nodiscard]] std::optional<Snap> nearest(geo::LonLat p, double max_distance_m,
                                            const std::function<bool(NodeId)>& accept = {}) const;

 private:
  [[nodiscard]] double x_of(double lon) const noexcept;
  [[nodiscard]] double y_of(double lat) const noexcept;
  const RoadGraph& g_;
  double lon0_ = 0, lat0_ = 0, cos_lat0_ = 1;
  double cell_m_ = 100;
  int cols_ = 1, rows_ = 1;
  std::vector<std::uint32_t> cell_first_;  // cols*rows + 1
  std::vector<NodeId> cell_node_;
};

}  // namespace corridor::graph

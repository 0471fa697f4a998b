#pragma once
// Nearest-node and nearest-segment look-ups for snapping points onto the
// graph: uniform grids over a local equirectangular projection, stored as CSR
// (cell -> nodes, cell -> arcs passing through it). Immutable after
// construction; queries are const and thread-safe.
#include <functional>
#include <optional>

#include "corridor/graph/road_graph.hpp"

namespace corridor::graph {

struct Snap {
  NodeId node = k_invalid;
  double distance_m = 0;  // great-circle distance from the point to the node
};

// The nearest point of a road segment, as OSRM snaps: the segment is `arc`
// (and `reverse`, the same road the other way, when it is two-way), the point
// lies `fraction` of the way along arc's geometry from its tail to its head.
struct SegmentSnap {
  ArcId arc = k_invalid;
  ArcId reverse = k_invalid;
  double fraction = 0;  // 0 at tail[arc], 1 at head[arc], by length
  geo::LonLat point;    // the snapped point on the segment
  double distance_m = 0;

  // The segment's end nearer the point (tail[arc] up to half-way).
  [[nodiscard]] NodeId nearer_node(const RoadGraph& g) const noexcept {
    return fraction <= 0.5 ? g.tail[arc] : g.head[arc];
  }
};

class SpatialIndex {
 public:
  explicit SpatialIndex(const RoadGraph& g);

  // The nearest node within max_distance_m that `accept` admits (all nodes
  // when accept is empty); nullopt when there is none.
  [[nodiscard]] std::optional<Snap> nearest(geo::LonLat p, double max_distance_m,
                                            const std::function<bool(NodeId)>& accept = {}) const;

  // The nearest point of any arc's geometry within max_distance_m; nullopt
  // when no road is that close.
  [[nodiscard]] std::optional<SegmentSnap> nearest_segment(geo::LonLat p, double max_distance_m) const;

 private:
  // Calls visit(cell) for the grid's cells ring by ring around p until
  // stop(ring distance) says no closer candidate can follow. `slack` is how
  // far a candidate may lie outside the cells it is listed in.
  template <typename Visit, typename Stop>
  void rings(geo::LonLat p, double slack, Visit&& visit, Stop&& stop) const;
  // How far p lies outside the grid, in metres (0 on it).
  [[nodiscard]] double off_grid_m(geo::LonLat p) const noexcept;
  // The point of arc a's geometry nearest p: (fraction, point, distance).
  void closest_on_arc(ArcId a, geo::LonLat p, std::optional<SegmentSnap>& best) const;
  [[nodiscard]] double x_of(double lon) const noexcept;
  [[nodiscard]] double y_of(double lat) const noexcept;
  const RoadGraph& g_;
  double lon0_ = 0, lat0_ = 0, cos_lat0_ = 1;
  double cell_m_ = 100;
  int cols_ = 1, rows_ = 1;
  std::vector<std::uint32_t> cell_first_;  // cols*rows + 1
  std::vector<NodeId> cell_node_;
  std::vector<std::uint32_t> segment_first_;  // cols*rows + 1
  std::vector<ArcId> segment_arc_;            // the arcs whose geometry passes each cell
};

}  // namespace corridor::graph

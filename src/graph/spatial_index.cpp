#include "corridor/graph/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace corridor::graph {
namespace {
constexpr double k_rad = std::numbers::pi / 180.0;
// How far off the grid the projection stays within the 1% margin used below.
constexpr double k_projection_range_m = 50'000;
}  // namespace

double SpatialIndex::x_of(double lon) const noexcept {
  return (lon - lon0_) * k_rad * geo::k_earth_radius_m * cos_lat0_;
}
double SpatialIndex::y_of(double lat) const noexcept { return (lat - lat0_) * k_rad * geo::k_earth_radius_m; }

SpatialIndex::SpatialIndex(const RoadGraph& g) : g_(g) {
  const auto n = g.node_count();
  if (n == 0) {
    cell_first_.assign(2, 0);
    return;
  }
  const auto [lo_lat, hi_lat] = std::minmax_element(g.lat.begin(), g.lat.end());
  const auto [lo_lon, hi_lon] = std::minmax_element(g.lon.begin(), g.lon.end());
  lat0_ = geo::from_fixed(*lo_lat);
  lon0_ = geo::from_fixed(*lo_lon);
  cos_lat0_ = std::cos((geo::from_fixed(*lo_lat) + geo::from_fixed(*hi_lat)) / 2 * k_rad);
  const double width = std::max(1.0, x_of(geo::from_fixed(*hi_lon)));
  const double height = std::max(1.0, y_of(geo::from_fixed(*hi_lat)));
  // About four nodes per cell, but no cell smaller than 20 m.
  cell_m_ = std::max(20.0, std::sqrt(width * height / std::max(1.0, n / 4.0)));
  cols_ = static_cast<int>(width / cell_m_) + 1;
  rows_ = static_cast<int>(height / cell_m_) + 1;
  std::vector<std::uint32_t> cell_of(n);
  cell_first_.assign(static_cast<std::size_t>(cols_) * rows_ + 1, 0);
  for (NodeId v = 0; v < n; ++v) {
    const auto p = g.where(v);
    const int cx = std::clamp(static_cast<int>(x_of(p.lon) / cell_m_), 0, cols_ - 1);
    const int cy = std::clamp(static_cast<int>(y_of(p.lat) / cell_m_), 0, rows_ - 1);
    cell_of[v] = static_cast<std::uint32_t>(cy * cols_ + cx);
    ++cell_first_[cell_of[v] + 1];
  }
  std::partial_sum(cell_first_.begin(), cell_first_.end(), cell_first_.begin());
  cell_node_.resize(n);
  std::vector<std::uint32_t> fill(cell_first_.begin(), cell_first_.end() - 1);
  for (NodeId v = 0; v < n; ++v) cell_node_[fill[cell_of[v]]++] = v;
}

std::optional<Snap> SpatialIndex::nearest(geo::LonLat p, double max_distance_m,
                                          const std::function<bool(NodeId)>& accept) const {
  if (g_.node_count() == 0 || !geo::valid(p)) return std::nullopt;
  const double px = x_of(p.lon), py = y_of(p.lat);
  const int cx = static_cast<int>(std::floor(px / cell_m_));
  const int cy = static_cast<int>(std::floor(py / cell_m_));
  // Distance from the point to the grid: rings before it hold no cell.
  const double outside = std::max({0.0, -px, -py, px - cols_ * cell_m_, py - rows_ * cell_m_});
  std::optional<Snap> best;
  auto consider = [&](NodeId v) {
    const double d = geo::distance_m(p, g_.where(v));
    if (d <= max_distance_m && (!best || d < best->distance_m) && (!accept || accept(v))) best = Snap{v, d};
  };
  if (outside > k_projection_range_m) {
    // Far off the map the flat projection no longer bounds great-circle
    // distances; such points are rare (mostly mistakes), so scan them.
    for (NodeId v = 0; v < g_.node_count(); ++v) consider(v);
    return best;
  }
  if (outside > max_distance_m * 1.01 + cell_m_) return std::nullopt;
  auto visit = [&](int x, int y) {
    const auto cell = static_cast<std::size_t>(y) * cols_ + x;
    for (auto i = cell_first_[cell]; i < cell_first_[cell + 1]; ++i) consider(cell_node_[i]);
  };
  // Rings are squares of cells around (cx, cy); the first one that touches
  // the grid is the Chebyshev distance to it, and max(cols, rows) rings later
  // every cell has been seen. Only the part of a ring inside the grid is
  // walked, so a point far off the map costs no more than one on it.
  auto cells_off = [](int c, int n) { return c < 0 ? -c : (c >= n ? c - n + 1 : 0); };
  const int first_ring = std::max(cells_off(cx, cols_), cells_off(cy, rows_));
  const int last_ring = first_ring + std::max(cols_, rows_);
  for (int ring = first_ring; ring <= last_ring; ++ring) {
    // Cells in ring r are at least (r - 1) cells away from the point; the
    // projection is slightly off the great circle, hence the 1% margin.
    const double ring_distance = (ring - 1) * cell_m_ * 0.99;
    if (ring_distance > max_distance_m || (best && ring_distance > best->distance_m)) break;
    const int y_low = std::max(0, cy - ring), y_high = std::min(rows_ - 1, cy + ring);
    const int x_low = std::max(0, cx - ring), x_high = std::min(cols_ - 1, cx + ring);
    for (int y = y_low; y <= y_high; ++y) {
      if (y == cy - ring || y == cy + ring) {
        for (int x = x_low; x <= x_high; ++x) visit(x, y);
      } else {
        if (cx - ring >= 0 && cx - ring < cols_) visit(cx - ring, y);
        if (ring > 0 && cx + ring >= 0 && cx + ring < cols_) visit(cx + ring, y);
      }
    }
  }
  return best;
}

}  // namespace corridor::graph

#include "corridor/graph/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace corridor::graph {
namespace {
constexpr double k_rad = std::numbers::pi / 180.0;
}

double SpatialIndex::x_of(double lon) const noexcept { return (lon - lon0_) * k_rad * geo::k_earth_radius_m * cos_lat0_; }
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
  if (outside > max_distance_m * 1.01 + cell_m_) return std::nullopt;
  std::optional<Snap> best;
  const int max_ring = std::max(cols_, rows_) + std::abs(cx) + std::abs(cy) + 1;
  for (int ring = 0; ring <= max_ring; ++ring) {
    // Cells in ring r are at least (r - 1) cells away from the point; the
    // projection is slightly off the great circle, hence the 1% margin.
    const double ring_distance = (ring - 1) * cell_m_ * 0.99;
    if (ring_distance > max_distance_m || (best && ring_distance > best->distance_m)) break;
    for (int y = cy - ring; y <= cy + ring; ++y) {
      if (y < 0 || y >= rows_) continue;
      const bool edge_row = (y == cy - ring || y == cy + ring);
      for (int x = cx - ring; x <= cx + ring; x += (edge_row ? 1 : 2 * ring)) {
        if (x >= 0 && x < cols_) {
          const auto cell = static_cast<std::size_t>(y) * cols_ + x;
          for (auto i = cell_first_[cell]; i < cell_first_[cell + 1]; ++i) {
            const NodeId v = cell_node_[i];
            const double d = geo::distance_m(p, g_.where(v));
            if (d <= max_distance_m && (!best || d < best->distance_m) && (!accept || accept(v))) best = Snap{v, d};
          }
        }
        if (ring == 0) break;
      }
    }
  }
  return best;
}

}  // namespace corridor::graph

#include "corridor/graph/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
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
    segment_first_.assign(2, 0);
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

  // Every arc is listed in the cells its geometry passes, sampled at most
  // half a cell apart (so any point of it is within a quarter cell of a
  // sample: nearest_segment's slack covers that).
  std::vector<std::pair<std::uint32_t, ArcId>> listed;
  listed.reserve(g.arc_count() * std::size_t{2});
  std::vector<std::uint32_t> cells;
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    const auto points = g.arc_geometry(a);
    cells.clear();
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
      const double x0 = x_of(points[i].lon), y0 = y_of(points[i].lat);
      const double x1 = x_of(points[i + 1].lon), y1 = y_of(points[i + 1].lat);
      const int samples = 1 + static_cast<int>(std::hypot(x1 - x0, y1 - y0) / (cell_m_ / 2));
      for (int k = 0; k <= samples; ++k) {
        const double t = static_cast<double>(k) / samples;
        const int sx = std::clamp(static_cast<int>((x0 + t * (x1 - x0)) / cell_m_), 0, cols_ - 1);
        const int sy = std::clamp(static_cast<int>((y0 + t * (y1 - y0)) / cell_m_), 0, rows_ - 1);
        cells.push_back(static_cast<std::uint32_t>(sy * cols_ + sx));
      }
    }
    std::sort(cells.begin(), cells.end());
    cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
    for (const auto c : cells) listed.emplace_back(c, a);
  }
  segment_first_.assign(cell_first_.size(), 0);
  for (const auto& [c, a] : listed) ++segment_first_[c + 1];
  std::partial_sum(segment_first_.begin(), segment_first_.end(), segment_first_.begin());
  segment_arc_.resize(listed.size());
  std::vector<std::uint32_t> next(segment_first_.begin(), segment_first_.end() - 1);
  for (const auto& [c, a] : listed) segment_arc_[next[c]++] = a;
}

template <typename Visit, typename Stop>
void SpatialIndex::rings(geo::LonLat p, double slack, Visit&& visit, Stop&& stop) const {
  const double px = x_of(p.lon), py = y_of(p.lat);
  const int cx = static_cast<int>(std::floor(px / cell_m_));
  const int cy = static_cast<int>(std::floor(py / cell_m_));
  // Rings are squares of cells around (cx, cy); the first one that touches
  // the grid is the Chebyshev distance to it, and max(cols, rows) rings later
  // every cell has been seen. Only the part of a ring inside the grid is
  // walked, so a point far off the map costs no more than one on it.
  auto cells_off = [](int c, int n) { return c < 0 ? -c : (c >= n ? c - n + 1 : 0); };
  const int first_ring = std::max(cells_off(cx, cols_), cells_off(cy, rows_));
  const int last_ring = first_ring + std::max(cols_, rows_);
  auto cell = [&](int x, int y) { visit(static_cast<std::size_t>(y) * cols_ + x); };
  for (int ring = first_ring; ring <= last_ring; ++ring) {
    // What lies in ring r is at least (r - 1) cells from the point, less the
    // slack; the projection is slightly off the great circle, hence 1 %.
    if (stop((ring - 1) * cell_m_ * 0.99 - slack)) break;
    const int y_low = std::max(0, cy - ring), y_high = std::min(rows_ - 1, cy + ring);
    const int x_low = std::max(0, cx - ring), x_high = std::min(cols_ - 1, cx + ring);
    for (int y = y_low; y <= y_high; ++y) {
      if (y == cy - ring || y == cy + ring) {
        for (int x = x_low; x <= x_high; ++x) cell(x, y);
      } else {
        if (cx - ring >= 0 && cx - ring < cols_) cell(cx - ring, y);
        if (ring > 0 && cx + ring >= 0 && cx + ring < cols_) cell(cx + ring, y);
      }
    }
  }
}

double SpatialIndex::off_grid_m(geo::LonLat p) const noexcept {
  const double px = x_of(p.lon), py = y_of(p.lat);
  return std::max({0.0, -px, -py, px - cols_ * cell_m_, py - rows_ * cell_m_});
}

std::optional<Snap> SpatialIndex::nearest(geo::LonLat p, double max_distance_m,
                                          const std::function<bool(NodeId)>& accept) const {
  if (g_.node_count() == 0 || !geo::valid(p)) return std::nullopt;
  std::optional<Snap> best;
  auto consider = [&](NodeId v) {
    const double d = geo::distance_m(p, g_.where(v));
    if (d <= max_distance_m && (!best || d < best->distance_m) && (!accept || accept(v))) best = Snap{v, d};
  };
  const double outside = off_grid_m(p);
  if (outside > k_projection_range_m) {
    // Far off the map the flat projection no longer bounds great-circle
    // distances; such points are rare (mostly mistakes), so scan them.
    for (NodeId v = 0; v < g_.node_count(); ++v) consider(v);
    return best;
  }
  if (outside > max_distance_m * 1.01 + cell_m_) return std::nullopt;
  rings(
      p, 0,
      [&](std::size_t c) {
        for (auto i = cell_first_[c]; i < cell_first_[c + 1]; ++i) consider(cell_node_[i]);
      },
      [&](double d) { return d > max_distance_m || (best && d > best->distance_m); });
  return best;
}

void SpatialIndex::closest_on_arc(ArcId a, geo::LonLat p, std::optional<SegmentSnap>& best) const {
  // A flat projection centred on p: exact enough within a few kilometres.
  const double kx = k_rad * geo::k_earth_radius_m * std::cos(p.lat * k_rad);
  const double ky = k_rad * geo::k_earth_radius_m;
  const bool shaped = !g_.shape_first.empty();
  const auto first = shaped ? g_.shape_first[a] : 0;
  const auto inner = shaped ? g_.shape_first[a + 1] - first : 0;
  auto point = [&](std::uint32_t i) -> geo::LonLat {
    if (i == 0) return g_.where(g_.tail[a]);
    if (i == inner + 1) return g_.where(g_.head[a]);
    return {geo::from_fixed(g_.shape_lon[first + i - 1]), geo::from_fixed(g_.shape_lat[first + i - 1])};
  };
  double total = 0, along_best = 0, best_d2 = std::numeric_limits<double>::infinity();
  geo::LonLat at{};
  geo::LonLat from = point(0);
  for (std::uint32_t i = 1; i <= inner + 1; ++i) {
    const geo::LonLat to = point(i);
    const double ax = (from.lon - p.lon) * kx, ay = (from.lat - p.lat) * ky;
    const double dx = (to.lon - from.lon) * kx, dy = (to.lat - from.lat) * ky;
    const double len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
    const double ex = ax + t * dx, ey = ay + t * dy;
    const double len = std::sqrt(len2);
    if (ex * ex + ey * ey < best_d2) {
      best_d2 = ex * ex + ey * ey;
      along_best = total + t * len;
      at = {from.lon + t * (to.lon - from.lon), from.lat + t * (to.lat - from.lat)};
    }
    total += len;
    from = to;
  }
  const double d = geo::distance_m(p, at);
  if (best && d >= best->distance_m) return;
  best = SegmentSnap{a, k_invalid, total > 0 ? along_best / total : 0.0, at, d};
}

std::optional<SegmentSnap> SpatialIndex::nearest_segment(geo::LonLat p, double max_distance_m) const {
  if (g_.arc_count() == 0 || !geo::valid(p)) return std::nullopt;
  std::optional<SegmentSnap> best;
  const double outside = off_grid_m(p);
  if (outside > k_projection_range_m) {
    for (ArcId a = 0; a < g_.arc_count(); ++a) closest_on_arc(a, p, best);
  } else if (outside <= max_distance_m * 1.01 + 2 * cell_m_) {
    rings(
        p, cell_m_ / 2,
        [&](std::size_t c) {
          for (auto i = segment_first_[c]; i < segment_first_[c + 1]; ++i) closest_on_arc(segment_arc_[i], p, best);
        },
        [&](double d) { return d > max_distance_m || (best && d > best->distance_m); });
  }
  if (!best || best->distance_m > max_distance_m) return std::nullopt;
  // The same road the other way: its reverse arc along the same geometry.
  const auto a = best->arc;
  const auto r = g_.find_arc(g_.head[a], g_.tail[a]);
  const bool same_shape = g_.shape_first.empty() || (r != k_invalid && g_.shape_first[r + 1] - g_.shape_first[r] ==
                                                                           g_.shape_first[a + 1] - g_.shape_first[a]);
  if (r != k_invalid && same_shape) best->reverse = r;
  return best;
}

}  // namespace corridor::graph

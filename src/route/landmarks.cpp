#include "corridor/route/landmarks.hpp"

#include <algorithm>
#include <limits>

#include "corridor/graph/components.hpp"
#include "corridor/route/one_to_all.hpp"

namespace corridor::route {
namespace {

constexpr std::uint32_t k_unreached = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t k_inf = std::numeric_limits<std::uint64_t>::max() / 4;

std::vector<std::uint32_t> one_to_all(const graph::RoadGraph& g, NodeId s, bool backward) {
  const auto d = route::one_to_all(g, {{s, 0}}, backward ? Direction::backward : Direction::forward);
  std::vector<std::uint32_t> dist(d.size());
  for (std::size_t v = 0; v < d.size(); ++v) {
    dist[v] =
        d[v] >= k_unreachable ? k_unreached : static_cast<std::uint32_t>(std::min<std::int64_t>(d[v], k_unreached - 1));
  }
  return dist;
}

}  // namespace

Landmarks::Landmarks(const graph::RoadGraph& g, std::uint32_t count) {
  const auto n = g.node_count();
  in_component_.assign(n, false);
  if (n == 0) return;
  const auto scc = graph::strong_components(g);
  std::vector<std::uint32_t> size(scc.count, 0);
  for (auto c : scc.of_node) ++size[c];
  const auto big = static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
  NodeId start = graph::k_invalid;
  for (NodeId v = 0; v < n; ++v) {
    in_component_[v] = scc.of_node[v] == big;
    if (in_component_[v] && start == graph::k_invalid) start = v;
  }
  count_ = std::min<std::uint32_t>(count, size[big]);
  to_.assign(static_cast<std::size_t>(n) * count_, 0);
  from_.assign(static_cast<std::size_t>(n) * count_, 0);

  // Farthest selection: each new landmark is the covered node farthest (in
  // round-trip time) from the nearest landmark chosen so far.
  std::vector<std::uint64_t> nearest(n, k_inf);
  auto farthest = [&] {
    NodeId best = start;
    for (NodeId v = 0; v < n; ++v) {
      if (in_component_[v] && nearest[v] > nearest[best]) best = v;
    }
    return best;
  };
  const auto seed_dist = one_to_all(g, start, false);
  for (NodeId v = 0; v < n; ++v) nearest[v] = seed_dist[v];
  for (std::uint32_t i = 0; i < count_; ++i) {
    const NodeId l = farthest();
    const auto from_l = one_to_all(g, l, false);
    const auto to_l = one_to_all(g, l, true);
    for (NodeId v = 0; v < n; ++v) {
      from_[static_cast<std::size_t>(v) * count_ + i] = from_l[v];
      to_[static_cast<std::size_t>(v) * count_ + i] = to_l[v];
      if (in_component_[v]) nearest[v] = std::min<std::uint64_t>(nearest[v], std::uint64_t{from_l[v]} + to_l[v]);
    }
  }
}

std::uint32_t Landmarks::lower_bound(NodeId v, NodeId t) const noexcept {
  // d(v,t) >= d(v,L) - d(t,L) and d(v,t) >= d(L,t) - d(L,v) for every L.
  const std::uint32_t* tv = &to_[static_cast<std::size_t>(v) * count_];
  const std::uint32_t* tt = &to_[static_cast<std::size_t>(t) * count_];
  const std::uint32_t* fv = &from_[static_cast<std::size_t>(v) * count_];
  const std::uint32_t* ft = &from_[static_cast<std::size_t>(t) * count_];
  std::int64_t best = 0;
  for (std::uint32_t i = 0; i < count_; ++i) {
    best = std::max({best, std::int64_t{tv[i]} - tt[i], std::int64_t{ft[i]} - fv[i]});
  }
  return static_cast<std::uint32_t>(best);
}

std::size_t Landmarks::memory_bytes() const noexcept {
  return (to_.size() + from_.size()) * sizeof(std::uint32_t) + in_component_.size() / 8;
}

}  // namespace corridor::route

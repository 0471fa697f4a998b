#include "corridor/graph/components.hpp"

#include <algorithm>
#include <numeric>

namespace corridor::graph {
namespace {

Components finish(std::vector<std::uint32_t> label, std::uint32_t count) {
  Components c;
  c.count = count;
  std::vector<std::uint32_t> size(count, 0);
  for (auto l : label) ++size[l];
  c.largest = size.empty() ? 0 : *std::max_element(size.begin(), size.end());
  c.of_node = std::move(label);
  return c;
}

}  // namespace

Components weak_components(const RoadGraph& g) {
  const auto n = g.node_count();
  std::vector<std::uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](std::uint32_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  };
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    const auto x = find(g.tail[a]), y = find(g.head[a]);
    if (x != y) parent[std::max(x, y)] = std::min(x, y);
  }
  std::vector<std::uint32_t> label(n, k_invalid);
  std::uint32_t count = 0;
  for (NodeId v = 0; v < n; ++v) {
    const auto r = find(v);
    if (label[r] == k_invalid) label[r] = count++;
    label[v] = label[r];
  }
  return finish(std::move(label), count);
}

Components strong_components(const RoadGraph& g) {
  // Tarjan's algorithm with an explicit stack (road graphs have long paths
  // that would overflow the call stack).
  const auto n = g.node_count();
  std::vector<std::uint32_t> index(n, k_invalid), low(n, 0), label(n, k_invalid);
  std::vector<NodeId> stack;
  std::vector<bool> on_stack(n, false);
  struct Frame {
    NodeId v;
    ArcId next;
  };
  std::vector<Frame> call;
  std::uint32_t counter = 0, count = 0;
  for (NodeId root = 0; root < n; ++root) {
    if (index[root] != k_invalid) continue;
    call.push_back({root, g.first_out[root]});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!call.empty()) {
      auto& f = call.back();
      if (f.next < g.first_out[f.v + 1]) {
        const NodeId w = g.head[f.next++];
        if (index[w] == k_invalid) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          call.push_back({w, g.first_out[w]});
        } else if (on_stack[w]) {
          low[f.v] = std::min(low[f.v], index[w]);
        }
        continue;
      }
      const NodeId v = f.v;
      call.pop_back();
      if (!call.empty()) low[call.back().v] = std::min(low[call.back().v], low[v]);
      if (low[v] == index[v]) {
        NodeId w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          label[w] = count;
        } while (w != v);
        ++count;
      }
    }
  }
  return finish(std::move(label), count);
}

}  // namespace corridor::graph

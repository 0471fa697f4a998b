#include "corridor/monitor/map_lookup.hpp"

#include <unordered_set>

namespace corridor::monitor {

GraphLookup::GraphLookup(const graph::RoadGraph& g, const nlohmann::json& plan) : g_(g) {
  std::unordered_set<std::int64_t> wanted;
  const auto movements = plan.is_object() ? plan.value("movements", nlohmann::json::array()) : nlohmann::json::array();
  for (const auto& m : movements) {
    if (!m.is_object() || !m.contains("path") || !m["path"].is_array()) continue;  // propose names the problem
    for (const auto& node : m["path"]) {
      if (node.is_number_integer()) wanted.insert(node.get<std::int64_t>());
    }
  }
  for (graph::NodeId v = 0; v < g_.node_count(); ++v) {
    if (wanted.contains(g_.node_id[v])) index_.emplace(g_.node_id[v], v);
  }
  lookup_.where = [this](std::int64_t node) -> std::optional<geo::LonLat> {
    const auto it = index_.find(node);
    return it == index_.end() ? std::nullopt : std::optional(g_.where(it->second));
  };
  lookup_.way = [this](std::int64_t from, std::int64_t to) -> std::optional<std::int64_t> {
    const auto a = index_.find(from);
    const auto b = index_.find(to);
    if (a == index_.end() || b == index_.end()) return std::nullopt;
    const auto arc = g_.find_arc(a->second, b->second);
    if (arc == graph::k_invalid || arc >= g_.way_id.size()) return std::nullopt;
    return g_.way_id[arc];
  };
}

}  // namespace corridor::monitor

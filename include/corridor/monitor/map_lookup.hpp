#pragma once
// What a road map knows about the nodes of a plan's routes (coordinates,
// ways), in the form agree::propose_agreement asks for.
#include <cstdint>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "corridor/agree/agreement.hpp"
#include "corridor/graph/road_graph.hpp"

namespace corridor::monitor {

class GraphLookup {
 public:
  // Indexes the nodes the plan's movements pass; `g` must outlive this.
  GraphLookup(const graph::RoadGraph& g, const nlohmann::json& plan);
  GraphLookup(const GraphLookup&) = delete;
  GraphLookup& operator=(const GraphLookup&) = delete;
  [[nodiscard]] const agree::MapLookup& lookup() const noexcept { return lookup_; }

 private:
  const graph::RoadGraph& g_;
  std::unordered_map<std::int64_t, graph::NodeId> index_;
  agree::MapLookup lookup_;
};

}  // namespace corridor::monitor

#pragma once
// Fastest routes for one closure state by the algorithm asked for, with its
// preparation done once: CCH (nested-dissection order, contraction and a
// customisation for the closed arcs; the default), bidirectional ALT (16
// landmarks) or bidirectional Dijkstra (none). Every algorithm answers
// the same fastest time; they differ in speed.
#include <memory>
#include <optional>
#include <string_view>

#include "corridor/graph/spatial_index.hpp"
#include "corridor/route/arc_set.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/snapped.hpp"

namespace corridor::route {

enum class Algorithm { cch, alt, dijkstra };
std::optional<Algorithm> parse_algorithm(std::string_view text) noexcept;
std::string_view to_string(Algorithm a) noexcept;

class Router {
 public:
  // `closed` (may be null) is copied: the router keeps its closure state.
  Router(const graph::RoadGraph& g, Algorithm algorithm, const ArcSet* closed);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // With turn restrictions, routes make no forbidden turn (route::TurnSplit).
  Route run(NodeId s, NodeId t);
  // Between points snapped onto segments, starting and ending inside them.
  Route run(const graph::SegmentSnap& from, const graph::SegmentSnap& to);

  [[nodiscard]] Algorithm algorithm() const noexcept { return algorithm_; }
  // Milliseconds spent preparing: per graph (CCH order and contraction, or
  // landmarks) and per closure state (CCH customisation).
  [[nodiscard]] double preprocessing_ms() const noexcept { return preprocessing_ms_; }
  [[nodiscard]] double customization_ms() const noexcept { return customization_ms_; }
  // Bytes the preparation holds per node of the graph.
  [[nodiscard]] double bytes_per_node() const noexcept { return bytes_per_node_; }

 private:
  struct State;
  // One query on the graph searched (the split graph with turn restrictions).
  Route search(NodeId s, NodeId t);
  NodeSearch node_search();
  const graph::RoadGraph& g_;
  Algorithm algorithm_;
  std::unique_ptr<State> state_;
  double preprocessing_ms_ = 0, customization_ms_ = 0, bytes_per_node_ = 0;
};

}  // namespace corridor::route

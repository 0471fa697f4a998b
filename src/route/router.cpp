#include "corridor/route/router.hpp"

#include <chrono>

#include "corridor/route/cch.hpp"
#include "corridor/route/landmarks.hpp"
#include "corridor/route/snapped.hpp"
#include "corridor/route/turns.hpp"

namespace corridor::route {

std::optional<Algorithm> parse_algorithm(std::string_view text) noexcept {
  if (text == "cch") return Algorithm::cch;
  if (text == "alt") return Algorithm::alt;
  if (text == "dijkstra") return Algorithm::dijkstra;
  return std::nullopt;
}

std::string_view to_string(Algorithm a) noexcept {
  switch (a) {
    case Algorithm::cch:
      return "cch";
    case Algorithm::alt:
      return "alt";
    case Algorithm::dijkstra:
      return "dijkstra";
  }
  return "cch";
}

struct Router::State {
  std::unique_ptr<TurnSplit> turns;  // when the graph has turn restrictions
  std::optional<ArcSet> closed;      // on the graph searched
  std::unique_ptr<CchTopology> topology;
  std::unique_ptr<CchMetric> metric;
  std::unique_ptr<CchQuery> cch;
  std::unique_ptr<Landmarks> landmarks;
  std::unique_ptr<BidirectionalDijkstra> search;
};

namespace {
double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

Router::Router(const graph::RoadGraph& g, Algorithm algorithm, const ArcSet* closed)
    : g_(g), algorithm_(algorithm), state_(std::make_unique<State>()) {
  auto& s = *state_;
  const auto n = static_cast<double>(std::max<std::uint32_t>(1, g.node_count()));
  auto t = std::chrono::steady_clock::now();
  // Turn restrictions: every algorithm searches the split graph.
  const graph::RoadGraph* searched = &g;
  if (g.has_turn_restrictions()) {
    s.turns = std::make_unique<TurnSplit>(g);
    searched = &s.turns->graph();
    if (closed != nullptr) s.closed = s.turns->lift(*closed);
  } else if (closed != nullptr) {
    s.closed = *closed;
  }
  const auto& sg = *searched;
  switch (algorithm) {
    case Algorithm::cch:
      s.topology = std::make_unique<CchTopology>(sg);
      preprocessing_ms_ = since(t);
      t = std::chrono::steady_clock::now();
      s.metric = std::make_unique<CchMetric>(*s.topology, sg, s.closed ? &*s.closed : nullptr);
      customization_ms_ = since(t);
      s.cch = std::make_unique<CchQuery>(*s.topology);
      bytes_per_node_ = static_cast<double>(s.topology->memory_bytes() + s.metric->memory_bytes()) / n;
      break;
    case Algorithm::alt:
      s.landmarks = std::make_unique<Landmarks>(sg, 16);
      preprocessing_ms_ = since(t);
      bytes_per_node_ = static_cast<double>(s.landmarks->memory_bytes()) / n;
      s.search = std::make_unique<BidirectionalDijkstra>(sg);
      break;
    case Algorithm::dijkstra:
      s.search = std::make_unique<BidirectionalDijkstra>(sg);
      break;
  }
  if (s.turns) bytes_per_node_ += static_cast<double>(s.turns->memory_bytes()) / n;
}

Router::~Router() = default;

Route Router::search(NodeId s, NodeId t) {
  auto& st = *state_;
  if (algorithm_ == Algorithm::cch) return st.cch->run(*st.metric, s, t);
  return st.search->run(s, t, st.closed ? &*st.closed : nullptr, st.landmarks.get());
}

NodeSearch Router::node_search() {
  auto& st = *state_;
  if (algorithm_ == Algorithm::cch) {
    return [&st](std::span<const Endpoint> s, std::span<const Endpoint> t) { return st.cch->run(*st.metric, s, t); };
  }
  return each_pair([this](NodeId s, NodeId t) { return search(s, t); });
}

Route Router::run(NodeId s, NodeId t) {
  auto& st = *state_;
  if (!st.turns) return search(s, t);
  // From s unrestricted to whichever copy of t the route arrives at.
  const Endpoint source{s, 0};
  std::vector<Endpoint> targets;
  for (auto c : st.turns->copies_of_node(t)) targets.push_back({c, 0});
  auto r = node_search()({&source, 1}, targets);
  st.turns->lower(r);
  return r;
}

Route Router::run(const graph::SegmentSnap& from, const graph::SegmentSnap& to) {
  auto& st = *state_;
  const auto& searched = st.turns ? st.turns->graph() : g_;
  return route_between(searched, from, to, st.closed ? &*st.closed : nullptr, node_search(), st.turns.get());
}

}  // namespace corridor::route

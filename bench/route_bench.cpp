// Route queries per second on the large extracts, with and without an active
// hazard polygon. The pairs are random nodes of the largest strongly
// connected component (fixed seed), as in the peers' runs (bench/peers/).
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>
#include <type_traits>

#include "corridor/graph/area.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/graph/components.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/route/cch.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/landmarks.hpp"
#include "corridor/route/router.hpp"
#include "corridor/route/turns.hpp"

namespace {

using namespace corridor;

struct Fixture {
  graph::RoadGraph g;
  std::vector<std::pair<graph::NodeId, graph::NodeId>> pairs;
  route::ArcSet hazard;
  std::unique_ptr<route::Landmarks> landmarks;
  std::unique_ptr<route::CchTopology> cch;
  std::unique_ptr<route::CchMetric> free_flow, with_hazard;  // the two closure states, customised once
};

struct Extract {
  const char* file;
  double hazard[4];  // lon0, lat0, lon1, lat1: a box in the city centre
};

const std::map<std::string, Extract> k_extracts = {
    {"rhein-neckar", {"rhein-neckar-rnv-2016-12.osm.pbf", {8.45, 49.47, 8.49, 49.50}}},
    {"milan", {"milan-small.osm.pbf", {9.17, 45.45, 9.21, 45.48}}},
};

geo::Area box_area(const double* b) {
  return geo::Area({{{{b[0], b[1]}, {b[2], b[1]}, {b[2], b[3]}, {b[0], b[3]}, {b[0], b[1]}}}});
}

const Fixture& fixture(const std::string& name) {
  static std::map<std::string, Fixture> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  const auto& e = k_extracts.at(name);
  Fixture f;
  f.g = graph::build(osm::read_osm(std::string(CORRIDOR_SHARED_DATA) + "/osm/" + e.file, osm::Profile::defaults()));
  const auto scc = graph::strong_components(f.g);
  std::vector<std::uint32_t> size(scc.count, 0);
  for (auto c : scc.of_node) ++size[c];
  const auto big = static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
  std::vector<graph::NodeId> nodes;
  for (graph::NodeId v = 0; v < f.g.node_count(); ++v) {
    if (scc.of_node[v] == big) nodes.push_back(v);
  }
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::size_t> pick(0, nodes.size() - 1);
  for (int i = 0; i < 1000; ++i) f.pairs.emplace_back(nodes[pick(rng)], nodes[pick(rng)]);
  f.hazard = route::ArcSet(f.g.arc_count());
  for (auto a : graph::arcs_meeting(f.g, box_area(e.hazard))) f.hazard.insert(a);
  f.landmarks = std::make_unique<route::Landmarks>(f.g, 16);
  auto& kept = cache.emplace(name, std::move(f)).first->second;
  // The metrics refer to the graph: built where it stays.
  kept.cch = std::make_unique<route::CchTopology>(kept.g);
  kept.free_flow = std::make_unique<route::CchMetric>(*kept.cch, kept.g);
  kept.with_hazard = std::make_unique<route::CchMetric>(*kept.cch, kept.g, &kept.hazard);
  return kept;
}

// Answers all the fixture's pairs with `run(s, t)` in each iteration, so
// that every algorithm's mean is over the same 1,000 pairs; reports the
// time per query (seconds_per_query), the routes found and the nodes settled.
template <typename Run>
void answer_pairs(benchmark::State& state, const Fixture& f, Run&& run) {
  std::size_t found = 0;
  std::uint64_t settled = 0;
  for (auto _ : state) {
    for (const auto& [s, t] : f.pairs) {
      const auto r = run(s, t);
      found += r.found;
      settled += r.settled;
      benchmark::DoNotOptimize(r.time_ms);
    }
  }
  const auto queries = static_cast<double>(state.iterations()) * static_cast<double>(f.pairs.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(queries));
  state.counters["seconds_per_query"] =
      benchmark::Counter(queries, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["found_ratio"] = static_cast<double>(found) / queries;
  state.counters["settled_per_query"] = static_cast<double>(settled) / queries;
}

template <typename Query>
void route_queries(benchmark::State& state, const std::string& name, bool with_hazard) {
  const auto& f = fixture(name);
  Query query = [&] {
    if constexpr (std::is_same_v<Query, route::BidirectionalAlt>)
      return Query(f.g, *f.landmarks);
    else
      return Query(f.g);
  }();
  answer_pairs(state, f,
               [&](graph::NodeId s, graph::NodeId t) { return query.run(s, t, with_hazard ? &f.hazard : nullptr); });
  state.counters["closed_arcs"] = with_hazard ? f.hazard.count() : 0;
}

// CCH queries on the metric customised for the closure state (the hazard's
// arcs closed, or none): the same pairs, the same answers as Dijkstra.
void cch(benchmark::State& state, const std::string& name, bool with_hazard) {
  const auto& f = fixture(name);
  route::CchQuery query(*f.cch);
  const auto& metric = with_hazard ? *f.with_hazard : *f.free_flow;
  answer_pairs(state, f, [&](graph::NodeId s, graph::NodeId t) { return query.run(metric, s, t); });
}

// Routes that honour the extract's turn restrictions, with the hazard
// closed: the Router on the split graph (route::TurnSplit), every
// algorithm on the same split graph. Milan has 1,329 restriction relations;
// Rhein-Neckar has none, so its Router runs on the road graph itself.
void router_with_turns(benchmark::State& state, const std::string& name, route::Algorithm algorithm) {
  const auto& f = fixture(name);
  route::Router router(f.g, algorithm, &f.hazard);
  answer_pairs(state, f, [&](graph::NodeId s, graph::NodeId t) { return router.run(s, t); });
  state.counters["forbidden_turns"] = static_cast<double>(f.g.turn_from.size());
  state.counters["bytes_per_node"] = router.bytes_per_node();
  if (!f.g.turn_from.empty()) {
    const route::TurnSplit split(f.g);
    state.counters["split_extra_nodes"] = split.graph().node_count() - f.g.node_count();
    state.counters["split_extra_arcs"] = split.graph().arc_count() - f.g.arc_count();
  }
}

// Once per graph: the nested-dissection order (METIS) and the contraction.
void cch_preprocessing(benchmark::State& state, const std::string& name) {
  const auto& f = fixture(name);
  for (auto _ : state) {
    route::CchTopology t(f.g);
    benchmark::DoNotOptimize(t.arc_count());
  }
  state.counters["upward_arcs_per_node"] = static_cast<double>(f.cch->arc_count()) / f.g.node_count();
  state.counters["bytes_per_node"] =
      static_cast<double>(f.cch->memory_bytes() + f.free_flow->memory_bytes()) / f.g.node_count();
}

// Per closure state: a full customisation with the hazard's arcs closed.
void cch_customization(benchmark::State& state, const std::string& name) {
  const auto& f = fixture(name);
  route::CchMetric metric(*f.cch, f.g);
  for (auto _ : state) {
    metric.customize(&f.hazard);
    benchmark::ClobberMemory();
  }
}

// A new hazard: the partial customisation for the box's arcs closed, from
// the free-flow metric (reopened, untimed, after each).
// `limit` caps the arcs closed (the box's first ones, in arc order): a
// shelled bridge closes a few, a district thousands.
void cch_partial_customization(benchmark::State& state, const std::string& name, std::size_t limit) {
  const auto& f = fixture(name);
  route::CchMetric metric(*f.cch, f.g);
  std::vector<graph::ArcId> arcs;
  route::ArcSet closed(f.g.arc_count());
  for (graph::ArcId a = 0; a < f.g.arc_count() && arcs.size() < limit; ++a) {
    if (!f.hazard.contains(a)) continue;
    arcs.push_back(a);
    closed.insert(a);
  }
  for (auto _ : state) {
    metric.update(&closed, arcs);
    benchmark::ClobberMemory();
    state.PauseTiming();
    metric.update(nullptr, arcs);
    state.ResumeTiming();
  }
  state.counters["closed_arcs"] = static_cast<double>(arcs.size());
}

void closure_from_polygon(benchmark::State& state, const std::string& name) {
  const auto& f = fixture(name);
  const auto* b = k_extracts.at(name).hazard;
  const auto area = box_area(b);
  for (auto _ : state) benchmark::DoNotOptimize(graph::arcs_meeting(f.g, area).size());
}

void landmark_preprocessing(benchmark::State& state, const std::string& name) {
  const auto& f = fixture(name);
  for (auto _ : state) {
    route::Landmarks l(f.g, 16);
    benchmark::DoNotOptimize(l.count());
  }
  state.counters["bytes_per_node"] = static_cast<double>(f.landmarks->memory_bytes()) / f.g.node_count();
}

void dijkstra(benchmark::State& state, const std::string& name, bool with_hazard) {
  route_queries<route::BidirectionalDijkstra>(state, name, with_hazard);
}
void alt(benchmark::State& state, const std::string& name, bool with_hazard) {
  route_queries<route::BidirectionalAlt>(state, name, with_hazard);
}
BENCHMARK_CAPTURE(dijkstra, rhein_neckar_plain, std::string("rhein-neckar"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(dijkstra, rhein_neckar_hazard, std::string("rhein-neckar"), true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(dijkstra, milan_plain, std::string("milan"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(dijkstra, milan_hazard, std::string("milan"), true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(alt, rhein_neckar_plain, std::string("rhein-neckar"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(alt, rhein_neckar_hazard, std::string("rhein-neckar"), true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(alt, milan_plain, std::string("milan"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(alt, milan_hazard, std::string("milan"), true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(cch, rhein_neckar_plain, std::string("rhein-neckar"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(cch, rhein_neckar_hazard, std::string("rhein-neckar"), true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(cch, milan_plain, std::string("milan"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(cch, milan_hazard, std::string("milan"), true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(router_with_turns, milan_cch, std::string("milan"), route::Algorithm::cch)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(router_with_turns, milan_dijkstra, std::string("milan"), route::Algorithm::dijkstra)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(cch_preprocessing, rhein_neckar, std::string("rhein-neckar"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(cch_preprocessing, milan, std::string("milan"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(cch_customization, rhein_neckar, std::string("rhein-neckar"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cch_customization, milan, std::string("milan"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cch_partial_customization, rhein_neckar_box, std::string("rhein-neckar"), 1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cch_partial_customization, milan_box, std::string("milan"), 1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cch_partial_customization, rhein_neckar_20_arcs, std::string("rhein-neckar"), 20)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(cch_partial_customization, milan_20_arcs, std::string("milan"), 20)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(landmark_preprocessing, rhein_neckar, std::string("rhein-neckar"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(landmark_preprocessing, milan, std::string("milan"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(closure_from_polygon, rhein_neckar, std::string("rhein-neckar"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(closure_from_polygon, milan, std::string("milan"))->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

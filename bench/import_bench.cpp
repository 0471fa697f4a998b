// Import (read OSM + build the graph) per extract, and graph file load time.
// Peak memory and the comparison with `osmium cat` are measured per process
// by bench/run.sh.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "corridor/graph/build.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/osm/network.hpp"

namespace {

using namespace corridor;

std::string extract(const std::string& file) { return std::string(CORRIDOR_SHARED_DATA) + "/osm/" + file; }

void import_extract(benchmark::State& state, const std::string& file) {
  std::uint32_t nodes = 0;
  for (auto _ : state) {
    auto g = graph::build(osm::read_osm(extract(file), osm::Profile::defaults()));
    nodes = g.node_count();
    benchmark::DoNotOptimize(g.head.data());
  }
  state.counters["nodes"] = nodes;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * std::filesystem::file_size(extract(file))));
}

void load_graph(benchmark::State& state, const std::string& file) {
  const auto path = std::filesystem::temp_directory_path() / ("corridor-bench-" + file + ".graph");
  graph::write_graph(graph::build(osm::read_osm(extract(file), osm::Profile::defaults())), path);
  for (auto _ : state) {
    auto g = graph::read_graph(path);
    benchmark::DoNotOptimize(g.head.data());
  }
  state.counters["file_bytes"] = static_cast<double>(std::filesystem::file_size(path));
  std::filesystem::remove(path);
}

#define CORRIDOR_IMPORT_BENCH(name, file)                                                    \
  BENCHMARK_CAPTURE(import_extract, name, std::string(file))->Unit(benchmark::kMillisecond); \
  BENCHMARK_CAPTURE(load_graph, name, std::string(file))->Unit(benchmark::kMillisecond)

CORRIDOR_IMPORT_BENCH(liechtenstein, "liechtenstein-2013-08-03.osm.pbf");
CORRIDOR_IMPORT_BENCH(monaco, "monaco-2016-03.osm.pbf");
CORRIDOR_IMPORT_BENCH(andorra, "andorra-2021-10.osm.pbf");
CORRIDOR_IMPORT_BENCH(heidelberg, "heidelberg-ors-test.osm.pbf");
CORRIDOR_IMPORT_BENCH(malta, "malta-2016-11.osm.pbf");
CORRIDOR_IMPORT_BENCH(rhein_neckar, "rhein-neckar-rnv-2016-12.osm.pbf");
CORRIDOR_IMPORT_BENCH(milan, "milan-small.osm.pbf");

}  // namespace

BENCHMARK_MAIN();

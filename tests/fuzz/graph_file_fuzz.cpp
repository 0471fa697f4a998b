// The graph file reader. An input starting with 'R' is resealed first (file
// size and every checksum made to match), so mutations reach the structure
// checks instead of stopping at the first checksum.
#include <string>

#include "corridor/graph/graph_file.hpp"
#include "corridor/route/dijkstra.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string bytes(corridor::fuzz::text_of(data + 1, size - 1));
  if (data[0] == 'R') corridor::graph::reseal_graph_bytes(bytes);
  corridor::fuzz::expect_only_corridor_errors([&] {
    const auto g = corridor::graph::parse_graph(bytes, "fuzz.graph");
    // A graph that loads must be safe to search.
    if (g.node_count() > 1) {
      corridor::route::BidirectionalDijkstra search(g);
      (void)search.run(0, g.node_count() - 1);
    }
  });
  return 0;
}

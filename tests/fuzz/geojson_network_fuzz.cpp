// The GeoJSON road-network importer, through to a built graph.
#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto profile = corridor::osm::Profile::defaults();
  corridor::fuzz::expect_only_corridor_errors([&] {
    auto net = corridor::osm::parse_geojson_network(corridor::fuzz::text_of(data, size), "fuzz.geojson", profile);
    (void)corridor::graph::build(std::move(net));
  });
  return 0;
}

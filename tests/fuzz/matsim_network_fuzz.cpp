// The MATSim network importer, through to a built graph. The CRS is fixed
// (--crs EPSG:32632): the XML and its attributes are what is fuzzed, not PROJ.
#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto profile = corridor::osm::Profile::defaults();
  static const auto options = [] {
    corridor::osm::MatsimOptions o;
    o.crs = "EPSG:32632";
    return o;
  }();
  corridor::fuzz::expect_only_corridor_errors([&] {
    auto net = corridor::osm::parse_matsim_network(corridor::fuzz::text_of(data, size), "fuzz.xml", profile, options);
    (void)corridor::graph::build(std::move(net));
  });
  return 0;
}

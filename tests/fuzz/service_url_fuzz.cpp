// URL and query parsing of the service: any GET target (the OSRM route
// endpoint and every other path) through Service::handle on a small built
// graph. handle() never throws; a 5xx answer is a bug.
#include <cstdlib>
#include <string>

#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/server/service.hpp"
#include "fuzz_support.hpp"

namespace {

corridor::server::Service& service() {
  static corridor::server::Service s = [] {
    const auto profile = corridor::osm::Profile::defaults();
    return corridor::server::Service(corridor::graph::build(
        corridor::osm::read_geojson_network(corridor::fuzz::fixture("networks/small.geojson"), profile)));
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  corridor::server::Request request;
  request.method = "GET";
  request.target = std::string(corridor::fuzz::text_of(data, size));
  const auto answer = service().handle(request);
  if (answer.status >= 500) {
    std::fprintf(stderr, "%d for %s: %s\n", answer.status, request.target.c_str(), answer.body.c_str());
    std::abort();
  }
  return 0;
}

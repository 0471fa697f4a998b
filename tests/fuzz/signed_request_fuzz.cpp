// Request-signature headers and request bodies, through Service::handle on
// a service with a ledger and a party registry. The input is
// METHOD \n TARGET \n header lines \n\n BODY. When the first byte is 'S' the
// request is signed with the mediator's key (so bodies reach every write
// endpoint); otherwise the headers are taken as given. A 5xx is a bug.
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "corridor/agree/keys.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/server/request_signature.hpp"
#include "corridor/server/service.hpp"
#include "fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;

struct World {
  fs::path dir;
  corridor::agree::SecretKey mediator = corridor::agree::generate_key("M");
  std::unique_ptr<corridor::server::Service> service;

  World() {
    dir = fs::temp_directory_path() / ("corridor-fuzz-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    corridor::agree::Registry registry;
    corridor::agree::register_key(registry, mediator.public_key(), "Mediator", "mediator");
    corridor::agree::register_key(registry, corridor::agree::generate_key("A").public_key(), "Party A", std::nullopt);
    corridor::agree::write_registry(registry, dir / "parties.json");
    corridor::ledger::Ledger::create(dir / "fuzz.db", {"corridor.fuzz/ledger", {}, dir / "parties.json"});
    const auto profile = corridor::osm::Profile::defaults();
    corridor::server::ServiceOptions options;
    options.max_plan_jobs = 1;
    options.max_plan_seconds = 1;
    service =
        std::make_unique<corridor::server::Service>(corridor::graph::build(corridor::osm::read_geojson_network(
                                                        corridor::fuzz::fixture("networks/small.geojson"), profile)),
                                                    options);
    service->attach_database(dir / "fuzz.db");
  }
  ~World() {
    service.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

std::string_view take_line(std::string_view& rest) {
  const auto end = rest.find('\n');
  const auto line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  if (size == 0) return 0;
  const bool sign = data[0] == 'S';
  auto rest = corridor::fuzz::text_of(data + 1, size - 1);
  corridor::server::Request request;
  request.method = std::string(take_line(rest));
  request.target = std::string(take_line(rest));
  for (auto line = take_line(rest); !line.empty(); line = take_line(rest)) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  request.body = std::string(rest);
  if (sign) {
    const auto s = corridor::server::sign_request(world.mediator, request.method, request.target, request.body);
    request.headers = {{std::string(corridor::server::k_header_key), s.kid},
                       {std::string(corridor::server::k_header_time), s.time},
                       {std::string(corridor::server::k_header_nonce), s.nonce},
                       {std::string(corridor::server::k_header_signature), s.signature}};
  }
  const auto answer = world.service->handle(request);
  // 503 is an answer (a signed POST /plans while a planning job runs is
  // "Busy"); any other 5xx is a defect.
  if (answer.status >= 500 && answer.status != 503) {
    std::fprintf(stderr, "%d for %s %s: %s\n", answer.status, request.method.c_str(), request.target.c_str(),
                 answer.body.c_str());
    std::abort();
  }
  return 0;
}

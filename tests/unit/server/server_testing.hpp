#pragma once
// Shared pieces of the server tests: a small drawn map imported through the
// real OSM reader, a Service over it, and the server running on 127.0.0.1
// on a free port in a background thread.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ascii_map.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/server/http_server.hpp"
#include "http_client.hpp"
#include "test_support.hpp"

namespace corridor::server::test {

// Two ways from a to c (the short one through b), and x-y apart from both.
inline const char* k_map = R"(
  a---b---c
  |       |
  d---e---f

  x---y
)";

inline testing::AsciiMap drawn_map() {
  testing::AsciiMap m(k_map, 50);
  m.way("abc", {{"highway", "residential"}, {"name", "Carrer Major"}});
  m.way("adefc", {{"highway", "residential"}, {"name", "Avinguda"}});
  m.way("xy", {{"highway", "residential"}});
  return m;
}

inline graph::RoadGraph import_map(const testing::AsciiMap& m) {
  testing::TempDir dir;
  return graph::build(osm::read_osm(m.write_pbf(dir / "map.osm.pbf"), osm::Profile::defaults()));
}

inline graph::NodeId node_of(const graph::RoadGraph& g, char c) {
  for (graph::NodeId v = 0; v < g.node_count(); ++v) {
    if (g.node_id[v] == testing::AsciiMap::osm_id(c)) return v;
  }
  return graph::k_invalid;
}

// "lon,lat" of a drawn node, for URLs.
inline std::string coord(const testing::AsciiMap& m, char c) {
  const auto p = m.where(c);
  return nlohmann::json(p.lon).dump() + "," + nlohmann::json(p.lat).dump();
}

using testing::Client;
using testing::get;
using testing::Reply;

// The server on 127.0.0.1, any free port, until the object goes.
class RunningServer {
 public:
  explicit RunningServer(Service& service, std::size_t threads = 4, std::size_t max_body_bytes = 64 * 1024)
      : server_(service, options(threads, max_body_bytes)) {
    port_ = server_.bind();
    thread_ = std::thread([this] { server_.run(); });
    for (int attempt = 0; attempt < 200; ++attempt) {  // wait until it answers
      try {
        if (get(port_, "/health").status == 200) return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the server did not answer /health";
  }
  ~RunningServer() { stop(); }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;
  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] int port() const noexcept { return port_; }

 private:
  static ServerOptions options(std::size_t threads, std::size_t max_body_bytes) {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = threads;
    o.max_body_bytes = max_body_bytes;
    return o;
  }
  HttpServer server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace corridor::server::test

// corridor serve --map MAP [--db LEDGER] [--scenario S ...] [--listen HOST:PORT] [--threads N]
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/server/http_server.hpp"

namespace corridor::cli {
namespace {

struct ServeOptions {
  std::string map;
  std::string db;
  std::vector<std::string> scenarios;
  std::string listen = "127.0.0.1:8080";
  std::size_t threads = 8;
  double max_snap_m = 1000;
};

void run_serve(const ServeOptions& o) {
  server::ServerOptions http;
  server::parse_listen(o.listen, http);
  if (o.threads == 0 || o.threads > 1024) throw InputError("--threads", "must be 1..1024");
  http.threads = o.threads;
  if (!(o.max_snap_m > 0)) throw InputError("--max-snap-m", "must be positive");

  server::ServiceOptions options;
  options.max_snap_m = o.max_snap_m;
  server::Service service(graph::read_graph(o.map), options);
  for (const auto& file : o.scenarios) {
    const std::filesystem::path path(file);
    service.add_scenario(path.stem().string(), scenario::load_scenario(path));
  }
  if (!o.db.empty()) service.attach_ledger(o.db);

  // SIGINT and SIGTERM stop the server from a thread of their own; every
  // thread started from here on inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  server::HttpServer http_server(service, http);
  const int port = http_server.bind();
  std::atomic<bool> stopping{false};
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    stopping = true;
    http_server.stop();
  });
  std::cerr << "corridor serve: http://" << http.host << ":" << port << "/ (" << service.graph().node_count()
            << " nodes, " << service.graph().arc_count() << " arcs, " << o.scenarios.size() << " scenarios"
            << (o.db.empty() ? "" : ", ledger " + o.db) << "); map data © OpenStreetMap contributors\n";
  http_server.run();
  if (!stopping) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::cerr << "corridor serve: stopped\n";
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Serves the map over HTTP (docs/http-api.md): an OSRM-compatible route endpoint\n"
      "(/route/v1/driving/LON,LAT;LON,LAT, with ?scenario=NAME&at=TIME to avoid its closures),\n"
      "/health, and with --db the ledger's signed head and proofs. Stops on SIGINT or SIGTERM.\n"
      "Example: corridor serve --map andorra.graph --scenario andorra-exercise.geojson --db ledger.db");
  cmd->add_option("--map", o->map, "graph file made by `corridor import`")->required();
  cmd->add_option("--db", o->db, "ledger file (`corridor log init`) whose heads and proofs to serve");
  cmd->add_option("--scenario", o->scenarios, "scenario GeoJSON, addressed by its file stem (repeatable)");
  cmd->add_option("--listen", o->listen, "address to listen on as HOST:PORT (default 127.0.0.1:8080)");
  cmd->add_option("--threads", o->threads, "worker threads (default 8)");
  cmd->add_option("--max-snap-m", o->max_snap_m, "farthest a coordinate may be from a road (default 1000)");
  cmd->callback([o] { run_serve(*o); });
}

}  // namespace corridor::cli

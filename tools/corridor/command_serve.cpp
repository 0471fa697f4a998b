// corridor serve --map MAP [--db DB] [--registry R] [--web DIR] [--scenario S ...] [--listen HOST:PORT] ...
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/verify.hpp"
#include "corridor/monitor/kinds.hpp"
#include "corridor/server/http_server.hpp"

namespace corridor::cli {
namespace {

struct ServeOptions {
  std::string map;
  std::string db;
  std::string registry;
  std::string name;
  std::string web;
  std::vector<std::string> scenarios;
  std::string listen = "127.0.0.1:8080";
  std::size_t threads = 8;
  double max_snap_m = 1000;
  std::size_t max_body_kb = 4096;
  std::size_t max_plan_jobs = 4;
  double max_plan_seconds = 300;
};

// The page built in this source tree, when the binary runs where it was built.
std::filesystem::path default_web_dir() {
#ifdef CORRIDOR_WEB_DIR
  const std::filesystem::path built(CORRIDOR_WEB_DIR);
  if (std::filesystem::exists(built / "index.html")) return built;
#endif
  return {};
}

// The host name, as a log name: characters a signed-note key name allows.
std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "corridor";
  std::string name(buffer);
  return ledger::valid_key_name(name) ? name : "corridor";
}

// The ledger the service will write to, checked before it serves a request:
// created (as `log init` would) when the file does not exist; otherwise
// verified since its last verification checkpoint (PRAGMA quick_check,
// every entry and head after it), refused when damaged, and given a new
// checkpoint when intact.
void prepare_ledger(const ServeOptions& o) {
  const std::filesystem::path db(o.db);
  const auto shown = ledger::sql::display_name(o.db);
  if (!ledger::ledger_exists(db)) {
    const auto name = o.name.empty() ? host_name() : o.name;
    ledger::Ledger::create(db, {name, {}, o.registry});
    std::cerr << "corridor serve: created the ledger " << shown << " (log name " << name << ")\n";
    return;
  }
  ledger::VerifyOptions options;
  options.since_checkpoint = true;
  options.kinds = &monitor::ledger_kinds();
  const auto report = ledger::verify_ledger(db, options);
  if (!report.intact()) {
    const auto more = report.problems.size() - 1;
    throw InputError("--db", shown + " does not verify, so it is not served: " + report.problems.front() +
                                 (more > 0 ? " (and " + std::to_string(more) + " more problems)" : "") +
                                 "; `corridor log verify --db " + shown + "` gives the whole report");
  }
  const auto ledger = ledger::Ledger::open(db);
  ledger::record_verification(ledger, report, ledger.load_signer());
  std::cerr << "corridor serve: " << db.string() << " verified: " << report.entries << " entries ("
            << report.entries - report.checkpoint_size << " since the last verification), " << report.heads
            << " heads\n";
}

int run_serve(const ServeOptions& o) {
  // SIGINT and SIGTERM stop the server from a thread of their own. Blocked
  // before any other thread starts (the Service's planning thread among
  // them), which all inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  server::ServerOptions http;
  server::parse_listen(o.listen, http);
  if (o.threads == 0 || o.threads > 1024) throw InputError("--threads", "must be 1..1024");
  http.threads = o.threads;
  if (!(o.max_snap_m > 0)) throw InputError("--max-snap-m", "must be positive");
  if (o.max_body_kb == 0) throw InputError("--max-body-kb", "must be at least 1");
  if (o.max_plan_jobs == 0) throw InputError("--max-plan-jobs", "must be at least 1");
  if (!(o.max_plan_seconds > 0)) throw InputError("--max-plan-seconds", "must be positive");
  if (!o.registry.empty() && o.db.empty()) throw InputError("--registry", "needs --db, where the registry is kept");
  http.max_body_bytes = o.max_body_kb * 1024;

  server::ServiceOptions options;
  options.max_snap_m = o.max_snap_m;
  options.max_plan_jobs = o.max_plan_jobs;
  options.max_plan_seconds = o.max_plan_seconds;
  options.web_dir = o.web.empty() ? default_web_dir() : std::filesystem::path(o.web);
  if (!o.web.empty() && !std::filesystem::exists(options.web_dir / "index.html")) {
    throw InputError("--web", o.web + " has no index.html (build the page: npm ci && npm run build in web/)");
  }
  server::Service service(graph::read_graph(o.map), options);
  for (const auto& file : o.scenarios) {
    const std::filesystem::path path(file);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) throw IoError(file + ": cannot read");
    service.add_scenario(path.stem().string(), scenario::parse_scenario(text.str(), file), text.str());
  }
  if (!o.db.empty()) {
    prepare_ledger(o);
    service.attach_database(o.db, o.registry);
  }

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
            << (o.db.empty() ? "" : ", database " + ledger::sql::display_name(o.db))
            << (options.web_dir.empty() ? ", no map page" : ", map page " + options.web_dir.string())
            << "); map data © OpenStreetMap contributors\n";
  http_server.run();
  if (!stopping) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::cerr << "corridor serve: stopped\n";
  return k_exit_ok;
}

}  // namespace

void add_serve_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Serves the map and the API over HTTP (docs/http-api.md): the web map at /, an OSRM-compatible\n"
      "route endpoint (/route/v1/driving/LON,LAT;LON,LAT, with ?scenario=NAME&at=TIME to avoid its\n"
      "closures), and with --db (a ledger made by `corridor log init`) scenario uploads, planning jobs,\n"
      "agreements signed party by party, incident reports, violations and the ledger's proofs.\n"
      "Writes must be signed by a registered party's key (`corridor request`); reads need a registered\n"
      "party too, except the map page, routes, the road network and the ledger. Stops on SIGINT or SIGTERM.\n"
      "Example: corridor serve --map andorra.graph --db corridor.db --registry parties.json");
  cmd->add_option("--map", o->map, "graph file made by `corridor import`")->required();
  cmd->add_option("--db", o->db,
                  "the ledger (`corridor log init`; created when missing): an SQLite file, or "
                  "postgresql://USER@HOST:PORT/DBNAME, which several instances can share (docs/deploy.md); the "
                  "service keeps its own tables in it too. An existing ledger is verified first and not served when it "
                  "does not verify");
  cmd->add_option("--name", o->name, "the log's name when --db is created (default: the host name)");
  cmd->add_option("--registry", o->registry,
                  "party registry (parties.json) to start from when the database has none yet "
                  "(default: the ledger's recorded registry)");
  cmd->add_option("--web", o->web, "folder of the built map page (default: web/dist of this source tree)");
  cmd->add_option("--scenario", o->scenarios, "scenario GeoJSON, addressed by its file stem (repeatable)");
  cmd->add_option("--listen", o->listen, "address to listen on as HOST:PORT (default 127.0.0.1:8080)");
  cmd->add_option("--threads", o->threads, "threads answering requests (default 8)");
  cmd->add_option("--max-snap-m", o->max_snap_m, "farthest a coordinate may be from a road (default 1000)");
  cmd->add_option("--max-body-kb", o->max_body_kb, "largest request body in KiB (default 4096)");
  cmd->add_option("--max-plan-jobs", o->max_plan_jobs, "planning jobs queued or running at once (default 4)");
  cmd->add_option("--max-plan-seconds", o->max_plan_seconds, "a planning job running longer is stopped (default 300)");
  runs[cmd] = [o] { return run_serve(*o); };
}

}  // namespace corridor::cli

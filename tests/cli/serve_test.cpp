// `corridor serve` and `corridor request` through the real binaries: a
// signed write, a refused one, a clean stop on SIGTERM, the start-up errors
// for a wrong database, page folder or option, and the ledger on
// PostgreSQL: kept, migrated, and shared by two instances.
#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "corridor/agree/jws.hpp"
#include "corridor/agree/keys.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/monitor/incident.hpp"
#include "corridor/server/request_signature.hpp"
#include "http_client.hpp"
#include "postgres.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;

class CliServe : public ::testing::Test {
 protected:
  CliServe() {
    const auto imported = run_corridor({"import", osm_extract("monaco-2016-03.osm.pbf").string(), "-o", graph()});
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    for (const auto* party : {"A", "M"}) {
      const auto key = agree::generate_key(party);
      agree::write_key_pair(key, dir_ / (std::string(party) + ".key"));
    }
    agree::Registry registry;
    agree::register_key(registry, agree::read_public_key(dir_ / "A.pub"), "Party A", std::nullopt);
    agree::register_key(registry, agree::read_public_key(dir_ / "M.pub"), "Mediator", "mediator");
    agree::write_registry(registry, dir_ / "parties.json");
    ledger::Ledger::create(dir_ / "corridor.db", {"corridor.test/serve", {}, {}});
  }

  [[nodiscard]] std::string graph() const { return (dir_ / "monaco.graph").string(); }
  [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Starts the service on a free port; returns its base URL.
  std::string serve(std::unique_ptr<BackgroundCorridor>& server) {
    server = std::make_unique<BackgroundCorridor>(
        std::vector<std::string>{"serve", "--map", graph(), "--db", path("corridor.db"), "--registry",
                                 path("parties.json"), "--listen", "127.0.0.1:0", "--threads", "2"});
    EXPECT_TRUE(server->wait_for("corridor serve: http://")) << server->err();
    std::smatch m;
    const auto err = server->err();
    if (!std::regex_search(err, m, std::regex("http://127\\.0\\.0\\.1:([0-9]+)/"))) return {};
    return "http://127.0.0.1:" + m[1].str();
  }

  TempDir dir_;
};

TEST_F(CliServe, SignedRequestsFromTheCommandLine) {
  std::unique_ptr<BackgroundCorridor> server;
  const auto url = serve(server);
  ASSERT_FALSE(url.empty());

  auto r = run_corridor({"request", "GET", url + "/health"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["status"], "ok");

  std::ofstream(dir_ / "scenario.geojson") << R"({"type": "FeatureCollection", "features": []})";
  r = run_corridor(
      {"request", "--key", path("M.key"), "POST", url + "/scenarios?name=empty", "--data", path("scenario.geojson")});
  EXPECT_EQ(r.exit_code, 1);  // signed and allowed, but not a valid scenario
  EXPECT_NE(r.err.find("HTTP 400: InvalidScenario"), std::string::npos) << r.err;
  EXPECT_NE(nlohmann::json::parse(r.out)["errors"].size(), 0u);

  r = run_corridor(
      {"request", "--key", path("A.key"), "POST", url + "/scenarios?name=empty", "--data", path("scenario.geojson")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("HTTP 403: Forbidden"), std::string::npos) << r.err;

  r = run_corridor({"request", "--key", path("A.key"), "POST", url + "/sessions"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto token = nlohmann::json::parse(r.out)["token"].get<std::string>();
  r = run_corridor({"request", "--token", token, "GET", url + "/sessions/current"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["party"], "A");
  r = run_corridor({"request", "-q", "GET", url + "/plans"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "");

  EXPECT_EQ(server->stop(SIGTERM), 0);
  EXPECT_NE(server->err().find("corridor serve: stopped"), std::string::npos) << server->err();
}

TEST_F(CliServe, RequestErrorsNameTheProblem) {
  auto r = run_corridor({"request", "GET", "https://example.org/health"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("http://"), std::string::npos) << r.err;
  r = run_corridor({"request", "GET", "http://127.0.0.1:1/health"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
  r = run_corridor({"request", "--key", path("missing.key"), "GET", "http://127.0.0.1:1/health"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.key"), std::string::npos) << r.err;
}

TEST_F(CliServe, StartUpErrorsAreClear) {
  auto start = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"serve", "--map", graph(), "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_corridor(args);
  };
  auto r = start({"--web", path("no-such-folder")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--web"), std::string::npos) << r.err;
  r = start({"--registry", path("parties.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--registry"), std::string::npos) << r.err;
  std::ofstream(dir_ / "text.db") << "not a database at all";
  r = start({"--db", path("text.db")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a ledger"), std::string::npos) << r.err;
  // A ledger cut short: refused, never served.
  fs::copy_file(dir_ / "corridor.db", dir_ / "cut.db");
  fs::resize_file(dir_ / "cut.db", fs::file_size(dir_ / "cut.db") / 3);
  r = start({"--db", path("cut.db")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cut.db"), std::string::npos) << r.err;
  r = start({"--max-plan-jobs", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--max-plan-jobs"), std::string::npos) << r.err;
}

// Starts serve on `db` and stops it once it listens; returns what it said.
std::string serve_once(const std::vector<std::string>& args) {
  BackgroundCorridor server(args);
  if (!server.wait_for("corridor serve: http://")) return "did not start: " + server.err();
  server.stop(SIGTERM);
  return server.err();
}

TEST_F(CliServe, ALedgerIsCreatedWhenMissingAndVerifiedBeforeItIsServed) {
  auto args = [&](const std::string& db) {
    return std::vector<std::string>{"serve", "--map", graph(), "--db", path(db), "--listen", "127.0.0.1:0"};
  };
  // Missing: created, as `log init` would, and served.
  auto with_name = args("new.db");
  with_name.insert(with_name.end(), {"--name", "corridor.test/new"});
  auto err = serve_once(with_name);
  EXPECT_NE(err.find("created the ledger " + path("new.db") + " (log name corridor.test/new)"), std::string::npos)
      << err;
  EXPECT_EQ(run_corridor({"log", "verify", "--db", path("new.db")}).exit_code, 0);

  // Two signed incident reports in the shared ledger.
  for (const auto* id : {"i-1", "i-2"}) {
    auto r = run_corridor({"incident", "report", "--key", path("A.key"), "--time", "2022-03-05T10:20:00+01:00", "--at",
                           "7.4200,43.7350", "--type", "Explosions/Remote violence", "--description",
                           "shelling near the port", "--id", id, "-o", path(std::string(id) + ".json")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_corridor({"log", "append", "--db", path("corridor.db"), "--registry", path("parties.json"),
                      path(std::string(id) + ".json")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  fs::copy_file(dir_ / "corridor.db", dir_ / "pristine.db");
  // The first start verifies everything and records a checkpoint; the next
  // one verifies only what came after it.
  err = serve_once(args("corridor.db"));
  EXPECT_NE(err.find("verified: 2 entries (2 since the last verification)"), std::string::npos) << err;
  err = serve_once(args("corridor.db"));
  EXPECT_NE(err.find("verified: 2 entries (0 since the last verification)"), std::string::npos) << err;

  auto refused = [&](const std::string& name, const std::string& sql, const std::string& why) {
    fs::copy_file(dir_ / "corridor.db", dir_ / name);
    ASSERT_EQ(std::system(("sqlite3 " + path(name) + " \"" + sql + "\"").c_str()), 0) << sql;
    const auto r = run_corridor(args(name));
    EXPECT_EQ(r.exit_code, 2) << sql << ": " << r.err;
    EXPECT_NE(r.err.find(path(name) + " does not verify, so it is not served: " + why), std::string::npos) << r.err;
  };
  // An entry after the checkpoint edited in place.
  fs::remove(dir_ / "corridor.db");
  fs::copy_file(dir_ / "pristine.db", dir_ / "corridor.db");
  refused("edited.db",
          "DROP TRIGGER entries_no_update; UPDATE entries SET body = replace(body, 'port', 'pier') WHERE idx = 1",
          "entry 1: body does not match its leaf hash");
  // A table gone (the service answered 500s on such a file).
  refused("no-nodes.db", "DROP TABLE nodes", "");
  // A checkpoint that is a copied tree head, not a verification.
  serve_once(args("corridor.db"));
  refused("forged.db",
          "DROP TRIGGER verifications_no_update; "
          "UPDATE verifications SET note = (SELECT note FROM heads ORDER BY id DESC LIMIT 1)",
          "verification checkpoint #1 is a tree head, not a verification");
  // Entries behind the checkpoint whose stored hashes were rewritten.
  refused("rewritten.db", "DROP TRIGGER entries_no_update; UPDATE entries SET leaf_hash = zeroblob(32) WHERE idx = 0",
          "entries 0..1 no longer hash to the root verified at");
}

// The same commands on a PostgreSQL database: `log init`, `log append`,
// `log verify`, proofs, and `serve`, which verifies the shared ledger before
// it serves. Messages name the database without its password.
TEST_F(CliServe, ALedgerOnPostgresqlIsKeptServedAndVerifiedLikeAFile) {
  const auto db = PostgresServer::shared().new_database();
  auto r = run_corridor({"log", "init", "--db", db, "--name", "corridor.test/pg", "--key", path("pg.logkey"),
                         "--registry", path("parties.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "created ledger " + db)) << r.out;
  r = run_corridor({"log", "init", "--db", db, "--name", "corridor.test/pg", "--key", path("again.logkey")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, db + " holds a ledger already")) << r.err;

  for (const auto* id : {"i-1", "i-2"}) {
    r = run_corridor({"incident", "report", "--key", path("A.key"), "--time", "2022-03-05T10:20:00+01:00", "--at",
                      "7.4200,43.7350", "--type", "Explosions/Remote violence", "--id", id, "-o",
                      path(std::string(id) + ".json")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  r = run_corridor({"log", "append", "--db", db, path("i-1.json"), path("i-2.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, R"("index":1)")) << r.out;
  r = run_corridor({"log", "verify", "--db", db});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "is intact: 2 entries")) << r.out;
  r = run_corridor({"log", "prove-inclusion", "--db", db, "--index", "1", "-o", path("proof.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(run_corridor({"log", "check-proof", path("proof.json"), "--log-key", path("pg.vkey")}).exit_code, 0);

  const auto err = serve_once({"serve", "--map", graph(), "--db", db, "--listen", "127.0.0.1:0"});
  EXPECT_TRUE(has(err, "verified: 2 entries (2 since the last verification)")) << err;

  // A server that is not there, and a database that holds no ledger.
  const auto absent = "postgresql://corridor:s3cret@127.0.0.1:1/corridor";
  r = run_corridor({"log", "head", "--db", absent});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(has(r.err, "postgresql://corridor:***@127.0.0.1:1/corridor: cannot connect")) << r.err;
  EXPECT_FALSE(has(r.err, "s3cret")) << r.err;
  const auto empty = PostgresServer::shared().new_database();
  r = run_corridor({"log", "verify", "--db", empty});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "not a ledger")) << r.err;
}

// `log migrate`: a served SQLite ledger, with its verification checkpoint
// and the service's tables, copied into PostgreSQL, where it goes on.
TEST_F(CliServe, MigratesAServedSqliteLedgerToPostgresql) {
  for (const auto* id : {"i-1", "i-2", "i-3"}) {
    const auto r = run_corridor({"incident", "report", "--key", path("A.key"), "--time", "2022-03-05T10:20:00+01:00",
                                 "--at", "7.4200,43.7350", "--type", "Explosions/Remote violence", "--id", id, "-o",
                                 path(std::string(id) + ".json")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto r = run_corridor({"log", "append", "--db", path("corridor.db"), "--registry", path("parties.json"),
                         path("i-1.json"), path("i-2.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto serve_args = [&](const std::string& db) {
    return std::vector<std::string>{"serve",    "--map",      graph(), "--db", db, "--registry", path("parties.json"),
                                    "--listen", "127.0.0.1:0"};
  };
  auto err = serve_once(serve_args(path("corridor.db")));  // a checkpoint and the service's tables
  ASSERT_TRUE(has(err, "verified: 2 entries")) << err;

  const auto db = PostgresServer::shared().new_database();
  r = run_corridor({"log", "migrate", "--from", path("corridor.db"), "--to", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "2 entries, 3 signed heads, 1 verification checkpoints")) << r.out;
  EXPECT_TRUE(has(r.out, "the copy verifies, with the same root")) << r.out;
  EXPECT_EQ(run_corridor({"log", "head", "--db", db}).out,
            run_corridor({"log", "head", "--db", path("corridor.db")}).out);
  r = run_corridor({"log", "migrate", "--from", path("corridor.db"), "--to", db});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "holds a ledger already")) << r.err;
  r = run_corridor({"log", "migrate", "--from", path("corridor.db"), "--to", path("copy.db")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--to")) << r.err;

  // The copy is served from its checkpoint, and grows.
  err = serve_once(serve_args(db));
  EXPECT_TRUE(has(err, "verified: 2 entries (0 since the last verification)")) << err;
  r = run_corridor({"log", "append", "--db", db, "--registry", path("parties.json"), path("i-3.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, R"("index":2)")) << r.out;
  EXPECT_EQ(run_corridor({"log", "verify", "--db", db}).exit_code, 0);
}

// Two `corridor serve` on one PostgreSQL database, as behind a load
// balancer. Round after round, the second is killed with SIGKILL while a
// client sends signed incident reports to both: no acknowledged report is
// lost or logged twice, the first keeps serving, and the log verifies.
TEST_F(CliServe, KillingOneInstanceLosesNothingAndTheOtherKeepsServing) {
  const auto db = PostgresServer::shared().new_database();
  auto r = run_corridor({"log", "init", "--db", db, "--name", "corridor.test/pair", "--key", path("pair.logkey"),
                         "--registry", path("parties.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto port_of = [](BackgroundCorridor& server) {
    EXPECT_TRUE(server.wait_for("corridor serve: http://")) << server.err();
    std::smatch m;
    const auto err = server.err();
    return std::regex_search(err, m, std::regex("http://127\\.0\\.0\\.1:([0-9]+)/")) ? std::stoi(m[1].str()) : 0;
  };
  const std::vector<std::string> args{"serve", "--map", graph(), "--db", db, "--listen", "127.0.0.1:0"};
  BackgroundCorridor first(args);
  const int first_port = port_of(first);
  ASSERT_NE(first_port, 0);

  const auto key = agree::read_secret_key(dir_ / "A.key");
  int sent = 0;
  // Sends one report; returns its acknowledged index, or nothing.
  const auto report = [&](int port) -> std::optional<std::uint64_t> {
    monitor::Incident incident;
    incident.id = "A-" + std::to_string(++sent);
    incident.reported_by = "A";
    incident.time = geo::unix_seconds(1646472000) + std::chrono::seconds(sent);
    incident.where = {7.4200, 43.7350};
    incident.event_type = "Violence against civilians";
    auto document = agree::make_signed(monitor::incident_document(incident));
    agree::add_signature(document, key);
    const auto body = document.dump();
    const auto s = server::sign_request(key, "POST", "/incidents", body);
    try {
      const auto reply = Client(port).request("/incidents", "POST", body,
                                              {{std::string(server::k_header_key), s.kid},
                                               {std::string(server::k_header_time), s.time},
                                               {std::string(server::k_header_nonce), s.nonce},
                                               {std::string(server::k_header_signature), s.signature}});
      if (reply.status == 201) return reply.body["index"].get<std::uint64_t>();
    } catch (const std::exception&) {  // the instance died mid-request: not acknowledged
    }
    return std::nullopt;
  };

  std::map<std::uint64_t, std::string> acknowledged;  // index -> report id
  const auto record = [&](std::optional<std::uint64_t> index) {
    if (!index) return;
    EXPECT_TRUE(acknowledged.emplace(*index, "A-" + std::to_string(sent)).second) << "index " << *index << " twice";
  };
  std::mt19937 rng(static_cast<unsigned>(test_seed()));
  for (int round = 0; round < 20; ++round) {
    BackgroundCorridor second(args);
    const int second_port = port_of(second);
    ASSERT_NE(second_port, 0) << "round " << round;
    std::atomic<bool> stop{false};
    std::thread killer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 200));
      second.stop(SIGKILL);
      stop = true;
    });
    for (int i = 0; !stop; ++i) record(report(i % 2 == 0 ? first_port : second_port));
    killer.join();
    const auto after = report(first_port);  // the first goes on serving
    ASSERT_TRUE(after) << "round " << round << ": " << first.err();
    record(after);
  }
  first.stop(SIGTERM);

  const auto log = ledger::Ledger::open(db);
  for (const auto& [index, id] : acknowledged) {
    ASSERT_NE(log.entry(index).value().body.find("\"" + id + "\""), std::string::npos) << index;
  }
  EXPECT_GE(acknowledged.size(), 40u);
  r = run_corridor({"log", "verify", "--db", db});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace corridor::testing

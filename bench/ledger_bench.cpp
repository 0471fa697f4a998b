// The ledger's throughput: appends per second (signature check, one SQLite
// transaction with synchronous=FULL and a new signed head), inclusion and
// consistency proofs generated and checked per second, the file's size per
// entry and the time of a whole-log verify. Documents are signed incident
// reports of about 500 bytes; indexes and sizes are random with a fixed seed.
//
// With CORRIDOR_BENCH_POSTGRES set to a PostgreSQL server's URI (its
// "postgres" database; bench/postgres.sh starts a throw-away server and sets
// it), the same appends from 1 and 2 instances on SQLite and on PostgreSQL,
// and proofs generated from the PostgreSQL copy of the 10,000-entry ledger.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "corridor/agree/jcs.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/agree/keys.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/proof.hpp"
#include "corridor/ledger/verify.hpp"
#include "corridor/monitor/incident.hpp"
#include "corridor/monitor/kinds.hpp"

namespace {

using namespace corridor;
namespace fs = std::filesystem;

// A scratch folder for the ledgers, removed at exit.
struct Scratch {
  fs::path path = fs::temp_directory_path() / ("corridor-ledger-bench-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(path); }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
const fs::path& scratch() {
  static const Scratch s;
  return s.path;
}

// The reporting party: its key and a registry that knows it.
struct Party {
  agree::SecretKey key = agree::generate_key("ocha");
  agree::Registry registry;
  Party() { agree::register_key(registry, key.public_key(), "UN OCHA", std::string("mediator")); }
};
const Party& party() {
  static const Party p;
  return p;
}

// Incident report number n, about 500 bytes in canonical form.
nlohmann::json incident(std::uint64_t n) {
  const double lon = 8.40 + 0.0001 * static_cast<double>(n % 1000),
               lat = 49.45 + 0.0001 * static_cast<double>(n / 1000 % 1000);
  return {{"type", "corridor-incident"},
          {"id", "inc-" + std::to_string(1000000 + n)},
          {"reported_by", "ocha"},
          {"time", {{"utc", "2022-03-05T09:" + std::to_string(10 + n % 50) + ":00Z"}, {"precision", "minute"}}},
          {"place", {{"geometry", {{"type", "Point"}, {"coordinates", {lon, lat}}}}, {"precision_m", 250}}},
          {"event_type", "Explosions/Remote violence"},
          {"sub_event_type", "Shelling/artillery/missile attack"},
          {"actors", {"Military Forces of Party A", "Civilians"}},
          {"description", "Shelling 300 m north of checkpoint 2; convoy halted, no casualties."},
          {"source", "field liaison officer, radio report"},
          {"fatalities", 0},
          {"acled", nullptr}};
}

nlohmann::json signed_incident(std::uint64_t n) {
  auto doc = agree::make_signed(incident(n));
  agree::add_signature(doc, party().key);
  return doc;
}

struct FreshLedger {
  std::unique_ptr<ledger::Ledger> log;
  ledger::NoteSigner signer;
};

FreshLedger fresh_ledger(const std::string& stem) {
  static int count = 0;
  const auto name = stem + "-" + std::to_string(++count);
  FreshLedger f;
  f.log = std::make_unique<ledger::Ledger>(
      ledger::Ledger::create(scratch() / (name + ".db"), {"bench.example/" + name, {}, {}}));
  f.signer = f.log->load_signer();
  return f;
}

// Appends of new documents to a fresh ledger: append_document (the party's
// signature checked, then one durable append), Ledger::append of bodies
// already checked, and the same with synchronous=OFF to show what is left
// without the fsyncs.
enum class Append { document, raw, no_fsync };

void append(benchmark::State& state, Append mode) {
  auto f = fresh_ledger("append");
  if (mode == Append::no_fsync) f.log->database().exec("PRAGMA synchronous=OFF");
  std::vector<nlohmann::json> docs;
  std::vector<std::string> bodies;
  for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(state.max_iterations); ++i) {
    docs.push_back(signed_incident(i));
    bodies.push_back(agree::canonical_json(docs.back()));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(mode == Append::document ? ledger::append_document(*f.log, docs[i], party().registry,
                                                                                monitor::ledger_kinds(), f.signer)
                                                      : f.log->append(monitor::k_incident_type, bodies[i], f.signer));
    ++i;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// check_document alone: JWS parse, Ed25519 verification, canonical JSON.
void check_document(benchmark::State& state) {
  const auto doc = signed_incident(7);
  for (auto _ : state) benchmark::DoNotOptimize(ledger::check_document(doc, party().registry, monitor::ledger_kinds()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// A ledger of n signed incident reports, built with synchronous=OFF (the
// file is the same; only durability during the build is given up).
struct Fixture {
  FreshLedger f;
  double build_s = 0, file_bytes = 0, body_bytes = 0, document_bytes = 0;
  std::vector<std::uint64_t> indexes, old_sizes;       // random, fixed seed
  std::vector<nlohmann::json> inclusion, consistency;  // proof documents for them
  std::vector<std::vector<ledger::Hash>> inclusion_paths, consistency_paths;
  std::vector<ledger::Hash> leaves, old_roots;
  ledger::Hash root{};
};

const Fixture& fixture(std::uint64_t n) {
  scratch();  // constructed first, so removed after the cached ledgers are closed
  static std::map<std::uint64_t, Fixture> cache;
  if (auto it = cache.find(n); it != cache.end()) return it->second;
  Fixture x;
  x.f = fresh_ledger("ledger-" + std::to_string(n));
  auto& log = *x.f.log;
  log.database().exec("PRAGMA synchronous=OFF");
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto doc = signed_incident(i);
    const auto body = agree::canonical_json(doc);
    x.body_bytes += static_cast<double>(body.size());
    x.document_bytes += static_cast<double>(agree::canonical_json(doc["document"]).size());
    log.append(monitor::k_incident_type, body, x.f.signer);
  }
  x.build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log.database().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  log.database().exec("PRAGMA synchronous=FULL");
  x.file_bytes = static_cast<double>(fs::file_size(log.path()));
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::uint64_t> pick(0, n - 1);
  x.root = log.root(n);
  for (int i = 0; i < 1000; ++i) {
    x.indexes.push_back(pick(rng));
    x.old_sizes.push_back(1 + pick(rng) % (n - 1));
    x.inclusion_paths.push_back(log.inclusion_proof(x.indexes.back(), n));
    x.leaves.push_back(log.entry(x.indexes.back())->leaf_hash);
    x.consistency_paths.push_back(log.consistency_proof(x.old_sizes.back(), n));
    x.old_roots.push_back(log.root(x.old_sizes.back()));
    x.inclusion.push_back(ledger::inclusion_proof_json(log, x.indexes.back(), std::nullopt));
    x.consistency.push_back(ledger::consistency_proof_json(log, x.old_sizes.back(), std::nullopt));
  }
  return cache.emplace(n, std::move(x)).first->second;
}

std::uint64_t entries(const benchmark::State& state) { return static_cast<std::uint64_t>(state.range(0)); }

void ledger_size(benchmark::State& state) {
  const auto& x = fixture(entries(state));
  for (auto _ : state) benchmark::DoNotOptimize(fs::file_size(x.f.log->path()));
  const auto n = static_cast<double>(entries(state));
  state.counters["build_s"] = x.build_s;
  state.counters["file_bytes_per_entry"] = x.file_bytes / n;
  state.counters["body_bytes_per_entry"] = x.body_bytes / n;
  state.counters["document_bytes"] = x.document_bytes / n;
  state.counters["overhead_over_body"] = x.file_bytes / x.body_bytes;
  // Bytes per entry of each table and index (SQLite's dbstat).
  auto s = x.f.log->database().prepare("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name");
  while (s.step()) state.counters[s.text(0)] = static_cast<double>(s.integer(1)) / n;
}

// Proof generation: the RFC 6962 path, or the proof document (path, roots,
// signed heads and, for inclusion, the entry) that `log prove-*` writes.
void generate(benchmark::State& state, bool inclusion, bool document) {
  const auto& x = fixture(entries(state));
  const auto& log = *x.f.log;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto k = i++ % x.indexes.size();
    if (document)
      benchmark::DoNotOptimize(inclusion ? ledger::inclusion_proof_json(log, x.indexes[k], std::nullopt)
                                         : ledger::consistency_proof_json(log, x.old_sizes[k], std::nullopt));
    else
      benchmark::DoNotOptimize(inclusion ? log.inclusion_proof(x.indexes[k], log.size())
                                         : log.consistency_proof(x.old_sizes[k], log.size()));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// Proof checking: RFC 9162 2.1.3.2 / 2.1.4.2 on the path alone, or
// check_proof on the document (entry's leaf hash, path, and the Ed25519
// signature of every head against the log's key).
void check(benchmark::State& state, bool inclusion, bool document) {
  const auto& x = fixture(entries(state));
  const auto n = entries(state);
  const auto key = x.f.log->info().verifier;
  std::size_t i = 0, valid = 0;
  for (auto _ : state) {
    const auto k = i++ % x.indexes.size();
    valid += document ? ledger::check_proof((inclusion ? x.inclusion : x.consistency)[k], std::nullopt, &key).valid
             : inclusion
                 ? ledger::verify_inclusion(x.leaves[k], x.indexes[k], n, x.inclusion_paths[k], x.root)
                 : ledger::verify_consistency(x.old_sizes[k], n, x.old_roots[k], x.root, x.consistency_paths[k]);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["valid_ratio"] = static_cast<double>(valid) / static_cast<double>(state.iterations());
}

// verify_ledger (every body, subtree and head; with the registry also every
// entry's signature), and `corridor log verify --db LEDGER.db` with its
// process start.
enum class Verify { plain, registry, cli };

void verify(benchmark::State& state, Verify mode) {
  const auto& x = fixture(entries(state));
  ledger::VerifyOptions options;
  if (mode == Verify::registry) options.registry = &party().registry;
  const auto command = std::string(CORRIDOR_CLI) + " log verify --db '" + x.f.log->path().string() + "' > /dev/null";
  if (mode == Verify::cli && !fs::exists(CORRIDOR_CLI)) return state.SkipWithError("build corridor_cli first");
  bool intact = true;
  for (auto _ : state) {
    intact = intact && (mode == Verify::cli ? std::system(command.c_str()) == 0
                                            : ledger::verify_ledger(x.f.log->path(), options).intact());
  }
  if (!intact) state.SkipWithError("the ledger does not verify");
}

// A new database on the benchmark's PostgreSQL server; empty when there is
// none (CORRIDOR_BENCH_POSTGRES unset).
std::string new_postgres_database() {
  const char* server = std::getenv("CORRIDOR_BENCH_POSTGRES");
  if (server == nullptr) return {};
  static int count = 0;
  const auto name = "bench_" + std::to_string(::getpid()) + "_" + std::to_string(++count);
  ledger::sql::open_postgres(server)->exec("CREATE DATABASE " + name);
  std::string uri = server;
  return uri.substr(0, uri.rfind('/') + 1) + name;
}

// Durable appends of signed documents (append_document) from `instances`
// connections at once, each in its own thread, as several service
// instances on one store would: appends per second over all of them.
void append_instances(benchmark::State& state, bool postgres) {
  const auto instances = static_cast<int>(state.range(0));
  constexpr int per_instance = 300;
  std::vector<nlohmann::json> docs;
  for (int i = 0; i < instances * per_instance; ++i) docs.push_back(signed_incident(static_cast<std::uint64_t>(i)));
  for (auto _ : state) {
    state.PauseTiming();
    static int count = 0;
    const auto name = "instances-" + std::to_string(++count);
    const auto db = postgres ? new_postgres_database() : (scratch() / (name + ".db")).string();
    if (db.empty()) return state.SkipWithError("set CORRIDOR_BENCH_POSTGRES (bench/postgres.sh does)");
    (void)ledger::Ledger::create(db, {"bench.example/" + name, scratch() / (name + ".logkey"), {}});
    state.ResumeTiming();
    std::vector<std::thread> threads;
    for (int t = 0; t < instances; ++t) {
      threads.emplace_back([&, t] {
        auto log = ledger::Ledger::open(db);
        const auto signer = log.load_signer();
        for (int i = t * per_instance; i < (t + 1) * per_instance; ++i) {
          benchmark::DoNotOptimize(ledger::append_document(log, docs[static_cast<std::size_t>(i)], party().registry,
                                                           monitor::ledger_kinds(), signer));
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * instances * per_instance);
}

// Proof documents from the PostgreSQL copy (log migrate) of the ledger of n
// entries, for the same random indexes and sizes.
void generate_postgres(benchmark::State& state, bool inclusion) {
  const auto& x = fixture(entries(state));
  static std::map<std::uint64_t, std::unique_ptr<ledger::Ledger>> copies;
  auto& copy = copies[entries(state)];
  if (!copy) {
    const auto db = new_postgres_database();
    if (db.empty()) return state.SkipWithError("set CORRIDOR_BENCH_POSTGRES (bench/postgres.sh does)");
    (void)ledger::migrate_ledger(x.f.log->path(), db);
    copy = std::make_unique<ledger::Ledger>(ledger::Ledger::open(db));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto k = i++ % x.indexes.size();
    benchmark::DoNotOptimize(inclusion ? ledger::inclusion_proof_json(*copy, x.indexes[k], std::nullopt)
                                       : ledger::consistency_proof_json(*copy, x.old_sizes[k], std::nullopt));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void sizes(benchmark::internal::Benchmark* b) { b->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond); }

BENCHMARK_CAPTURE(append, document, Append::document)->Unit(benchmark::kMillisecond)->Iterations(500)->UseRealTime();
BENCHMARK_CAPTURE(append, raw, Append::raw)->Unit(benchmark::kMillisecond)->Iterations(500)->UseRealTime();
BENCHMARK_CAPTURE(append, no_fsync, Append::no_fsync)->Unit(benchmark::kMicrosecond)->Iterations(2000)->UseRealTime();
BENCHMARK(check_document)->Unit(benchmark::kMicrosecond);
BENCHMARK(ledger_size)->Arg(10000)->Arg(100000)->Iterations(1);
BENCHMARK_CAPTURE(generate, inclusion_path, true, false)->Apply(sizes);
BENCHMARK_CAPTURE(generate, inclusion_document, true, true)->Apply(sizes);
BENCHMARK_CAPTURE(check, inclusion_path, true, false)->Apply(sizes);
BENCHMARK_CAPTURE(check, inclusion_document, true, true)->Apply(sizes);
BENCHMARK_CAPTURE(generate, consistency_path, false, false)->Apply(sizes);
BENCHMARK_CAPTURE(generate, consistency_document, false, true)->Apply(sizes);
BENCHMARK_CAPTURE(check, consistency_path, false, false)->Apply(sizes);
BENCHMARK_CAPTURE(check, consistency_document, false, true)->Apply(sizes);
BENCHMARK_CAPTURE(verify, plain, Verify::plain)->Apply(sizes)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(verify, registry, Verify::registry)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(verify, cli, Verify::cli)->Apply(sizes)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_CAPTURE(append_instances, sqlite, false)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(append_instances, postgresql, true)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(generate, inclusion_document_sqlite, true, true)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(generate_postgres, inclusion_document, true)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(generate, consistency_document_sqlite, false, true)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(generate_postgres, consistency_document, false)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

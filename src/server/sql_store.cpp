// The Store in SQL: tables service_* beside the ledger's own, on a
// connection of their own, used under one mutex. The same statements run on
// SQLite and PostgreSQL; only the schema's types differ.
#include <charconv>
#include <chrono>
#include <mutex>
#include <thread>

#include "corridor/crypto/crypto.hpp"
#include "corridor/json.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/sql.hpp"
#include "corridor/server/store.hpp"

namespace corridor::server {
namespace {

constexpr const char* k_schema_sqlite = R"(
CREATE TABLE IF NOT EXISTS service_registry(id INTEGER PRIMARY KEY CHECK (id = 1), document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS service_nonces(kid TEXT NOT NULL, nonce TEXT NOT NULL, seen_at INTEGER NOT NULL,
                                          PRIMARY KEY (kid, nonce)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS service_nonces_seen ON service_nonces(seen_at);
CREATE TABLE IF NOT EXISTS service_sessions(token_hash TEXT PRIMARY KEY, party TEXT NOT NULL, kid TEXT NOT NULL,
                                            expires INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS service_scenarios(name TEXT PRIMARY KEY, title TEXT NOT NULL, uploaded_by TEXT NOT NULL,
                                             uploaded_at TEXT NOT NULL, geojson TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS service_plans(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scenario TEXT NOT NULL,
                                         method TEXT NOT NULL, status TEXT NOT NULL, requested_by TEXT NOT NULL,
                                         created_at TEXT NOT NULL, finished_at TEXT NOT NULL, error TEXT NOT NULL,
                                         summary TEXT NOT NULL, plan_json TEXT NOT NULL, plan_geojson TEXT NOT NULL,
                                         plan_csv TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS service_agreements(seq INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE,
                                              scenario TEXT NOT NULL, version INTEGER NOT NULL, plan TEXT NOT NULL,
                                              signed_json TEXT NOT NULL, ledger_entry INTEGER,
                                              created_at TEXT NOT NULL);
)";

// PostgreSQL: the same tables, with its types (BIGSERIAL for the ordering
// sequence numbers).
constexpr const char* k_schema_postgres = R"(
CREATE TABLE IF NOT EXISTS service_registry(id INTEGER PRIMARY KEY CHECK (id = 1), document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS service_nonces(kid TEXT NOT NULL, nonce TEXT NOT NULL, seen_at BIGINT NOT NULL,
                                          PRIMARY KEY (kid, nonce));
CREATE INDEX IF NOT EXISTS service_nonces_seen ON service_nonces(seen_at);
CREATE TABLE IF NOT EXISTS service_sessions(token_hash TEXT PRIMARY KEY, party TEXT NOT NULL, kid TEXT NOT NULL,
                                            expires BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS service_scenarios(name TEXT PRIMARY KEY, title TEXT NOT NULL, uploaded_by TEXT NOT NULL,
                                             uploaded_at TEXT NOT NULL, geojson TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS service_plans(seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, scenario TEXT NOT NULL,
                                         method TEXT NOT NULL, status TEXT NOT NULL, requested_by TEXT NOT NULL,
                                         created_at TEXT NOT NULL, finished_at TEXT NOT NULL, error TEXT NOT NULL,
                                         summary TEXT NOT NULL, plan_json TEXT NOT NULL, plan_geojson TEXT NOT NULL,
                                         plan_csv TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS service_agreements(seq BIGSERIAL PRIMARY KEY, hash TEXT NOT NULL UNIQUE,
                                              scenario TEXT NOT NULL, version BIGINT NOT NULL, plan TEXT NOT NULL,
                                              signed_json TEXT NOT NULL, ledger_entry BIGINT,
                                              created_at TEXT NOT NULL);
)";

// The schema's versions: step i brings a database from version i to i + 1.
// Version 1 is the first schema (CREATE ... IF NOT EXISTS, so a database
// made before versions were recorded takes it as a no-op); version 2 adds the
// instance that runs each planning job, version 3 the times it started.
// Applied at start, in one write transaction, and recorded in
// service_schema.
struct Migration {
  const char* sqlite;
  const char* postgres;
};
constexpr Migration k_migrations[] = {
    {k_schema_sqlite, k_schema_postgres},
    {"ALTER TABLE service_plans ADD COLUMN runner TEXT NOT NULL DEFAULT ''",
     "ALTER TABLE service_plans ADD COLUMN runner TEXT NOT NULL DEFAULT ''"},
    {"ALTER TABLE service_plans ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
     "ALTER TABLE service_plans ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0"},
};

class SqlStore final : public Store {
 public:
  explicit SqlStore(const std::string& db)
      : db_(ledger::sql::open(db, !ledger::sql::is_postgres_uri(db) && !std::filesystem::exists(db))) {
    const bool sqlite = db_->dialect() == ledger::sql::Dialect::sqlite;
    if (sqlite) {
      db_->exec("PRAGMA journal_mode=WAL");
      db_->exec("PRAGMA synchronous=FULL");
    }
    migrate(sqlite);
    instance_ = sqlite ? crypto::random_hex(8) : hold_instance_lock();
  }

  std::int64_t schema_version() override {
    const auto lock = hold();
    return std::stoll(db_->scalar_text("SELECT COALESCE(MAX(version), 0) FROM service_schema").value_or("0"));
  }

  std::string instance() override { return instance_; }

  bool instance_alive(std::string_view instance) override {
    const auto lock = hold();
    if (instance == instance_) return true;
    // One instance per SQLite file; a PostgreSQL instance is a lock number.
    std::int64_t n = -1;
    const auto [end, error] = std::from_chars(instance.data(), instance.data() + instance.size(), n);
    if (db_->dialect() == ledger::sql::Dialect::sqlite || error != std::errc{} ||
        end != instance.data() + instance.size() || n < 0 || n > 0x7fffffff) {
      return false;
    }
    // Its lock is free exactly when its connection is gone.
    const bool taken = try_instance_lock(n);
    if (taken)
      db_->prepare("SELECT pg_advisory_unlock(?1, ?2::integer)").bind(1, k_instance_lock_class).bind(2, n).run();
    return !taken;
  }

  std::optional<agree::Registry> registry() override {
    const auto lock = hold();
    const auto text = db_->scalar_text("SELECT document FROM service_registry WHERE id = 1");
    if (!text) return std::nullopt;
    return agree::registry_from_json(json::parse(*text, "the stored registry"), "the stored registry");
  }

  void save_registry(const agree::Registry& registry) override {
    const auto lock = hold();
    db_->prepare(
           "INSERT INTO service_registry(id, document) VALUES (1, ?1) "
           "ON CONFLICT(id) DO UPDATE SET document = excluded.document")
        .bind_text(1, agree::registry_to_json(registry).dump())
        .run();
  }

  bool spend_nonce(std::string_view kid, std::string_view nonce, geo::UnixSeconds now,
                   geo::UnixSeconds forget_before) override {
    const auto lock = hold();
    db_->prepare("DELETE FROM service_nonces WHERE seen_at < ?1").bind(1, geo::since_epoch(forget_before)).run();
    // Atomic on either store, so a nonce spent through one instance is
    // spent for all.
    return db_->prepare("INSERT INTO service_nonces(kid, nonce, seen_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
               .bind_text(1, kid)
               .bind_text(2, nonce)
               .bind(3, geo::since_epoch(now))
               .run() == 1;
  }

  void save_session(const Session& s) override {
    const auto lock = hold();
    db_->prepare("DELETE FROM service_sessions WHERE expires < ?1")
        .bind(1, geo::since_epoch(s.expires - std::chrono::weeks(1)))
        .run();
    db_->prepare(
           "INSERT INTO service_sessions(token_hash, party, kid, expires) VALUES (?1, ?2, ?3, ?4) "
           "ON CONFLICT(token_hash) DO UPDATE SET party = excluded.party, kid = excluded.kid, "
           "expires = excluded.expires")
        .bind_text(1, s.token_hash)
        .bind_text(2, s.party)
        .bind_text(3, s.kid)
        .bind(4, geo::since_epoch(s.expires))
        .run();
  }

  std::optional<Session> session(std::string_view token_hash) override {
    const auto lock = hold();
    auto q = db_->prepare("SELECT party, kid, expires FROM service_sessions WHERE token_hash = ?1");
    q.bind_text(1, token_hash);
    if (!q.step()) return std::nullopt;
    Session s{std::string(token_hash), q.text(0), q.text(1), geo::unix_seconds(q.integer(2))};
    q.reset();
    return s;
  }

  bool add_scenario(const ScenarioRecord& r) override {
    const auto lock = hold();
    return db_->prepare(
                  "INSERT INTO service_scenarios(name, title, uploaded_by, uploaded_at, geojson) "
                  "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")
               .bind_text(1, r.name)
               .bind_text(2, r.title)
               .bind_text(3, r.uploaded_by)
               .bind_text(4, r.uploaded_at)
               .bind_text(5, r.geojson)
               .run() == 1;
  }

  std::optional<ScenarioRecord> scenario(std::string_view name) override {
    const auto lock = hold();
    auto q =
        db_->prepare("SELECT name, title, uploaded_by, uploaded_at, geojson FROM service_scenarios WHERE name = ?1");
    q.bind_text(1, name);
    if (!q.step()) return std::nullopt;
    ScenarioRecord r{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)};
    q.reset();
    return r;
  }

  std::vector<ScenarioRecord> scenarios() override {
    const auto lock = hold();
    auto q = db_->prepare("SELECT name, title, uploaded_by, uploaded_at, geojson FROM service_scenarios ORDER BY name");
    std::vector<ScenarioRecord> out;
    while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)});
    return out;
  }

  void save_plan(const PlanRecord& p) override {
    const auto lock = hold();
    db_->prepare(
           "INSERT INTO service_plans(id, scenario, method, status, requested_by, created_at, finished_at, error, "
           "summary, plan_json, plan_geojson, plan_csv, runner, attempts) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
           "ON CONFLICT(id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at, "
           "error = excluded.error, summary = excluded.summary, plan_json = excluded.plan_json, "
           "plan_geojson = excluded.plan_geojson, plan_csv = excluded.plan_csv, runner = excluded.runner, "
           "attempts = excluded.attempts WHERE service_plans.runner = excluded.runner")
        .bind_text(1, p.id)
        .bind_text(2, p.scenario)
        .bind_text(3, plan::to_string(p.method))
        .bind_text(4, to_string(p.status))
        .bind_text(5, p.requested_by)
        .bind_text(6, p.created_at)
        .bind_text(7, p.finished_at)
        .bind_text(8, p.error)
        .bind_text(9, p.summary.dump())
        .bind_text(10, p.plan_json)
        .bind_text(11, p.plan_geojson)
        .bind_text(12, p.plan_csv)
        .bind_text(13, p.runner)
        .bind(14, p.attempts)
        .run();
  }

  bool claim_plan(std::string_view id, std::string_view from) override {
    const auto lock = hold();
    // On PostgreSQL a second UPDATE of the row waits for the first to
    // commit and then finds the runner changed: it changes nothing.
    return db_->prepare(
                  "UPDATE service_plans SET runner = ?1, status = 'queued' "
                  "WHERE id = ?2 AND runner = ?3 AND status IN ('queued', 'running')")
               .bind_text(1, instance_)
               .bind_text(2, id)
               .bind_text(3, from)
               .run() == 1;
  }

  std::optional<PlanRecord> plan(std::string_view id) override {
    const auto lock = hold();
    auto q = db_->prepare(std::string(k_plan_columns) +
                          ", plan_json, plan_geojson, plan_csv FROM service_plans WHERE id = ?1");
    q.bind_text(1, id);
    if (!q.step()) return std::nullopt;
    auto p = plan_row(q);
    p.plan_json = q.text(11);
    p.plan_geojson = q.text(12);
    p.plan_csv = q.text(13);
    q.reset();
    return p;
  }

  std::vector<PlanRecord> plans() override {
    const auto lock = hold();
    auto q = db_->prepare(std::string(k_plan_columns) + " FROM service_plans ORDER BY seq DESC");
    std::vector<PlanRecord> out;
    while (q.step()) out.push_back(plan_row(q));
    return out;
  }

  void save_agreement(const AgreementRecord& a) override {
    const auto lock = hold();
    auto q = db_->prepare(
        "INSERT INTO service_agreements(hash, scenario, version, plan, signed_json, ledger_entry, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(hash) DO UPDATE SET signed_json = excluded.signed_json, "
        "ledger_entry = excluded.ledger_entry");
    q.bind_text(1, a.hash).bind_text(2, a.scenario).bind(3, a.version).bind_text(4, a.plan).bind_text(5, a.signed_json);
    if (a.ledger_entry) q.bind(6, *a.ledger_entry);
    q.bind_text(7, a.created_at).run();
  }

  std::optional<AgreementRecord> agreement(std::string_view hash) override {
    const auto lock = hold();
    auto q = db_->prepare(std::string(k_agreement_columns) + " WHERE hash = ?1");
    q.bind_text(1, hash);
    if (!q.step()) return std::nullopt;
    auto a = agreement_row(q);
    q.reset();
    return a;
  }

  std::vector<AgreementRecord> agreements() override {
    const auto lock = hold();
    auto q = db_->prepare(std::string(k_agreement_columns) + " ORDER BY seq");
    std::vector<AgreementRecord> out;
    while (q.step()) out.push_back(agreement_row(q));
    return out;
  }

 private:
  static constexpr const char* k_plan_columns =
      "SELECT id, scenario, method, status, requested_by, created_at, finished_at, error, summary, runner, attempts";
  static constexpr const char* k_agreement_columns =
      "SELECT hash, scenario, version, plan, signed_json, ledger_entry, created_at FROM service_agreements";

  static PlanRecord plan_row(const ledger::sql::Statement& q) {
    PlanRecord p;
    p.id = q.text(0);
    p.scenario = q.text(1);
    const auto method = plan::parse_method(q.text(2));
    const auto status = parse_job_status(q.text(3));
    if (!method || !status) {
      throw ledger::DamagedLedger("service_plans: plan " + p.id + " has method \"" + q.text(2) + "\" and status \"" +
                                  q.text(3) + "\"; expected ccrp or optimal, and queued, running, done or failed");
    }
    p.method = *method;
    p.status = *status;
    p.requested_by = q.text(4);
    p.created_at = q.text(5);
    p.finished_at = q.text(6);
    p.error = q.text(7);
    p.summary = json::try_parse(q.text(8)).value_or(nullptr);
    p.runner = q.text(9);
    p.attempts = q.integer(10);
    return p;
  }

  static AgreementRecord agreement_row(const ledger::sql::Statement& q) {
    AgreementRecord a;
    a.hash = q.text(0);
    a.scenario = q.text(1);
    a.version = q.integer(2);
    a.plan = q.text(3);
    a.signed_json = q.text(4);
    if (!q.is_null(5)) a.ledger_entry = static_cast<std::uint64_t>(q.integer(5));
    a.created_at = q.text(6);
    return a;
  }

  // The class of the session-level advisory locks that mark live instances.
  static constexpr std::int64_t k_instance_lock_class = 0x636f72;  // "cor"

  void migrate(bool sqlite) {
    ledger::sql::Transaction tx(*db_);  // one instance at a time
    db_->exec("CREATE TABLE IF NOT EXISTS service_schema(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    const std::int64_t from =
        std::stoll(db_->scalar_text("SELECT COALESCE(MAX(version), 0) FROM service_schema").value_or("0"));
    const auto known = static_cast<std::int64_t>(std::size(k_migrations));
    if (from > known) {
      throw ledger::DamagedLedger("the service's tables are at schema version " + std::to_string(from) +
                                  ", newer than this corridor knows (" + std::to_string(known) +
                                  "); run the newer corridor");
    }
    for (auto version = from; version < known; ++version) {
      const auto& m = k_migrations[version];
      db_->exec(sqlite ? m.sqlite : m.postgres);
      db_->prepare("INSERT INTO service_schema(version, applied_at) VALUES (?1, ?2)")
          .bind(1, std::int64_t{version + 1})
          .bind_text(2, ledger::utc_timestamp())
          .run();
    }
    tx.commit();
  }

  // Takes instance n's lock for this session; false when another holds it.
  bool try_instance_lock(std::int64_t n) {
    auto q = db_->prepare("SELECT pg_try_advisory_lock(?1, ?2::integer)");
    q.bind(1, k_instance_lock_class).bind(2, n);
    const bool taken = q.step() && q.text(0) == "t";
    q.reset();
    return taken;
  }

  // A PostgreSQL instance is a session-level advisory lock that this
  // connection holds while it lives, on a random number: never the number
  // of an instance that is gone, whose jobs this one would take for its own.
  std::string hold_instance_lock() {
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::uint8_t bytes[4];
      crypto::random_bytes(bytes);
      const auto n = ((std::int64_t{bytes[0]} << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) & 0x7fffffff;
      if (try_instance_lock(n)) return std::to_string(n);
    }
    throw IoError("PostgreSQL: no free instance number for this service");
  }

  // The store's mutex, the connection opened again if it was lost, and
  // then the instance's lock taken again: a new session holds no locks,
  // and without it other instances would take this one's jobs. Others
  // probing it (instance_alive) hold it for a moment: a few tries.
  std::unique_lock<std::mutex> hold() {
    std::unique_lock lock(mutex_);
    db_->revive();
    if (db_->reconnects() == reconnects_) return lock;
    reconnects_ = db_->reconnects();
    for (int attempt = 0; attempt < 50 && !try_instance_lock(std::stoll(instance_)); ++attempt)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return lock;
  }

  std::mutex mutex_;
  std::unique_ptr<ledger::sql::Database> db_;
  std::string instance_;
  std::uint64_t reconnects_ = 0;  // db_->reconnects() when the instance's lock was last taken
};

}  // namespace

std::string_view to_string(JobStatus status) noexcept {
  switch (status) {
    case JobStatus::queued:
      return "queued";
    case JobStatus::running:
      return "running";
    case JobStatus::done:
      return "done";
    case JobStatus::failed:
      break;
  }
  return "failed";
}

std::optional<JobStatus> parse_job_status(std::string_view text) noexcept {
  for (const auto s : {JobStatus::queued, JobStatus::running, JobStatus::done, JobStatus::failed}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::unique_ptr<Store> open_store(const std::string& db) { return std::make_unique<SqlStore>(db); }

std::uint64_t copy_store(const std::string& from, const std::string& to) {
  (void)open_store(from);  // the source's tables brought to this schema version, as `serve` would
  (void)open_store(to);    // the schema
  const auto in = ledger::sql::open(from, false);
  const auto out = ledger::sql::open(to, false);
  static constexpr std::pair<const char*, const char*> k_tables[] = {
      {"service_registry", "id:i, document:t"},
      {"service_nonces", "kid:t, nonce:t, seen_at:i"},
      {"service_sessions", "token_hash:t, party:t, kid:t, expires:i"},
      {"service_scenarios", "name:t, title:t, uploaded_by:t, uploaded_at:t, geojson:t"},
      {"service_plans",
       "seq:i, id:t, scenario:t, method:t, status:t, requested_by:t, created_at:t, finished_at:t, error:t, summary:t, "
       "plan_json:t, plan_geojson:t, plan_csv:t, runner:t, attempts:i"},
      {"service_agreements",
       "seq:i, hash:t, scenario:t, version:i, plan:t, signed_json:t, ledger_entry:i, created_at:t"},
  };
  std::uint64_t rows = 0;
  ledger::sql::Transaction tx(*out);
  for (const auto& [table, columns] : k_tables) {
    if (!in->has_table(table)) continue;
    rows += ledger::sql::copy_table(*in, *out, table, columns);
  }
  ledger::sql::advance_serial(*out, "service_plans", "seq");
  ledger::sql::advance_serial(*out, "service_agreements", "seq");
  tx.commit();
  return rows;
}

}  // namespace corridor::server

#pragma once
// What the service keeps between requests and restarts, behind one
// interface: the party registry, spent request nonces, read sessions,
// uploaded scenarios, planning jobs with their plans, and proposed
// agreements with their signatures. The ledger (agreements in force,
// incidents) is not here: it is the Merkle log of ledger/.
//
// The SQL store keeps it all beside the ledger (tables service_*): in the
// ledger's SQLite file, so a deployment is one file, or in the PostgreSQL
// database that several service instances share. Every method is safe to
// call from any thread.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/agree/keys.hpp"
#include "corridor/geo/time.hpp"
#include "corridor/plan/method.hpp"

namespace corridor::server {

struct ScenarioRecord {
  std::string name;
  std::string title;
  std::string uploaded_by;  // party id, or "operator" for --scenario files
  std::string uploaded_at;
  std::string geojson;  // the text as uploaded
};

// A planning job's state: queued, then running, then done or failed.
enum class JobStatus { queued, running, done, failed };
std::string_view to_string(JobStatus status) noexcept;
std::optional<JobStatus> parse_job_status(std::string_view text) noexcept;

struct PlanRecord {
  std::string id;
  std::string scenario;
  plan::Method method = plan::Method::ccrp;
  JobStatus status = JobStatus::queued;
  std::string requested_by;
  std::string created_at;
  std::string finished_at;
  std::string error;
  nlohmann::json summary;  // plan.json's summary once done
  std::string plan_json;   // the three outputs once done
  std::string plan_geojson;
  std::string plan_csv;
  std::string runner;         // the Store::instance() that runs it
  std::int64_t attempts = 0;  // times it started running, less those a stopping service handed back
};

struct AgreementRecord {
  std::string hash;  // content hash of the agreement document
  std::string scenario;
  std::int64_t version = 0;
  std::string plan;                           // the plan it was proposed from
  std::string signed_json;                    // the JWS document with the signatures so far
  std::optional<std::uint64_t> ledger_entry;  // once in force and logged
  std::string created_at;
};

struct Session {
  std::string token_hash;  // hex SHA-256 of the token; the token is not kept
  std::string party;
  std::string kid;
  geo::UnixSeconds expires{};
};

class Store {
 public:
  virtual ~Store() = default;

  // The schema version of the service's tables (migrated at open).
  [[nodiscard]] virtual std::int64_t schema_version() = 0;
  // This store's instance: on PostgreSQL a number that this connection
  // holds (a session advisory lock) while it lives, so other instances can
  // tell a live one from a dead one; on SQLite, one per process.
  [[nodiscard]] virtual std::string instance() = 0;
  // Whether the instance that ran a job still runs: it is this one, or (on
  // PostgreSQL) its connection is still open.
  [[nodiscard]] virtual bool instance_alive(std::string_view instance) = 0;

  [[nodiscard]] virtual std::optional<agree::Registry> registry() = 0;
  virtual void save_registry(const agree::Registry& registry) = 0;

  // Records (kid, nonce) at `now` and forgets nonces older than
  // `forget_before`; false when the pair was recorded already.
  virtual bool spend_nonce(std::string_view kid, std::string_view nonce, geo::UnixSeconds now,
                           geo::UnixSeconds forget_before) = 0;

  virtual void save_session(const Session& session) = 0;
  [[nodiscard]] virtual std::optional<Session> session(std::string_view token_hash) = 0;

  // False when a scenario of that name exists (nothing is written).
  virtual bool add_scenario(const ScenarioRecord& scenario) = 0;
  [[nodiscard]] virtual std::optional<ScenarioRecord> scenario(std::string_view name) = 0;
  [[nodiscard]] virtual std::vector<ScenarioRecord> scenarios() = 0;

  // Inserts, or replaces by id while the runner is the same: an instance
  // whose job was taken over (it lost its connection a while and seemed
  // gone) does not overwrite the new runner's record.
  virtual void save_plan(const PlanRecord& plan) = 0;
  [[nodiscard]] virtual std::optional<PlanRecord> plan(std::string_view id) = 0;
  // Newest first, without the three outputs.
  [[nodiscard]] virtual std::vector<PlanRecord> plans() = 0;
  // Takes a queued or running job over from the instance `from` (one that
  // is gone) for this one: it becomes queued, with this instance as its
  // runner. One atomic conditional update: of several instances that try,
  // exactly one gets true.
  virtual bool claim_plan(std::string_view id, std::string_view from) = 0;

  // Inserts or replaces by hash.
  virtual void save_agreement(const AgreementRecord& agreement) = 0;
  [[nodiscard]] virtual std::optional<AgreementRecord> agreement(std::string_view hash) = 0;
  // Oldest first.
  [[nodiscard]] virtual std::vector<AgreementRecord> agreements() = 0;
};

// The store in `db`: the ledger's SQLite file (created when missing) or a
// postgresql:// URI. Throws IoError / ledger::DamagedLedger.
std::unique_ptr<Store> open_store(const std::string& db);

// Copies the service's tables of `from` into `to` (`log migrate`), in one
// transaction, after the ledger; returns the number of rows copied. The
// source's tables are first brought to this version's schema.
std::uint64_t copy_store(const std::string& from, const std::string& to);

}  // namespace corridor::server

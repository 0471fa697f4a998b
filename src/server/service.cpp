// The Service: its set-up, /health and the ledger's heads and proofs.
#include <utility>

#include "corridor/ledger/proof.hpp"
#include "corridor/server/service.hpp"
#include "service_internal.hpp"

namespace corridor::server {

Service::Service(graph::RoadGraph g, ServiceOptions options)
    : graph_(std::make_unique<const graph::RoadGraph>(std::move(g))),
      index_(*graph_),
      landmarks_(*graph_, options.landmark_count),
      options_(options),
      pool_(std::make_unique<QueryPool>(*graph_, landmarks_)) {
  if (!(options_.max_snap_m > 0)) throw InputError("max_snap_m", "must be positive");
}

Service::~Service() = default;

void Service::add_scenario(const std::string& name, scenario::Scenario s) {
  if (!scenarios_.emplace(name, std::move(s)).second) {
    throw InputError("--scenario", "two scenarios are named \"" + name + "\"");
  }
}

void Service::attach_ledger(const std::filesystem::path& db) {
  ledger_ = std::make_unique<ledger::Ledger>(ledger::Ledger::open(db));
}

nlohmann::json Service::health() const {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& [name, s] : scenarios_) names.push_back(name);
  return {{"status", "ok"},
          {"nodes", graph_->node_count()},
          {"arcs", graph_->arc_count()},
          {"scenarios", names},
          {"ledger", ledger_ != nullptr},
          {"attribution", "© OpenStreetMap contributors"}};
}

namespace {

void require_ledger(const std::unique_ptr<ledger::Ledger>& l) {
  if (!l) throw ApiError(ErrorKind::not_found, "this service has no ledger (start it with --db)");
}

void allow_only(const Params& params, std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : params) {
    bool ok = false;
    for (auto name : known) ok = ok || k == name;
    if (!ok) throw ApiError(ErrorKind::invalid_url, "unknown parameter \"" + k + "\"");
  }
}

std::optional<std::uint64_t> optional_unsigned(const Params& params, const std::string& key) {
  const auto text = param(params, key);
  if (!text) return std::nullopt;
  return unsigned_param(key, *text);
}

std::uint64_t required_unsigned(const Params& params, const std::string& key) {
  const auto value = optional_unsigned(params, key);
  if (!value) throw ApiError(ErrorKind::invalid_value, "parameter " + key + " is required");
  return *value;
}

}  // namespace

nlohmann::json Service::ledger_head() {
  require_ledger(ledger_);
  const std::lock_guard lock(ledger_mutex_);
  const auto head = ledger_->latest_head();
  if (!head) throw ApiError(ErrorKind::internal, "the ledger has no signed head");
  return {{"log", ledger_->info().name},
          {"size", head->size},
          {"root", ledger::to_hex(head->root)},
          {"timestamp", head->timestamp},
          {"note", head->note},
          {"verifier_key", ledger::format_verifier_key(ledger_->info().verifier)}};
}

nlohmann::json Service::inclusion_proof(const Params& params) {
  require_ledger(ledger_);
  allow_only(params, {"index", "size"});
  const auto index = required_unsigned(params, "index");
  const auto size = optional_unsigned(params, "size");
  const std::lock_guard lock(ledger_mutex_);
  try {
    return ledger::inclusion_proof_json(*ledger_, index, size);
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_value, e.what());
  }
}

nlohmann::json Service::consistency_proof(const Params& params) {
  require_ledger(ledger_);
  allow_only(params, {"old", "new"});
  const auto old_size = required_unsigned(params, "old");
  const auto new_size = optional_unsigned(params, "new");
  const std::lock_guard lock(ledger_mutex_);
  try {
    return ledger::consistency_proof_json(*ledger_, old_size, new_size);
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_value, e.what());
  }
}

}  // namespace corridor::server

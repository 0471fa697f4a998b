// The Service: its set-up, /health, the ledger's heads and proofs, and the
// scenarios (uploaded, or given at start).
#include <algorithm>
#include <utility>

#include "corridor/ledger/proof.hpp"
#include "corridor/server/service.hpp"
#include "service_internal.hpp"

namespace corridor::server {

Service::Service(graph::RoadGraph g, ServiceOptions options)
    : graph_(std::make_unique<const graph::RoadGraph>(std::move(g))),
      index_(*graph_),
      landmarks_(*graph_, options.landmark_count),
      options_(std::move(options)),
      pool_(std::make_unique<QueryPool>(*graph_, landmarks_)) {
  if (!(options_.max_snap_m > 0)) throw InputError("max_snap_m", "must be positive");
  jobs_ = std::make_unique<PlanJobs>(*this);
}

Service::~Service() { jobs_.reset(); }  // stops the planning thread before the rest goes

void Service::add_scenario(const std::string& name, scenario::Scenario s, std::string geojson) {
  const std::string title = s.name;
  const std::unique_lock lock(scenarios_mutex_);
  if (!scenarios_.emplace(name, std::make_shared<const scenario::Scenario>(std::move(s))).second) {
    throw InputError("--scenario", "two scenarios are named \"" + name + "\"");
  }
  operator_scenarios_.push_back({name, title, "operator", ledger::utc_timestamp(), std::move(geojson)});
}

void Service::attach_database(const std::filesystem::path& db, const std::filesystem::path& registry) {
  ledger_ = std::make_unique<ledger::Ledger>(ledger::Ledger::open(db));
  signer_ = ledger_->load_signer();
  store_ = open_sqlite_store(db);

  auto stored = store_->registry();
  if (!stored) {
    std::filesystem::path seed = registry;
    if (seed.empty() && !ledger_->info().registry.empty()) {
      seed = ledger_->info().registry;
      if (seed.is_relative()) seed = db.parent_path() / seed;
    }
    stored = seed.empty() ? agree::Registry{} : agree::read_registry(seed);
    store_->save_registry(*stored);
  }
  registry_ = *stored;

  for (const auto& s : operator_scenarios_) {
    if (!store_->add_scenario(s) && store_->scenario(s.name)->geojson != s.geojson) {
      throw InputError("--scenario",
                       db.string() + " holds another scenario named \"" + s.name + "\"; rename the file to serve both");
    }
  }
  for (const auto& r : store_->scenarios()) {
    const std::unique_lock lock(scenarios_mutex_);
    if (scenarios_.contains(r.name)) continue;
    scenarios_.emplace(r.name, std::make_shared<const scenario::Scenario>(scenario::parse_scenario(r.geojson, r.name)));
  }
  // Jobs a stopped service left unfinished are not resumed.
  for (auto p : store_->plans()) {
    if (p.status != "queued" && p.status != "running") continue;
    p = *store_->plan(p.id);
    p.status = "failed";
    p.error = "the service stopped before the plan was done; start it again";
    p.finished_at = ledger::utc_timestamp();
    store_->save_plan(p);
  }
}

nlohmann::json Service::health() const {
  nlohmann::json names = nlohmann::json::array();
  {
    const std::shared_lock lock(scenarios_mutex_);
    for (const auto& [name, s] : scenarios_) names.push_back(name);
  }
  return {{"status", "ok"},     {"nodes", graph_->node_count()}, {"arcs", graph_->arc_count()},
          {"scenarios", names}, {"ledger", ledger_ != nullptr},  {"attribution", "© OpenStreetMap contributors"}};
}

bool Service::public_scenario(std::string_view name) const {
  return std::any_of(operator_scenarios_.begin(), operator_scenarios_.end(),
                     [&](const ScenarioRecord& r) { return r.name == name; });
}

std::shared_ptr<const scenario::Scenario> Service::find_scenario(std::string_view name) {
  const std::shared_lock lock(scenarios_mutex_);
  const auto it = scenarios_.find(name);
  return it == scenarios_.end() ? nullptr : it->second;
}

std::shared_ptr<const scenario::Overlay> Service::find_overlay(std::string_view name) {
  {
    const std::shared_lock lock(scenarios_mutex_);
    if (const auto it = overlays_.find(name); it != overlays_.end()) return it->second;
  }
  auto s = find_scenario(name);
  if (!s) return nullptr;
  // The overlay refers to its scenario: one allocation keeps both alive.
  struct Compiled {
    Compiled(std::shared_ptr<const scenario::Scenario> sc, const Service& service)
        : scenario(std::move(sc)), overlay(*service.graph_, service.index_, *scenario, service.options_.max_snap_m) {}
    std::shared_ptr<const scenario::Scenario> scenario;
    scenario::Overlay overlay;
  };
  auto compiled = std::make_shared<const Compiled>(std::move(s), *this);
  std::shared_ptr<const scenario::Overlay> overlay(compiled, &compiled->overlay);
  const std::unique_lock lock(scenarios_mutex_);
  return overlays_.emplace(std::string(name), std::move(overlay)).first->second;  // the first one built wins
}

Store& Service::store() {
  if (!store_) throw ApiError(ErrorKind::not_found, "this service has no database (start it with --db)");
  return *store_;
}

ledger::Ledger& Service::ledger() {
  if (!ledger_) throw ApiError(ErrorKind::not_found, "this service has no ledger (start it with --db)");
  return *ledger_;
}

agree::Registry Service::registry_copy() {
  const std::lock_guard lock(registry_mutex_);
  return registry_;
}

nlohmann::json Service::scenarios() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : store_ ? store_->scenarios() : operator_scenarios_) {
    const auto s = find_scenario(r.name);
    std::int64_t people = 0;
    if (s) {
      for (const auto& o : s->origins) people += o.people;
    }
    list.push_back({{"name", r.name},
                    {"title", r.title},
                    {"uploaded_by", r.uploaded_by},
                    {"uploaded_at", r.uploaded_at},
                    {"origins", s ? s->origins.size() : 0},
                    {"people", people}});
  }
  return {{"scenarios", list}};
}

nlohmann::json Service::upload_scenario(const std::string& name, const std::string& body, const Caller& caller) {
  if (name.empty() || name.size() > 64 ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
          std::string::npos) {
    throw ApiError(ErrorKind::invalid_value,
                   "parameter name: 1 to 64 letters, digits, '-', '_' or '.', got \"" + name + "\"");
  }
  scenario::Scenario parsed;
  try {
    parsed = scenario::parse_scenario(body, name);
  } catch (const ValidationError& e) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& p : e.problems()) errors.push_back({{"path", p.path}, {"message", p.message}});
    throw ApiError(ErrorKind::invalid_scenario,
                   "the scenario has " + std::to_string(e.problems().size()) + " problem(s)", {{"errors", errors}});
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_scenario, e.what(),
                   {{"errors", nlohmann::json::array({{{"path", ""}, {"message", e.what()}}})}});
  }
  const ScenarioRecord record{name, parsed.name, caller.party, ledger::utc_timestamp(), body};
  const std::unique_lock lock(scenarios_mutex_);
  if (scenarios_.contains(name) || !store().add_scenario(record)) {
    throw ApiError(ErrorKind::conflict, "a scenario named \"" + name +
                                            "\" exists; scenarios are never replaced, "
                                            "upload it under a new name");
  }
  const auto origins = parsed.origins.size();
  scenarios_.emplace(name, std::make_shared<const scenario::Scenario>(std::move(parsed)));
  return {{"name", name},
          {"title", record.title},
          {"uploaded_by", caller.party},
          {"uploaded_at", record.uploaded_at},
          {"origins", origins}};
}

std::string Service::scenario_geojson(const std::string& name) {
  const auto record = store().scenario(name);
  if (!record) throw ApiError(ErrorKind::not_found, "no scenario named \"" + name + "\"");
  return record->geojson;
}

namespace {

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
  auto& l = ledger();
  const std::lock_guard lock(ledger_mutex_);
  const auto head = l.latest_head();
  if (!head) throw ApiError(ErrorKind::internal, "the ledger has no signed head");
  return {{"log", l.info().name},
          {"size", head->size},
          {"root", crypto::hex(head->root)},
          {"timestamp", head->timestamp},
          {"note", head->note},
          {"verifier_key", ledger::format_verifier_key(l.info().verifier)}};
}

nlohmann::json Service::inclusion_proof(const Params& params) {
  auto& l = ledger();
  allow_only(params, {"index", "size"});
  const auto index = required_unsigned(params, "index");
  const auto size = optional_unsigned(params, "size");
  const std::lock_guard lock(ledger_mutex_);
  try {
    return ledger::inclusion_proof_json(l, index, size);
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_value, e.what());
  }
}

nlohmann::json Service::consistency_proof(const Params& params) {
  auto& l = ledger();
  allow_only(params, {"old", "new"});
  const auto old_size = required_unsigned(params, "old");
  const auto new_size = optional_unsigned(params, "new");
  const std::lock_guard lock(ledger_mutex_);
  try {
    return ledger::consistency_proof_json(l, old_size, new_size);
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_value, e.what());
  }
}

}  // namespace corridor::server

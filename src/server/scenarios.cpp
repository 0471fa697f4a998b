// The scenarios resource: given at start or uploaded, listed, served, and
// compiled onto the graph once.
#include <algorithm>
#include <utility>

#include "corridor/ledger/ledger.hpp"
#include "resources.hpp"

namespace corridor::server {

void Scenarios::add_public(const std::string& name, scenario::Scenario s, std::string geojson) {
  const std::string title = s.name;
  const std::unique_lock lock(mutex_);
  if (!scenarios_.emplace(name, std::make_shared<const scenario::Scenario>(std::move(s))).second) {
    throw InputError("--scenario", "two scenarios are named \"" + name + "\"");
  }
  public_.push_back({name, title, "operator", ledger::utc_timestamp(), std::move(geojson)});
}

void Scenarios::attach(Store& store, const std::string& db) {
  for (const auto& s : public_) {
    if (!store.add_scenario(s) && store.scenario(s.name)->geojson != s.geojson) {
      throw InputError("--scenario",
                       db + " holds another scenario named \"" + s.name + "\"; rename the file to serve both");
    }
  }
  for (const auto& r : store.scenarios()) {
    const std::unique_lock lock(mutex_);
    if (scenarios_.contains(r.name)) continue;
    scenarios_.emplace(r.name, std::make_shared<const scenario::Scenario>(scenario::parse_scenario(r.geojson, r.name)));
  }
  store_ = &store;
}

Store& Scenarios::store() const {
  if (store_ == nullptr) throw ApiError(ErrorKind::not_found, "this service has no database (start it with --db)");
  return *store_;
}

bool Scenarios::is_public(std::string_view name) const {
  return std::any_of(public_.begin(), public_.end(), [&](const ScenarioRecord& r) { return r.name == name; });
}

std::shared_ptr<const scenario::Scenario> Scenarios::find(std::string_view name) const {
  {
    const std::shared_lock lock(mutex_);
    if (const auto it = scenarios_.find(name); it != scenarios_.end()) return it->second;
  }
  const auto record = store_ != nullptr ? store_->scenario(name) : std::nullopt;
  if (!record) return nullptr;
  auto parsed = std::make_shared<const scenario::Scenario>(scenario::parse_scenario(record->geojson, record->name));
  const std::unique_lock lock(mutex_);
  return scenarios_.emplace(record->name, std::move(parsed)).first->second;
}

std::vector<std::string> Scenarios::names() const {
  std::vector<std::string> names;
  const std::shared_lock lock(mutex_);
  for (const auto& [name, s] : scenarios_) names.push_back(name);
  return names;
}

std::shared_ptr<const scenario::Overlay> Scenarios::overlay(std::string_view name) {
  {
    const std::shared_lock lock(mutex_);
    if (const auto it = overlays_.find(name); it != overlays_.end()) return it->second;
  }
  auto s = find(name);
  if (!s) return nullptr;
  // The overlay refers to its scenario: one allocation keeps both alive.
  struct Compiled {
    Compiled(std::shared_ptr<const scenario::Scenario> sc, const Scenarios& from)
        : scenario(std::move(sc)), overlay(from.g_, from.index_, *scenario, from.max_snap_m_) {}
    std::shared_ptr<const scenario::Scenario> scenario;
    scenario::Overlay overlay;
  };
  auto compiled = std::make_shared<const Compiled>(std::move(s), *this);
  std::shared_ptr<const scenario::Overlay> overlay(compiled, &compiled->overlay);
  const std::unique_lock lock(mutex_);
  return overlays_.emplace(std::string(name), std::move(overlay)).first->second;  // the first one built wins
}

nlohmann::json Scenarios::list() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : store_ != nullptr ? store_->scenarios() : public_) {
    const auto s = find(r.name);
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

nlohmann::json Scenarios::upload(const std::string& name, const std::string& body, const Caller& caller) {
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
  const std::unique_lock lock(mutex_);
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

std::string Scenarios::geojson(const std::string& name) const {
  const auto record = store().scenario(name);
  if (!record) throw ApiError(ErrorKind::not_found, "no scenario named \"" + name + "\"");
  return record->geojson;
}

}  // namespace corridor::server

// The party registry the mediator keeps: who the parties are and which
// public keys speak for each.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "agree/files.hpp"
#include "agree/key_json.hpp"
#include "corridor/agree/keys.hpp"
#include "corridor/error.hpp"

namespace corridor::agree {

const PublicKey* Registry::find_key(const std::string& kid) const {
  for (const auto& party : parties) {
    for (const auto& key : party.keys) {
      if (key.kid == kid) return &key;
    }
  }
  return nullptr;
}

const RegisteredParty* Registry::find_party(const std::string& id) const {
  const auto it = std::find_if(parties.begin(), parties.end(), [&](const RegisteredParty& p) { return p.id == id; });
  return it == parties.end() ? nullptr : &*it;
}

bool register_key(Registry& registry, const PublicKey& key, const std::string& name,
                  const std::optional<std::string>& role) {
  if (const auto* existing = registry.find_key(key.kid); existing != nullptr && existing->party != key.party) {
    throw InputError("kid",
                     "key " + key.kid + " is already registered to party " + existing->party + ", not " + key.party);
  }
  auto it = std::find_if(registry.parties.begin(), registry.parties.end(),
                         [&](const RegisteredParty& p) { return p.id == key.party; });
  if (it == registry.parties.end()) {
    if (name.empty()) throw InputError("--name", "party " + key.party + " is new to the registry and needs a name");
    registry.parties.push_back({key.party, name, role.value_or(""), {}});
    it = registry.parties.end() - 1;
  } else {
    if (!name.empty()) it->name = name;
    if (role) it->role = *role;
  }
  const bool added = registry.find_key(key.kid) == nullptr;
  if (added) it->keys.push_back(key);
  return added;
}

Registry read_registry(const std::filesystem::path& path) {
  return registry_from_json(detail::read_json_file(path, "registry"), path.string());
}

Registry registry_from_json(const nlohmann::json& file, const std::string& source) {
  const std::string name = source + ": ";
  if (!file.is_object() || !file.contains("parties") || !file["parties"].is_array()) {
    throw InputError(name + "parties", "a registry is {\"parties\": [...]}");
  }
  Registry registry;
  for (std::size_t i = 0; i < file["parties"].size(); ++i) {
    const auto& entry = file["parties"][i];
    const std::string where = name + "parties[" + std::to_string(i) + "].";
    if (!entry.is_object()) throw InputError(where.substr(0, where.size() - 1), "must be an object");
    RegisteredParty party;
    party.id = detail::required_string(entry, "id", where);
    if (registry.find_party(party.id) != nullptr)
      throw InputError(where + "id", "party \"" + party.id + "\" is listed twice");
    party.name = entry.contains("name") ? detail::required_string(entry, "name", where) : party.id;
    if (entry.contains("role")) {
      if (!entry["role"].is_string()) throw InputError(where + "role", "must be a string, got " + entry["role"].dump());
      party.role = entry["role"].get<std::string>();
    }
    if (entry.contains("keys") && !entry["keys"].is_array()) throw InputError(where + "keys", "must be an array");
    const auto keys = entry.value("keys", nlohmann::json::array());
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const std::string key_where = where + "keys[" + std::to_string(k) + "].";
      if (!keys[k].is_object()) throw InputError(key_where.substr(0, key_where.size() - 1), "must be an object");
      if (keys[k].contains("party") && keys[k]["party"] != party.id) {
        throw InputError(key_where + "party",
                         "must be the party's id \"" + party.id + "\", got " + keys[k]["party"].dump());
      }
      PublicKey key;
      key.party = party.id;
      key.bytes = detail::decode_public_key(keys[k], key_where);
      key.kid = detail::checked_kid(keys[k], key.bytes, key_where);
      if (registry.find_key(key.kid) != nullptr) {
        throw InputError(key_where + "kid", "key " + key.kid + " is registered twice");
      }
      party.keys.push_back(key);
    }
    registry.parties.push_back(std::move(party));
  }
  return registry;
}

void write_registry(const Registry& registry, const std::filesystem::path& path) {
  detail::write_file_atomically(path, registry_to_json(registry).dump(2) + "\n");
}

nlohmann::json registry_to_json(const Registry& registry) {
  nlohmann::json parties = nlohmann::json::array();
  for (const auto& party : registry.parties) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& key : party.keys) {
      keys.push_back(public_jwk(key));
    }
    nlohmann::json entry = {{"id", party.id}, {"name", party.name}, {"keys", keys}};
    if (!party.role.empty()) entry["role"] = party.role;
    parties.push_back(std::move(entry));
  }
  return {{"parties", parties}};
}

nlohmann::json registry_jwks(const Registry& registry) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& party : registry.parties) {
    for (const auto& key : party.keys) keys.push_back(public_jwk(key));
  }
  return {{"keys", keys}};
}

}  // namespace corridor::agree

#pragma once
// Ed25519 keys (libsodium) and the party registry.
//
// Key files are JSON: NAME.key {"party", "kid", "alg": "EdDSA", "crv": "Ed25519",
// "secret_key": base64url(64-byte libsodium secret key)} written with mode
// 0600, and NAME.pub {"party", "kid", "alg", "crv", "public_key":
// base64url(32 bytes)}. kid = first 16 hex digits of SHA-256(public key).
// The registry (parties.json) the mediator maintains:
// {"parties": [{"id", "name", "role", "keys": [{"kid", "public_key"}]}]}.
// Base64url is RFC 4648 section 5 without padding, as in JWS.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/crypto/crypto.hpp"

namespace corridor::agree {

struct PublicKey {
  std::string party;
  std::string kid;
  crypto::PublicKeyBytes bytes{};
};

struct SecretKey {
  std::string party;
  std::string kid;
  crypto::SecretKeyBytes bytes{};  // libsodium's seed + public key form
  [[nodiscard]] PublicKey public_key() const;
};

SecretKey generate_key(const std::string& party);
// Writes path (0600) and path with extension .pub; throws IoError.
void write_key_pair(const SecretKey& key, const std::filesystem::path& secret_path);
// Throw IoError / InputError naming the file and field.
SecretKey read_secret_key(const std::filesystem::path& path);
PublicKey read_public_key(const std::filesystem::path& path);
// The same from a parsed document; `source` names it in messages.
PublicKey public_key_from_json(const nlohmann::json& document, const std::string& source);

struct RegisteredParty {
  std::string id;
  std::string name;
  std::string role;
  std::vector<PublicKey> keys;
};

struct Registry {
  std::vector<RegisteredParty> parties;
  [[nodiscard]] const PublicKey* find_key(const std::string& kid) const;
  [[nodiscard]] const RegisteredParty* find_party(const std::string& id) const;
};

// Adds the key to its party (creating the party, which then needs a name)
// or leaves it when already there; updates the name and role when given.
// Throws InputError when the kid belongs to another party. Returns true
// when the key was not registered before.
bool register_key(Registry& registry, const PublicKey& key, const std::string& name,
                  const std::optional<std::string>& role);

Registry read_registry(const std::filesystem::path& path);
void write_registry(const Registry& registry, const std::filesystem::path& path);
// The same as documents; `source` names it in messages.
Registry registry_from_json(const nlohmann::json& document, const std::string& source);
nlohmann::json registry_to_json(const Registry& registry);

}  // namespace corridor::agree

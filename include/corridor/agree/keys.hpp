#pragma once
// Ed25519 keys (libsodium) and the party registry.
//
// Keys are RFC 8037 JWKs, which any JOSE library reads: NAME.pub is
// {"kty": "OKP", "crv": "Ed25519", "x": base64url(32-byte public key), "kid",
// "alg": "EdDSA", "use": "sig", "party"}, and NAME.key (mode 0600) the same
// with "d": base64url(32-byte seed). kid = first 16 hex digits of
// SHA-256(public key). The registry (parties.json) the mediator maintains:
// {"parties": [{"id", "name", "role", "keys": [JWK, ...]}]}. The older form
// ("public_key" for x, "secret_key" for libsodium's 64-byte secret key) is
// still read. Base64url is RFC 4648 section 5 without padding, as in JWS.
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
// The same from a parsed document (a JWK or the older form); `source` names
// it in messages.
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

// The key as an RFC 8037 JWK, with its party as an extra member.
nlohmann::json public_jwk(const PublicKey& key);
// Every registered key as a JWK Set (RFC 7517 section 5).
nlohmann::json registry_jwks(const Registry& registry);

}  // namespace corridor::agree

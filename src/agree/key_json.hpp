#pragma once
// Helpers shared by the key files and the registry: the key id and reading
// checked fields, with errors naming the file and the field.
#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "corridor/crypto/crypto.hpp"

namespace corridor::agree::detail {

// First 16 hex digits of SHA-256 over the 32-byte public key.
std::string key_id(const std::array<std::uint8_t, 32>& public_key);

// `where` is the prefix of the field's path ("parties.json: parties[1].").
std::string required_string(const nlohmann::json& object, const std::string& field, const std::string& where);
// "alg", when present, must be EdDSA (or Ed25519); a JWK's "kty" must be
// "OKP" and its "crv" "Ed25519" (RFC 8037).
void check_algorithm(const nlohmann::json& object, const std::string& where);
// The 32-byte public key of a JWK ("x") or of the older form ("public_key"),
// after check_algorithm.
crypto::PublicKeyBytes decode_public_key(const nlohmann::json& object, const std::string& where);
// The object's kid, checked against the key; derived when a JWK has none.
std::string checked_kid(const nlohmann::json& object, const crypto::PublicKeyBytes& bytes, const std::string& where);

}  // namespace corridor::agree::detail

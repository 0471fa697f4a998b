#pragma once
// Helpers shared by the key files and the registry: the key id and reading
// checked fields, with errors naming the file and the field.
#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace corridor::agree::detail {

// First 16 hex digits of SHA-256 over the 32-byte public key.
std::string key_id(const std::array<std::uint8_t, 32>& public_key);

// `where` is the prefix of the field's path ("parties.json: parties[1].").
std::string required_string(const nlohmann::json& object, const std::string& field, const std::string& where);
std::array<std::uint8_t, 32> decode_public_key(const nlohmann::json& object, const std::string& field,
                                               const std::string& where);
// "alg" and "crv", when present, must be EdDSA and Ed25519 (RFC 8037).
void check_algorithm(const nlohmann::json& object, const std::string& where);

}  // namespace corridor::agree::detail

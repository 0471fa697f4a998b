#pragma once
// JSON Canonicalization Scheme (RFC 8785): the one byte sequence that a
// JSON value signs as. Object members sorted by their UTF-16 code units,
// no insignificant white space, strings with the minimal escapes, numbers
// in ECMAScript's shortest round-trip form.
#include <string>

#include <nlohmann/json.hpp>

namespace corridor::agree {

// Throws InputError for values JCS cannot represent (NaN, infinities).
std::string canonical_json(const nlohmann::json& value);

// "sha256:" + lowercase hex of SHA-256 over canonical_json(value): how one
// agreement version names the version it replaces.
std::string content_hash(const nlohmann::json& value);

}  // namespace corridor::agree

#pragma once
// Signed documents in JWS JSON general serialization (RFC 7515 section
// 7.2.1) with "alg": "EdDSA" (RFC 8037), over the JCS canonical form of the
// payload, so that any standard JOSE library can verify them:
//
//   {"payload": base64url(canonical_json(document)),
//    "signatures": [{"protected": base64url({"alg":"EdDSA","kid":KID,"party":ID[,"version":N]}),
//                    "signature": base64url(Ed25519(protected "." payload))}],
//    "document": <the payload, decoded, for people to read; ignored by JOSE>}
//
// The protected header is itself written in JCS form; "version" is there
// when the document has an integer "version" member, so that a signature
// moved onto another version is reported as such.
// Agreements and incident reports are both signed this way.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/agree/keys.hpp"

namespace corridor::agree {

// A new signed document with no signature yet.
nlohmann::json make_signed(const nlohmann::json& document);
// Adds (or replaces) `key`'s signature; throws InputError when the
// document's payload and "document" member disagree. `signed_at` (Unix
// seconds) goes into the protected header as "iat": when the party signed,
// which decides from when an amended agreement is in force.
void add_signature(nlohmann::json& signed_doc, const SecretKey& key,
                   std::optional<std::int64_t> signed_at = std::nullopt);
// The payload decoded; throws InputError when it is not a signed document
// or its payload is not in canonical form.
nlohmann::json payload_of(const nlohmann::json& signed_doc);
// True when the "document" member (if any) is the payload.
bool document_matches_payload(const nlohmann::json& signed_doc);

struct SignatureCheck {
  std::string party;  // from the protected header
  std::string kid;
  bool known_key = false;                 // the registry has this kid for this party
  bool valid = false;                     // the signature verifies over this payload
  std::optional<std::int64_t> signed_at;  // "iat" of the protected header (Unix seconds), when there
  std::string problem;                    // why not, in words
};

// Checks every signature against the registry's keys.
std::vector<SignatureCheck> verify_signatures(const nlohmann::json& signed_doc, const Registry& registry);

// A signed document file: read_signed throws IoError or InputError naming
// the file; write_signed replaces the file atomically.
nlohmann::json read_signed(const std::filesystem::path& path);
void write_signed(const nlohmann::json& signed_doc, const std::filesystem::path& path);

}  // namespace corridor::agree

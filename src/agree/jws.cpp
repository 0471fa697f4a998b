// JWS JSON general serialization (RFC 7515 section 7.2.1) with EdDSA over
// Ed25519 (RFC 8037 section 3.1), the payload being the RFC 8785 form of
// the document.
#include "corridor/agree/jws.hpp"

#include <algorithm>

#include "agree/files.hpp"
#include "corridor/agree/jcs.hpp"
#include "corridor/crypto/crypto.hpp"
#include "corridor/error.hpp"
#include "corridor/json.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;

std::string encode_text(const std::string& text) { return crypto::base64url(text); }

std::optional<Json> decode_json(const Json& member) {
  if (!member.is_string()) return std::nullopt;
  const auto bytes = crypto::from_base64url(member.get<std::string>());
  if (!bytes) return std::nullopt;
  return json::try_parse(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
}

const std::string& payload_text(const Json& signed_doc) {
  if (!signed_doc.is_object() || !signed_doc.contains("payload") || !signed_doc["payload"].is_string()) {
    throw InputError("payload", "not a signed document: it has no \"payload\" string (RFC 7515 section 7.2.1)");
  }
  return signed_doc["payload"].get_ref<const std::string&>();
}

// The header a signature is made under: the algorithm, the key, the party
// it speaks for and, for versioned documents, the version it signs (so that
// a signature moved onto another version is named as such).
Json protected_header(const SecretKey& key, const Json& document, std::optional<std::int64_t> signed_at) {
  Json header = {{"alg", "EdDSA"}, {"kid", key.kid}, {"party", key.party}};
  if (signed_at) header["iat"] = *signed_at;
  if (document.is_object() && document.contains("version") && document["version"].is_number_integer()) {
    header["version"] = document["version"];
  }
  return header;
}

std::optional<std::int64_t> version_of(const Json& value) {
  if (value.is_object() && value.contains("version") && value["version"].is_number_integer()) {
    return value["version"].get<std::int64_t>();
  }
  return std::nullopt;
}

SignatureCheck check_one(const Json& signature, const std::string& payload, const Json& document, bool shown_matches,
                         const Registry& registry) {
  SignatureCheck check;
  if (!signature.is_object() || !signature.contains("protected")) {
    check.problem = "signature has no protected header";
    return check;
  }
  const auto header = decode_json(signature["protected"]);
  if (!header || !header->is_object()) {
    check.problem = "protected header is not base64url-encoded JSON";
    return check;
  }
  if (header->contains("party") && (*header)["party"].is_string()) check.party = (*header)["party"];
  if (header->contains("kid") && (*header)["kid"].is_string()) check.kid = (*header)["kid"];
  if (header->contains("iat") && (*header)["iat"].is_number_integer()) check.signed_at = (*header)["iat"];
  if (!header->contains("alg") || (*header)["alg"] != "EdDSA") {
    check.problem =
        "protected header is not EdDSA (alg " + (header->contains("alg") ? (*header)["alg"].dump() : "missing") + ")";
    return check;
  }
  if (header->contains("crit")) {  // RFC 7515 section 4.1.11: unknown critical extensions must be rejected
    check.problem = "protected header has \"crit\" extensions this verifier does not understand";
    return check;
  }
  if (check.kid.empty() || check.party.empty()) {
    check.problem = "protected header does not name its key (kid) and party";
    return check;
  }
  const auto* key = registry.find_key(check.kid);
  if (key == nullptr) {
    check.problem = "signed by an unknown key (kid " + check.kid + ")";
    return check;
  }
  if (key->party != check.party) {
    check.problem = "key " + check.kid + " belongs to party " + key->party + ", not " + check.party;
    return check;
  }
  check.known_key = true;
  const auto bytes = signature.contains("signature") && signature["signature"].is_string()
                         ? crypto::from_base64url(signature["signature"].get<std::string>())
                         : std::nullopt;
  if (!bytes || bytes->size() != crypto::Signature{}.size()) {
    check.problem = "signature is not 64 bytes of base64url";
    return check;
  }
  // RFC 7515 section 5.2: the signing input is ASCII(protected "." payload).
  const std::string input = signature["protected"].get<std::string>() + "." + payload;
  const bool verifies = crypto::verify(input, *bytes, key->bytes);
  const auto signed_version = version_of(*header);
  const auto document_version = version_of(document);
  if (!verifies) {
    if (signed_version && document_version && *signed_version != *document_version) {
      check.problem = "signature is for version " + std::to_string(*signed_version) + ", not this version " +
                      std::to_string(*document_version);
    } else {
      check.problem = "signature does not match the content";
    }
    return check;
  }
  if (signed_version != document_version) {
    check.problem = "protected header names another version than the document";
    return check;
  }
  if (!shown_matches) {
    check.problem = "payload does not match the document shown";
    return check;
  }
  check.valid = true;
  return check;
}

}  // namespace

Json make_signed(const Json& document) {
  return {{"payload", encode_text(canonical_json(document))}, {"signatures", Json::array()}, {"document", document}};
}

Json payload_of(const Json& signed_doc) {
  const auto& text = payload_text(signed_doc);
  const auto bytes = crypto::from_base64url(text);
  if (!bytes) throw InputError("payload", "is not base64url (RFC 4648 section 5, no padding)");
  const std::string decoded(bytes->begin(), bytes->end());
  std::string why;
  auto parsed = json::try_parse(decoded, &why);
  if (!parsed) throw InputError("payload", "does not decode to JSON: " + why);
  Json document = std::move(*parsed);
  // Signed payloads are always in canonical form: one document, one byte
  // string, no duplicate names or other ambiguity for parsers to resolve.
  if (canonical_json(document) != decoded) throw InputError("payload", "is not in RFC 8785 canonical form");
  return document;
}

bool document_matches_payload(const Json& signed_doc) {
  const auto document = payload_of(signed_doc);
  if (!signed_doc.contains("document")) return true;
  return canonical_json(signed_doc["document"]) == canonical_json(document);
}

void add_signature(Json& signed_doc, const SecretKey& key, std::optional<std::int64_t> signed_at) {
  const auto document = payload_of(signed_doc);
  if (!document_matches_payload(signed_doc)) {
    throw InputError("document", "does not match the signed payload: refusing to sign what is not shown");
  }
  if (!signed_doc.contains("signatures")) signed_doc["signatures"] = Json::array();
  if (!signed_doc["signatures"].is_array()) throw InputError("signatures", "must be an array");
  const std::string header = encode_text(canonical_json(protected_header(key, document, signed_at)));
  const std::string input = header + "." + payload_text(signed_doc);
  const auto signature = crypto::sign(input, key.bytes);
  auto& list = signed_doc["signatures"];
  Json kept = Json::array();
  for (const auto& existing : list) {
    const auto existing_header =
        existing.is_object() && existing.contains("protected") ? decode_json(existing["protected"]) : std::nullopt;
    auto member = [&](const char* name) {
      const auto& h = *existing_header;
      return h.contains(name) && h[name].is_string() ? h[name].get<std::string>() : std::string();
    };
    const bool same_signer =
        existing_header && existing_header->is_object() && (member("party") == key.party || member("kid") == key.kid);
    if (!same_signer) kept.push_back(existing);
  }
  kept.push_back({{"protected", header}, {"signature", crypto::base64url(signature)}});
  list = std::move(kept);
}

std::vector<SignatureCheck> verify_signatures(const Json& signed_doc, const Registry& registry) {
  const auto document = payload_of(signed_doc);
  const bool shown_matches = document_matches_payload(signed_doc);
  if (!signed_doc.contains("signatures") || !signed_doc["signatures"].is_array()) {
    throw InputError("signatures", "not a signed document: it has no \"signatures\" array (RFC 7515 section 7.2.1)");
  }
  std::vector<SignatureCheck> checks;
  for (const auto& signature : signed_doc["signatures"]) {
    checks.push_back(check_one(signature, payload_text(signed_doc), document, shown_matches, registry));
  }
  return checks;
}

Json read_signed(const std::filesystem::path& path) {
  auto value = detail::read_json_file(path, "signed document");
  try {
    payload_of(value);
  } catch (const InputError& e) {
    throw InputError(path.string(), e.what());
  }
  return value;
}

void write_signed(const Json& signed_doc, const std::filesystem::path& path) {
  detail::write_file_atomically(path, signed_doc.dump(2) + "\n");
}

}  // namespace corridor::agree

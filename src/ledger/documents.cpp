// What the ledger accepts: signed documents (JWS JSON general
// serialization, agree/jws.hpp) of a registered kind whose content passes
// that kind's check and whose every signature is by a registered party key
// and verifies. The leaf is the RFC 8785
// canonical form of the whole signed document.
#include <ctime>

#include "corridor/agree/jcs.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/ledger/ledger.hpp"

namespace corridor::ledger {

nlohmann::json AppendResult::to_json() const {
  nlohmann::json j = {
      {"index", index}, {"leaf_hash", crypto::hex(leaf_hash)}, {"tree_size", tree_size}, {"root", crypto::hex(root)}};
  if (already_present) j["already_present"] = true;
  return j;
}

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

const DocumentKind* DocumentKinds::find(std::string_view type) const {
  for (const auto& k : kinds) {
    if (k.type == type) return &k;
  }
  return nullptr;
}

CheckedDocument check_document(const nlohmann::json& signed_doc, const agree::Registry& registry,
                               const DocumentKinds& kinds) {
  if (!signed_doc.is_object() || !signed_doc.contains("payload") || !signed_doc.contains("signatures")) {
    throw RejectedEntry(
        "not a signed document: expected JWS JSON general serialization with \"payload\" and \"signatures\" "
        "(sign it with `corridor agree sign`)");
  }
  nlohmann::json payload;
  try {
    payload = agree::payload_of(signed_doc);
  } catch (const Error& e) {
    throw RejectedEntry(std::string("not a signed document: ") + e.what());
  }
  const auto type = payload.is_object() && payload.contains("type") && payload["type"].is_string()
                        ? payload["type"].get<std::string>()
                        : std::string();
  const auto* kind = kinds.find(type);
  if (kind == nullptr) {
    std::string takes;
    for (const auto& k : kinds.kinds) {
      takes += (takes.empty() ? "" : " and ") + std::string(k.what) + " (\"type\": \"" + std::string(k.type) + "\")";
    }
    throw RejectedEntry("the ledger takes " + takes + ", not " +
                        (type.empty() ? std::string("a document without a \"type\"") : "\"" + type + "\""));
  }
  try {
    kind->check(payload);
  } catch (const Error& e) {
    throw RejectedEntry("not one of the " + std::string(kind->what) + " the ledger takes: " + e.what());
  }
  if (signed_doc.contains("document") &&
      agree::canonical_json(signed_doc["document"]) != agree::canonical_json(payload)) {
    throw RejectedEntry("the readable \"document\" member differs from the signed payload");
  }
  const auto checks = agree::verify_signatures(signed_doc, registry);
  if (checks.empty()) throw RejectedEntry("the document carries no signature");
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const auto& c = checks[i];
    if (c.known_key && c.valid) continue;
    std::string who = "signature " + std::to_string(i + 1);
    if (!c.party.empty()) who += " of party " + c.party;
    if (!c.kid.empty()) who += " (key " + c.kid + ")";
    std::string why = c.problem;
    if (why.empty()) why = c.known_key ? "does not verify" : "is by a key the registry does not know";
    throw RejectedEntry(who + ": " + why);
  }
  return {type, agree::canonical_json(signed_doc)};
}

AppendResult append_document(Ledger& ledger, const nlohmann::json& signed_doc, const agree::Registry& registry,
                             const DocumentKinds& kinds, const NoteSigner& signer) {
  const auto checked = check_document(signed_doc, registry, kinds);
  return ledger.append(checked.kind, checked.body, signer);
}

}  // namespace corridor::ledger

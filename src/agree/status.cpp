// What the signatures on an agreement establish.
#include <algorithm>

#include "agree/json_guard.hpp"
#include "corridor/agree/agreement.hpp"
#include "corridor/agree/jcs.hpp"
#include "corridor/error.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

bool AgreementStatus::all_valid() const {
  return document_matches_payload &&
         std::all_of(signatures.begin(), signatures.end(), [](const SignatureCheck& c) { return c.valid; });
}

bool AgreementStatus::in_force() const { return document_matches_payload && missing.empty(); }

std::string AgreementStatus::party_name(const std::string& id) const {
  for (const auto& [party, name] : party_names) {
    if (party == id) return name;
  }
  return "";
}

namespace {

AgreementStatus check(const Json& signed_doc, const Registry& registry) {
  const auto document = agreement_document(payload_of(signed_doc));
  AgreementStatus status;
  status.scenario = document.value("scenario", "");
  status.version = document["version"].get<std::int64_t>();
  status.hash = content_hash(document);
  if (document.contains("replaces") && document["replaces"].is_string()) status.replaces = document["replaces"];
  status.document_matches_payload = document_matches_payload(signed_doc);
  for (const auto& p : document.value("parties", Json::array())) {
    if (p.is_object() && p.contains("id") && p["id"].is_string()) {
      status.party_names.emplace_back(p["id"].get<std::string>(), p.value("name", ""));
    }
  }
  if (!document.contains("signatories") || !document["signatories"].is_array() || document["signatories"].empty()) {
    throw InputError("signatories", "must be a non-empty array of party ids");
  }
  for (const auto& id : document["signatories"]) {
    if (!id.is_string()) throw InputError("signatories", "must be party ids, got " + id.dump());
    status.signatories.push_back(id.get<std::string>());
  }
  status.signatures = verify_signatures(signed_doc, registry);
  for (const auto& id : status.signatories) {
    const bool signed_it = std::any_of(status.signatures.begin(), status.signatures.end(),
                                       [&](const SignatureCheck& c) { return c.valid && c.party == id; });
    (signed_it ? status.signed_by : status.missing).push_back(id);
  }
  return status;
}

}  // namespace

AgreementStatus check_agreement(const Json& signed_doc, const Registry& registry) {
  return detail::guard_json("the agreement", [&] { return check(signed_doc, registry); });
}

Json to_json(const AgreementStatus& status) {
  Json signatures = Json::array();
  for (const auto& c : status.signatures) {
    signatures.push_back(
        {{"party", c.party}, {"kid", c.kid}, {"known_key", c.known_key}, {"valid", c.valid}, {"problem", c.problem}});
  }
  return {{"scenario", status.scenario},
          {"version", status.version},
          {"hash", status.hash},
          {"replaces", status.replaces ? Json(*status.replaces) : Json()},
          {"document_matches_payload", status.document_matches_payload},
          {"signatures", signatures},
          {"signatories", status.signatories},
          {"signed_by", status.signed_by},
          {"missing", status.missing},
          {"all_valid", status.all_valid()},
          {"in_force", status.in_force()}};
}

std::vector<std::string> describe(const AgreementStatus& status) {
  std::vector<std::string> lines;
  const auto version = std::to_string(status.version);
  auto who = [&](const std::string& id) {
    const auto name = status.party_name(id);
    return name.empty() || name == id ? id : id + " (" + name + ")";
  };
  lines.push_back("agreement \"" + status.scenario + "\" version " + version + ", " + status.hash);
  lines.push_back(status.replaces ? "replaces " + *status.replaces : "first version (replaces nothing)");
  if (!status.document_matches_payload) {
    lines.push_back("ALTERED: the \"document\" shown does not match the signed payload; no signature covers it");
  }
  if (status.signatures.empty()) lines.push_back("no signatures");
  for (std::size_t i = 0; i < status.signatures.size(); ++i) {
    const auto& c = status.signatures[i];
    std::string line = "signature " + std::to_string(i + 1) + ": " +
                       (c.party.empty() ? "unnamed party" : who(c.party)) + ", key " + (c.kid.empty() ? "?" : c.kid) +
                       ": ";
    if (c.valid) {
      line += "valid, signed version " + version;
      if (std::find(status.signatories.begin(), status.signatories.end(), c.party) == status.signatories.end()) {
        line += " (not a signatory)";
      }
    } else {
      line += "NOT VALID: " + c.problem;
    }
    lines.push_back(line);
  }
  if (status.in_force()) {
    lines.push_back("IN FORCE: every signatory has signed version " + version + " (" + join(status.signatories) + ")");
  } else {
    std::vector<std::string> missing;
    for (const auto& id : status.missing) missing.push_back(who(id));
    lines.push_back("NOT IN FORCE: " + (status.missing.empty() ? std::string("the document shown is not the one signed")
                                                               : "missing " + join(missing)));
  }
  return lines;
}

}  // namespace corridor::agree

// The agreements resource: proposed from a plan, signed party by party,
// logged once in force; the same library calls as `corridor agree` and
// `corridor log`.
#include <algorithm>

#include "corridor/agree/agreement.hpp"
#include "corridor/agree/jcs.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/json.hpp"
#include "corridor/monitor/map_lookup.hpp"
#include "resources.hpp"

namespace corridor::server {

nlohmann::json stored_json(const std::string& text, const std::string& what) {
  auto doc = json::try_parse(text);
  if (!doc) throw ApiError(ErrorKind::internal, "the stored " + what + " is not JSON");
  return std::move(*doc);
}

namespace {

// The kid in a JWS signature object's protected header, if it has one.
std::string signature_kid(const nlohmann::json& signature) {
  if (!signature.is_object() || !signature.contains("protected") || !signature["protected"].is_string()) return {};
  const auto bytes = crypto::from_base64url(signature["protected"].get<std::string>());
  if (!bytes) return {};
  const auto header =
      json::try_parse(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size())).value_or(nullptr);
  return header.is_object() && header.contains("kid") && header["kid"].is_string() ? header["kid"].get<std::string>()
                                                                                   : std::string();
}

nlohmann::json agreement_record(const AgreementRecord& a, const agree::Registry& registry) {
  const auto status = agree::check_agreement(stored_json(a.signed_json, "agreement"), registry);
  return {{"hash", a.hash},
          {"scenario", a.scenario},
          {"version", a.version},
          {"plan", a.plan},
          {"replaces", status.replaces ? nlohmann::json(*status.replaces) : nlohmann::json(nullptr)},
          {"signatories", status.signatories},
          {"signed_by", status.signed_by},
          {"missing", status.missing},
          {"in_force", status.in_force()},
          {"ledger_entry", a.ledger_entry ? nlohmann::json(*a.ledger_entry) : nlohmann::json(nullptr)},
          {"created_at", a.created_at}};
}

}  // namespace

AgreementRecord Agreements::stored(const std::string& hash) {
  auto a = store_.agreement(hash);
  if (!a) throw ApiError(ErrorKind::not_found, "no agreement " + hash + " (see GET /agreements)");
  return *a;
}

nlohmann::json Agreements::propose(const nlohmann::json& body) {
  auto& s = store_;
  if (!body.is_object() || !body.contains("plan") || !body["plan"].is_string() || body.size() != 1) {
    throw ApiError(ErrorKind::invalid_body, "the body must be {\"plan\": ID} naming a finished plan");
  }
  const auto id = body["plan"].get<std::string>();
  const auto p = s.plan(id);
  if (!p) throw ApiError(ErrorKind::invalid_body, "body: plan: no plan " + id);
  if (p->status != JobStatus::done) {
    throw ApiError(ErrorKind::not_ready, "plan " + id + " is " + std::string(to_string(p->status)) + ", not done");
  }
  const auto sc = scenarios_.find(p->scenario);
  if (!sc) throw ApiError(ErrorKind::internal, "the scenario " + p->scenario + " of plan " + id + " is gone");
  const auto plan = stored_json(p->plan_json, "plan");

  const std::lock_guard lock(mutex_);
  std::optional<nlohmann::json> previous;
  std::int64_t newest = 0;
  // The chain is the scenario's title: a re-plan's scenario (the old one
  // with the operation's events, uploaded under a name of its own) amends
  // the agreement of the scenario it came from.
  for (const auto& a : s.agreements()) {
    const auto other = a.scenario == p->scenario ? sc : scenarios_.find(a.scenario);
    if (other && other->name == sc->name && a.version > newest) {
      newest = a.version;
      previous = stored_json(a.signed_json, "agreement");
    }
  }
  const monitor::GraphLookup map(g_, plan);
  agree::ProposeOptions options;
  options.map = &map.lookup();
  nlohmann::json document;
  try {
    document = agree::propose_agreement(plan, *sc, previous, options);
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_body, e.what());
  }
  AgreementRecord record;
  record.hash = agree::content_hash(document);
  record.scenario = p->scenario;
  record.version = document.value("version", std::int64_t{0});
  record.plan = id;
  record.signed_json = agree::make_signed(document).dump();
  record.created_at = ledger::utc_timestamp();
  if (s.agreement(record.hash)) throw ApiError(ErrorKind::conflict, "agreement " + record.hash + " exists already");
  s.save_agreement(record);
  return agreement_record(record, parties_.registry());
}

nlohmann::json Agreements::list() {
  const auto registry = parties_.registry();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : store_.agreements()) list.push_back(agreement_record(a, registry));
  return {{"agreements", list}};
}

nlohmann::json Agreements::get(const std::string& hash) {
  const auto a = stored(hash);
  return {{"record", agreement_record(a, parties_.registry())}, {"signed", stored_json(a.signed_json, "agreement")}};
}

nlohmann::json Agreements::document(const std::string& hash) {
  return stored_json(stored(hash).signed_json, "agreement");
}

nlohmann::json Agreements::add_signature(const std::string& hash, const nlohmann::json& body) {
  // One signature object, or a copy of the document carrying new ones.
  std::vector<nlohmann::json> offered;
  const bool document = body.is_object() && body.contains("payload") && body.contains("signatures");
  if (document && body["signatures"].is_array()) {
    for (const auto& s : body["signatures"]) offered.push_back(s);
  } else if (!document) {
    offered.push_back(body);
  }
  for (const auto& s : offered) {
    if (!s.is_object() || !s.contains("protected") || !s.contains("signature") || !s["protected"].is_string() ||
        !s["signature"].is_string()) {
      throw ApiError(ErrorKind::invalid_body,
                     "the body must be a JWS signature object {\"protected\", \"signature\"}, or the agreement "
                     "document (GET /agreements/HASH/document) signed with `corridor agree sign`");
    }
    if (signature_kid(s).empty()) {
      throw ApiError(ErrorKind::invalid_body, "a signature's protected header is not JWS with a kid");
    }
  }
  const auto registry = parties_.registry();

  const std::lock_guard lock(mutex_);
  auto a = stored(hash);
  auto signed_doc = stored_json(a.signed_json, "agreement");
  if (document && body["payload"] != signed_doc["payload"]) {
    throw ApiError(ErrorKind::invalid_body, "the document sent is not agreement " + hash + " (its payload differs)");
  }
  auto& signatures = signed_doc["signatures"];
  std::size_t added = 0;
  for (const auto& offer : offered) {
    const auto kid = signature_kid(offer);
    const bool known =
        std::any_of(signatures.begin(), signatures.end(), [&](const nlohmann::json& s) { return s == offer; });
    if (known) continue;  // a copy of the document carries the signatures there already
    signatures.erase(std::remove_if(signatures.begin(), signatures.end(),
                                    [&](const nlohmann::json& s) { return signature_kid(s) == kid; }),
                     signatures.end());
    signatures.push_back({{"protected", offer["protected"]}, {"signature", offer["signature"]}});
    const auto check = agree::verify_signatures(signed_doc, registry).back();
    if (!check.known_key || !check.valid) {
      throw ApiError(ErrorKind::invalid_body,
                     "the signature of key " + kid + " is refused: " +
                         (check.problem.empty() ? std::string("it does not verify over this version") : check.problem));
    }
    const auto status = agree::check_agreement(signed_doc, registry);
    if (std::find(status.signatories.begin(), status.signatories.end(), check.party) == status.signatories.end()) {
      throw ApiError(ErrorKind::invalid_body, "party " + check.party + " is not a signatory of this agreement");
    }
    ++added;
  }
  if (added == 0) throw ApiError(ErrorKind::invalid_body, "no new signature in the body");
  a.signed_json = signed_doc.dump();
  if (agree::check_agreement(signed_doc, registry).in_force() && !a.ledger_entry) {
    try {
      a.ledger_entry = log_.append(signed_doc, registry).index;
    } catch (const ledger::RejectedEntry& e) {
      throw ApiError(ErrorKind::invalid_body, std::string("the ledger refuses the agreement: ") + e.what());
    }
  }
  store_.save_agreement(a);
  return agreement_record(a, registry);
}

nlohmann::json Agreements::verify(const std::string& hash) {
  const auto a = stored(hash);
  const auto status = agree::check_agreement(stored_json(a.signed_json, "agreement"), parties_.registry());
  auto json = agree::to_json(status);
  json["lines"] = agree::describe(status);
  return json;
}

nlohmann::json Agreements::diff(const std::string& older, const std::string& newer) {
  const auto a = stored(older);
  const auto b = stored(newer);
  return {{"from", older},
          {"to", newer},
          {"lines", agree::diff_agreements(agree::payload_of(stored_json(a.signed_json, "agreement")),
                                           agree::payload_of(stored_json(b.signed_json, "agreement")))}};
}

}  // namespace corridor::server

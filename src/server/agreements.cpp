// Agreements over HTTP (proposed from a plan, signed party by party, logged
// once in force), incident reports and the possible violations: the same
// library calls as `corridor agree`, `incident`, `log` and `violations`.
#include <algorithm>

#include "corridor/agree/agreement.hpp"
#include "corridor/agree/jcs.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/json.hpp"
#include "corridor/monitor/incident.hpp"
#include "corridor/monitor/map_lookup.hpp"
#include "corridor/monitor/violations.hpp"
#include "corridor/server/service.hpp"
#include "service_internal.hpp"

namespace corridor::server {
namespace {

nlohmann::json parse_json(const std::string& text, const std::string& what) {
  auto doc = json::try_parse(text);
  if (!doc) throw ApiError(ErrorKind::internal, "the stored " + what + " is not JSON");
  return std::move(*doc);
}

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

}  // namespace

nlohmann::json Service::agreement_record(const AgreementRecord& a, const agree::Registry& registry) const {
  const auto status = agree::check_agreement(parse_json(a.signed_json, "agreement"), registry);
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

AgreementRecord Service::stored_agreement(const std::string& hash) {
  auto a = store().agreement(hash);
  if (!a) throw ApiError(ErrorKind::not_found, "no agreement " + hash + " (see GET /agreements)");
  return *a;
}

nlohmann::json Service::propose(const nlohmann::json& body) {
  auto& s = store();
  if (!body.is_object() || !body.contains("plan") || !body["plan"].is_string() || body.size() != 1) {
    throw ApiError(ErrorKind::invalid_body, "the body must be {\"plan\": ID} naming a finished plan");
  }
  const auto id = body["plan"].get<std::string>();
  const auto p = s.plan(id);
  if (!p) throw ApiError(ErrorKind::invalid_body, "body: plan: no plan " + id);
  if (p->status != "done") throw ApiError(ErrorKind::not_ready, "plan " + id + " is " + p->status + ", not done");
  const auto sc = find_scenario(p->scenario);
  if (!sc) throw ApiError(ErrorKind::internal, "the scenario " + p->scenario + " of plan " + id + " is gone");
  const auto plan = parse_json(p->plan_json, "plan");

  const std::lock_guard lock(ledger_mutex_);  // one proposal at a time, so versions do not collide
  std::optional<nlohmann::json> previous;
  std::int64_t newest = 0;
  for (const auto& a : s.agreements()) {
    if (a.scenario == p->scenario && a.version > newest) {
      newest = a.version;
      previous = parse_json(a.signed_json, "agreement");
    }
  }
  const monitor::GraphLookup map(*graph_, plan);
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
  return agreement_record(record, registry_copy());
}

nlohmann::json Service::agreements() {
  const auto registry = registry_copy();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : store().agreements()) list.push_back(agreement_record(a, registry));
  return {{"agreements", list}};
}

nlohmann::json Service::agreement(const std::string& hash) {
  const auto a = stored_agreement(hash);
  return {{"record", agreement_record(a, registry_copy())}, {"signed", parse_json(a.signed_json, "agreement")}};
}

nlohmann::json Service::agreement_document(const std::string& hash) {
  return parse_json(stored_agreement(hash).signed_json, "agreement");
}

nlohmann::json Service::add_signature(const std::string& hash, const nlohmann::json& body) {
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
  const auto registry = registry_copy();

  const std::lock_guard lock(ledger_mutex_);
  auto a = stored_agreement(hash);
  auto signed_doc = parse_json(a.signed_json, "agreement");
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
      a.ledger_entry = ledger::append_document(ledger(), signed_doc, registry, *signer_).index;
    } catch (const ledger::RejectedEntry& e) {
      throw ApiError(ErrorKind::invalid_body, std::string("the ledger refuses the agreement: ") + e.what());
    }
  }
  store().save_agreement(a);
  return agreement_record(a, registry);
}

nlohmann::json Service::verify_agreement(const std::string& hash) {
  const auto a = stored_agreement(hash);
  const auto status = agree::check_agreement(parse_json(a.signed_json, "agreement"), registry_copy());
  auto json = agree::to_json(status);
  json["lines"] = agree::describe(status);
  return json;
}

nlohmann::json Service::diff_agreements(const std::string& older, const std::string& newer) {
  const auto a = stored_agreement(older);
  const auto b = stored_agreement(newer);
  return {{"from", older},
          {"to", newer},
          {"lines", agree::diff_agreements(agree::payload_of(parse_json(a.signed_json, "agreement")),
                                           agree::payload_of(parse_json(b.signed_json, "agreement")))}};
}

nlohmann::json Service::report_incident(const nlohmann::json& body) {
  store();
  nlohmann::json document;
  try {
    document = agree::payload_of(body);
  } catch (const Error& e) {
    throw ApiError(ErrorKind::invalid_body, std::string("the body must be a signed incident report: ") + e.what());
  }
  monitor::Incident incident;
  try {
    incident = monitor::parse_incident(document, "body");
  } catch (const ValidationError& e) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& p : e.problems()) errors.push_back({{"path", p.path}, {"message", p.message}});
    throw ApiError(ErrorKind::invalid_body,
                   "the incident report has " + std::to_string(e.problems().size()) + " problem(s)",
                   {{"errors", errors}});
  }
  const auto registry = registry_copy();
  const auto checks = agree::verify_signatures(body, registry);
  const bool by_reporter = std::any_of(checks.begin(), checks.end(), [&](const agree::SignatureCheck& c) {
    return c.valid && c.known_key && c.party == incident.reported_by;
  });
  if (!by_reporter) {
    throw ApiError(ErrorKind::invalid_body, "the report says it is by " + incident.reported_by +
                                                ", but no valid signature of that party's registered keys is on it");
  }
  const std::lock_guard lock(ledger_mutex_);
  try {
    return ledger::append_document(ledger(), body, registry, *signer_).to_json();
  } catch (const ledger::RejectedEntry& e) {
    throw ApiError(ErrorKind::invalid_body, std::string("the ledger refuses the report: ") + e.what());
  }
}

nlohmann::json Service::incidents() {
  store();
  auto& l = ledger();
  nlohmann::json list = nlohmann::json::array();
  const std::lock_guard lock(ledger_mutex_);
  const auto size = l.size();
  for (std::uint64_t i = 0; i < size; ++i) {
    const auto entry = l.entry(i);
    if (!entry || entry->kind != ledger::k_kind_incident) continue;
    const auto document = agree::payload_of(parse_json(entry->body, "incident"));
    list.push_back({{"entry", i},
                    {"reported_by", document.value("reported_by", "")},
                    {"appended_at", entry->appended_at},
                    {"document", document}});
  }
  return {{"incidents", list}};
}

nlohmann::json Service::violations() {
  store();
  auto& l = ledger();
  const auto registry = registry_copy();
  const std::lock_guard lock(ledger_mutex_);
  return monitor::to_json(l, monitor::find_violations(l, registry, *graph_));
}

}  // namespace corridor::server

// The incidents resource: signed reports into the ledger, and the possible
// violations it shows, as `corridor incident` and `corridor violations`.
#include <algorithm>

#include "corridor/agree/jws.hpp"
#include "corridor/json.hpp"
#include "corridor/monitor/incident.hpp"
#include "corridor/monitor/violations.hpp"
#include "resources.hpp"

namespace corridor::server {

nlohmann::json Incidents::report(const nlohmann::json& body) {
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
  const auto registry = parties_.registry();
  const auto checks = agree::verify_signatures(body, registry);
  const bool by_reporter = std::any_of(checks.begin(), checks.end(), [&](const agree::SignatureCheck& c) {
    return c.valid && c.known_key && c.party == incident.reported_by;
  });
  if (!by_reporter) {
    throw ApiError(ErrorKind::invalid_body, "the report says it is by " + incident.reported_by +
                                                ", but no valid signature of that party's registered keys is on it");
  }
  try {
    return log_.append(body, registry).to_json();
  } catch (const ledger::RejectedEntry& e) {
    throw ApiError(ErrorKind::invalid_body, std::string("the ledger refuses the report: ") + e.what());
  }
}

nlohmann::json Incidents::list() {
  return log_.read([](const ledger::Ledger& l) {
    nlohmann::json list = nlohmann::json::array();
    const auto size = l.size();
    for (std::uint64_t i = 0; i < size; ++i) {
      const auto entry = l.entry(i);
      if (!entry || entry->kind != monitor::k_incident_type) continue;
      const auto document = agree::payload_of(stored_json(entry->body, "incident"));
      list.push_back({{"entry", i},
                      {"reported_by", document.value("reported_by", "")},
                      {"appended_at", entry->appended_at},
                      {"document", document}});
    }
    return nlohmann::json{{"incidents", list}};
  });
}

nlohmann::json Incidents::violations() {
  const auto registry = parties_.registry();
  return log_.read(
      [&](const ledger::Ledger& l) { return monitor::to_json(l, monitor::find_violations(l, registry, g_)); });
}

}  // namespace corridor::server

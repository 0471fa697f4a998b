#include "corridor/monitor/kinds.hpp"

#include "corridor/agree/agreement.hpp"
#include "corridor/monitor/convoy_report.hpp"
#include "corridor/monitor/incident.hpp"

namespace corridor::monitor {

const ledger::DocumentKinds& ledger_kinds() {
  static const ledger::DocumentKinds kinds{{
      {agree::k_agreement_type, "agreements", [](const nlohmann::json& p) { (void)agree::read_terms(p); }},
      {k_incident_type, "incident reports", [](const nlohmann::json& p) { (void)parse_incident(p, "payload"); }},
      {k_convoy_report_type, "convoy reports",
       [](const nlohmann::json& p) { (void)parse_convoy_report(p, "payload"); }},
  }};
  return kinds;
}

}  // namespace corridor::monitor

#include "corridor/monitor/versions.hpp"

#include <algorithm>
#include <set>

#include "corridor/agree/jws.hpp"
#include "corridor/geo/time.hpp"
#include "corridor/json.hpp"

namespace corridor::monitor {

AgreementVersions agreement_versions(const ledger::Ledger& ledger, const agree::Registry& registry) {
  AgreementVersions out;
  for (std::uint64_t i = 0; i < ledger.size(); ++i) {
    const auto entry = ledger.entry(i);
    if (!entry || entry->kind != agree::k_agreement_type) continue;
    const auto parsed = corridor::json::try_parse(entry->body);
    if (!parsed) continue;
    try {
      const auto status = agree::check_agreement(*parsed, registry);
      if (!status.in_force()) {
        out.notes.push_back("entry " + std::to_string(i) + ": agreement version " + std::to_string(status.version) +
                            " is not in force (not signed by every signatory)");
        continue;
      }
      AgreementVersion v;
      v.entry = i;
      v.scenario = status.scenario;
      v.version = status.version;
      v.hash = status.hash;
      v.document = agree::agreement_document(*parsed);
      v.terms = agree::read_terms(v.document);
      // From the last signatory's signature, when every one carries a time.
      std::optional<std::int64_t> last;
      bool timed = true;
      for (const auto& c : agree::verify_signatures(*parsed, registry)) {
        if (!c.valid ||
            std::find(status.signatories.begin(), status.signatories.end(), c.party) == status.signatories.end())
          continue;
        if (!c.signed_at)
          timed = false;
        else
          last = std::max(last.value_or(*c.signed_at), *c.signed_at);
      }
      if (timed && last && v.version > 1) v.in_force_from = geo::UnixSeconds(std::chrono::seconds(*last));
      out.versions.push_back(std::move(v));
    } catch (const std::exception& e) {
      out.notes.push_back("entry " + std::to_string(i) + ": " + e.what());
    }
  }
  std::stable_sort(out.versions.begin(), out.versions.end(), [](const auto& a, const auto& b) {
    return std::tie(a.scenario, a.version) < std::tie(b.scenario, b.version);
  });
  return out;
}

const AgreementVersion* AgreementVersions::at(geo::UnixSeconds t, const std::string& scenario) const {
  const AgreementVersion* best = nullptr;
  for (const auto& v : versions) {
    if (!scenario.empty() && v.scenario != scenario) continue;
    if (v.in_force_from && *v.in_force_from > t) continue;
    if (best == nullptr || (best->scenario == v.scenario && v.version >= best->version)) best = &v;
  }
  return best;
}

std::vector<std::string> AgreementVersions::scenarios() const {
  std::set<std::string> names;
  for (const auto& v : versions) names.insert(v.scenario);
  return {names.begin(), names.end()};
}

std::string describe(const AgreementVersion& v) {
  return "version " + std::to_string(v.version) + " (" + v.hash + "), in force " +
         (v.in_force_from ? "from " + geo::format_utc(*v.in_force_from) : std::string("from the start")) +
         " (ledger entry " + std::to_string(v.entry) + ")";
}

}  // namespace corridor::monitor

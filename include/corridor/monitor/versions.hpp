#pragma once
// The agreement versions in a ledger and which one was in force when.
//
// A version is in force once every signatory has signed it, from the time
// of its last signature ("iat" of the signatures' protected headers, as
// `corridor agree sign` records it) until its successor is in force. The
// first version of a scenario, and any version whose signatures carry no
// time, are taken as in force from the beginning: the parties agreed before
// the operation. Incidents and convoy reports are matched against the
// version in force at their own time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "corridor/agree/agreement.hpp"
#include "corridor/ledger/ledger.hpp"

namespace corridor::monitor {

struct AgreementVersion {
  std::uint64_t entry = 0;  // ledger index
  std::string scenario;
  std::int64_t version = 0;
  std::string hash;
  agree::AgreementTerms terms;
  nlohmann::json document;
  std::optional<geo::UnixSeconds> in_force_from;  // nullopt: from the beginning
};

struct AgreementVersions {
  std::vector<AgreementVersion> versions;  // every version in force, by scenario then version
  std::vector<std::string> notes;          // entries skipped and why
  // The version of the scenario's chain in force at t (any scenario when
  // `scenario` is empty), or null when none is.
  [[nodiscard]] const AgreementVersion* at(geo::UnixSeconds t, const std::string& scenario = "") const;
  [[nodiscard]] std::vector<std::string> scenarios() const;
};

AgreementVersions agreement_versions(const ledger::Ledger& ledger, const agree::Registry& registry);

// "version 2 (sha256:...), in force from 2022-03-05T10:41:00Z" for evidence.
std::string describe(const AgreementVersion& v);

}  // namespace corridor::monitor

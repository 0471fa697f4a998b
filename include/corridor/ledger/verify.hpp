#pragma once
// `corridor log verify`: recompute the whole log from what it stores and
// check it against every signed head it has published, and optionally
// against an older signed head that somebody kept (RFC 9162 section 2.1.4
// consistency: the current log must extend it).
//
// Checked: the file is whole (SQLite header page count, PRAGMA quick_check);
// entries are numbered 0..n-1 without gaps; every body hashes to its leaf
// hash (RFC 6962 leaf hash); every stored subtree equals the one recomputed
// from the bodies; every stored head's note is well formed, signed by the
// log's key and matches its columns; no head signs a size beyond the stored
// entries; every head's root equals the root recomputed from the bodies and
// its consistency proof to the current size verifies.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "corridor/agree/keys.hpp"
#include "corridor/ledger/merkle.hpp"

namespace corridor::ledger {

struct VerifyOptions {
  // The text of a signed head kept from earlier (`log head` output).
  std::optional<std::string> given_head;
  // When set, every agreement and incident entry's signatures are checked
  // against it too.
  const agree::Registry* registry = nullptr;
};

struct VerifyReport {
  std::string name;
  std::uint64_t entries = 0;  // rows found
  std::uint64_t heads = 0;    // stored heads checked
  Hash root{};                // recomputed from the bodies
  bool given_head_checked = false;
  std::vector<std::string> problems;  // each says where ("entry 17: ...")
  [[nodiscard]] bool intact() const { return problems.empty(); }
};

// Throws IoError for a missing file, NotALedger for a file that is not a
// ledger, InputError for a given head that is not a signed note; every
// other finding, a damaged file included, is a problem in the report.
VerifyReport verify_ledger(const std::filesystem::path& db, const VerifyOptions& options);

}  // namespace corridor::ledger

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
//
// A verification checkpoint makes the check at every service start cheap:
// after a verification finds the log intact, record_verification stores the
// verified (size, root) in a note signed by the log's key. Verifying
// `since_checkpoint` then takes the entries the checkpoint covers by their
// stored leaf hashes (checking only that they still make its root) and
// fully checks what came after it: the bodies, their content, the subtrees
// and the heads. A body changed behind the checkpoint with its leaf hash
// left alone is for the full verification (`log verify`) to find.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "corridor/agree/keys.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/merkle.hpp"

namespace corridor::ledger {

struct VerifyOptions {
  // The text of a signed head kept from earlier (`log head` output).
  std::optional<std::string> given_head;
  // When set, the content of every entry of these kinds is checked by its
  // kind (monitor::ledger_kinds() for corridor's ledgers); other entries
  // are opaque bytes under the Merkle tree.
  const DocumentKinds* kinds = nullptr;
  // With kinds: every such entry's signatures are checked against it too.
  const agree::Registry* registry = nullptr;
  // Start from the recorded verification checkpoint, when there is one.
  bool since_checkpoint = false;
};

struct VerifyReport {
  std::string name;
  std::uint64_t entries = 0;  // rows found
  std::uint64_t heads = 0;    // stored heads checked
  Hash root{};                // recomputed from the bodies
  bool given_head_checked = false;
  std::uint64_t checkpoint_size = 0;  // entries the checkpoint covered (since_checkpoint)
  std::int64_t last_head_id = 0;      // the newest head checked
  std::vector<std::string> problems;  // each says where ("entry 17: ...")
  [[nodiscard]] bool intact() const { return problems.empty(); }
};

// Throws IoError for a missing file, NotALedger for a file that is not a
// ledger, InputError for a given head that is not a signed note; every
// other finding, a damaged file included, is a problem in the report.
VerifyReport verify_ledger(const std::filesystem::path& db, const VerifyOptions& options);

// Records an intact report's size and root as the verification checkpoint,
// signed by the log's key. Throws IoError when the ledger cannot be written.
void record_verification(const Ledger& ledger, const VerifyReport& report, const NoteSigner& signer);

// The extension line that marks a checkpoint note as a verification, not a
// tree head: "corridor-verified TIMESTAMP".
inline constexpr std::string_view k_verified_prefix = "corridor-verified ";

}  // namespace corridor::ledger

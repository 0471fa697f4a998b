#pragma once
// Proofs as JSON documents that anyone can check without the database
// (`corridor log check-proof`):
//
//   {"type": "inclusion", "log": NAME, "index": I, "tree_size": N,
//    "leaf_hash": HEX, "path": [HEX...], "root": HEX, "head": NOTE,
//    "entry": BODY}
//   {"type": "consistency", "log": NAME, "old_size": M, "new_size": N,
//    "old_root": HEX, "new_root": HEX, "path": [HEX...],
//    "old_head": NOTE, "new_head": NOTE}
//
// path is RFC 6962 PATH(m, D[n]) / PROOF(m, D[n]); heads are the log's
// signed notes for those sizes (C2SP checkpoints); "entry" is the stored
// body whose leaf hash is leaf_hash. Checking follows RFC 9162 sections
// 2.1.3.2 and 2.1.4.2.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/note.hpp"

namespace corridor::ledger {

// Throw InputError for an index or size outside the log.
nlohmann::json inclusion_proof_json(const Ledger& ledger, std::uint64_t index, std::optional<std::uint64_t> size);
nlohmann::json consistency_proof_json(const Ledger& ledger, std::uint64_t old_size,
                                      std::optional<std::uint64_t> new_size);

struct ProofCheck {
  bool valid = false;
  std::string summary;             // what was proven, or why it fails
  std::vector<std::string> notes;  // what was and was not checked
};

// Checks a proof document. `given_head` is a signed head the checker
// trusts (its size must be one the proof is about); `log_key` checks the
// signatures of every head involved. Throws InputError for a document that
// is not a proof (malformed fields).
ProofCheck check_proof(const nlohmann::json& proof, const std::optional<std::string>& given_head,
                       const NoteVerifier* log_key);

}  // namespace corridor::ledger

// Inclusion and consistency proofs as JSON documents, made from the store
// (RFC 6962 2.1.1 / 2.1.2) and checked without it (RFC 9162 2.1.3.2 /
// 2.1.4.2), with the log's signed heads (C2SP signed notes).
#include "corridor/ledger/proof.hpp"

#include <tuple>

namespace corridor::ledger {
namespace {

using nlohmann::json;

json hex_path(const std::vector<Hash>& path) {
  json out = json::array();
  for (const auto& h : path) out.push_back(crypto::hex(h));
  return out;
}

// The stored head of `size`, which must agree with the stored tree.
std::string head_note(const Ledger& ledger, std::uint64_t size, const Hash& root) {
  const auto head = ledger.head(size);
  if (!head) return {};
  if (head->root != root) {
    throw DamagedLedger("the stored head of size " + std::to_string(size) +
                        " does not match the stored tree; run `corridor log verify`");
  }
  return head->note;
}

std::uint64_t get_size(const json& proof, const char* key) {
  const bool ok = proof.contains(key) && (proof[key].is_number_unsigned() ||
                                          (proof[key].is_number_integer() && proof[key].get<std::int64_t>() >= 0));
  if (!ok) throw InputError(key, "missing or not a non-negative integer");
  return proof[key].get<std::uint64_t>();
}

Hash get_hash(const json& proof, const char* key) {
  const auto h =
      proof.contains(key) && proof[key].is_string() ? hash_from_hex(proof[key].get<std::string>()) : std::nullopt;
  if (!h) throw InputError(key, "missing or not 64 hex digits");
  return *h;
}

std::vector<Hash> get_path(const json& proof) {
  if (!proof.contains("path") || !proof["path"].is_array()) throw InputError("path", "missing or not an array");
  std::vector<Hash> out;
  for (std::size_t i = 0; i < proof["path"].size(); ++i) {
    const auto& item = proof["path"][i];
    const auto h = item.is_string() ? hash_from_hex(item.get<std::string>()) : std::nullopt;
    if (!h) throw InputError("path[" + std::to_string(i) + "]", "not 64 hex digits");
    out.push_back(*h);
  }
  return out;
}

std::string short_hex(const Hash& h) { return crypto::hex(h).substr(0, 16) + "..."; }

// Checks a signed head against a (size, root) the proof claims; returns
// the problem, or empty.
std::string head_mismatch(const SignedHead& head, std::uint64_t size, const Hash& root, const std::string& what) {
  if (head.checkpoint.size != size) {
    return what + " is for size " + std::to_string(head.checkpoint.size) + ", the proof for size " +
           std::to_string(size);
  }
  if (head.checkpoint.root != root) {
    return what + " (size " + std::to_string(size) + ") has root " + short_hex(head.checkpoint.root) +
           " but the proof has " + short_hex(root) + ": the log shows different trees to different people";
  }
  return {};
}

// The heads inside the proof: well formed, matching, and signed if a key is
// given. Returns the first problem.
std::string check_embedded_head(const json& proof, const char* key, std::uint64_t size, const Hash& root,
                                const NoteVerifier* log_key, ProofCheck& out) {
  if (!proof.contains(key)) return {};
  if (!proof[key].is_string()) throw InputError(key, "not a string");
  SignedHead head;
  try {
    head = parse_head(proof[key].get<std::string>());
  } catch (const FormatError& e) {
    throw InputError(key, e.what());
  }
  if (auto why = head_mismatch(head, size, root, std::string("the proof's \"") + key + "\""); !why.empty()) {
    return why;
  }
  if (log_key != nullptr) {
    if (auto why = head_problem(head, *log_key); !why.empty()) return std::string("\"") + key + "\": " + why;
    out.notes.push_back(std::string("\"") + key + "\" is signed by the log key " + log_key->name);
  } else {
    out.notes.push_back(std::string("\"") + key + "\" signature not checked (give --log-key)");
  }
  return {};
}

SignedHead parse_given_head(const std::string& text, const NoteVerifier* log_key, std::string& problem) {
  SignedHead head;
  try {
    head = parse_head(text);
  } catch (const FormatError& e) {
    throw InputError("--head", e.what());
  }
  if (log_key != nullptr) {
    if (auto why = head_problem(head, *log_key); !why.empty()) problem = "the given head: " + why;
  }
  return head;
}

ProofCheck fail(ProofCheck out, std::string why) {
  out.valid = false;
  out.summary = std::move(why);
  return out;
}

ProofCheck check_inclusion(const json& proof, const std::optional<std::string>& given, const NoteVerifier* key) {
  ProofCheck out;
  const auto index = get_size(proof, "index");
  const auto size = get_size(proof, "tree_size");
  const auto leaf = get_hash(proof, "leaf_hash");
  const auto root = get_hash(proof, "root");
  const auto path = get_path(proof);
  if (proof.contains("entry")) {
    if (!proof["entry"].is_string()) throw InputError("entry", "not a string");
    if (leaf_hash(proof["entry"].get<std::string>()) != leaf) {
      return fail(out, "the entry does not hash to leaf_hash: it was altered");
    }
    out.notes.push_back("the entry hashes to leaf_hash");
  }
  if (!verify_inclusion(leaf, index, size, path, root)) {
    return fail(out, "the audit path does not lead from leaf " + std::to_string(index) + " to root " + short_hex(root) +
                         " of a tree of size " + std::to_string(size));
  }
  if (auto why = check_embedded_head(proof, "head", size, root, key, out); !why.empty()) return fail(out, why);
  if (given) {
    std::string problem;
    const auto head = parse_given_head(*given, key, problem);
    if (!problem.empty()) return fail(out, problem);
    if (auto why = head_mismatch(head, size, root, "the given head"); !why.empty()) return fail(out, why);
    out.notes.push_back("the root is the given head's");
  }
  out.valid = true;
  out.summary = "entry " + std::to_string(index) + " is in the log of size " + std::to_string(size) + " with root " +
                crypto::hex(root);
  return out;
}

ProofCheck check_consistency(const json& proof, const std::optional<std::string>& given, const NoteVerifier* key) {
  ProofCheck out;
  const auto old_size = get_size(proof, "old_size");
  const auto new_size = get_size(proof, "new_size");
  const auto old_root = get_hash(proof, "old_root");
  const auto new_root = get_hash(proof, "new_root");
  const auto path = get_path(proof);
  if (!verify_consistency(old_size, new_size, old_root, new_root, path)) {
    return fail(out, "the tree of size " + std::to_string(new_size) + " (root " + short_hex(new_root) +
                         ") does not extend the tree of size " + std::to_string(old_size) + " (root " +
                         short_hex(old_root) + "): entries before " + std::to_string(old_size) +
                         " were changed or removed, or the proof is wrong");
  }
  for (const auto& [field, size, root] :
       {std::tuple{"old_head", old_size, old_root}, std::tuple{"new_head", new_size, new_root}}) {
    if (auto why = check_embedded_head(proof, field, size, root, key, out); !why.empty()) return fail(out, why);
  }
  if (given) {
    std::string problem;
    const auto head = parse_given_head(*given, key, problem);
    if (!problem.empty()) return fail(out, problem);
    const auto& cp = head.checkpoint;
    if (cp.size == old_size || cp.size == new_size) {
      const auto& root = cp.size == old_size ? old_root : new_root;
      if (auto why = head_mismatch(head, cp.size, root, "the given head"); !why.empty()) return fail(out, why);
      out.notes.push_back("the given head is the proof's " + std::string(cp.size == old_size ? "old" : "new") +
                          " tree");
    } else {
      return fail(out, "the given head is for size " + std::to_string(cp.size) + ", the proof for sizes " +
                           std::to_string(old_size) + " and " + std::to_string(new_size) +
                           " (ask for `corridor log prove-consistency --old " + std::to_string(cp.size) + "`)");
    }
  }
  out.valid = true;
  out.summary = "the log of size " + std::to_string(new_size) + " extends the log of size " + std::to_string(old_size) +
                " (root " + crypto::hex(old_root) + ")";
  return out;
}

}  // namespace

json inclusion_proof_json(const Ledger& ledger, std::uint64_t index, std::optional<std::uint64_t> size) {
  const auto n = size.value_or(ledger.size());
  const auto path = ledger.inclusion_proof(index, n);
  const auto entry = ledger.entry(index);
  if (!entry) throw DamagedLedger("entry " + std::to_string(index) + " is missing from the ledger");
  if (leaf_hash(entry->body) != entry->leaf_hash) {
    throw DamagedLedger("entry " + std::to_string(index) + ": body does not match its leaf hash");
  }
  const auto root = ledger.root(n);
  json out = {{"type", "inclusion"},
              {"log", ledger.info().name},
              {"index", index},
              {"tree_size", n},
              {"leaf_hash", crypto::hex(entry->leaf_hash)},
              {"path", hex_path(path)},
              {"root", crypto::hex(root)}};
  if (auto note = head_note(ledger, n, root); !note.empty()) out["head"] = note;
  out["entry"] = entry->body;
  return out;
}

json consistency_proof_json(const Ledger& ledger, std::uint64_t old_size, std::optional<std::uint64_t> new_size) {
  const auto n = new_size.value_or(ledger.size());
  const auto path = ledger.consistency_proof(old_size, n);
  const auto old_root = ledger.root(old_size);
  const auto new_root = ledger.root(n);
  json out = {{"type", "consistency"}, {"log", ledger.info().name},         {"old_size", old_size},
              {"new_size", n},         {"old_root", crypto::hex(old_root)}, {"new_root", crypto::hex(new_root)},
              {"path", hex_path(path)}};
  if (auto note = head_note(ledger, old_size, old_root); !note.empty()) out["old_head"] = note;
  if (auto note = head_note(ledger, n, new_root); !note.empty()) out["new_head"] = note;
  return out;
}

ProofCheck check_proof(const json& proof, const std::optional<std::string>& given_head, const NoteVerifier* log_key) {
  if (!proof.is_object() || !proof.contains("type") || !proof["type"].is_string()) {
    throw InputError("type", "not a proof: expected \"type\": \"inclusion\" or \"consistency\"");
  }
  const auto type = proof["type"].get<std::string>();
  if (log_key != nullptr && proof.contains("log") && proof["log"].is_string() &&
      proof["log"].get<std::string>() != log_key->name) {
    ProofCheck out;
    return fail(out, "the proof is from log \"" + proof["log"].get<std::string>() + "\", the key is of \"" +
                         log_key->name + "\"");
  }
  if (type == "inclusion") return check_inclusion(proof, given_head, log_key);
  if (type == "consistency") return check_consistency(proof, given_head, log_key);
  throw InputError("type", "\"" + type + "\" is not a proof type (inclusion, consistency)");
}

}  // namespace corridor::ledger

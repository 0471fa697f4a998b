// Recomputes a stored log from its bodies and checks it against its stored
// subtrees and signed heads (RFC 6962 / RFC 9162 hashing, C2SP notes).
#include "corridor/ledger/verify.hpp"

#include <nlohmann/json.hpp>

#include "corridor/agree/jws.hpp"
#include "corridor/json.hpp"
#include "corridor/ledger/store.hpp"

namespace corridor::ledger {
namespace {

std::string range(std::uint64_t first, std::uint64_t last) {
  return first == last ? "entry " + std::to_string(first)
                       : "entries " + std::to_string(first) + ".." + std::to_string(last);
}

std::optional<Hash> as_hash(const std::string& bytes) {
  if (bytes.size() != 32) return std::nullopt;
  Hash h{};
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

// The entries in order, their leaf hashes recomputed from the bodies; the
// tree covers the entries before the first gap in the numbering.
struct EntryScan {
  MemoryTree tree;
  std::uint64_t rows = 0;
  std::uint64_t end = 0;  // max idx + 1
  bool gap = false;
};

// The content of an entry of one of the kinds the caller knows (the ledger
// itself takes every body as opaque bytes): its document's type, the kind's
// check and, with a registry, its signatures.
void check_content(const Entry& e, const VerifyOptions& options, std::vector<std::string>& problems) {
  if (options.kinds == nullptr || options.kinds->find(e.kind) == nullptr) return;
  const auto where = "entry " + std::to_string(e.index) + ": ";
  std::string why;
  const auto parsed = json::try_parse(e.body, &why);
  if (!parsed) {
    problems.push_back(where + "body is not JSON: " + why);
    return;
  }
  const auto& doc = *parsed;
  try {
    const auto payload = agree::payload_of(doc);
    if (!payload.is_object() || payload.value("type", "") != e.kind) {
      problems.push_back(where + "stored as " + e.kind + " but its document's type is " +
                         (payload.is_object() ? payload.value("type", "(none)") : "(none)"));
      return;
    }
    if (options.registry != nullptr) {
      check_document(doc, *options.registry, *options.kinds);
    } else {
      options.kinds->find(e.kind)->check(payload);
    }
  } catch (const RejectedEntry& r) {
    problems.push_back(where + r.what());
  } catch (const Error& r) {
    problems.push_back(where + "not a " + e.kind + " document: " + r.what());
  }
}

// A recorded verification: the checkpoint it signed and the newest head it
// had checked.
struct Verified {
  Checkpoint checkpoint;
  std::int64_t head_id = 0;
  std::string at;
};

// The newest verification checkpoint, if the ledger has one; a row that is
// not a verification signed by this log's key is a problem (and ignored).
std::optional<Verified> read_verification(const Ledger& ledger, std::vector<std::string>& problems) {
  if (!ledger.database().has_table("verifications")) return std::nullopt;
  auto s = ledger.database().prepare("SELECT id, head_id, note FROM verifications ORDER BY id DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  const auto where = "verification checkpoint #" + std::to_string(s.integer(0));
  Verified v;
  v.head_id = s.integer(1);
  try {
    const auto note = parse_note(s.text(2));
    if (!verify_note(note, ledger.info().verifier)) {
      problems.push_back(where + " is not signed by the log's key");
      return std::nullopt;
    }
    v.checkpoint = parse_checkpoint(note.text);
    const auto mark = note.text.find("\n" + std::string(k_verified_prefix));
    if (mark == std::string::npos) {
      problems.push_back(where + " is a tree head, not a verification");
      return std::nullopt;
    }
    const auto begin = mark + 1 + k_verified_prefix.size();
    v.at = note.text.substr(begin, note.text.find('\n', begin) - begin);
  } catch (const FormatError& e) {
    problems.push_back(where + " is malformed: " + e.what());
    return std::nullopt;
  }
  if (v.checkpoint.origin != ledger.info().name) {
    problems.push_back(where + " is of another log (" + v.checkpoint.origin + ")");
    return std::nullopt;
  }
  return v;
}

// Entries before `trusted` are taken by their stored leaf hashes (a
// verification checked their bodies and content); the rest in full.
EntryScan scan_entries(const Ledger& ledger, const VerifyOptions& options, std::uint64_t trusted,
                       std::vector<std::string>& problems) {
  EntryScan scan;
  auto s = ledger.database().prepare(
      "SELECT idx, kind, CASE WHEN idx >= ?1 THEN body END, leaf_hash, appended_at FROM entries ORDER BY idx");
  s.bind(1, trusted);
  std::int64_t expected = 0;
  while (s.step()) {
    Entry e;
    const auto idx = s.integer(0);
    e.kind = s.text(1);
    e.body = s.blob(2);
    ++scan.rows;
    if (idx < 0) {
      problems.push_back("a row has the negative index " + std::to_string(idx));
      continue;
    }
    e.index = static_cast<std::uint64_t>(idx);
    if (idx > expected) {
      problems.push_back(range(static_cast<std::uint64_t>(expected), e.index - 1) + " missing (entry " +
                         std::to_string(idx) + " follows " +
                         (expected == 0 ? std::string("the start") : "entry " + std::to_string(expected - 1)) + ")");
      scan.gap = true;
    }
    expected = idx + 1;
    scan.end = e.index + 1;
    const auto stored = as_hash(s.blob(3));
    if (e.index < trusted) {
      if (!stored) problems.push_back("entry " + std::to_string(idx) + ": the stored leaf hash is not 32 bytes");
      if (!scan.gap) scan.tree.append(stored.value_or(Hash{}));
      continue;
    }
    const auto recomputed = leaf_hash(e.body);
    if (!stored) {
      problems.push_back("entry " + std::to_string(idx) + ": the stored leaf hash is not 32 bytes");
    } else if (*stored != recomputed) {
      problems.push_back("entry " + std::to_string(idx) + ": body does not match its leaf hash");
    }
    if (!scan.gap) scan.tree.append(recomputed);
    check_content(e, options, problems);
  }
  return scan;
}

void check_nodes(const Ledger& ledger, const EntryScan& scan, std::vector<std::string>& problems) {
  const auto& levels = scan.tree.levels();
  std::uint64_t expected = 0;
  for (std::size_t l = 1; l < levels.size(); ++l) expected += levels[l].size();
  std::uint64_t matched = 0;
  std::uint64_t wrong = 0;
  std::string first_wrong;
  auto s = ledger.database().prepare("SELECT level, idx, hash FROM nodes ORDER BY level, idx");
  while (s.step()) {
    const auto level = s.integer(0);
    const auto idx = s.integer(1);
    if (level < 1 || level >= 63 || idx < 0) {
      problems.push_back("the nodes table holds an impossible subtree (level " + std::to_string(level) + ", index " +
                         std::to_string(idx) + ")");
      continue;
    }
    const auto first = static_cast<std::uint64_t>(idx) << level;
    const auto last = first + (1ULL << level) - 1;
    if (last >= scan.end) {
      problems.push_back("a stored subtree covers " + range(first, last) + ", beyond the last entry (" +
                         std::to_string(scan.end) + " entries): entries were removed from the end");
      continue;
    }
    const auto l = static_cast<std::size_t>(level);
    if (l >= levels.size() || static_cast<std::uint64_t>(idx) >= levels[l].size()) continue;  // after a gap
    const auto stored = as_hash(s.blob(2));
    if (stored && *stored == levels[l][static_cast<std::size_t>(idx)]) {
      ++matched;
    } else if (wrong++ == 0) {
      first_wrong = range(first, last);
    }
  }
  if (wrong > 0) {
    problems.push_back("the stored subtree of " + first_wrong + " does not match the bodies" +
                       (wrong > 1 ? " (and " + std::to_string(wrong - 1) + " more subtrees)" : std::string()));
  }
  if (matched + wrong < expected) {
    const auto missing = expected - matched - wrong;
    problems.push_back(std::to_string(missing) + (missing == 1 ? " stored subtree is" : " stored subtrees are") +
                       " missing");
  }
}

// What the walk over the stored heads has seen so far.
struct HeadCheck {
  std::uint64_t max_size = 0;
  std::int64_t max_id = 0;
  std::uint64_t last_good = 0;  // largest size whose head matched, before the first mismatch
  bool mismatch = false;
  std::uint64_t later_mismatches = 0;
  std::optional<std::uint64_t> previous_size;
  std::int64_t previous_id = 0;
};

void check_head(const StoredHead& h, const Ledger& ledger, const EntryScan& scan, HeadCheck& state,
                std::int64_t trusted_id, std::vector<std::string>& problems) {
  const auto where = "head #" + std::to_string(h.id);
  if (h.id <= trusted_id) {  // checked by the verification that recorded the checkpoint
    state.previous_size = h.size;
    state.previous_id = h.id;
    if (h.size >= state.max_size) {
      state.max_size = h.size;
      state.max_id = h.id;
    }
    if (h.size > state.last_good) state.last_good = h.size;
    return;
  }
  SignedHead head;
  try {
    head = parse_head(h.note);
  } catch (const FormatError& e) {
    problems.push_back(where + ": its note is malformed: " + e.what());
    return;
  }
  if (const auto why = head_problem(head, ledger.info().verifier); !why.empty()) {
    problems.push_back(where + ": " + why);
    return;
  }
  const auto& cp = head.checkpoint;
  if (cp.size != h.size || cp.root != h.root) {
    problems.push_back(where + ": its size or root columns differ from its signed note");
  }
  if (state.previous_size && cp.size < *state.previous_size) {
    problems.push_back(where + " signed size " + std::to_string(cp.size) + " after head #" +
                       std::to_string(state.previous_id) + " signed size " + std::to_string(*state.previous_size) +
                       ": heads must never shrink");
  }
  state.previous_size = cp.size;
  state.previous_id = h.id;
  if (cp.size >= state.max_size) {
    state.max_size = cp.size;
    state.max_id = h.id;
  }
  const auto built = scan.tree.size();
  if (cp.size > built) return;  // reported as missing entries
  if (scan.tree.root(cp.size) != cp.root) {
    if (state.mismatch) {
      ++state.later_mismatches;
      return;
    }
    state.mismatch = true;
    const auto first = cp.size > state.last_good ? state.last_good : 0;
    problems.push_back(range(first, cp.size - 1) + (cp.size - first == 1 ? " differs" : " differ") + " from what " +
                       where + " (size " + std::to_string(cp.size) + ") signed");
    return;
  }
  if (!state.mismatch && cp.size > state.last_good) state.last_good = cp.size;
  const auto proof = consistency_path(scan.tree, cp.size, built);
  if (!verify_consistency(cp.size, built, cp.root, scan.tree.root(), proof)) {
    problems.push_back(where + ": the consistency proof from size " + std::to_string(cp.size) + " to " +
                       std::to_string(built) + " does not verify");
  }
}

void check_given_head(const std::string& text, const Ledger& ledger, const EntryScan& scan, VerifyReport& report) {
  SignedHead head;
  try {
    head = parse_head(text);
  } catch (const FormatError& e) {
    throw InputError("--head", e.what());
  }
  report.given_head_checked = true;
  if (const auto why = head_problem(head, ledger.info().verifier); !why.empty()) {
    report.problems.push_back("the given head: " + why);
    return;
  }
  const auto& cp = head.checkpoint;
  if (cp.size > scan.end) {
    report.problems.push_back(range(scan.end, cp.size - 1) + " missing: size " + std::to_string(scan.end) +
                              " but the given head signed size " + std::to_string(cp.size));
    return;
  }
  if (cp.size > scan.tree.size()) return;  // the gap is reported already
  const auto proof = consistency_path(scan.tree, cp.size, scan.tree.size());
  if (!verify_consistency(cp.size, scan.tree.size(), cp.root, scan.tree.root(), proof)) {
    report.problems.push_back("the log is not an extension of the given head (size " + std::to_string(cp.size) +
                              "): " + range(0, cp.size - 1) + " no longer hash to its root");
  }
}

}  // namespace

VerifyReport verify_ledger(const std::filesystem::path& db, const VerifyOptions& options) {
  VerifyReport report;
  auto& problems = report.problems;
  try {
    const auto ledger = Ledger::open(db);
    report.name = ledger.info().name;
    if (const auto check = ledger.database().integrity_check(); check != "ok") {
      problems.push_back(sql::display_name(db.string()) + ": the ledger file is damaged: " + check);
      return report;
    }
    const auto verified = options.since_checkpoint ? read_verification(ledger, problems) : std::nullopt;
    const auto trusted = verified ? verified->checkpoint.size : 0;
    report.checkpoint_size = trusted;
    const auto scan = scan_entries(ledger, options, trusted, problems);
    report.entries = scan.rows;
    report.root = scan.tree.root();
    if (verified && trusted > 0 && scan.tree.size() >= trusted &&
        scan.tree.root(trusted) != verified->checkpoint.root) {
      problems.push_back(range(0, trusted - 1) + " no longer hash to the root verified at " + verified->at);
    } else if (verified && scan.end < trusted) {
      problems.push_back(range(scan.end, trusted - 1) + " missing: size " + std::to_string(scan.end) +
                         " but the verification at " + verified->at + " covered " + std::to_string(trusted));
    }
    check_nodes(ledger, scan, problems);

    HeadCheck state;
    auto s = ledger.database().prepare("SELECT id, size, root, timestamp, note FROM heads ORDER BY id");
    while (s.step()) {
      StoredHead h;
      h.id = s.integer(0);
      h.size = static_cast<std::uint64_t>(s.integer(1));
      h.root = as_hash(s.blob(2)).value_or(Hash{});
      h.timestamp = s.text(3);
      h.note = s.text(4);
      ++report.heads;
      report.last_head_id = h.id;
      check_head(h, ledger, scan, state, verified ? verified->head_id : 0, problems);
    }
    if (state.later_mismatches > 0) {
      problems.push_back(std::to_string(state.later_mismatches) + " later heads disagree with the bodies as well");
    }
    if (report.heads == 0) problems.push_back("the ledger holds no signed head, not even the empty tree's");
    if (state.max_size > scan.end) {
      problems.push_back(range(scan.end, state.max_size - 1) + " missing: size " + std::to_string(scan.end) +
                         " but head #" + std::to_string(state.max_id) + " signed size " +
                         std::to_string(state.max_size));
    } else if (report.heads > 0 && state.max_size < scan.end) {
      problems.push_back(range(state.max_size, scan.end - 1) + (scan.end - state.max_size == 1 ? " is" : " are") +
                         " covered by no signed head (the last head signed " + "size " +
                         std::to_string(state.max_size) + "): rows were added outside `log append`");
    }
    if (options.given_head) check_given_head(*options.given_head, ledger, scan, report);
  } catch (const DamagedLedger& e) {
    problems.push_back(e.what());
  } catch (const IoError& e) {
    // The file opened as a ledger, so a read that fails now is damage.
    if (report.name.empty()) throw;
    problems.push_back(sql::display_name(db.string()) + ": the ledger cannot be read whole: " + e.what());
  }
  return report;
}

void record_verification(const Ledger& ledger, const VerifyReport& report, const NoteSigner& signer) {
  if (!report.intact()) throw InputError("verification", "only an intact ledger gets a verification checkpoint");
  const auto at = utc_timestamp();
  const auto text =
      checkpoint_text({ledger.info().name, report.entries, report.root}) + std::string(k_verified_prefix) + at + "\n";
  auto& db = ledger.database();
  // PostgreSQL ledgers have the table from the start.
  if (db.dialect() == sql::Dialect::sqlite) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS verifications (id INTEGER PRIMARY KEY, size INTEGER NOT NULL, "
        "head_id INTEGER NOT NULL, verified_at TEXT NOT NULL, note TEXT NOT NULL);"
        "CREATE TRIGGER IF NOT EXISTS verifications_no_update BEFORE UPDATE ON verifications "
        "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"
        "CREATE TRIGGER IF NOT EXISTS verifications_no_delete BEFORE DELETE ON verifications "
        "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;");
  }
  auto s = db.prepare("INSERT INTO verifications (size, head_id, verified_at, note) VALUES (?1, ?2, ?3, ?4)");
  s.bind(1, report.entries).bind(2, report.last_head_id).bind_text(3, at).bind_text(4, sign_note(text, signer));
  s.run();
}

}  // namespace corridor::ledger

#pragma once
// The append-only ledger: an RFC 6962 / RFC 9162 Merkle tree log of signed
// agreement versions and incident reports, stored in one SQLite file (WAL,
// synchronous=FULL), with a C2SP signed tree head for every size it has had.
// docs/ledger.md describes the schema and the formats.
//
//   meta(key, value)                  format, version, name, verifier_key,
//                                     key_file, registry, created_at
//   entries(idx, kind, body, leaf_hash, appended_at)
//                                     body = canonical JSON of the signed
//                                     document; leaf_hash = SHA-256(0x00 || body)
//   nodes(level, idx, hash)           every complete subtree of 2^level >= 2
//                                     leaves starting at leaf idx * 2^level
//   heads(id, size, root, timestamp, note)
//                                     the signed note of every tree head
//   verifications(id, size, head_id, verified_at, note)
//                                     verification checkpoints (verify.hpp)
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/agree/keys.hpp"
#include "corridor/ledger/merkle.hpp"
#include "corridor/ledger/note.hpp"
#include "corridor/ledger/sql.hpp"

namespace corridor::ledger {

// What `log init` records in the meta table.
struct LogInfo {
  std::string name;
  NoteVerifier verifier;
  std::string key_file;  // relative paths are relative to the database's folder
  std::string registry;  // the default party registry; may be empty
  std::string created_at;
};

struct Entry {
  std::uint64_t index = 0;
  std::string kind;
  std::string body;
  Hash leaf_hash{};
  std::string appended_at;
};

struct StoredHead {
  std::int64_t id = 0;
  std::uint64_t size = 0;
  Hash root{};
  std::string timestamp;
  std::string note;
};

// What an append acknowledges (after COMMIT returned).
struct AppendResult {
  std::uint64_t index = 0;
  Hash leaf_hash{};
  std::uint64_t tree_size = 0;
  Hash root{};
  std::string head_note;
  bool already_present = false;  // the same body was in the log already
  // {"index", "leaf_hash", "tree_size", "root"} (+ "already_present": true).
  [[nodiscard]] nlohmann::json to_json() const;
};

struct InitOptions {
  std::string name;                // the log's key name and checkpoint origin
  std::filesystem::path key_file;  // empty: NAME.logkey beside the database
  std::filesystem::path registry;  // optional default registry
};

class Ledger {
 public:
  // Creates a new ledger file (refusing an existing one), a new log key
  // (written 0600, with its verifier key beside it as .vkey) and the signed
  // head of the empty tree. Throws InputError / IoError.
  static Ledger create(const std::filesystem::path& db, const InitOptions& options);
  // Opens an existing ledger. Throws IoError (missing file), NotALedger,
  // DamagedLedger (truncated or corrupted file).
  static Ledger open(const std::filesystem::path& db);

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  ~Ledger();

  [[nodiscard]] const LogInfo& info() const;
  [[nodiscard]] const std::filesystem::path& path() const;
  // The recorded key file, resolved against the database's folder.
  [[nodiscard]] std::filesystem::path key_path() const;
  // Reads the signing key (`key_file`, or the recorded one when empty) and
  // checks it is this log's key; throws IoError / FormatError / InputError.
  [[nodiscard]] NoteSigner load_signer(const std::filesystem::path& key_file = {}) const;

  [[nodiscard]] std::uint64_t size() const;
  // MTH of the first `size` entries, from the stored nodes.
  [[nodiscard]] Hash root(std::uint64_t size) const;

  // Appends an entry whose content the caller has already checked (see
  // append_document): one transaction that stores the entry, the subtrees
  // it completes and the new signed head; returns after COMMIT.
  AppendResult append(std::string_view kind, std::string_view body, const NoteSigner& signer);

  [[nodiscard]] std::optional<Entry> entry(std::uint64_t index) const;
  // The newest stored head of that size, and the newest head of all.
  [[nodiscard]] std::optional<StoredHead> head(std::uint64_t size) const;
  [[nodiscard]] std::optional<StoredHead> latest_head() const;

  // RFC 6962 2.1.1 audit path and 2.1.2 consistency proof from the store.
  [[nodiscard]] std::vector<Hash> inclusion_proof(std::uint64_t index, std::uint64_t size) const;
  [[nodiscard]] std::vector<Hash> consistency_proof(std::uint64_t old_size, std::uint64_t new_size) const;

  [[nodiscard]] sql::Database& database() const;

 private:
  struct State;
  explicit Ledger(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Whether `db` (a file, or a postgresql:// URI) holds a ledger already:
// the file exists, or the database has the ledger's tables.
bool ledger_exists(const std::filesystem::path& db);

// What `log migrate` copied.
struct MigrateReport {
  std::uint64_t entries = 0;
  std::uint64_t nodes = 0;
  std::uint64_t heads = 0;
  std::uint64_t verifications = 0;
  Hash root{};
};

// Copies the ledger in `from` (a file or a database) into the PostgreSQL
// database `to`, which must hold no ledger: every row as it is, in one
// transaction, so the copy has the same entries, the same signed heads and
// the same root. The recorded key file becomes an absolute path. Throws
// InputError (bad --to), DamagedLedger (the copy differs: nothing is kept).
MigrateReport migrate_ledger(const std::filesystem::path& from, const std::string& to);

// The ledger stores (kind, bytes) and knows no kind itself: a kind of
// signed document is the payload "type" that names it and the check of its
// content, supplied by the module that owns it (agree for agreements,
// monitor for incident reports; monitor/kinds.hpp gathers them).
struct DocumentKind {
  std::string_view type;  // the payload's "type" and the entry's kind
  std::string_view what;  // "agreements", for messages
  // Throws Error naming the field when the payload is not one of this kind.
  std::function<void(const nlohmann::json& payload)> check;
};

struct DocumentKinds {
  std::vector<DocumentKind> kinds;
  [[nodiscard]] const DocumentKind* find(std::string_view type) const;
};

struct CheckedDocument {
  std::string kind;  // the payload's "type"
  std::string body;  // canonical JSON (RFC 8785) of the whole signed document
};

// Accepts a signed document (agree/jws.hpp) of one of `kinds` whose content
// passes the kind's check and whose every signature is by a registered key
// and verifies; throws RejectedEntry saying why not.
CheckedDocument check_document(const nlohmann::json& signed_doc, const agree::Registry& registry,
                               const DocumentKinds& kinds);

// check_document, then Ledger::append.
AppendResult append_document(Ledger& ledger, const nlohmann::json& signed_doc, const agree::Registry& registry,
                             const DocumentKinds& kinds, const NoteSigner& signer);

// Now in UTC, RFC 3339 with seconds ("2022-03-05T09:00:00Z").
std::string utc_timestamp();

}  // namespace corridor::ledger

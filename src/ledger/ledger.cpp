// Creating and opening ledger files: the schema, the meta table, the log
// key, and the checks that tell "not a ledger" from "a damaged ledger".
#include "corridor/ledger/ledger.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "corridor/ledger/store.hpp"

namespace corridor::ledger {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view k_format = "corridor-ledger";
constexpr std::string_view k_version = "1";

// Append-only by construction: the triggers refuse to change or remove rows
// (someone with the file can drop them; `log verify` catches what follows).
constexpr std::string_view k_schema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entries(idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, body BLOB NOT NULL,
                     leaf_hash BLOB NOT NULL, appended_at TEXT NOT NULL);
CREATE INDEX entries_by_leaf_hash ON entries(leaf_hash);
CREATE TABLE nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
                   PRIMARY KEY(level, idx)) WITHOUT ROWID;
CREATE TABLE heads(id INTEGER PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL,
                   timestamp TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX heads_by_size ON heads(size);
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER nodes_no_update BEFORE UPDATE ON nodes BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER nodes_no_delete BEFORE DELETE ON nodes BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER heads_no_update BEFORE UPDATE ON heads BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER heads_no_delete BEFORE DELETE ON heads BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql";

// The same tables in PostgreSQL; one trigger function refuses changes.
constexpr std::string_view k_schema_postgres = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries(idx BIGINT PRIMARY KEY, kind TEXT NOT NULL, body BYTEA NOT NULL,
                     leaf_hash BYTEA NOT NULL, appended_at TEXT NOT NULL);
CREATE INDEX entries_by_leaf_hash ON entries(leaf_hash);
CREATE TABLE nodes(level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY(level, idx));
CREATE TABLE heads(id BIGSERIAL PRIMARY KEY, size BIGINT NOT NULL, root BYTEA NOT NULL,
                   timestamp TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX heads_by_size ON heads(size);
CREATE TABLE verifications(id BIGSERIAL PRIMARY KEY, size BIGINT NOT NULL, head_id BIGINT NOT NULL,
                           verified_at TEXT NOT NULL, note TEXT NOT NULL);
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'the ledger is append-only'; END $$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER nodes_append_only BEFORE UPDATE OR DELETE ON nodes FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER heads_append_only BEFORE UPDATE OR DELETE ON heads FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER verifications_append_only BEFORE UPDATE OR DELETE ON verifications
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
)sql";

std::uint32_t big_endian(const unsigned char* p, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

// Reads the 100-byte SQLite header (https://sqlite.org/fileformat.html,
// section 1.3) before SQLite does: a file without it is not a ledger; one
// shorter than its header says was truncated.
void check_file_header(const fs::path& path) {
  std::error_code ec;
  const auto bytes = fs::file_size(path, ec);
  if (ec) throw IoError(path.string() + ": cannot read: " + ec.message());
  if (bytes == 0) throw NotALedger(path.string() + ": an empty file, not a ledger");
  unsigned char header[100] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(header), sizeof header);
  const auto got = static_cast<std::size_t>(in.gcount());
  static constexpr char magic[] = "SQLite format 3";  // and its NUL: 16 bytes
  if (got < 16 || !std::equal(magic, magic + 16, reinterpret_cast<const char*>(header))) {
    throw NotALedger(path.string() + ": not a ledger (not an SQLite database)");
  }
  if (got < sizeof header) {
    throw DamagedLedger(path.string() + ": the ledger file is truncated: " + std::to_string(bytes) +
                        " bytes, not even the 100-byte database header");
  }
  // With a write-ahead log beside it the main file may lag behind (a
  // checkpoint cut short by a crash is redone from the log): SQLite's own
  // checks decide then.
  const auto wal = fs::path(path.string() + "-wal");
  if (fs::exists(wal, ec) && fs::file_size(wal, ec) > 0 && !ec) return;
  std::uint64_t page_size = big_endian(header + 16, 2);
  if (page_size == 1) page_size = 65536;
  const auto pages = big_endian(header + 28, 4);
  const bool pages_valid = big_endian(header + 92, 4) == big_endian(header + 24, 4) && pages != 0;
  if (page_size >= 512 && bytes % page_size != 0) {
    throw DamagedLedger(path.string() + ": the ledger file is truncated: " + std::to_string(bytes) +
                        " bytes end inside page " + std::to_string(bytes / page_size + 1) + " (pages of " +
                        std::to_string(page_size) + " bytes)");
  }
  if (pages_valid && bytes < pages * page_size) {
    throw DamagedLedger(path.string() + ": the ledger file is truncated: its header counts " + std::to_string(pages) +
                        " pages of " + std::to_string(page_size) + " bytes, the file holds " +
                        std::to_string(bytes / page_size));
  }
}

void set_pragmas(sql::Database& db) {
  if (db.dialect() != sql::Dialect::sqlite) return;
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");
}

std::string meta(const sql::Database& db, const std::string& key) {
  auto s = db.prepare("SELECT value FROM meta WHERE key = ?1");
  s.bind_text(1, key);
  if (!s.step()) return {};
  auto value = s.text(0);
  s.reset();
  return value;
}

std::string key_file_name(const std::string& name) {
  std::string out;
  for (char c : name) out.push_back(c == '/' || c == '\\' || c == ':' ? '-' : c);
  return out + ".logkey";
}

}  // namespace

Ledger::Ledger(std::unique_ptr<State> state) : state_(std::move(state)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

bool ledger_exists(const fs::path& db) {
  return sql::is_postgres_uri(db.string()) ? sql::open_postgres(db.string())->has_table("meta") : fs::exists(db);
}

Ledger Ledger::create(const fs::path& db_path, const InitOptions& options) {
  const bool postgres = sql::is_postgres_uri(db_path.string());
  if (ledger_exists(db_path)) {
    throw InputError("--db", sql::display_name(db_path.string()) +
                                 (postgres ? " holds a ledger already" : " exists already") +
                                 "; a ledger is created once");
  }
  const auto signer = generate_signer(options.name);
  const auto folder = postgres                        ? fs::current_path()
                      : db_path.parent_path().empty() ? fs::path(".")
                                                      : db_path.parent_path();
  fs::path key_file = options.key_file;
  std::string recorded_key = key_file.string();
  if (key_file.empty()) {
    recorded_key = key_file_name(options.name);
    key_file = folder / recorded_key;
  }
  // A database has no folder: it records where the key is, absolutely.
  if (postgres || !options.key_file.empty()) recorded_key = fs::absolute(key_file).string();
  write_signer_key(signer, key_file);
  auto vkey_file = key_file;
  vkey_file.replace_extension(".vkey");
  {
    std::ofstream out(vkey_file, std::ios::binary | std::ios::trunc);
    out << format_verifier_key(signer.verifier()) << "\n";
    if (!out) throw IoError(vkey_file.string() + ": cannot write the log's public key");
  }

  auto state = std::make_unique<State>(db_path, true);
  auto& db = *state->db;
  set_pragmas(db);
  {
    sql::Transaction tx(db);
    db.exec(postgres ? k_schema_postgres : k_schema);
    auto put = db.prepare("INSERT INTO meta(key, value) VALUES(?1, ?2)");
    const std::pair<std::string, std::string> rows[] = {
        {"format", std::string(k_format)},
        {"version", std::string(k_version)},
        {"name", options.name},
        {"verifier_key", format_verifier_key(signer.verifier())},
        {"key_file", recorded_key},
        {"registry", options.registry.empty() ? std::string() : fs::absolute(options.registry).string()},
        {"created_at", utc_timestamp()}};
    for (const auto& [key, value] : rows) {
      put.bind_text(1, key).bind_text(2, value);
      put.run();
      put.reset();
    }
    // The signed head of the empty tree: size 0, root SHA-256().
    const auto head = sign_head({options.name, 0, empty_root()}, signer);
    auto h = db.prepare("INSERT INTO heads(size, root, timestamp, note) VALUES(0, ?1, ?2, ?3)");
    const auto root = empty_root();
    h.bind_blob(1, {reinterpret_cast<const char*>(root.data()), root.size()}).bind_text(2, utc_timestamp());
    h.bind_text(3, head.note);
    h.run();
    tx.commit();
  }
  return open(db_path);
}

Ledger Ledger::open(const fs::path& db_path) {
  const bool postgres = sql::is_postgres_uri(db_path.string());
  if (!postgres) {
    if (!fs::exists(db_path)) throw IoError(db_path.string() + ": no such file");
    check_file_header(db_path);
  }
  auto state = std::make_unique<State>(db_path, false);
  auto& db = *state->db;
  const auto where = sql::display_name(db_path.string());
  if (!db.has_table("meta") || meta(db, "format") != k_format) {
    throw NotALedger(where + (postgres ? ": not a ledger (a database without corridor's ledger tables; "
                                         "create one with corridor log init)"
                                       : ": not a ledger (an SQLite database without corridor's ledger tables)"));
  }
  if (meta(db, "version") != k_version) {
    throw NotALedger(where + ": ledger format version " + meta(db, "version") + " is not supported");
  }
  set_pragmas(db);
  auto& info = state->info;
  info.name = meta(db, "name");
  try {
    info.verifier = parse_verifier_key(meta(db, "verifier_key"));
  } catch (const FormatError& e) {
    throw DamagedLedger(where + ": the log's public key in the meta table is damaged: " + e.what());
  }
  info.key_file = meta(db, "key_file");
  info.registry = meta(db, "registry");
  info.created_at = meta(db, "created_at");
  return Ledger(std::move(state));
}

const LogInfo& Ledger::info() const { return state_->info; }
const fs::path& Ledger::path() const { return state_->path; }
sql::Database& Ledger::database() const { return *state_->db; }

fs::path Ledger::key_path() const {
  const fs::path recorded = state_->info.key_file;
  if (recorded.empty() || recorded.is_absolute() || sql::is_postgres_uri(path().string())) return recorded;
  const auto folder = path().parent_path();
  return folder.empty() ? recorded : folder / recorded;
}

NoteSigner Ledger::load_signer(const fs::path& key_file) const {
  const auto file = key_file.empty() ? key_path() : key_file;
  if (file.empty()) throw InputError("--key", "the ledger records no key file; give --key");
  auto signer = read_signer_key(file);
  const auto v = signer.verifier();
  const auto& expected = state_->info.verifier;
  if (v.name != expected.name || v.public_key != expected.public_key) {
    throw InputError("--key", file.string() + " is not the key of log " + expected.name);
  }
  return signer;
}

MigrateReport migrate_ledger(const fs::path& from, const std::string& to) {
  if (!sql::is_postgres_uri(to)) {
    throw InputError("--to", sql::display_name(to) +
                                 " is not a postgresql:// URI; an SQLite ledger is copied as a file (with its -wal)");
  }
  const auto source = Ledger::open(from);
  if (ledger_exists(to)) {
    throw InputError("--to", sql::display_name(to) + " holds a ledger already; migrate into an empty database");
  }
  auto target = sql::open_postgres(to);
  MigrateReport report;
  {
    const auto& in = source.database();
    sql::Transaction tx(*target);
    target->exec(k_schema_postgres);
    sql::copy_table(in, *target, "meta", "key:t, value:t");
    target->prepare("UPDATE meta SET value = ?1 WHERE key = 'key_file'")
        .bind_text(1, source.key_path().empty() ? std::string() : fs::absolute(source.key_path()).string())
        .run();
    report.entries = sql::copy_table(in, *target, "entries", "idx:i, kind:t, body:b, leaf_hash:b, appended_at:t");
    report.nodes = sql::copy_table(in, *target, "nodes", "level:i, idx:i, hash:b");
    report.heads = sql::copy_table(in, *target, "heads", "id:i, size:i, root:b, timestamp:t, note:t");
    sql::advance_serial(*target, "heads", "id");
    if (in.has_table("verifications")) {
      report.verifications =
          sql::copy_table(in, *target, "verifications", "id:i, size:i, head_id:i, verified_at:t, note:t");
      sql::advance_serial(*target, "verifications", "id");
    }
    tx.commit();
  }
  // The copy must be the same log: same size, same root, same newest head.
  const auto copy = Ledger::open(to);
  const auto n = source.size();
  report.root = source.root(n);
  const auto head = source.latest_head();
  const auto copied_head = copy.latest_head();
  if (copy.size() != n || copy.root(n) != report.root || !head || !copied_head || head->note != copied_head->note) {
    throw DamagedLedger(sql::display_name(to) + ": the copy does not match " + from.string() +
                        " (size, root or newest head); drop the database and migrate again");
  }
  return report;
}

}  // namespace corridor::ledger

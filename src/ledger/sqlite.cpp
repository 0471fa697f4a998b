// The SQL layer on the SQLite C API (https://sqlite.org/c3ref/intro.html),
// and what both backends share.
#include <sqlite3.h>

#include "corridor/ledger/sql.hpp"

namespace corridor::ledger::sql {
namespace {

// Throws the right error for an SQLite result code (SQLITE_CORRUPT and
// SQLITE_NOTADB -> DamagedLedger, else IoError), naming what failed.
[[noreturn]] void fail(sqlite3* db, int code, const std::string& what) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  const int primary = code & 0xFF;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    throw DamagedLedger("the ledger file is damaged (" + detail + ") while " + what + "; was it truncated or edited?");
  }
  throw IoError("SQLite: " + detail + " while " + what);
}

class SqliteCursor final : public Statement::Cursor {
 public:
  SqliteCursor(sqlite3* db, std::string_view sql) : db_(db) {
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "preparing \"" + std::string(sql) + "\"");
  }
  ~SqliteCursor() override { sqlite3_finalize(stmt_); }
  SqliteCursor(const SqliteCursor&) = delete;
  SqliteCursor& operator=(const SqliteCursor&) = delete;

  void bind_integer(int i, std::int64_t value) override { check_bind(sqlite3_bind_int64(stmt_, i, value)); }

  void bind_text(int i, std::string_view text) override {
    check_bind(sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }

  void bind_blob(int i, std::string_view bytes) override {
    // A zero-length blob still binds as a blob, not as NULL.
    static const char empty = 0;
    check_bind(sqlite3_bind_blob64(stmt_, i, bytes.empty() ? &empty : bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes(db_);
      sqlite3_reset(stmt_);
      return false;
    }
    fail(db_, rc, "running \"" + std::string(sqlite3_sql(stmt_)) + "\"");
  }

  [[nodiscard]] std::int64_t changes() const override { return changes_; }

  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  [[nodiscard]] bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  [[nodiscard]] std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }

  [[nodiscard]] std::string text(int column) const override {
    const auto* p = sqlite3_column_text(stmt_, column);
    const auto n = sqlite3_column_bytes(stmt_, column);
    return p == nullptr ? std::string{} : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
  }

  [[nodiscard]] std::string blob(int column) const override {
    const auto* p = sqlite3_column_blob(stmt_, column);
    const auto n = sqlite3_column_bytes(stmt_, column);
    return p == nullptr ? std::string{} : std::string(static_cast<const char*>(p), static_cast<std::size_t>(n));
  }

 private:
  void check_bind(int rc) const {
    if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::int64_t changes_ = 0;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const std::filesystem::path& path, bool create) {
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      const std::string detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      const int primary = rc & 0xFF;
      if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
        throw DamagedLedger(path.string() + ": the ledger file is damaged (" + detail + ")");
      }
      throw IoError(path.string() + ": cannot open: " + detail);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 10000);
  }
  ~SqliteDatabase() override { sqlite3_close(db_); }
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  [[nodiscard]] Dialect dialect() const noexcept override { return Dialect::sqlite; }

  void exec(std::string_view sql) override {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      sqlite3_free(message);
      fail(db_, rc, "running \"" + std::string(sql) + "\"");
    }
  }

  [[nodiscard]] Statement prepare(std::string_view sql) const override {
    return Statement(std::make_unique<SqliteCursor>(db_, sql));
  }

  [[nodiscard]] bool has_table(std::string_view name) const override {
    auto s = prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    s.bind_text(1, name);
    const bool found = s.step();
    s.reset();
    return found;
  }

  [[nodiscard]] std::string integrity_check() const override {
    return scalar_text("PRAGMA quick_check").value_or("no answer");
  }

  void begin_write() override { exec("BEGIN IMMEDIATE"); }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

bool is_postgres_uri(std::string_view db) noexcept {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string display_name(std::string_view db) {
  std::string name(db);
  if (!is_postgres_uri(name)) return name;
  const auto scheme = name.find("://") + 3;
  const auto at = name.find('@', scheme);
  const auto colon = name.find(':', scheme);
  if (at != std::string::npos && colon < at) name.replace(colon + 1, at - colon - 1, "***");
  return name;
}

std::optional<std::string> Database::scalar_text(std::string_view sql) const {
  auto s = prepare(sql);
  if (!s.step()) return std::nullopt;
  auto value = s.text(0);
  s.reset();
  return value;
}

std::unique_ptr<Database> open_sqlite(const std::filesystem::path& path, bool create) {
  return std::make_unique<SqliteDatabase>(path, create);
}

std::unique_ptr<Database> open(const std::string& db, bool create) {
  if (is_postgres_uri(db)) return open_postgres(db);
  return open_sqlite(db, create);
}

Transaction::Transaction(Database& db) : db_(db) { db_.begin_write(); }

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.rollback();
  } catch (const Error&) {  // NOLINT(bugprone-empty-catch): the error that unwinds here is the one to report
  }
}

void Transaction::commit() {
  db_.commit();
  open_ = false;
}

}  // namespace corridor::ledger::sql

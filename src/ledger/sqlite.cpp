// RAII over the SQLite C API (https://sqlite.org/c3ref/intro.html).
#include "corridor/ledger/sqlite.hpp"

#include <sqlite3.h>

namespace corridor::ledger::sql {

void fail(sqlite3* db, int code, const std::string& what) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  const int primary = code & 0xFF;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    throw DamagedLedger("the ledger file is damaged (" + detail + ") while " + what + "; was it truncated or edited?");
  }
  throw IoError("SQLite: " + detail + " while " + what);
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "preparing \"" + std::string(sql) + "\"");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::bind(int i, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, i, value);
  if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
  return *this;
}

Statement& Statement::bind_text(int i, std::string_view text) {
  const int rc = sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
  return *this;
}

Statement& Statement::bind_blob(int i, std::string_view bytes) {
  // A zero-length blob still binds as a blob, not as NULL.
  static const char empty = 0;
  const int rc = sqlite3_bind_blob64(stmt_, i, bytes.empty() ? &empty : bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);
    return false;
  }
  fail(db_, rc, "running \"" + std::string(sqlite3_sql(stmt_)) + "\"");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  const auto n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string{} : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::string Statement::blob(int column) const {
  const auto* p = sqlite3_column_blob(stmt_, column);
  const auto n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string{} : std::string(static_cast<const char*>(p), static_cast<std::size_t>(n));
}

Database::Database(const std::filesystem::path& path, bool create) : path_(path) {
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

Database::~Database() { sqlite3_close(db_); }

void Database::exec(std::string_view sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    sqlite3_free(message);
    fail(db_, rc, "running \"" + std::string(sql) + "\"");
  }
}

std::optional<std::string> Database::scalar_text(std::string_view sql) const {
  auto s = prepare(sql);
  if (!s.step()) return std::nullopt;
  auto value = s.text(0);
  s.reset();
  return value;
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace corridor::ledger::sql

#pragma once
// A thin RAII layer over the SQLite C API for the ledger store, and the
// ledger's errors. Damage that SQLite detects in the file (SQLITE_CORRUPT,
// SQLITE_NOTADB on a file that has an SQLite header) becomes DamagedLedger.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "corridor/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace corridor::ledger {

// The file is not a ledger (not SQLite, or no ledger tables): exit 2.
class NotALedger : public FormatError {
 public:
  using FormatError::FormatError;
};

// The file is a ledger but cannot be read whole (truncated, corrupted),
// or what it holds does not check out: exit 1.
class DamagedLedger : public CheckFailed {
 public:
  using CheckFailed::CheckFailed;
};

// A document the ledger refuses (unsigned, a signature that does not
// verify, not an agreement or incident report): exit 1.
class RejectedEntry : public CheckFailed {
 public:
  using CheckFailed::CheckFailed;
};

namespace sql {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int i, std::int64_t value);
  Statement& bind(int i, std::uint64_t value) { return bind(i, static_cast<std::int64_t>(value)); }
  Statement& bind_text(int i, std::string_view text);
  Statement& bind_blob(int i, std::string_view bytes);
  // True while there is a row; throws at errors (and resets when done).
  bool step();
  // Runs to completion.
  void run();
  void reset();

  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::string blob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens an existing file (create = false) or creates a new one.
  Database(const std::filesystem::path& path, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  [[nodiscard]] Statement prepare(std::string_view sql) const { return Statement(db_, sql); }
  // The first column of the first row, if any.
  [[nodiscard]] std::optional<std::string> scalar_text(std::string_view sql) const;
  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

// Throws the right error for an SQLite result code (SQLITE_CORRUPT and
// SQLITE_NOTADB -> DamagedLedger, else IoError), naming what failed.
[[noreturn]] void fail(sqlite3* db, int code, const std::string& what);

// A transaction rolled back unless commit() returns.
class Transaction {
 public:
  // BEGIN IMMEDIATE: writers queue for the write lock up front.
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace sql
}  // namespace corridor::ledger

#pragma once
// The ledger's errors, and a thin layer over the two SQL stores it runs
// on: SQLite (sqlite.cpp) and PostgreSQL through libpq (postgres.cpp).
// Damage that SQLite detects in the file (SQLITE_CORRUPT, SQLITE_NOTADB on
// a file that has an SQLite header) becomes DamagedLedger.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "corridor/error.hpp"

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

// The two stores a ledger and the service's tables can live in: one SQLite
// file (the default, a deployment is one file), or a PostgreSQL database
// shared by several service instances (docs/deploy.md).
enum class Dialect { sqlite, postgresql };

// "postgresql://..." or "postgres://..." (libpq's connection URIs): a
// --db value that names a PostgreSQL database rather than a file.
[[nodiscard]] bool is_postgres_uri(std::string_view db) noexcept;
// The file, or the URI with its password (if any) replaced by ***.
[[nodiscard]] std::string display_name(std::string_view db);

// A prepared statement. SQL is written once for both dialects with
// numbered parameters ?1, ?2, ... and the common subset of SQL (ON
// CONFLICT for upserts); each backend translates what it must.
class Statement {
 public:
  // What a backend implements; callers use Statement.
  class Cursor {
   public:
    virtual ~Cursor() = default;
    virtual void bind_integer(int i, std::int64_t value) = 0;
    virtual void bind_text(int i, std::string_view text) = 0;
    virtual void bind_blob(int i, std::string_view bytes) = 0;
    virtual bool step() = 0;
    [[nodiscard]] virtual std::int64_t changes() const = 0;
    virtual void reset() = 0;
    [[nodiscard]] virtual bool is_null(int column) const = 0;
    [[nodiscard]] virtual std::int64_t integer(int column) const = 0;
    [[nodiscard]] virtual std::string text(int column) const = 0;
    [[nodiscard]] virtual std::string blob(int column) const = 0;
  };

  explicit Statement(std::unique_ptr<Cursor> cursor) : cursor_(std::move(cursor)) {}

  Statement& bind(int i, std::int64_t value) {
    cursor_->bind_integer(i, value);
    return *this;
  }
  Statement& bind(int i, std::uint64_t value) { return bind(i, static_cast<std::int64_t>(value)); }
  Statement& bind_text(int i, std::string_view text) {
    cursor_->bind_text(i, text);
    return *this;
  }
  Statement& bind_blob(int i, std::string_view bytes) {
    cursor_->bind_blob(i, bytes);
    return *this;
  }
  // True while there is a row; throws at errors (and resets when done;
  // the bound values stay).
  bool step() { return cursor_->step(); }
  // Runs to completion; returns how many rows it inserted, changed or
  // deleted (0 for an INSERT that ON CONFLICT DO NOTHING skipped).
  std::int64_t run() {
    while (step()) {
    }
    return cursor_->changes();
  }
  // Back to the start, with no values bound.
  void reset() { cursor_->reset(); }

  [[nodiscard]] bool is_null(int column) const { return cursor_->is_null(column); }
  [[nodiscard]] std::int64_t integer(int column) const { return cursor_->integer(column); }
  [[nodiscard]] std::string text(int column) const { return cursor_->text(column); }
  [[nodiscard]] std::string blob(int column) const { return cursor_->blob(column); }

 private:
  std::unique_ptr<Cursor> cursor_;
};

// One connection. Not safe for concurrent use: its owner serialises calls.
class Database {
 public:
  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] virtual Dialect dialect() const noexcept = 0;
  // Runs one or more statements without parameters.
  virtual void exec(std::string_view sql) = 0;
  [[nodiscard]] virtual Statement prepare(std::string_view sql) const = 0;
  [[nodiscard]] virtual bool has_table(std::string_view name) const = 0;
  // The store's own integrity check: "ok", or what it found.
  [[nodiscard]] virtual std::string integrity_check() const = 0;
  // Starts a write transaction. Writers queue for one write lock up front
  // (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory
  // lock), so that an append reads the log's size and writes the next
  // entry with no other writer in between, from any process or instance.
  virtual void begin_write() = 0;
  // Ends the transaction begin_write started.
  virtual void commit() { exec("COMMIT"); }
  virtual void rollback() { exec("ROLLBACK"); }
  // Outside a transaction, opens the connection again if it was lost (a
  // restarted server, a terminated session), as every statement outside a
  // transaction does first; inside one, its statements fail instead, and
  // the transaction with them. A no-op on SQLite.
  virtual void revive() {}
  // How many times the connection was opened again: session state (a
  // session advisory lock) does not survive a new connection.
  [[nodiscard]] virtual std::uint64_t reconnects() const noexcept { return 0; }
  // The first column of the first row, if any.
  [[nodiscard]] std::optional<std::string> scalar_text(std::string_view sql) const;

 protected:
  Database() = default;
};

// Opens an existing SQLite file (create = false) or creates a new one.
// Throws IoError, DamagedLedger.
std::unique_ptr<Database> open_sqlite(const std::filesystem::path& path, bool create);
// Connects to a PostgreSQL database (libpq URI; the password as libpq finds
// it: PGPASSWORD, ~/.pgpass). Throws IoError naming the URI without its
// password.
std::unique_ptr<Database> open_postgres(const std::string& uri);
// Either, by the shape of `db`.
std::unique_ptr<Database> open(const std::string& db, bool create);

// Copies every row of `table` from one database into the same table of
// another (inside the caller's transaction), for `log migrate`. `columns`
// names each column with its type: "idx:i, kind:t, body:b" (integer, text,
// blob; NULLs stay NULL). Returns the number of rows copied.
std::uint64_t copy_table(const Database& from, Database& to, std::string_view table, std::string_view columns);

// After rows were copied with their ids: moves a PostgreSQL serial column's
// sequence past the largest id, so the next insert does not collide.
void advance_serial(Database& db, std::string_view table, std::string_view column);

// A write transaction rolled back unless commit() returns.
class Transaction {
 public:
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

// The SQL layer on PostgreSQL through libpq
// (https://www.postgresql.org/docs/15/libpq.html). Statements run with
// PQexecParams: parameters ?N become $N, integers and text travel as text,
// blobs as binary bytea; results come back as text (bytea unescaped).
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

#include "corridor/ledger/sql.hpp"

namespace corridor::ledger::sql {
namespace {

constexpr Oid k_bytea_oid = 17;  // pg_type.h: BYTEAOID

// The key of the transaction-scoped advisory lock every write holds: "corr".
constexpr long long k_write_lock = 0x636f7272;

// libpq's messages end in a newline.
std::string trimmed(std::string m) {
  while (!m.empty() && std::isspace(static_cast<unsigned char>(m.back())) != 0) m.pop_back();
  return m;
}

std::string message(const PGconn* conn) { return trimmed(PQerrorMessage(conn)); }

// Rewrites ?N to $N and returns the highest N.
int translate(std::string& sql) {
  int params = 0;
  for (std::size_t i = 0; i + 1 < sql.size(); ++i) {
    if (sql[i] != '?' || std::isdigit(static_cast<unsigned char>(sql[i + 1])) == 0) continue;
    sql[i] = '$';
    params = std::max(params, std::atoi(sql.c_str() + i + 1));
  }
  return params;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Runs and checks: a result that is not a command's or rows is an error.
Result check(PGconn* conn, PGresult* raw, const std::string& sql) {
  Result result(raw);
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const auto detail = result ? trimmed(PQresultErrorMessage(result.get())) : message(conn);
  if (PQstatus(conn) != CONNECTION_OK) throw IoError("PostgreSQL: the connection is lost (" + detail + ")");
  throw IoError("PostgreSQL: " + detail + " while running \"" + sql + "\"");
}

// The connection, shared by the database and its statements.
struct Connection {
  PGconn* conn = nullptr;
  bool in_transaction = false;
  std::uint64_t reconnects = 0;

  // Outside a transaction: reads what the server sent while the connection
  // was idle (a termination notice, the socket's end) without a round trip,
  // and opens the connection again (PQreset) when it is gone. When the
  // server cannot be reached, the statement that follows fails saying so,
  // and the next one tries again.
  void revive() {
    if (in_transaction) return;
    // An idle connection has nothing to read unless the server is going:
    // its last message, then the end of the stream.
    pollfd fd{PQsocket(conn), POLLIN, 0};
    for (int i = 0; i < 8 && PQstatus(conn) == CONNECTION_OK && poll(&fd, 1, 0) > 0; ++i) {
      if (PQconsumeInput(conn) == 0) break;
    }
    if (PQstatus(conn) == CONNECTION_OK) return;
    PQreset(conn);
    if (PQstatus(conn) == CONNECTION_OK) ++reconnects;
  }
};

class PostgresCursor final : public Statement::Cursor {
 public:
  PostgresCursor(Connection& connection, std::string_view sql) : connection_(connection), sql_(sql) {
    const auto n = static_cast<std::size_t>(translate(sql_));
    values_.resize(n);
    bound_.resize(n);
    formats_.resize(n);
    types_.resize(n);
  }

  void bind_integer(int i, std::int64_t value) override { set(i, std::to_string(value), 0, 0); }
  void bind_text(int i, std::string_view text) override { set(i, std::string(text), 0, 0); }
  void bind_blob(int i, std::string_view bytes) override { set(i, std::string(bytes), 1, k_bytea_oid); }

  bool step() override {
    if (!result_) {
      std::vector<const char*> values(values_.size());
      std::vector<int> lengths(values_.size());
      for (std::size_t i = 0; i < values_.size(); ++i) {
        values[i] = bound_[i] ? values_[i].data() : nullptr;
        lengths[i] = static_cast<int>(values_[i].size());
      }
      connection_.revive();
      result_ = check(connection_.conn,
                      PQexecParams(connection_.conn, sql_.c_str(), static_cast<int>(values.size()), types_.data(),
                                   values.data(), lengths.data(), formats_.data(), 0),
                      sql_);
      row_ = -1;
    }
    if (++row_ < PQntuples(result_.get())) return true;
    const char* tuples = PQcmdTuples(result_.get());
    changes_ = *tuples != '\0' ? std::atoll(tuples) : 0;
    result_.reset();
    return false;
  }

  [[nodiscard]] std::int64_t changes() const override { return changes_; }

  void reset() override {
    result_.reset();
    std::fill(bound_.begin(), bound_.end(), false);
  }

  [[nodiscard]] bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }

  [[nodiscard]] std::int64_t integer(int column) const override {
    return std::atoll(PQgetvalue(result_.get(), row_, column));
  }

  [[nodiscard]] std::string text(int column) const override {
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
  }

  [[nodiscard]] std::string blob(int column) const override {
    if (PQftype(result_.get(), column) != k_bytea_oid || is_null(column)) return text(column);
    std::size_t n = 0;
    auto* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &n);
    if (bytes == nullptr) throw IoError("PostgreSQL: cannot decode a bytea value of \"" + sql_ + "\"");
    std::string out(reinterpret_cast<const char*>(bytes), n);
    PQfreemem(bytes);
    return out;
  }

 private:
  void set(int i, std::string value, int format, Oid type) {
    if (i < 1 || static_cast<std::size_t>(i) > values_.size()) {
      throw IoError("PostgreSQL: parameter ?" + std::to_string(i) + " is not in \"" + sql_ + "\"");
    }
    const auto k = static_cast<std::size_t>(i - 1);
    values_[k] = std::move(value);
    bound_[k] = true;
    formats_[k] = format;
    types_[k] = type;
  }

  Connection& connection_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<bool> bound_;
  std::vector<int> formats_;
  std::vector<Oid> types_;
  Result result_;
  int row_ = -1;
  std::int64_t changes_ = 0;
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(const std::string& uri) {
    c_.conn = PQconnectdb(uri.c_str());
    if (c_.conn == nullptr) throw IoError(display_name(uri) + ": cannot connect: out of memory");
    if (PQstatus(c_.conn) != CONNECTION_OK) {
      const auto detail = message(c_.conn);
      PQfinish(c_.conn);
      throw IoError(display_name(uri) + ": cannot connect: " + detail);
    }
    // Notices ("relation exists, skipping") are not the user's business.
    PQsetNoticeProcessor(
        c_.conn, [](void*, const char*) {}, nullptr);
  }
  ~PostgresDatabase() override { PQfinish(c_.conn); }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  [[nodiscard]] Dialect dialect() const noexcept override { return Dialect::postgresql; }

  void exec(std::string_view sql) override {
    c_.revive();
    run(std::string(sql));
  }

  [[nodiscard]] Statement prepare(std::string_view sql) const override {
    return Statement(std::make_unique<PostgresCursor>(c_, sql));
  }

  [[nodiscard]] bool has_table(std::string_view name) const override {
    auto s =
        prepare("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?1");
    s.bind_text(1, name);
    const bool found = s.step();
    s.reset();
    return found;
  }

  // PostgreSQL checks its own pages as it reads them (and with data
  // checksums, their contents); a failed read surfaces as an error.
  [[nodiscard]] std::string integrity_check() const override { return "ok"; }

  // One advisory lock for all writers of the database: appends from every
  // instance are sequenced one after another, so the next index is always
  // MAX(idx) + 1 read under the lock (no gaps, no duplicates), and the
  // entry, its subtrees and its signed head commit together. A serialisable
  // transaction would give the same result but make concurrent appends
  // fail and retry; appends are short, so queueing is the simpler contract.
  void begin_write() override {
    c_.revive();
    try {  // one round trip for both
      run("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(k_write_lock) + ")");
    } catch (...) {
      PQclear(PQexec(c_.conn, "ROLLBACK"));
      throw;
    }
    c_.in_transaction = true;
  }
  // On the connection the transaction began on, never a new one: a COMMIT
  // on a fresh session would succeed with nothing to commit.
  void commit() override { end("COMMIT"); }
  void rollback() override { end("ROLLBACK"); }

  void revive() override { c_.revive(); }
  [[nodiscard]] std::uint64_t reconnects() const noexcept override { return c_.reconnects; }

 private:
  void run(const std::string& sql) { check(c_.conn, PQexec(c_.conn, sql.c_str()), sql); }
  void end(const char* sql) {
    c_.in_transaction = false;  // whatever follows: a lost connection ended it too
    run(sql);
  }

  mutable Connection c_;
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& uri) { return std::make_unique<PostgresDatabase>(uri); }

}  // namespace corridor::ledger::sql

#pragma once
// A throw-away PostgreSQL 15 server for the tests: initdb and pg_ctl from
// Debian's postgresql-15 in a temporary folder, on a free loopback port,
// trusting local connections; run as the postgres user when the tests run as
// root (PostgreSQL refuses to run as root). Started at first use in a test
// process and stopped (and removed) when the process exits.
#include <memory>
#include <string>

namespace corridor::testing {

class PostgresServer {
 public:
  // The process's server; throws std::runtime_error, with the server's log,
  // when it cannot start.
  static PostgresServer& shared();

  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A new empty database; returns its postgresql:// URI.
  std::string new_database();
  [[nodiscard]] std::string uri(const std::string& database) const;
  // Stops the server (pg_ctl -m fast: sessions are ended) and starts it
  // again on the same port and data.
  void stop();
  void start();

 private:
  PostgresServer();
  bool start_server();
  struct State;
  std::unique_ptr<State> state_;
};

// The two stores the ledger and the service run on; the suites that hold
// for both are parametrised over them.
enum class Backend { sqlite, postgresql };
inline const char* to_string(Backend b) { return b == Backend::sqlite ? "SQLite" : "PostgreSQL"; }

// Ends every other session on the database at `uri` (pg_terminate_backend,
// as a restarted server or an operator would) and waits until they are gone.
// Returns how many there were.
int terminate_sessions(const std::string& uri);

class TempDir;
// A --db value for a new, empty store: the file `file` in `dir`, or a new
// database on the shared test server.
std::string new_db(Backend backend, const TempDir& dir, const std::string& file = "ledger.db");

}  // namespace corridor::testing

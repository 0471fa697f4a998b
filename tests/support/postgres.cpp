#include "postgres.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "corridor/ledger/sql.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;

// Debian's server binaries (postgresql-15); PG_BINDIR overrides.
fs::path bin(const std::string& program) {
  const char* dir = std::getenv("PG_BINDIR");
  return fs::path(dir != nullptr ? dir : "/usr/lib/postgresql/15/bin") / program;
}

// Runs a program (no shell), as `user` when set, output appended to `log`;
// returns its exit code.
int run(const std::vector<std::string>& args, const passwd* user, const fs::path& log) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (user != nullptr && (setgid(user->pw_gid) != 0 || setuid(user->pw_uid) != 0)) _exit(126);
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int in = open("/dev/null", O_RDONLY);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    dup2(in, STDIN_FILENO);
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof a;
  if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &n) != 0) {
    close(s);
    throw std::runtime_error("no free loopback port");
  }
  close(s);
  return ntohs(a.sin_port);
}

}  // namespace

struct PostgresServer::State {
  TempDir dir;
  const passwd* user = nullptr;
  int port = 0;
  std::string options;  // the server's, for a start after a stop
  std::atomic<int> databases{0};
  [[nodiscard]] fs::path data() const { return dir / "data"; }
  [[nodiscard]] fs::path log() const { return dir / "server.log"; }
};

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

PostgresServer::PostgresServer() : state_(std::make_unique<State>()) {
  auto& s = *state_;
  if (geteuid() == 0) {
    s.user = getpwnam("postgres");
    if (s.user == nullptr) throw std::runtime_error("running as root and there is no postgres user to run the server");
    if (chown(s.dir.path().c_str(), s.user->pw_uid, s.user->pw_gid) != 0) {
      throw std::runtime_error("cannot hand " + s.dir.path().string() + " to the postgres user");
    }
  }
  const auto fail = [&](const std::string& what) {
    const auto log = read_text(s.log());
    throw std::runtime_error(what + " (is Debian's postgresql-15 installed? scripts/install-deps.sh installs it):\n" +
                             log);
  };
  if (run({bin("initdb").string(), "-D", s.data().string(), "-U", "corridor", "--auth=trust", "-E", "UTF8", "--no-sync",
           "--no-instructions"},
          s.user, s.log()) != 0) {
    fail("initdb failed");
  }
  // A port can be taken between the probe and the start: try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    s.port = free_port();
    s.options = "-p " + std::to_string(s.port) + " -k " + s.dir.path().string() +
                " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200";
    if (start_server()) return;
  }
  fail("the test PostgreSQL server did not start");
}

bool PostgresServer::start_server() {
  const auto& s = *state_;
  return run({bin("pg_ctl").string(), "-D", s.data().string(), "-o", s.options, "-l", s.log().string(), "-w", "-t",
              "60", "start"},
             s.user, s.log()) == 0;
}

void PostgresServer::stop() {
  const auto& s = *state_;
  if (run({bin("pg_ctl").string(), "-D", s.data().string(), "-m", "fast", "-w", "stop"}, s.user, s.log()) != 0)
    throw std::runtime_error("the test PostgreSQL server did not stop:\n" + read_text(s.log()));
}

void PostgresServer::start() {
  if (!start_server())
    throw std::runtime_error("the test PostgreSQL server did not start again:\n" + read_text(state_->log()));
}

PostgresServer::~PostgresServer() {
  run({bin("pg_ctl").string(), "-D", state_->data().string(), "-m", "immediate", "-w", "stop"}, state_->user,
      state_->log());
}

std::string PostgresServer::uri(const std::string& database) const {
  return "postgresql://corridor@127.0.0.1:" + std::to_string(state_->port) + "/" + database;
}

std::string PostgresServer::new_database() {
  const auto name = "test_" + std::to_string(getpid()) + "_" + std::to_string(++state_->databases);
  ledger::sql::open_postgres(uri("postgres"))->exec("CREATE DATABASE " + name);
  return uri(name);
}

int terminate_sessions(const std::string& uri) {
  const auto db = ledger::sql::open_postgres(uri);
  const auto others = [&] {
    return std::stoi(db->scalar_text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND pid <> pg_backend_pid()")
                         .value_or("0"));
  };
  const int n = others();
  db->exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  for (int i = 0; i < 500 && others() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // A backend leaves pg_stat_activity a moment before it closes its socket.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return n;
}

std::string new_db(Backend backend, const TempDir& dir, const std::string& file) {
  return backend == Backend::sqlite ? (dir / file).string() : PostgresServer::shared().new_database();
}

}  // namespace corridor::testing

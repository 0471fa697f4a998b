// Crash safety, on both stores: a child process appends entries and reports
// each one only after its COMMIT returned; the test kills it with SIGKILL at
// random moments, round after round. Every acknowledged entry must be in the
// log, unchanged, the log must verify after every crash, and another
// connection that lived through it all (another instance) keeps appending.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "ledger_testing.hpp"
#include "postgres.hpp"

namespace corridor::ledger {
namespace {

using namespace std::chrono_literals;

// The child: appends bodies first.. and writes "INDEX BODY-NUMBER LEAF-HASH"
// for each acknowledged append to `fd`. Never returns.
[[noreturn]] void append_until_killed(const std::string& db, std::uint64_t first, int fd) {
  try {
    auto l = Ledger::open(db);
    const auto signer = l.load_signer();
    for (std::uint64_t k = first; k < first + 100000; ++k) {
      const auto r = l.append("test", test::body(k), signer);
      const auto line = std::to_string(r.index) + " " + std::to_string(k) + " " + crypto::hex(r.leaf_hash) + "\n";
      if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
    }
  } catch (...) {
    _exit(3);
  }
  _exit(0);
}

// What fd gives until its first line (or 10 s pass: a slow machine).
std::string read_first_line(int fd) {
  std::string out;
  const auto until = std::chrono::steady_clock::now() + 10s;
  char c = 0;
  while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    if (::read(fd, &c, 1) != 1) break;
    out.push_back(c);
  }
  return out;
}

std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

class CrashSafety : public ::testing::TestWithParam<testing::Backend> {};

INSTANTIATE_TEST_SUITE_P(Both, CrashSafety, ::testing::Values(testing::Backend::sqlite, testing::Backend::postgresql),
                         [](const auto& param) { return std::string(testing::to_string(param.param)); });

TEST_P(CrashSafety, EveryAcknowledgedAppendSurvivesSigkill) {
  const auto seed = testing::test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (set CORRIDOR_TEST_SEED to repeat)");
  testing::TempDir dir;
  const auto db = test::make_ledger_at(testing::new_db(GetParam(), dir), dir / "log.key", 0);
  auto survivor = Ledger::open(db);
  const auto survivor_signer = survivor.load_signer();
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> delay_us(0, 80000);
  std::map<std::uint64_t, std::uint64_t> acknowledged;  // index -> body number
  const auto started = std::chrono::steady_clock::now();
  int rounds = 0;
  int killed_mid_run = 0;
  for (; rounds < 80 && std::chrono::steady_clock::now() - started < 20s; ++rounds) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const auto first = static_cast<std::uint64_t>(rounds) * 100000;
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      append_until_killed(db, first, fds[1]);
    }
    close(fds[1]);
    // Every other round the kill comes at a random moment after the first
    // acknowledgement, whatever the machine's speed (a loaded sanitizer
    // build may take longer than any fixed delay to connect and append);
    // the others at a random moment from the start.
    std::string output = rounds % 2 == 1 ? read_first_line(fds[0]) : "";
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng) / (rounds % 2 == 1 ? 4 : 1)));
    kill(pid, SIGKILL);
    output += read_all(fds[0]);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << rounds << ": the appender stopped by itself, status " << status;
    std::istringstream lines(output);
    std::uint64_t index = 0;
    std::uint64_t k = 0;
    std::string hash;
    int acked = 0;
    while (lines >> index >> k >> hash) {
      ASSERT_EQ(hash, crypto::hex(leaf_hash(test::body(k))));
      ASSERT_FALSE(acknowledged.contains(index)) << "index " << index << " acknowledged twice";
      acknowledged[index] = k;
      ++acked;
    }
    if (acked > 0) ++killed_mid_run;
    // The other instance goes on appending after the crash.
    const auto next = static_cast<std::uint64_t>(rounds) * 100000 + 99999;
    const auto r = survivor.append("test", test::body(next), survivor_signer);
    ASSERT_FALSE(acknowledged.contains(r.index)) << "index " << r.index << " acknowledged twice";
    acknowledged[r.index] = next;

    const auto report = test::verify(db);
    ASSERT_TRUE(report.intact()) << "after round " << rounds << ":\n" << test::joined(report);
    const auto l = Ledger::open(db);
    for (const auto& [i, body] : acknowledged) {
      const auto e = l.entry(i);
      ASSERT_TRUE(e) << "acknowledged entry " << i << " is gone after round " << rounds;
      ASSERT_EQ(e->body, test::body(body)) << "entry " << i;
    }
    ASSERT_EQ(l.latest_head()->size, l.size());
  }
  EXPECT_GE(rounds, 20);
  EXPECT_GE(killed_mid_run, 5) << "too few rounds killed the appender after it had acknowledged something";
  RecordProperty("rounds", rounds);
  RecordProperty("acknowledged", static_cast<int>(acknowledged.size()));
}

}  // namespace
}  // namespace corridor::ledger

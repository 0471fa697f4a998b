#include "test_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <queue>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "corridor/graph/build.hpp"
#include "corridor/osm/network.hpp"

namespace corridor::testing {

std::filesystem::path osm_extract(const std::string& name) {
  return std::filesystem::path(CORRIDOR_SHARED_DATA) / "osm" / name;
}
std::filesystem::path shipped_scenario(const std::string& name) {
  return std::filesystem::path(CORRIDOR_SHARED_DATA) / "scenarios" / name;
}
std::filesystem::path fixture(const std::string& name) { return std::filesystem::path(CORRIDOR_FIXTURES) / name; }
std::filesystem::path example(const std::string& name) {
  return (std::filesystem::path(CORRIDOR_FIXTURES) / "../../examples" / name).lexically_normal();
}

std::vector<std::string> road_extracts() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(CORRIDOR_SHARED_DATA) / "osm")) {
    const auto name = e.path().filename().string();
    if (name.ends_with(".osm.pbf")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "corridor-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::uint64_t test_seed() {
  if (const char* s = std::getenv("CORRIDOR_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return 20221105;
}

const graph::RoadGraph& imported_extract(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, graph::RoadGraph> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(name);
  if (it == cache.end()) {
    auto net = osm::read_osm(osm_extract(name), osm::Profile::defaults());
    it = cache.emplace(name, graph::build(std::move(net))).first;
  }
  return it->second;
}

std::vector<std::uint64_t> reference_times(const graph::RoadGraph& g, graph::NodeId s, const route::ArcSet* closed) {
  constexpr auto inf = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::uint64_t> dist(g.node_count(), inf);
  using Item = std::pair<std::uint64_t, graph::NodeId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  dist[s] = 0;
  queue.push({0, s});
  while (!queue.empty()) {
    const auto [d, u] = queue.top();
    queue.pop();
    if (d != dist[u]) continue;
    for (auto a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
      if (closed && closed->contains(a)) continue;
      const auto nd = d + g.time_ms[a];
      if (nd < dist[g.head[a]]) {
        dist[g.head[a]] = nd;
        queue.push({nd, g.head[a]});
      }
    }
  }
  return dist;
}

std::string lon_lat(geo::LonLat p) {
  std::ostringstream out;
  out.precision(12);
  out << p.lon << "," << p.lat;
  return out.str();
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

// Starts corridor with stdout and stderr going to the two files.
pid_t spawn_corridor(const std::vector<std::string>& args, const std::filesystem::path& out_path,
                     const std::filesystem::path& err_path) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = open("/dev/null", O_RDONLY);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    dup2(in, STDIN_FILENO);
    std::vector<char*> argv;
    std::string binary = CORRIDOR_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

std::string run_then_kill(const std::vector<std::string>& args, std::chrono::microseconds delay) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);
    close(fds[0]);
    std::string binary = CORRIDOR_BINARY;
    std::vector<std::string> copy = args;
    std::vector<char*> argv{binary.data()};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return out;
}

CommandResult run_corridor(const std::vector<std::string>& args) {
  TempDir dir;
  const auto out_path = dir / "stdout";
  const auto err_path = dir / "stderr";
  const pid_t pid = spawn_corridor(args, out_path, err_path);
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_code = exit_code_of(status);
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  return r;
}

}  // namespace corridor::testing

namespace corridor::testing {

BackgroundCorridor::BackgroundCorridor(const std::vector<std::string>& args)
    : pid_(spawn_corridor(args, dir_ / "stdout", dir_ / "stderr")) {}

BackgroundCorridor::~BackgroundCorridor() {
  if (exit_code_ < 0) stop(SIGKILL);
}

std::string BackgroundCorridor::err() const { return read_text(dir_ / "stderr"); }

bool BackgroundCorridor::wait_for(const std::string& text, double seconds) {
  for (int i = 0; i < static_cast<int>(seconds * 20); ++i) {
    if (err().find(text) != std::string::npos) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = exit_code_of(status);
      return err().find(text) != std::string::npos;
    }
    usleep(50'000);
  }
  return false;
}

int BackgroundCorridor::stop(int signal) {
  if (exit_code_ >= 0) return exit_code_;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  exit_code_ = exit_code_of(status);
  return exit_code_;
}

}  // namespace corridor::testing

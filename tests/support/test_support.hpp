#pragma once
// Shared test helpers: where the data lives, temporary folders, the seed of
// randomised tests, an oracle Dijkstra and running the real binary.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "corridor/geo/geo.hpp"
#include "corridor/graph/road_graph.hpp"
#include "corridor/route/arc_set.hpp"

namespace corridor::testing {

// ../shared/data/osm/<name>, ../shared/data/scenarios/<name>, tests/fixtures/<name>.
// Only these functions see the checkout's paths (see tests/CMakeLists.txt).
std::filesystem::path osm_extract(const std::string& name);
std::filesystem::path shipped_scenario(const std::string& name);
std::filesystem::path fixture(const std::string& name);
// examples/<name> in the checkout (the documented example files).
std::filesystem::path example(const std::string& name);

// The road extracts (every .osm.pbf in ../shared/data/osm).
std::vector<std::string> road_extracts();

// A fresh folder removed when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Seed for randomised tests: CORRIDOR_TEST_SEED if set, else a fixed one.
// Printed by failing assertions through SCOPED_TRACE in the tests.
std::uint64_t test_seed();

// Imports an extract once per test process (cached in memory).
const graph::RoadGraph& imported_extract(const std::string& name);

// Plain Dijkstra from s: free-flow times in ms to every node (UINT64_MAX when
// unreachable). Deliberately simple: the oracle for the fast searches.
std::vector<std::uint64_t> reference_times(const graph::RoadGraph& g, graph::NodeId s,
                                           const route::ArcSet* closed = nullptr);

// Whether `text` contains `part` (for messages on stderr/stdout).
inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// "LON,LAT" with enough digits to land on a drawn node exactly.
std::string lon_lat(geo::LonLat p);

// Result of running the corridor binary.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// A whole file's bytes ("" when it cannot be read).
std::string read_text(const std::filesystem::path& path);

// Runs corridor with the arguments (no shell involved) and collects output.
CommandResult run_corridor(const std::vector<std::string>& args);

// Runs corridor with stdout on a pipe, kills it (SIGKILL) after `delay`, and
// returns what it had printed: the acknowledgements it gave before dying.
std::string run_then_kill(const std::vector<std::string>& args, std::chrono::microseconds delay);

// corridor running in the background (a server), its stderr in a file;
// stop() sends a signal and collects the exit code. Killed when it goes.
class BackgroundCorridor {
 public:
  explicit BackgroundCorridor(const std::vector<std::string>& args);
  ~BackgroundCorridor();
  BackgroundCorridor(const BackgroundCorridor&) = delete;
  BackgroundCorridor& operator=(const BackgroundCorridor&) = delete;
  // What it wrote to stderr so far.
  [[nodiscard]] std::string err() const;
  // Waits up to `seconds` for stderr to contain `text`; false when the
  // process ended or the time ran out first.
  bool wait_for(const std::string& text, double seconds = 30);
  // Sends `signal` and waits; the exit code as run_corridor reports it.
  int stop(int signal);

 private:
  TempDir dir_;
  int pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace corridor::testing

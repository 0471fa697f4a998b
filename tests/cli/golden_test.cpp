// Golden outputs: `route`, `plan` and `check` on the Andorra exercise,
// compared with reference files in tests/fixtures/golden/andorra/ (as
// osmium-tool's tests compare with theirs). A change in a route, a plan or a
// message shows up here as a diff. The plan is compared as its timetable
// (plan.csv) and a digest of plan.json (every field, each movement's path
// and times as a length and a SHA-256), since the whole file is 5 MB; the
// compute time is left out, being the one thing that changes from run to run.
//
// After a deliberate change, regenerate the references and review the diff:
//   CORRIDOR_UPDATE_GOLDEN=1 build/tests/cli --gtest_filter='Golden*'
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "corridor/crypto/crypto.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string k_exercise = "andorra-exercise.geojson";

fs::path golden(const std::string& name) { return fixture("golden/andorra") / name; }

// Compares `actual` with the reference file, or writes it when updating.
void expect_golden(const std::string& name, const std::string& actual) {
  if (std::getenv("CORRIDOR_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden(name), std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(golden(name))) << golden(name) << " is missing: run with CORRIDOR_UPDATE_GOLDEN=1";
  const auto expected = read_text(golden(name));
  if (expected == actual) return;
  // The first line that differs, for a readable failure.
  std::size_t line = 1, at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) {
    if (expected[at] == '\n') ++line;
    ++at;
  }
  auto line_of = [&](const std::string& text) {
    const auto begin = text.rfind('\n', at == 0 ? 0 : at - 1);
    const auto from = begin == std::string::npos ? 0 : begin + 1;
    return text.substr(from, text.find('\n', from) - from);
  };
  ADD_FAILURE() << name << " differs from " << golden(name) << " at line " << line
                << ":\n  expected: " << line_of(expected) << "\n  actual:   " << line_of(actual)
                << "\n(after a deliberate change: CORRIDOR_UPDATE_GOLDEN=1 and review the diff)";
}

std::string digest(const Json& value) { return crypto::hex(crypto::sha256(value.dump())).substr(0, 16); }

// plan.json without what changes between runs, its long arrays digested.
Json plan_digest(Json plan) {
  plan["summary"].erase("compute_ms");
  for (auto& m : plan["movements"]) {
    m["path"] = {{"nodes", m["path"].size()}, {"sha256", digest(m["path"])}};
    m["times_s"] = {{"entries", m["times_s"].size()}, {"sha256", digest(m["times_s"])}};
  }
  return plan;
}

class Golden : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto r = run_corridor({"import", osm_extract("andorra-2021-10.osm.pbf").string(), "-o", graph(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string graph() { return (*dir_ / "andorra.graph").string(); }
  static std::string path(const std::string& name) { return (*dir_ / name).string(); }
  static std::string scenario() { return shipped_scenario(k_exercise).string(); }

  static TempDir* dir_;
};

TempDir* Golden::dir_ = nullptr;

TEST_F(Golden, RouteAroundTheExercisesClosures) {
  // Encamp to Andorra la Vella while the Santa Coloma hazard is active.
  auto r = run_corridor({"route", graph(), "--from", "1.5833,42.5346", "--to", "1.5218,42.5063", "--scenario",
                         scenario(), "--at", "2022-03-05T12:00:00+01:00", "--summary"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("route.json", r.out);
  expect_golden("route.summary.txt", r.err);
  // Sant Julia to the south border then: every way out is closed.
  r = run_corridor({"route", graph(), "--from", "1.5218,42.5063", "--to", "1.4599,42.4410", "--scenario", scenario(),
                    "--at", "2022-03-05T12:00:00+01:00", "--summary"});
  ASSERT_EQ(r.exit_code, 3) << r.err;
  expect_golden("no-route.json", r.out);
  expect_golden("no-route.summary.txt", r.err);
}

TEST_F(Golden, PlanAndCheck) {
  auto r = run_corridor({"plan", graph(), scenario(), "-o", path("plan.json"), "--csv", path("plan.csv"), "--geojson",
                         path("p.geojson")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("plan.digest.json", plan_digest(Json::parse(read_text(path("plan.json")))).dump(1) + "\n");
  expect_golden("plan.csv", read_text(path("plan.csv")));
  // The report on stderr, without the compute time and the temporary paths.
  std::string report;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("  compute ") == 0 || line.find("  written ") == 0) continue;
    report += line + "\n";
  }
  expect_golden("plan.report.txt", report);

  r = run_corridor({"check", graph(), scenario(), path("plan.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("check.txt", r.out);
}

}  // namespace
}  // namespace corridor::testing

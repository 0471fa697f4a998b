// Every command that reads a JSON file, given a number no double holds
// (1e309) or a document nesting 50,000 levels: one message and exit 2 (for
// `check`, a plan it cannot read is a format violation, exit 1), never an
// abort or a stack overflow.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ascii_map.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;

class CliHostileJson : public ::testing::Test {
 protected:
  void SetUp() override {
    AsciiMap map("a---b---c", 50.0);
    map.way("abc", {{"highway", "residential"}});
    const auto pbf = map.write_pbf(dir_ / "map.osm.pbf");
    graph_ = (dir_ / "map.graph").string();
    ASSERT_EQ(run_corridor({"import", "-q", pbf.string(), "-o", graph_}).exit_code, 0);
    ASSERT_EQ(run_corridor({"keygen", "--party", "A", "-o", (dir_ / "a.key").string()}).exit_code, 0);
  }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }

  // The commands that read `file` as JSON, each with what else it needs.
  std::vector<std::vector<std::string>> readers(const std::string& file) {
    const auto scenario = fixture("agree/scenario.geojson").string();
    const auto plan = fixture("agree/plan.json").string();
    const auto out = (dir_ / "out.json").string();
    const auto key = (dir_ / "a.key").string();
    return {
        {"import", "-q", file, "-o", (dir_ / "x.graph").string()},
        {"import", "-q", (dir_ / "map.osm.pbf").string(), "--profile", file, "-o", (dir_ / "x.graph").string()},
        {"plan", graph_, file, "-o", out},
        {"route", graph_, "--from", "0,0", "--to", "0,0", "--scenario", file},
        {"agree", "propose", file, "--scenario", scenario, "-o", out},
        {"agree", "propose", plan, "--scenario", file, "-o", out},
        {"agree", "sign", file, "--key", key},
        {"agree", "verify", file},
        {"agree", "diff", file, file},
        {"agree", "register", "--registry", (dir_ / "reg.json").string(), "--pub", file},
        {"agree", "register", "--registry", file, "--pub", (dir_ / "a.pub").string()},
    };
  }

  void expect_refused(const std::string& file, const std::string& why) {
    for (const auto& args : readers(file)) {
      const auto r = run_corridor(args);
      std::string line;
      for (const auto& a : args) line += a + " ";
      EXPECT_EQ(r.exit_code, 2) << why << ": " << line << "\n" << r.err;
      EXPECT_FALSE(r.err.empty()) << line;
    }
  }

  TempDir dir_;
  std::string graph_;
};

TEST_F(CliHostileJson, NumbersOutOfRangeAreBadInput) {
  expect_refused(
      write("big.json", R"({"type": "FeatureCollection", "features": [], "corridor": {"horizon_hours": 1e309},
    "version": 1e309, "classes": 1e309, "movements": 1e309})"),
      "1e309");
}

TEST_F(CliHostileJson, DeepNestingIsBadInput) {
  const auto file = write("deep.json", std::string(50000, '[') + std::string(50000, ']'));
  expect_refused(file, "nesting");
  const auto r = run_corridor({"plan", graph_, file, "-o", (dir_ / "out.json").string()});
  EXPECT_TRUE(has(r.err, "nested deeper than")) << r.err;
}

TEST_F(CliHostileJson, CheckCallsAnUnreadablePlanAFormatViolation) {
  const auto scenario = fixture("agree/scenario.geojson").string();
  for (const auto& text : {std::string(R"({"movements": 1e309})"), std::string(50000, '[') + std::string(50000, ']')}) {
    const auto r = run_corridor({"check", graph_, scenario, write("plan.json", text)});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(has(r.out, "format: ")) << r.out;
  }
}

}  // namespace
}  // namespace corridor::testing

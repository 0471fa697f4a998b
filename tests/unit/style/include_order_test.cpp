// The module order of STYLE.md, read from the include lines of include/ and
// src/: a module includes only itself and the modules below it, so that the
// dependency direction holds without anyone watching. The plan checker
// shares nothing with the planner on purpose, so check/ never includes plan/.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;

// Lowest first; modules on one level do not include each other.
const std::vector<std::vector<std::string>> k_levels = {
    {"geo", "crypto"}, {"osm"},    {"graph"},   {"route"}, {"scenario"}, {"plan"},  {"check"},
    {"agree"},         {"ledger"}, {"monitor"}, {"ops"},   {"sim"},      {"server"}};

int level_of(const std::string& module) {
  for (std::size_t i = 0; i < k_levels.size(); ++i) {
    if (std::find(k_levels[i].begin(), k_levels[i].end(), module) != k_levels[i].end()) return static_cast<int>(i);
  }
  return -1;
}

struct Include {
  std::string file;  // relative to the source tree
  int line = 0;
  std::string from;  // the including module
  std::string to;    // the included module
};

// Every include of a module header: "corridor/<module>/..." or, from src/,
// a private header "<module>/...". Top-level corridor/*.hpp (error, json)
// sit below every module.
std::vector<Include> module_includes(const fs::path& root) {
  std::vector<Include> out;
  const std::regex include_line(R"(^\s*#\s*include\s*"([^"]+)\")");
  for (const char* top : {"include/corridor", "src"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      if (!entry.is_regular_file()) continue;
      const auto relative = fs::relative(entry.path(), root / top);
      if (std::distance(relative.begin(), relative.end()) < 2) continue;  // corridor/error.hpp
      const std::string from = relative.begin()->string();
      std::ifstream in(entry.path());
      std::string text;
      for (int n = 1; std::getline(in, text); ++n) {
        std::smatch m;
        if (!std::regex_search(text, m, include_line)) continue;
        std::string target = m[1].str();
        if (target.rfind("corridor/", 0) == 0) target = target.substr(9);
        const auto slash = target.find('/');
        if (slash == std::string::npos) continue;
        const auto to = target.substr(0, slash);
        if (level_of(to) < 0) continue;
        out.push_back({fs::relative(entry.path(), root).string(), n, from, to});
      }
    }
  }
  return out;
}

TEST(IncludeOrder, EveryModuleIncludesOnlyItselfAndModulesBelowIt) {
  const auto includes = module_includes(CORRIDOR_SOURCE_DIR);
  ASSERT_GT(includes.size(), 100u);  // the tree was read
  for (const auto& i : includes) {
    ASSERT_GE(level_of(i.from), 0) << i.file << ": folder " << i.from << " is not a module of STYLE.md";
    if (i.from == i.to) continue;
    EXPECT_LT(level_of(i.to), level_of(i.from))
        << i.file << ":" << i.line << ": " << i.from << " includes " << i.to << ", which is not below it";
    EXPECT_FALSE(i.from == "check" && i.to == "plan") << i.file << ":" << i.line << ": the checker is independent";
  }
}

TEST(IncludeOrder, TheCheckFindsAnUpwardInclude) {
  const auto dir = fs::temp_directory_path() / "corridor-include-order-test";
  fs::remove_all(dir);
  fs::create_directories(dir / "include/corridor/route");
  fs::create_directories(dir / "src/route");
  std::ofstream(dir / "src/route/x.cpp") << "#include \"corridor/scenario/scenario.hpp\"\n";
  const auto includes = module_includes(dir);
  ASSERT_EQ(includes.size(), 1u);
  EXPECT_GT(level_of(includes[0].to), level_of(includes[0].from));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace corridor::testing

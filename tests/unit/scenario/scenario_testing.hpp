#pragma once
// Helpers shared by the scenario tests: the valid fixture as a JSON document
// to break one field at a time, and assertions on the problems reported.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "corridor/error.hpp"
#include "corridor/scenario/scenario.hpp"

namespace corridor::scenario::test {

using Json = nlohmann::json;

inline std::filesystem::path fixtures() {
  return (std::filesystem::path(__FILE__).parent_path() / "../../fixtures/scenarios").lexically_normal();
}

inline std::filesystem::path shipped_scenarios() {
  return (std::filesystem::path(__FILE__).parent_path() / "../../../../shared/data/scenarios").lexically_normal();
}

// tests/fixtures/scenarios/valid.geojson: the example of DESIGN.md. Its
// features are, in order: origin old-town, destination north-camp, hazard
// shelling-1, ceasefire cf-1, checkpoint cp-1, area front-west.
inline Json valid_document() {
  std::ifstream in(fixtures() / "valid.geojson");
  std::ostringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

inline Scenario parse(const Json& document) { return parse_scenario(document.dump(), "test.geojson"); }

// Every problem reported for the document (none when it is valid).
inline std::vector<Problem> problems_of(const Json& document) {
  try {
    parse(document);
  } catch (const ValidationError& e) {
    return e.problems();
  }
  return {};
}

inline std::string describe(const std::vector<Problem>& problems) {
  std::string text;
  for (const auto& p : problems) text += "\n  " + p.path + ": " + p.message;
  return problems.empty() ? "no problems" : text;
}

// Succeeds when the document has exactly this one problem.
inline ::testing::AssertionResult only_problem(const Json& document, const std::string& path,
                                               const std::string& message) {
  const auto problems = problems_of(document);
  if (problems.size() == 1 && problems[0].path == path && problems[0].message == message) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected only\n  " << path << ": " << message << "\ngot"
                                       << describe(problems);
}

inline ::testing::AssertionResult no_problems(const Json& document) {
  const auto problems = problems_of(document);
  if (problems.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "unexpected problems" << describe(problems);
}

}  // namespace corridor::scenario::test

// Robustness: randomly damaged plans (values replaced by other JSON types,
// members removed, arrays truncated) are reported as violations, never as
// a crash or an exception.
#include <random>

#include "check_testing.hpp"

namespace corridor::check::testing {
namespace {

// Every JSON pointer into the document.
void pointers(const json& value, const std::string& at, std::vector<std::string>& out) {
  out.push_back(at);
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) pointers(child, at + "/" + key, out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) pointers(value[i], at + "/" + std::to_string(i), out);
  }
}

TEST(PlanMutation, DamagedPlansAreReportedNotThrown) {
  const auto scenario = base_scenario();
  const auto plan = base_plan();
  std::vector<std::string> places;
  pointers(plan, "", places);
  std::uint64_t seed = 20221105;
  if (const char* s = std::getenv("CORRIDOR_TEST_SEED")) seed = std::strtoull(s, nullptr, 10);
  std::mt19937_64 rng(seed);
  const std::vector<json> replacements = {nullptr, true, -1, 0, 1e300, "x", json::array(), json::object(), 4.5};
  int flagged = 0;
  for (int round = 0; round < 600; ++round) {
    json damaged = plan;
    for (int e = 0; e < 1 + static_cast<int>(rng() % 3); ++e) {
      const std::string at = places[1 + rng() % (places.size() - 1)];
      const json::json_pointer ptr(at);
      if (!damaged.contains(ptr)) continue;
      json& parent = damaged.at(ptr.parent_pointer());
      if (rng() % 3 != 0) {
        damaged[ptr] = replacements[rng() % replacements.size()];
      } else if (parent.is_object()) {
        parent.erase(ptr.back());
      } else {
        parent.erase(static_cast<std::size_t>(std::stoul(ptr.back())));
      }
    }
    CheckReport report;
    ASSERT_NO_THROW(report = run_check(scenario, damaged)) << "round " << round << " seed " << seed << "\n"
                                                           << damaged.dump();
    flagged += report.valid() ? 0 : 1;
  }
  EXPECT_GT(flagged, 500);
}

}  // namespace
}  // namespace corridor::check::testing

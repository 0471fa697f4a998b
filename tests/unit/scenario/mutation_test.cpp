// Robustness: thousands of randomly damaged scenarios (bytes flipped,
// deleted, duplicated, truncated) must each parse or be refused with a
// corridor error, never crash, hang or throw anything else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "corridor/error.hpp"
#include "corridor/scenario/scenario.hpp"

namespace corridor::scenario {
namespace {

std::string shipped(const char* name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "../../../../shared/data/scenarios" / name;
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ScenarioMutation, DamagedScenariosAreRefusedCleanly) {
  const std::string original = shipped("andorra-exercise.geojson");
  ASSERT_FALSE(original.empty());
  std::uint64_t seed = 20221105;
  if (const char* s = std::getenv("CORRIDOR_TEST_SEED")) seed = std::strtoull(s, nullptr, 10);
  std::mt19937_64 rng(seed);
  const std::string alphabet = "{}[]\",:0123456789.-+eE truefalsnu\\/Z\n";
  int parsed = 0, refused = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = original;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        case 2:
          text.insert(at, text.substr(at, std::min<std::size_t>(16, text.size() - at)));
          break;
        default:
          text.resize(at);
          break;
      }
    }
    try {
      parse_scenario(text, "mutated.geojson");
      ++parsed;
    } catch (const Error&) {
      ++refused;
    } catch (const std::exception& e) {
      FAIL() << "round " << round << " (seed " << seed << "): not a corridor error: " << e.what();
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(parsed + refused, 3000);
}

}  // namespace
}  // namespace corridor::scenario

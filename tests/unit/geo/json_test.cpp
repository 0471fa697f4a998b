#include "corridor/json.hpp"

#include <gtest/gtest.h>

#include "corridor/error.hpp"

namespace corridor::json {
namespace {

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(Json, DepthIsBoundedBeforeParsing) {
  EXPECT_FALSE(depth_problem(nested(k_max_depth)));
  const auto problem = depth_problem(nested(k_max_depth + 1));
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem, "nested deeper than 64 levels (at byte 64)");
  EXPECT_TRUE(depth_problem(R"({"a": {"b": [[1]]}})", 3));
  EXPECT_FALSE(depth_problem(R"({"a": {"b": [1]}})", 3));
}

TEST(Json, BracketsInsideStringsDoNotCount) {
  const std::string text = R"({"a": "[[[[\"[[[[", "b": "\\"})";
  EXPECT_FALSE(depth_problem(text, 1));
  EXPECT_EQ(parse(text, "t")["b"], "\\");
}

TEST(Json, EveryFailureIsAnInputErrorNamingTheSource) {
  for (const std::string& text :
       {std::string("[1e309]"), std::string("{"), std::string("nul"), nested(50000), std::string("[1] [2]")}) {
    try {
      parse(text, "plan.json");
      ADD_FAILURE() << text.substr(0, 20) << " parsed";
    } catch (const InputError& e) {
      EXPECT_EQ(e.path(), "plan.json");
      EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
    }
    std::string why;
    EXPECT_FALSE(try_parse(text, &why));
    EXPECT_FALSE(why.empty());
  }
  EXPECT_EQ(parse("[1e308]", "t")[0].get<double>(), 1e308);
}

}  // namespace
}  // namespace corridor::json

// Malformed plans are reported as "format" violations naming the field,
// never as a crash or an exception.
#include <set>

#include "check_testing.hpp"

namespace corridor::check::testing {
namespace {

using Found = std::vector<std::string>;

TEST(CheckFormat, PlanThatIsNotAnObject) {
  const auto report = run_check(base_scenario(), json::array({1, 2}));
  EXPECT_EQ(found(report), Found{" format"});
  EXPECT_EQ(report.violations[0].message, "a plan must be a JSON object, got array");
}

TEST(CheckFormat, MissingTopLevelFields) {
  const auto report = run_check(base_scenario(), json::object());
  EXPECT_EQ(found(report), (Found{"movements format", "start format", "summary format", "unmet format"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "movements"), "missing");
}

TEST(CheckFormat, WrongTypesInAMovement) {
  auto plan = base_plan();
  plan["movements"][0]["vehicles"] = "ten";
  plan["movements"][0].erase("path");
  plan["movements"][1]["people"] = -3;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report),
            (Found{"movements[0].path format", "movements[0].vehicles format", "movements[1].people format"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].vehicles"), "must be a positive integer, got \"ten\"");
  EXPECT_EQ(message_at(report, "movements[1].people"), "must be an integer >= 0, got -3");
}

TEST(CheckFormat, TimesThatDoNotMatchThePath) {
  auto plan = base_plan();
  plan["movements"][0]["times_s"] = {0, 20, 40};
  plan["movements"][1]["times_s"][2] = "later";
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), (Found{"movements[0].times_s format", "movements[1].times_s[2] format"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].times_s"),
            "has 3 entries but path has 4: there must be one time per node");
}

TEST(CheckFormat, NodeIdsMustBeIntegers) {
  auto plan = base_plan();
  plan["movements"][0]["path"][1] = "1001";
  plan["movements"][1]["path"][2] = 1002.5;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), (Found{"movements[0].path[1] format", "movements[1].path[2] format"})) << all_lines(report);
}

TEST(CheckFormat, UnknownOriginAndDestination) {
  auto plan = base_plan();
  plan["movements"][0]["origin"] = "nowhere";
  plan["movements"][1]["destination"] = 7;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), (Found{"movements[0].origin format", "movements[1].destination format"}))
      << all_lines(report);
  EXPECT_EQ(message_at(report, "movements[0].origin"), "no origin \"nowhere\" in the scenario (town)");
}

TEST(CheckFormat, UnmetEntriesAreChecked) {
  auto plan = base_plan();
  plan["unmet"] = {{{"origin", "town"}, {"people", 0}, {"reason", 5}}, "nobody", {{"people", 0}}};
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), (Found{"unmet[0].reason format", "unmet[1] format", "unmet[2].origin format"}))
      << all_lines(report);
}

TEST(CheckFormat, SummaryFieldsMustBeNumbers) {
  auto plan = base_plan();
  plan["summary"]["egress_s"] = "soon";
  plan["summary"].erase("upper_bound_people");
  plan["summary"]["lower_bound_s"] = "none";
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report),
            (Found{"summary.egress_s format", "summary.lower_bound_s format", "summary.upper_bound_people format"}))
      << all_lines(report);
}

TEST(CheckFormat, PlanForAnotherScenarioOrStart) {
  auto plan = base_plan();
  plan["scenario"] = "another city";
  plan["start"] = "2022-03-05T09:00:00Z";
  plan["time_step_s"] = 30;
  const auto report = run_check(base_scenario(), plan);
  EXPECT_EQ(found(report), (Found{"scenario scenario", "start scenario", "time_step_s scenario"})) << all_lines(report);
  EXPECT_EQ(message_at(report, "start"),
            "the plan starts at 2022-03-05T09:00:00Z but the scenario at 2022-03-05T08:00:00Z: every time in the "
            "plan would be off by 3600 s");
  plan["start"] = "5 March, 9am";
  EXPECT_EQ(message_at(run_check(base_scenario(), plan), "start").substr(0, 14), "not RFC 3339: ");
}

// Every field and every object or array of the valid plan replaced by values
// of every other type: the checker reports, and never throws.
TEST(CheckFormat, NoReplacedFieldMakesTheCheckerThrow) {
  const auto valid = base_plan();
  std::set<std::string> pointers;
  const auto flat = valid.flatten();
  for (const auto& [leaf, value] : flat.items()) {
    for (auto p = json::json_pointer(leaf); !p.empty(); p = p.parent_pointer()) pointers.insert(p.to_string());
  }
  const std::vector<json> replacements = {nullptr,
                                          "x",
                                          -1,
                                          1.5,
                                          json::array(),
                                          json::object(),
                                          json::array({1}),
                                          true,
                                          json(std::uint64_t{18446744073709551615u})};
  for (const auto& pointer : pointers) {
    for (const auto& replacement : replacements) {
      auto plan = valid;
      plan[json::json_pointer(pointer)] = replacement;
      SCOPED_TRACE(pointer + " = " + replacement.dump());
      EXPECT_NO_THROW({
        const auto report = run_check(base_scenario(), plan);
        for (const auto& v : report.violations) EXPECT_FALSE(v.constraint.empty());
      });
    }
  }
}

}  // namespace
}  // namespace corridor::check::testing

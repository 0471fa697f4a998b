// Validation of the "corridor" member: settings, parties and rules.
#include "scenario_testing.hpp"

namespace corridor::scenario::test {
namespace {

class Settings : public ::testing::Test {
 protected:
  Json doc = valid_document();
  Json& corridor = doc["corridor"];
};

TEST_F(Settings, NameIsARequiredNonEmptyString) {
  corridor["name"] = "";
  EXPECT_TRUE(only_problem(doc, "corridor.name", "must be a non-empty string, got \"\""));
  corridor["name"] = 5;
  EXPECT_TRUE(only_problem(doc, "corridor.name", "must be a string, got 5"));
  corridor.erase("name");
  EXPECT_TRUE(only_problem(doc, "corridor.name", "is required"));
}

TEST_F(Settings, MapMustBeAString) {
  corridor["map"] = 3;
  EXPECT_TRUE(only_problem(doc, "corridor.map", "must be a string, got 3"));
}

TEST_F(Settings, StartIsARequiredTimeWithOffset) {
  corridor["start"] = "2022-03-05T09:00:00";
  EXPECT_TRUE(only_problem(doc, "corridor.start", "must have a UTC offset (Z or ±HH:MM), got \"2022-03-05T09:00:00\""));
  corridor["start"] = "yesterday";
  EXPECT_TRUE(only_problem(doc, "corridor.start", "not RFC 3339: expected YYYY-MM-DDTHH:MM:SS, got \"yesterday\""));
  corridor["start"] = "2022-02-29T09:00:00Z";
  EXPECT_TRUE(only_problem(doc, "corridor.start", "day out of range for the month, got \"2022-02-29T09:00:00Z\""));
  corridor["start"] = 1646463600;
  EXPECT_TRUE(only_problem(doc, "corridor.start", "must be an RFC 3339 time string, got 1646463600"));
  corridor.erase("start");
  EXPECT_TRUE(only_problem(doc, "corridor.start", "is required"));
}

TEST_F(Settings, TimezoneMustBeKnown) {
  corridor["timezone"] = "Mars/Olympus_Mons";
  EXPECT_TRUE(only_problem(doc, "corridor.timezone", "unknown IANA time zone \"Mars/Olympus_Mons\""));
  corridor["timezone"] = "../../../etc/passwd";
  EXPECT_TRUE(only_problem(doc, "corridor.timezone", "unknown IANA time zone \"../../../etc/passwd\""));
  corridor["timezone"] = 2;
  EXPECT_TRUE(only_problem(doc, "corridor.timezone", "must be a string, got 2"));
}

TEST_F(Settings, HorizonIsAPositiveNumberOfAtMost720Hours) {
  const std::string message = "must be a number of hours greater than 0 and at most 720, got ";
  for (const Json& bad : {Json(0), Json(-1), Json(720.5), Json("24"), Json(nullptr)}) {
    corridor["horizon_hours"] = bad;
    EXPECT_TRUE(only_problem(doc, "corridor.horizon_hours", message + bad.dump()));
  }
  corridor["horizon_hours"] = 720;
  EXPECT_EQ(parse(doc).horizon_hours, 720);
  corridor["horizon_hours"] = 0.5;
  EXPECT_EQ(parse(doc).horizon_hours, 0.5);
  corridor.erase("horizon_hours");
  EXPECT_TRUE(only_problem(doc, "corridor.horizon_hours", "is required"));
}

TEST_F(Settings, TimeStepIsAPositiveIntegerOfAtMost3600) {
  corridor["time_step_s"] = 0;
  EXPECT_TRUE(only_problem(doc, "corridor.time_step_s", "must be a positive integer, got 0"));
  corridor["time_step_s"] = 1.5;
  EXPECT_TRUE(only_problem(doc, "corridor.time_step_s", "must be a positive integer, got 1.5"));
  corridor["time_step_s"] = 7200;
  EXPECT_TRUE(only_problem(doc, "corridor.time_step_s", "must be at most 3600, got 7200"));
  corridor["time_step_s"] = 30.0;
  EXPECT_EQ(parse(doc).time_step_s, 30);
  corridor["time_step_s"] = 3600;
  EXPECT_EQ(parse(doc).time_step_s, 3600);
}

TEST_F(Settings, UnknownKeysAreReported) {
  corridor["horizon"] = 24;
  EXPECT_TRUE(only_problem(doc, "corridor.horizon",
                           "unknown key; allowed: name, map, start, timezone, horizon_hours, time_step_s, parties, "
                           "rules"));
  corridor.erase("horizon");
  corridor["time step"] = 60;
  EXPECT_EQ(problems_of(doc).at(0).path, "corridor[\"time step\"]");
}

TEST_F(Settings, PartiesAreARequiredNonEmptyArray) {
  corridor["parties"] = Json::array();
  EXPECT_TRUE(only_problem(doc, "corridor.parties", "must list at least one party, got []"));
  corridor["parties"] = "A, B";
  EXPECT_TRUE(only_problem(doc, "corridor.parties", "must be an array, got \"A, B\""));
  corridor.erase("parties");
  EXPECT_TRUE(only_problem(doc, "corridor.parties", "is required"));
}

TEST_F(Settings, EachPartyHasAnIdAndMayHaveAName) {
  corridor["parties"][1].erase("id");
  EXPECT_TRUE(only_problem(doc, "corridor.parties[1].id", "is required"));
  corridor["parties"][1]["id"] = "";
  EXPECT_TRUE(only_problem(doc, "corridor.parties[1].id", "must be a non-empty string, got \"\""));
  corridor["parties"][1]["id"] = "B";
  corridor["parties"][0].erase("name");
  EXPECT_EQ(parse(doc).parties[0].name, parse(doc).parties[0].id);  // defaults to the id
  corridor["parties"][0]["name"] = "";
  EXPECT_TRUE(only_problem(doc, "corridor.parties[0].name", "must be a non-empty string, got \"\""));
  corridor["parties"][0]["name"] = "Party A";
  corridor["parties"][0]["role"] = 3;
  EXPECT_TRUE(only_problem(doc, "corridor.parties[0].role", "must be a string, got 3"));
  corridor["parties"][0] = "A";
  EXPECT_TRUE(only_problem(doc, "corridor.parties[0]", "must be an object, got \"A\""));
}

TEST_F(Settings, PartyIdsAreUnique) {
  corridor["parties"][2]["id"] = "A";
  EXPECT_TRUE(only_problem(doc, "corridor.parties[2].id", "duplicate party id \"A\" (also corridor.parties[0])"));
}

TEST_F(Settings, PartiesHaveNoUnknownKeys) {
  corridor["parties"][0]["rol"] = "mediator";
  EXPECT_TRUE(only_problem(doc, "corridor.parties[0].rol", "unknown key; allowed: id, name, role"));
}

TEST_F(Settings, RulesMustBeAnArrayOfObjects) {
  corridor["rules"] = Json::object();
  EXPECT_TRUE(only_problem(doc, "corridor.rules", "must be an array, got {}"));
  corridor["rules"] = {"A forbids B"};
  EXPECT_TRUE(only_problem(doc, "corridor.rules[0]", "must be an object, got \"A forbids B\""));
}

TEST_F(Settings, RulePartyMustBeKnown) {
  corridor["rules"][0]["party"] = "C";
  EXPECT_TRUE(only_problem(doc, "corridor.rules[0].party", "unknown party \"C\"; parties: A, B, M"));
  corridor["rules"][0].erase("party");
  EXPECT_TRUE(only_problem(doc, "corridor.rules[0].party", "is required"));
}

TEST_F(Settings, RuleForbidIsARequiredObject) {
  corridor["rules"][0].erase("forbid");
  EXPECT_TRUE(only_problem(doc, "corridor.rules[0].forbid", "is required"));
  corridor["rules"][0]["forbid"] = {"B"};
  EXPECT_TRUE(only_problem(doc, "corridor.rules[0].forbid", "must be an object, got [\"B\"]"));
}

TEST_F(Settings, RuleAndForbidHaveNoUnknownKeys) {
  corridor["rules"][0]["forbids"] = corridor["rules"][0]["forbid"];
  corridor["rules"][0].erase("forbid");
  const auto problems = problems_of(doc);
  ASSERT_EQ(problems.size(), 2U) << describe(problems);
  EXPECT_EQ(problems[0].path, "corridor.rules[0].forbids");
  EXPECT_EQ(problems[0].message, "unknown key; allowed: party, forbid");
  EXPECT_EQ(problems[1].path, "corridor.rules[0].forbid");
  EXPECT_EQ(problems[1].message, "is required");

  doc = valid_document();
  doc["corridor"]["rules"][1]["forbid"]["area"] = {"front-west"};
  EXPECT_TRUE(only_problem(doc, "corridor.rules[1].forbid.area",
                           "unknown key; allowed: destinations_controlled_by, areas, checkpoints_operated_by, "
                           "depots_controlled_by, aid_inbound"));
}

TEST_F(Settings, RulesMayForbidDepotsAndAid) {
  corridor["rules"][0]["forbid"]["depots_controlled_by"] = {"B"};
  corridor["rules"][0]["forbid"]["aid_inbound"] = true;
  const Scenario s = parse(doc);
  EXPECT_EQ(s.rules[0].forbid_depots_controlled_by, std::vector<std::string>{"B"});
  EXPECT_TRUE(s.rules[0].forbid_aid_inbound);
  EXPECT_FALSE(s.rules[1].forbid_aid_inbound);
  corridor["rules"][0]["forbid"]["aid_inbound"] = "yes";
  EXPECT_TRUE(only_problem(doc, "corridor.rules[0].forbid.aid_inbound", "must be true or false, got \"yes\""));
}

TEST_F(Settings, ForbiddenPartiesMustBeKnown) {
  corridor["rules"][0]["forbid"]["destinations_controlled_by"] = {"B", "X"};
  EXPECT_TRUE(only_problem(doc, "corridor.rules[0].forbid.destinations_controlled_by[1]",
                           "unknown party \"X\"; parties: A, B, M"));
  doc = valid_document();
  doc["corridor"]["rules"][1]["forbid"]["checkpoints_operated_by"] = "A";
  EXPECT_TRUE(only_problem(doc, "corridor.rules[1].forbid.checkpoints_operated_by", "must be an array, got \"A\""));
}

TEST_F(Settings, ForbiddenAreasMustBeAreaFeatures) {
  corridor["rules"][1]["forbid"]["areas"] = {"nowhere"};
  EXPECT_TRUE(only_problem(doc, "corridor.rules[1].forbid.areas[0]", "unknown area \"nowhere\"; areas: front-west"));
  corridor["rules"][1]["forbid"]["areas"] = {"front-west", "old-town"};
  EXPECT_TRUE(only_problem(doc, "corridor.rules[1].forbid.areas[1]", "\"old-town\" is an origin, not an area"));
  corridor["rules"][1]["forbid"]["areas"] = {3};
  EXPECT_TRUE(only_problem(doc, "corridor.rules[1].forbid.areas[0]", "must be a string, got 3"));
}

TEST_F(Settings, ForbiddenAreaWithoutAnyAreaFeature) {
  doc["features"].erase(5);
  EXPECT_TRUE(only_problem(doc, "corridor.rules[1].forbid.areas[0]",
                           "unknown area \"front-west\"; the scenario has no area features"));
}

TEST_F(Settings, BrokenPartiesAreNotReportedAgainWhereTheyAreUsed) {
  corridor.erase("parties");
  EXPECT_TRUE(only_problem(doc, "corridor.parties", "is required"));
}

}  // namespace
}  // namespace corridor::scenario::test

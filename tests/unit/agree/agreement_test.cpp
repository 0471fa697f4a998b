// Agreements made from a plan: corridors, windows, versions, verdicts.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "corridor/agree/agreement.hpp"
#include "corridor/agree/jcs.hpp"
#include "corridor/error.hpp"
#include "test_support.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;

Json plan() { return Json::parse(std::ifstream(testing::fixture("agree/plan.json"))); }
scenario::Scenario valley() { return scenario::load_scenario(testing::fixture("agree/scenario.geojson")); }

// Nodes 1..5 about 1.64 km apart along a parallel; 10..12 elsewhere.
MapLookup test_map() {
  static const std::map<std::int64_t, geo::LonLat> nodes = {{1, {1.50, 42.5}},  {2, {1.52, 42.5}},   {3, {1.54, 42.5}},
                                                            {4, {1.56, 42.5}},  {5, {1.54, 42.501}}, {10, {1.50, 42.4}},
                                                            {11, {1.52, 42.4}}, {12, {1.54, 42.4}}};
  MapLookup map;
  map.where = [](std::int64_t node) -> std::optional<geo::LonLat> {
    const auto it = nodes.find(node);
    return it == nodes.end() ? std::nullopt : std::optional(it->second);
  };
  map.way = [](std::int64_t from, std::int64_t) -> std::optional<std::int64_t> { return 1000 + from; };
  return map;
}

TEST(Propose, CorridorsGroupMovementsByRoute) {
  const auto doc = propose_agreement(plan(), valley(), std::nullopt);
  EXPECT_EQ(doc["type"], "corridor-agreement");
  EXPECT_EQ(doc["version"], 1);
  EXPECT_TRUE(doc["replaces"].is_null());
  EXPECT_EQ(doc["scenario"], "Agreement test valley");
  EXPECT_EQ(doc["timezone"], "Europe/Andorra");
  EXPECT_EQ(doc["start"], "2022-03-05T08:00:00Z");
  EXPECT_EQ(doc["end"], "2022-03-05T20:00:00Z");
  EXPECT_EQ(doc["signatories"], Json({"A", "B"}));  // the mediator proposes, the parties sign
  EXPECT_EQ(doc["parties"][2], Json({{"id", "M"}, {"name", "Mediator"}, {"role", "mediator"}}));
  const auto& c = doc["corridors"];
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0]["id"], "c1");
  EXPECT_EQ(c[0]["route"]["nodes"], Json({1, 2, 5, 4}));
  EXPECT_EQ(c[0]["vehicles"], 2);
  EXPECT_EQ(c[1]["route"]["nodes"], Json({1, 2, 3, 4}));
  EXPECT_EQ(c[1]["vehicles"], 8);
  EXPECT_EQ(c[1]["people"], 320);
  EXPECT_EQ(c[1]["departures"], Json({{"first", "2022-03-05T08:00:00Z"}, {"last", "2022-03-05T08:01:00Z"}}));
  EXPECT_EQ(c[1]["arrivals"], Json({{"first", "2022-03-05T08:03:00Z"}, {"last", "2022-03-05T08:04:00Z"}}));
  EXPECT_EQ(c[2]["origin"], "river");
  EXPECT_EQ(c[2]["destination"], "east-camp");
  EXPECT_EQ(c[2]["arrivals"]["last"], "2022-03-05T08:08:20Z");
  EXPECT_EQ(c[2]["route"]["waypoints"],
            Json::parse(R"([{"node": 10, "name": "river"}, {"node": 12, "name": "east-camp"}])"));
  const auto& w = doc["windows"][0];
  EXPECT_EQ(w["ceasefire"], "valley");
  ASSERT_EQ(w["windows"].size(), 2u);
  EXPECT_EQ(w["windows"][0], Json({{"from", "2022-03-05T08:00:00Z"},
                                   {"until", "2022-03-05T18:00:00Z"},
                                   {"from_local", "2022-03-05T09:00:00+01:00"},
                                   {"until_local", "2022-03-05T19:00:00+01:00"}}));
  EXPECT_EQ(doc["destinations"][0],
            Json({{"id", "north-camp"}, {"controlled_by", "A"}, {"capacity", 1000}, {"people", 400}}));
  EXPECT_EQ(doc["destinations"][1]["people"], 200);
  EXPECT_EQ(doc["checkpoints"][0], Json({{"id", "bridge"}, {"operated_by", "B"}, {"vehicles_per_hour", 240.0}}));
  EXPECT_EQ(doc["hazards"][0],
            Json({{"id", "shelling"}, {"from", "2022-03-05T10:00:00Z"}, {"until", "2022-03-05T12:30:00Z"}}));
  EXPECT_EQ(doc["unmet"][0]["people"], 40);
  EXPECT_EQ(doc["plan"]["hash"], content_hash(plan()));
  EXPECT_NO_THROW(canonical_json(doc));
}

TEST(Propose, WaypointsWithAMapEveryTwoKilometres) {
  const auto map = test_map();
  ProposeOptions options;
  options.map = &map;
  const auto doc = propose_agreement(plan(), valley(), std::nullopt, options);
  const auto& route = doc["corridors"][1]["route"];
  const auto& w = route["waypoints"];
  ASSERT_EQ(w.size(), 3u) << w.dump();
  EXPECT_EQ(w[0]["node"], 1);
  EXPECT_EQ(w[0]["name"], "old-town");
  EXPECT_EQ(w[0]["lon"], 1.5);
  EXPECT_EQ(w[0]["km"], 0.0);
  EXPECT_EQ(w[0]["way"], 1001);
  EXPECT_EQ(w[1]["node"], 3);  // 3.3 km along: the first node at least 2 km on
  EXPECT_NEAR(w[1]["km"].get<double>(), 3.28, 0.01);
  EXPECT_EQ(w[2]["node"], 4);
  EXPECT_EQ(w[2]["name"], "north-camp");
  EXPECT_FALSE(w[2].contains("way"));
  EXPECT_NEAR(route["length_km"].get<double>(), 4.92, 0.01);
}

TEST(Propose, RejectsAPlanThatDoesNotFitTheScenario) {
  auto p = plan();
  p["scenario"] = "another";
  EXPECT_THROW(propose_agreement(p, valley(), std::nullopt), InputError);
  p = plan();
  p["movements"][2]["destination"] = "nowhere";
  try {
    propose_agreement(p, valley(), std::nullopt);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "movements[2].destination");
  }
  p = plan();
  p["movements"][0]["times_s"].erase(0);
  EXPECT_THROW(propose_agreement(p, valley(), std::nullopt), InputError);
  const auto empty = test_map();
  ProposeOptions options;
  MapLookup nothing{[](std::int64_t) { return std::optional<geo::LonLat>(); }, empty.way};
  options.map = &nothing;
  EXPECT_THROW(propose_agreement(plan(), valley(), std::nullopt, options), InputError);
  options.map = nullptr;
  options.signatories = {"A", "Z"};
  EXPECT_THROW(propose_agreement(plan(), valley(), std::nullopt, options), InputError);
}

TEST(Propose, NextVersionNamesTheOneItReplaces) {
  const auto v1 = make_signed(propose_agreement(plan(), valley(), std::nullopt));
  const auto v2 = propose_agreement(plan(), valley(), v1);
  EXPECT_EQ(v2["version"], 2);
  EXPECT_EQ(v2["replaces"], content_hash(payload_of(v1)));
  const auto v3 = propose_agreement(plan(), valley(), make_signed(v2));
  EXPECT_EQ(v3["version"], 3);
  EXPECT_THROW(propose_agreement(plan(), valley(), Json{{"type", "something else"}}), InputError);
}

class Status : public ::testing::Test {
 protected:
  void SetUp() override {
    register_key(registry_, a_.public_key(), "Party A", std::nullopt);
    register_key(registry_, b_.public_key(), "Party B", std::nullopt);
  }
  SecretKey a_ = generate_key("A");
  SecretKey b_ = generate_key("B");
  Registry registry_;
};

TEST_F(Status, InForceOnlyWhenEverySignatorySigned) {
  auto doc = make_signed(propose_agreement(plan(), valley(), std::nullopt));
  add_signature(doc, a_);
  auto status = check_agreement(doc, registry_);
  EXPECT_TRUE(status.all_valid());
  EXPECT_FALSE(status.in_force());
  EXPECT_EQ(status.missing, std::vector<std::string>{"B"});
  EXPECT_EQ(describe(status).back(), "NOT IN FORCE: missing B (Party B)");
  add_signature(doc, b_);
  status = check_agreement(doc, registry_);
  EXPECT_TRUE(status.in_force());
  EXPECT_EQ(describe(status).back(), "IN FORCE: every signatory has signed version 1 (A, B)");
  EXPECT_EQ(to_json(status)["in_force"], true);
  EXPECT_EQ(to_json(status)["hash"], content_hash(payload_of(doc)));
}

TEST_F(Status, OldSignaturesDoNotPutANewVersionInForce) {
  auto v1 = make_signed(propose_agreement(plan(), valley(), std::nullopt));
  add_signature(v1, a_);
  add_signature(v1, b_);
  auto v2 = make_signed(propose_agreement(plan(), valley(), v1));
  v2["signatures"] = v1["signatures"];
  const auto status = check_agreement(v2, registry_);
  EXPECT_FALSE(status.all_valid());
  EXPECT_FALSE(status.in_force());
  EXPECT_EQ(status.missing, (std::vector<std::string>{"A", "B"}));
  const auto lines = describe(status);
  EXPECT_NE(lines[2].find("NOT VALID: signature is for version 1, not this version 2"), std::string::npos) << lines[2];
}

TEST(Diff, SaysWhatChangedInSentences) {
  const auto v1 = propose_agreement(plan(), valley(), std::nullopt);
  auto p = plan();
  p["movements"][3]["vehicles"] = 4;
  p["movements"][3]["people"] = 160;
  p["movements"][0]["path"] = Json({1, 2, 6, 7, 4});
  p["movements"][0]["times_s"] = Json({0.0, 60.0, 100.0, 150.0, 180.0});
  auto s = valley();
  s.ceasefires[0].windows[0].until -= std::chrono::hours(1);
  s.destinations.pop_back();
  p["movements"].erase(3);
  const auto v2 = propose_agreement(p, s, make_signed(v1));
  const auto lines = diff_agreements(make_signed(v1), v2);
  auto has = [&](const std::string& sentence) {
    return std::find(lines.begin(), lines.end(), sentence) != lines.end();
  };
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_EQ(lines[0], "version 2 replaces version 1 (" + content_hash(v1) + ")");
  EXPECT_TRUE(
      has("window 1 of valley ends 17:00 UTC (18:00 Europe/Andorra) instead of 18:00 UTC (19:00 Europe/Andorra)"))
      << all;
  EXPECT_TRUE(has("destination east-camp removed")) << all;
  EXPECT_TRUE(has("corridor c3 (river -> east-camp) removed (it carried 5 vehicles, 200 people)")) << all;
  // Matched by route first: the old c2 is now c3, the new c1 takes another road.
  EXPECT_TRUE(has("corridor c3 (was c2) (old-town -> north-camp): 3 vehicles instead of 8")) << all;
  EXPECT_TRUE(
      has("corridor c3 (was c2) (old-town -> north-camp): first departure 08:01 UTC (09:01 Europe/Andorra) "
          "instead of 08:00 UTC (09:00 Europe/Andorra)"))
      << all;
  EXPECT_TRUE(has("corridor c1 (old-town -> north-camp) added: 5 vehicles, 200 people")) << all;
  EXPECT_EQ(all.find("destination north-camp"), std::string::npos) << all;

  const auto same = diff_agreements(v1, v1);
  EXPECT_EQ(same.size(), 1u);
  EXPECT_NE(same[0].find("the same agreement"), std::string::npos);
  const auto unrelated = diff_agreements(v2, v1);
  EXPECT_NE(unrelated[0].find("does not follow this version 2"), std::string::npos) << unrelated[0];
}

TEST(Diff, RouteAndWindowChanges) {
  const auto v1 = propose_agreement(plan(), valley(), std::nullopt);
  auto v2 = v1;
  v2["version"] = 2;
  v2["replaces"] = content_hash(v1);
  v2["corridors"][0]["route"]["nodes"] = Json({1, 2, 8, 9, 4});
  v2["windows"][0]["windows"].erase(1);
  v2["checkpoints"][0]["vehicles_per_hour"] = 120;
  v2["hazards"][0]["until"] = "2022-03-05T13:00:00Z";
  const auto lines = diff_agreements(v1, v2);
  auto has = [&](const std::string& sentence) {
    return std::find(lines.begin(), lines.end(), sentence) != lines.end();
  };
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_TRUE(has("route of corridor c1 changed: 5 nodes (was 4), 2 not on the old route")) << all;
  EXPECT_TRUE(
      has("window 2 of valley removed (it was from 2022-03-05 19:00 UTC (20:00 Europe/Andorra) until "
          "2022-03-05 20:00 UTC (21:00 Europe/Andorra))"))
      << all;
  EXPECT_EQ(lines.size(), 5u) << all;
  EXPECT_TRUE(has("checkpoint bridge: 120 vehicles per hour instead of 240")) << all;
  EXPECT_TRUE(
      has("hazard shelling: active until 13:00 UTC (14:00 Europe/Andorra) instead of 12:30 UTC (13:30 Europe/Andorra)"))
      << all;
}

}  // namespace
}  // namespace corridor::agree

#include "corridor/scenario/scenario.hpp"

#include "scenario_testing.hpp"

namespace corridor::scenario::test {
namespace {

constexpr geo::UnixSeconds k_march_5_0700z = geo::unix_seconds(1646463600);  // 2022-03-05T07:00:00Z

TEST(ParseScenario, ReadsEveryPartOfTheDesignExample) {
  const Scenario s = load_scenario(fixtures() / "valid.geojson");
  EXPECT_EQ(s.name, "Eastern city, day 1");
  EXPECT_EQ(s.map, "eastern-city.osm.pbf");
  EXPECT_EQ(s.start, k_march_5_0700z);
  EXPECT_EQ(s.start_offset_minutes, 120);
  EXPECT_EQ(s.timezone, "Europe/Berlin");
  EXPECT_EQ(s.horizon_hours, 24);
  EXPECT_EQ(s.end(), k_march_5_0700z + std::chrono::hours(24));
  EXPECT_EQ(s.time_step_s, 60);

  ASSERT_EQ(s.parties.size(), 3U);
  EXPECT_EQ(s.parties[2].id, "M");
  EXPECT_EQ(s.parties[2].name, "Mediator");
  EXPECT_EQ(s.parties[2].role, "mediator");
  EXPECT_EQ(s.parties[0].role, "");

  ASSERT_EQ(s.rules.size(), 2U);
  EXPECT_EQ(s.rules[0].party, "A");
  EXPECT_EQ(s.rules[0].forbid_destinations_controlled_by, std::vector<std::string>{"B"});
  EXPECT_TRUE(s.rules[0].forbid_areas.empty());
  EXPECT_EQ(s.rules[1].index, 1U);
  EXPECT_EQ(s.rules[1].forbid_areas, std::vector<std::string>{"front-west"});
  EXPECT_EQ(s.rules[1].forbid_checkpoints_operated_by, std::vector<std::string>{"A"});

  ASSERT_EQ(s.origins.size(), 1U);
  EXPECT_EQ(s.origins[0].id, "old-town");
  EXPECT_EQ(s.origins[0].index, 0U);
  EXPECT_DOUBLE_EQ(s.origins[0].where.lon, 1.52);
  EXPECT_DOUBLE_EQ(s.origins[0].where.lat, 42.51);
  EXPECT_EQ(s.origins[0].people, 12000);
  EXPECT_EQ(s.origins[0].vehicles(), 300);
  EXPECT_FALSE(s.origins[0].earliest_departure);

  ASSERT_EQ(s.destinations.size(), 1U);
  EXPECT_EQ(s.destinations[0].index, 1U);
  EXPECT_EQ(s.destinations[0].capacity, 20000);
  EXPECT_EQ(s.destinations[0].controlled_by, "A");

  ASSERT_EQ(s.hazards.size(), 1U);
  EXPECT_EQ(s.hazards[0].index, 2U);
  EXPECT_EQ(s.hazards[0].active.from, k_march_5_0700z + std::chrono::hours(2));
  EXPECT_EQ(s.hazards[0].active.until, k_march_5_0700z + std::chrono::hours(6));
  EXPECT_TRUE(s.hazards[0].area.contains({1.509, 42.501}));
  EXPECT_DOUBLE_EQ(s.hazards[0].area.min_corner().lon, 1.5);
  EXPECT_DOUBLE_EQ(s.hazards[0].area.max_corner().lat, 42.51);

  ASSERT_EQ(s.ceasefires.size(), 1U);
  ASSERT_EQ(s.ceasefires[0].windows.size(), 1U);
  EXPECT_EQ(s.ceasefires[0].windows[0].from, k_march_5_0700z);
  EXPECT_EQ(s.ceasefires[0].windows[0].until, k_march_5_0700z + std::chrono::hours(12));

  ASSERT_EQ(s.checkpoints.size(), 1U);
  EXPECT_EQ(s.checkpoints[0].index, 4U);
  EXPECT_DOUBLE_EQ(s.checkpoints[0].vehicles_per_hour, 60);
  EXPECT_EQ(s.checkpoints[0].operated_by, "B");

  ASSERT_EQ(s.areas.size(), 1U);
  EXPECT_EQ(s.areas[0].id, "front-west");
  EXPECT_EQ(s.areas[0].index, 5U);
}

TEST(ParseScenario, Lookups) {
  const Scenario s = parse(valid_document());
  ASSERT_NE(s.party("B"), nullptr);
  EXPECT_EQ(s.party("B")->name, "Party B");
  EXPECT_EQ(s.party("X"), nullptr);
  ASSERT_NE(s.area("front-west"), nullptr);
  EXPECT_EQ(s.area("front-west")->index, 5U);
  EXPECT_EQ(s.area("old-town"), nullptr);
}

TEST(ParseScenario, OptionalSettingsTakeTheirDefaults) {
  Json doc = valid_document();
  auto& corridor = doc["corridor"];
  corridor.erase("map");
  corridor.erase("timezone");
  corridor.erase("time_step_s");
  corridor.erase("rules");
  doc["features"][0]["properties"].erase("persons_per_vehicle");
  doc["features"][2]["properties"].erase("from");
  doc["features"][2]["properties"].erase("until");
  const Scenario s = parse(doc);
  EXPECT_EQ(s.map, "");
  EXPECT_EQ(s.timezone, "");
  EXPECT_EQ(s.time_step_s, 60);
  EXPECT_TRUE(s.rules.empty());
  EXPECT_EQ(s.origins[0].persons_per_vehicle, 40);
  EXPECT_EQ(s.hazards[0].active.from, k_always_from);
  EXPECT_EQ(s.hazards[0].active.until, k_always_until);
  EXPECT_TRUE(s.hazards[0].active.contains(geo::unix_seconds(0)));
}

TEST(ParseScenario, ReportsSeveralProblemsTogetherCorridorFirst) {
  try {
    load_scenario(fixtures() / "several-problems.geojson");
    FAIL() << "expected a ValidationError";
  } catch (const ValidationError& e) {
    const auto& p = e.problems();
    ASSERT_EQ(p.size(), 5U) << describe(p);
    EXPECT_EQ(p[0].path, "corridor.start");
    EXPECT_EQ(p[0].message, "must have a UTC offset (Z or ±HH:MM), got \"2022-03-05T09:00:00\"");
    EXPECT_EQ(p[1].path, "corridor.rules[0].party");
    EXPECT_EQ(p[1].message, "unknown party \"C\"; parties: A");
    EXPECT_EQ(p[2].path, "features[0].properties.people");
    EXPECT_EQ(p[2].message, "must be a positive integer, got -5");
    EXPECT_EQ(p[3].path, "features[1].properties.kind");
    EXPECT_EQ(p[4].path, "features[2].geometry.type");
    const std::string what = e.what();
    EXPECT_NE(what.find("several-problems.geojson: 5 problems"), std::string::npos) << what;
    EXPECT_NE(what.find("features[0].properties.people: must be a positive integer, got -5"), std::string::npos);
  }
}

TEST(ParseScenario, TextThatIsNotJsonIsAnInputErrorNamingSourceAndPosition) {
  try {
    load_scenario(fixtures() / "not-json.geojson");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("not-json.geojson"), std::string::npos) << what;
    EXPECT_NE(what.find("line 3, column 33"), std::string::npos) << what;
  }
  EXPECT_THROW(parse_scenario("", "empty.geojson"), InputError);
  EXPECT_THROW(parse_scenario("{\"a\": 1e999}", "huge.geojson"), InputError);
}

TEST(ParseScenario, TopLevelMustBeAFeatureCollectionObject) {
  EXPECT_TRUE(only_problem(Json::array(), "", "a scenario must be a GeoJSON FeatureCollection object, got []"));
  Json doc = valid_document();
  doc["type"] = "Feature";
  EXPECT_TRUE(only_problem(doc, "type", "must be \"FeatureCollection\", got \"Feature\""));
  doc.erase("type");
  EXPECT_TRUE(only_problem(doc, "type", "is required"));
}

TEST(ParseScenario, CorridorIsRequired) {
  Json doc = valid_document();
  doc.erase("corridor");
  EXPECT_TRUE(only_problem(doc, "corridor", "is required"));
  doc["corridor"] = 3;
  EXPECT_TRUE(only_problem(doc, "corridor", "must be an object, got 3"));
}

TEST(ParseScenario, FeaturesAreRequired) {
  Json doc = valid_document();
  doc.erase("features");
  EXPECT_TRUE(only_problem(doc, "features", "is required"));
  doc["features"] = Json::object();
  EXPECT_TRUE(only_problem(doc, "features", "must be an array, got {}"));
}

TEST(ParseScenario, GeoJsonForeignMembersAtTheTopAreAllowed) {
  Json doc = valid_document();
  doc["name"] = "layer";
  doc["crs"] = {{"type", "name"}, {"properties", {{"name", "urn:ogc:def:crs:OGC:1.3:CRS84"}}}};
  doc["bbox"] = {1.4, 42.4, 1.7, 42.6};
  EXPECT_TRUE(no_problems(doc));
}

TEST(LoadScenario, MissingFileIsAnIoError) {
  try {
    load_scenario(fixtures() / "no-such-file.geojson");
    FAIL() << "expected an IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-file.geojson"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_scenario(fixtures()), IoError);
}

TEST(ShippedScenarios, Andorra) {
  const Scenario s = load_scenario(shipped_scenarios() / "andorra-exercise.geojson");
  EXPECT_EQ(s.start, k_march_5_0700z + std::chrono::hours(1));
  EXPECT_EQ(s.start_offset_minutes, 60);
  EXPECT_EQ(s.timezone, "Europe/Andorra");
  EXPECT_EQ(s.horizon_hours, 12);
  EXPECT_EQ(s.parties.size(), 3U);
  EXPECT_EQ(s.rules.size(), 2U);
  EXPECT_EQ(s.origins.size(), 3U);
  EXPECT_EQ(s.destinations.size(), 3U);
  EXPECT_EQ(s.checkpoints.size(), 1U);
  EXPECT_EQ(s.hazards.size(), 1U);
  EXPECT_EQ(s.ceasefires.size(), 1U);
  EXPECT_EQ(s.areas.size(), 1U);
  ASSERT_EQ(s.origins.size(), 3U);
  EXPECT_EQ(s.origins[2].id, "encamp");
  EXPECT_EQ(s.origins[2].vehicles(), 750);
  EXPECT_EQ(s.origins[2].earliest_departure, k_march_5_0700z + std::chrono::hours(2));
  EXPECT_EQ(s.destinations[0].index, 3U);
  ASSERT_NE(s.area("northern-heights"), nullptr);
  EXPECT_EQ(s.rules[1].forbid_areas, std::vector<std::string>{"northern-heights"});
}

TEST(ShippedScenarios, Mannheim) {
  const Scenario s = load_scenario(shipped_scenarios() / "mannheim-exercise.geojson");
  EXPECT_EQ(s.start, k_march_5_0700z);
  EXPECT_EQ(s.timezone, "Europe/Berlin");
  EXPECT_EQ(s.horizon_hours, 24);
  EXPECT_EQ(s.parties.size(), 3U);
  EXPECT_EQ(s.rules.size(), 2U);
  EXPECT_EQ(s.origins.size(), 3U);
  EXPECT_EQ(s.destinations.size(), 4U);
  EXPECT_EQ(s.checkpoints.size(), 2U);
  EXPECT_EQ(s.hazards.size(), 1U);
  EXPECT_EQ(s.ceasefires.size(), 1U);
  EXPECT_TRUE(s.areas.empty());
  ASSERT_EQ(s.origins.size(), 3U);
  EXPECT_EQ(s.origins[1].vehicles(), 13334);
  EXPECT_EQ(s.rules[1].forbid_checkpoints_operated_by, std::vector<std::string>{"A"});
}

}  // namespace
}  // namespace corridor::scenario::test

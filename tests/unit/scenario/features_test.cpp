// Validation of features[*]: the Feature wrapper, ids, kinds and properties.
#include "scenario_testing.hpp"

namespace corridor::scenario::test {
namespace {

// Feature positions in valid.geojson.
constexpr std::size_t k_origin = 0;
constexpr std::size_t k_destination = 1;
constexpr std::size_t k_hazard = 2;
constexpr std::size_t k_ceasefire = 3;
constexpr std::size_t k_checkpoint = 4;

class Features : public ::testing::Test {
 protected:
  Json doc = valid_document();
  Json& feature(std::size_t i) { return doc["features"][i]; }
  Json& properties(std::size_t i) { return doc["features"][i]["properties"]; }
};

TEST_F(Features, EachFeatureIsAnObjectOfTypeFeature) {
  feature(k_origin)["type"] = "feature";
  EXPECT_TRUE(only_problem(doc, "features[0].type", "must be \"Feature\", got \"feature\""));
  feature(k_origin).erase("type");
  EXPECT_TRUE(only_problem(doc, "features[0].type", "is required"));
  feature(k_origin) = 5;
  EXPECT_TRUE(only_problem(doc, "features[0]", "must be an object, got 5"));
}

TEST_F(Features, PropertiesAndGeometryAreRequiredObjects) {
  feature(k_origin)["properties"] = nullptr;
  EXPECT_TRUE(only_problem(doc, "features[0].properties", "must be an object, got null"));
  feature(k_origin).erase("properties");
  EXPECT_TRUE(only_problem(doc, "features[0].properties", "is required"));
  doc = valid_document();
  feature(k_origin).erase("geometry");
  EXPECT_TRUE(only_problem(doc, "features[0].geometry", "is required"));
}

TEST_F(Features, KindMustBeKnown) {
  properties(k_origin)["kind"] = "shelter";
  EXPECT_TRUE(only_problem(
      doc, "features[0].properties.kind",
      "must be one of origin, destination, depot, pickup, hazard, ceasefire, checkpoint, area, got \"shelter\""));
  properties(k_origin).erase("kind");
  EXPECT_TRUE(only_problem(doc, "features[0].properties.kind", "is required"));
}

TEST_F(Features, IdIsARequiredNonEmptyString) {
  properties(k_origin)["id"] = "";
  EXPECT_TRUE(only_problem(doc, "features[0].properties.id", "must be a non-empty string, got \"\""));
  properties(k_origin).erase("id");
  EXPECT_TRUE(only_problem(doc, "features[0].properties.id", "is required"));
}

TEST_F(Features, IdsAreUniqueAcrossKinds) {
  properties(k_checkpoint)["id"] = "old-town";
  EXPECT_TRUE(only_problem(doc, "features[4].properties.id", "duplicate id \"old-town\" (also features[0])"));
}

TEST_F(Features, UnknownPropertiesAreAllowed) {
  properties(k_hazard)["stroke"] = "#ff0000";
  properties(k_hazard)["fill-opacity"] = 0.3;
  properties(k_origin)["note"] = nullptr;
  EXPECT_TRUE(no_problems(doc));
}

TEST_F(Features, OriginPeopleIsAPositiveInteger) {
  const std::string path = "features[0].properties.people";
  for (const Json& bad : {Json(-5), Json(0), Json(2.5), Json("12000"), Json(true)}) {
    properties(k_origin)["people"] = bad;
    EXPECT_TRUE(only_problem(doc, path, "must be a positive integer, got " + bad.dump()));
  }
  properties(k_origin)["people"] = 10'000'000'000'000;
  EXPECT_TRUE(only_problem(doc, path, "must be at most 1000000000000, got 10000000000000"));
  properties(k_origin)["people"] = 12000.0;
  EXPECT_EQ(parse(doc).origins[0].people, 12000);
  properties(k_origin).erase("people");
  EXPECT_TRUE(only_problem(doc, path, "is required"));
}

TEST_F(Features, OriginPersonsPerVehicleIsAPositiveInteger) {
  properties(k_origin)["persons_per_vehicle"] = 0;
  EXPECT_TRUE(only_problem(doc, "features[0].properties.persons_per_vehicle", "must be a positive integer, got 0"));
  properties(k_origin)["persons_per_vehicle"] = 3;
  EXPECT_EQ(parse(doc).origins[0].vehicles(), 4000);
}

TEST_F(Features, OriginEarliestDeparture) {
  properties(k_origin)["earliest_departure"] = "2022-03-05T09:00:00";
  EXPECT_TRUE(only_problem(doc, "features[0].properties.earliest_departure",
                           "must have a UTC offset (Z or ±HH:MM), got \"2022-03-05T09:00:00\""));
  properties(k_origin)["earliest_departure"] = "2022-03-05T09:00:00Z";
  EXPECT_EQ(parse(doc).origins[0].earliest_departure, geo::unix_seconds(1646470800));
}

TEST_F(Features, DestinationCapacityAndController) {
  properties(k_destination)["capacity"] = -1;
  EXPECT_TRUE(only_problem(doc, "features[1].properties.capacity", "must be a positive integer, got -1"));
  properties(k_destination).erase("capacity");
  EXPECT_TRUE(only_problem(doc, "features[1].properties.capacity", "is required"));
  properties(k_destination)["capacity"] = 100;
  properties(k_destination)["controlled_by"] = "C";
  EXPECT_TRUE(only_problem(doc, "features[1].properties.controlled_by", "unknown party \"C\"; parties: A, B, M"));
  properties(k_destination).erase("controlled_by");
  EXPECT_TRUE(only_problem(doc, "features[1].properties.controlled_by", "is required"));
}

TEST_F(Features, CheckpointRateAndOperator) {
  for (const Json& bad : {Json(0), Json(-60), Json("60")}) {
    properties(k_checkpoint)["vehicles_per_hour"] = bad;
    EXPECT_TRUE(
        only_problem(doc, "features[4].properties.vehicles_per_hour", "must be a positive number, got " + bad.dump()));
  }
  properties(k_checkpoint)["vehicles_per_hour"] = 7.5;
  EXPECT_DOUBLE_EQ(parse(doc).checkpoints[0].vehicles_per_hour, 7.5);
  properties(k_checkpoint)["operated_by"] = "Z";
  EXPECT_TRUE(only_problem(doc, "features[4].properties.operated_by", "unknown party \"Z\"; parties: A, B, M"));
}

TEST_F(Features, HazardTimesNeedOffsets) {
  properties(k_hazard)["from"] = "2022-03-05T11:00:00";
  EXPECT_TRUE(only_problem(doc, "features[2].properties.from",
                           "must have a UTC offset (Z or ±HH:MM), got \"2022-03-05T11:00:00\""));
}

TEST_F(Features, HazardUntilIsAfterFrom) {
  properties(k_hazard)["until"] = "2022-03-05T10:00:00+02:00";
  EXPECT_TRUE(only_problem(doc, "features[2].properties.until",
                           "until 2022-03-05T10:00:00+02:00 is not after from 2022-03-05T11:00:00+02:00"));
  properties(k_hazard)["until"] = "2022-03-05T09:00:00Z";  // the same instant as from
  EXPECT_TRUE(only_problem(doc, "features[2].properties.until",
                           "until 2022-03-05T09:00:00Z is not after from 2022-03-05T11:00:00+02:00"));
}

TEST_F(Features, HazardWithOnlyFromLastsForever) {
  properties(k_hazard).erase("until");
  const Scenario s = parse(doc);
  EXPECT_EQ(s.hazards[0].active.from, geo::unix_seconds(1646470800));
  EXPECT_EQ(s.hazards[0].active.until, k_always_until);
}

TEST_F(Features, CeasefireWindowsAreARequiredNonEmptyArray) {
  properties(k_ceasefire)["windows"] = Json::array();
  EXPECT_TRUE(
      only_problem(doc, "features[3].properties.windows", "must list at least one [from, until] window, got []"));
  properties(k_ceasefire).erase("windows");
  EXPECT_TRUE(only_problem(doc, "features[3].properties.windows", "is required"));
}

TEST_F(Features, CeasefireWindowsArePairsOfTimes) {
  properties(k_ceasefire)["windows"] = Json::array({Json::array({"2022-03-05T09:00:00+02:00"})});
  EXPECT_TRUE(only_problem(doc, "features[3].properties.windows[0]",
                           "must be a [from, until] pair of times, got [\"2022-03-05T09:00:00+02:00\"]"));
  properties(k_ceasefire)["windows"] = Json::array({Json::array({"2022-03-05T09:00:00+02:00", "2022-03-05T21:00:00"})});
  EXPECT_TRUE(only_problem(doc, "features[3].properties.windows[0][1]",
                           "must have a UTC offset (Z or ±HH:MM), got \"2022-03-05T21:00:00\""));
}

TEST_F(Features, CeasefireWindowUntilIsAfterFrom) {
  properties(k_ceasefire)["windows"] = Json::array({Json::array({"2022-03-05T09:00:00Z", "2022-03-05T12:00:00Z"}),
                                                    Json::array({"2022-03-05T21:00:00Z", "2022-03-05T20:00:00Z"})});
  EXPECT_TRUE(only_problem(doc, "features[3].properties.windows[1]",
                           "until 2022-03-05T20:00:00Z is not after from 2022-03-05T21:00:00Z"));
}

TEST_F(Features, CeasefireWithSeveralWindows) {
  properties(k_ceasefire)["windows"] =
      Json::array({Json::array({"2022-03-05T09:00:00Z", "2022-03-05T12:00:00Z"}),
                   Json::array({"2022-03-05T14:00:00+01:00", "2022-03-05T20:00:00+01:00"})});
  const Scenario s = parse(doc);
  ASSERT_EQ(s.ceasefires[0].windows.size(), 2U);
  EXPECT_EQ(s.ceasefires[0].windows[1].from, geo::unix_seconds(1646485200));
  EXPECT_TRUE(s.ceasefires[0].windows[1].contains(geo::unix_seconds(1646485200)));
  EXPECT_FALSE(s.ceasefires[0].windows[1].contains(geo::unix_seconds(1646485200) + std::chrono::hours(6)));
}

// A depot and a pick-up point appended to valid.geojson (features 6 and 7).
Json with_fleet(Json doc) {
  doc["features"].push_back({{"type", "Feature"},
                             {"geometry", {{"type", "Point"}, {"coordinates", {1.45, 42.46}}}},
                             {"properties",
                              {{"kind", "depot"},
                               {"id", "base"},
                               {"vehicles", 60},
                               {"seats", 50},
                               {"load_min", 10},
                               {"unload_min", 5},
                               {"cargo_t", 2.5},
                               {"controlled_by", "A"},
                               {"earliest_departure", "2022-03-05T10:00:00+02:00"}}}});
  doc["features"].push_back({{"type", "Feature"},
                             {"geometry", {{"type", "Point"}, {"coordinates", {1.52, 42.51}}}},
                             {"properties", {{"kind", "pickup"}, {"id", "square"}, {"people", 800}}}});
  return doc;
}

TEST_F(Features, DepotsAndPickupPointsAreRead) {
  const Scenario s = parse(with_fleet(doc));
  ASSERT_EQ(s.depots.size(), 1U);
  EXPECT_EQ(s.depots[0].vehicles, 60);
  EXPECT_EQ(s.depots[0].seats, 50);
  EXPECT_EQ(s.depots[0].load_min, 10);
  EXPECT_EQ(s.depots[0].cargo_t, 2.5);
  EXPECT_EQ(s.depots[0].controlled_by, "A");
  EXPECT_TRUE(s.depots[0].earliest_departure.has_value());
  ASSERT_EQ(s.pickups.size(), 1U);
  EXPECT_EQ(s.pickups[0].people, 800);
  EXPECT_FALSE(s.pickups[0].earliest.has_value());
}

TEST_F(Features, DepotFieldsAreChecked) {
  auto fleet = with_fleet(doc);
  const std::size_t depot = fleet["features"].size() - 2;
  const auto path = "features[" + std::to_string(depot) + "].properties.";
  fleet["features"][depot]["properties"]["seats"] = 0;
  EXPECT_TRUE(only_problem(fleet, path + "seats", "must be a positive integer, got 0"));
  fleet = with_fleet(doc);
  fleet["features"][depot]["properties"]["load_min"] = -1;
  EXPECT_TRUE(only_problem(fleet, path + "load_min", "must be a number >= 0, got -1"));
  fleet = with_fleet(doc);
  fleet["features"][depot]["properties"]["unload_min"] = 2000;
  EXPECT_TRUE(only_problem(fleet, path + "unload_min", "must be at most 1440 minutes, got 2000"));
  fleet = with_fleet(doc);
  fleet["features"][depot]["properties"]["controlled_by"] = "Z";
  EXPECT_TRUE(only_problem(fleet, path + "controlled_by", "unknown party \"Z\"; parties: A, B, M"));
  fleet = with_fleet(doc);
  fleet["features"][depot]["properties"].erase("vehicles");
  EXPECT_TRUE(only_problem(fleet, path + "vehicles", "is required"));
}

TEST_F(Features, PickupPointsNeedADepotAndADepotNeedsPickupPoints) {
  auto fleet = with_fleet(doc);
  fleet["features"].erase(fleet["features"].size() - 2);
  EXPECT_TRUE(only_problem(fleet, "features",
                           "pick-up point \"square\" has no depot to send vehicles for its people; add a feature of "
                           "kind \"depot\""));
  fleet = with_fleet(doc);
  fleet["features"].erase(fleet["features"].size() - 1);
  EXPECT_TRUE(only_problem(fleet, "features",
                           "depot \"base\" has no pick-up point to collect people from; add a feature of kind "
                           "\"pickup\""));
}

TEST_F(Features, OriginsWalkToPickupPoints) {
  auto fleet = with_fleet(doc);
  auto& origin = fleet["features"][0]["properties"];
  origin["walk_to"] = {"square"};
  origin["walk_max_m"] = 1500;
  fleet["features"].back()["properties"].erase("people");  // its people are the walkers
  const Scenario s = parse(fleet);
  EXPECT_TRUE(s.origins[0].walks());
  EXPECT_EQ(s.origins[0].walk_to, std::vector<std::string>{"square"});
  EXPECT_EQ(s.origins[0].walk_max_m, 1500);
  EXPECT_EQ(s.pickups[0].people, 0);

  origin["walk_to"] = {"plaza"};
  EXPECT_TRUE(only_problem(fleet, "features[0].properties.walk_to[0]",
                           "unknown pick-up point \"plaza\"; pick-up points: square"));
  origin["walk_to"] = Json::array();
  EXPECT_TRUE(only_problem(fleet, "features[0].properties.walk_to", "must name at least one pick-up point"));
  origin["walk_to"] = {"square"};
  origin["walk_max_m"] = -3;
  EXPECT_TRUE(only_problem(fleet, "features[0].properties.walk_max_m", "must be a positive number, got -3"));
  properties(k_origin)["walk_max_m"] = 500;  // without walk_to
  EXPECT_TRUE(only_problem(doc, "features[0].properties.walk_max_m", "needs walk_to: the pick-up points to walk to"));
}

}  // namespace
}  // namespace corridor::scenario::test

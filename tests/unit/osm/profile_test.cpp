// Every tag rule of the road profile (DESIGN.md "The road network").
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "corridor/error.hpp"
#include "corridor/osm/profile.hpp"

namespace corridor::osm {
namespace {

using TagMap = std::map<std::string, std::string>;

std::optional<WayAttributes> eval(const TagMap& tags, const Profile& p = Profile::defaults()) {
  return evaluate(p, &tags, [](const void* t, const char* key) -> const char* {
    const auto& m = *static_cast<const TagMap*>(t);
    const auto it = m.find(key);
    return it == m.end() ? nullptr : it->second.c_str();
  });
}

TEST(Profile, DefaultTableMatchesDesign) {
  struct Row {
    const char* highway;
    double kmh;
    std::uint32_t vph;  // per direction with the default lanes
    int lanes;
  };
  for (const Row& r : {Row{"motorway", 90, 4000, 2}, Row{"trunk", 85, 3600, 2}, Row{"primary", 65, 1500, 1},
                       Row{"secondary", 55, 1200, 1}, Row{"tertiary", 40, 1000, 1}, Row{"unclassified", 25, 600, 1},
                       Row{"residential", 25, 600, 1}, Row{"living_street", 10, 300, 1}, Row{"service", 15, 300, 1}}) {
    SCOPED_TRACE(r.highway);
    const auto a = eval({{"highway", r.highway}});
    ASSERT_TRUE(a);
    EXPECT_DOUBLE_EQ(a->speed_kmh, r.kmh);
    EXPECT_EQ(a->capacity_vph, r.vph);
    EXPECT_EQ(a->lanes, r.lanes);
  }
}

TEST(Profile, LinksHaveHalfSpeedThreeQuartersCapacityOneLane) {
  const auto a = eval({{"highway", "motorway_link"}});
  ASSERT_TRUE(a);
  EXPECT_DOUBLE_EQ(a->speed_kmh, 45);
  EXPECT_EQ(a->capacity_vph, 1500u);  // 2000 * 3/4 * 1 lane
  EXPECT_EQ(a->lanes, 1);
  EXPECT_TRUE(a->forward && a->backward);  // only highway=motorway itself is implied one-way
  const auto t = eval({{"highway", "tertiary_link"}});
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(t->speed_kmh, 20);
  EXPECT_EQ(t->capacity_vph, 750u);
}

TEST(Profile, NonRoutableHighwaysAreDropped) {
  for (const char* hw : {"footway", "cycleway", "path", "steps", "pedestrian", "track", "construction", "proposed",
                         "bus_stop", "platform"}) {
    EXPECT_FALSE(eval({{"highway", hw}})) << hw;
  }
  EXPECT_FALSE(eval({{"name", "no highway tag"}}));
}

TEST(Profile, NumericMaxspeedOverridesSpeed) {
  EXPECT_DOUBLE_EQ(eval({{"highway", "primary"}, {"maxspeed", "50"}})->speed_kmh, 50);
  EXPECT_DOUBLE_EQ(eval({{"highway", "primary"}, {"maxspeed", "70 km/h"}})->speed_kmh, 70);
  EXPECT_NEAR(eval({{"highway", "primary"}, {"maxspeed", "30 mph"}})->speed_kmh, 48.28032, 1e-9);
  EXPECT_NEAR(eval({{"highway", "primary"}, {"maxspeed", "20mph"}})->speed_kmh, 32.18688, 1e-9);
}

TEST(Profile, SymbolicMaxspeedKeepsTheDefault) {
  for (const char* v : {"signals", "RU:urban", "DE:rural", "none", "walk", "50;30", "0", "-20", "", "fast"}) {
    EXPECT_DOUBLE_EQ(eval({{"highway", "primary"}, {"maxspeed", v}})->speed_kmh, 65) << v;
  }
}

TEST(Profile, OnewayTags) {
  for (const char* v : {"yes", "1", "true"}) {
    const auto a = eval({{"highway", "residential"}, {"oneway", v}});
    EXPECT_TRUE(a->forward) << v;
    EXPECT_FALSE(a->backward) << v;
  }
  const auto rev = eval({{"highway", "residential"}, {"oneway", "-1"}});
  EXPECT_FALSE(rev->forward);
  EXPECT_TRUE(rev->backward);
  const auto two = eval({{"highway", "residential"}, {"oneway", "no"}});
  EXPECT_TRUE(two->forward && two->backward);
  EXPECT_FALSE(eval({{"highway", "residential"}, {"oneway", "reversible"}}));
}

TEST(Profile, RoundaboutsAndMotorwaysAreOneWay) {
  const auto r = eval({{"highway", "primary"}, {"junction", "roundabout"}});
  EXPECT_TRUE(r->forward);
  EXPECT_FALSE(r->backward);
  const auto m = eval({{"highway", "motorway"}});
  EXPECT_TRUE(m->forward);
  EXPECT_FALSE(m->backward);
  // An explicit oneway=no is the mapper's word against the implication.
  const auto m2 = eval({{"highway", "motorway"}, {"oneway", "no"}});
  EXPECT_TRUE(m2->forward && m2->backward);
}

TEST(Profile, AccessRemovesWays) {
  EXPECT_FALSE(eval({{"highway", "service"}, {"access", "no"}}));
  EXPECT_FALSE(eval({{"highway", "service"}, {"access", "private"}}));
  EXPECT_FALSE(eval({{"highway", "primary"}, {"motor_vehicle", "no"}}));
  EXPECT_FALSE(eval({{"highway", "primary"}, {"area", "yes"}}));
  EXPECT_TRUE(eval({{"highway", "primary"}, {"access", "yes"}}));
  EXPECT_TRUE(eval({{"highway", "primary"}, {"access", "destination"}}));
  EXPECT_TRUE(eval({{"highway", "primary"}, {"area", "no"}}));
}

TEST(Profile, MoreSpecificAccessTagWins) {
  EXPECT_TRUE(eval({{"highway", "service"}, {"access", "no"}, {"motor_vehicle", "yes"}}));
  EXPECT_FALSE(eval({{"highway", "service"}, {"access", "yes"}, {"motor_vehicle", "no"}}));
  EXPECT_FALSE(eval({{"highway", "service"}, {"motor_vehicle", "yes"}, {"motorcar", "no"}}));
}

TEST(Profile, LanesTagGivesLanesPerDirection) {
  // one-way: all lanes in its direction
  auto a = eval({{"highway", "primary"}, {"oneway", "yes"}, {"lanes", "3"}});
  EXPECT_EQ(a->lanes, 3);
  EXPECT_EQ(a->capacity_vph, 4500u);
  // two-way: half, rounded down, at least 1
  EXPECT_EQ(eval({{"highway", "primary"}, {"lanes", "4"}})->lanes, 2);
  EXPECT_EQ(eval({{"highway", "primary"}, {"lanes", "3"}})->lanes, 1);
  EXPECT_EQ(eval({{"highway", "primary"}, {"lanes", "1"}})->lanes, 1);
  EXPECT_EQ(eval({{"highway", "motorway"}, {"lanes", "3"}})->capacity_vph, 6000u);
  // unusable values keep the class default
  EXPECT_EQ(eval({{"highway", "trunk"}, {"lanes", "two"}})->lanes, 2);
  EXPECT_EQ(eval({{"highway", "trunk"}, {"lanes", "2;3"}})->lanes, 2);
}

TEST(Profile, FromJsonReplacesTheTable) {
  const auto p = Profile::from_json(
      R"({"classes": [{"highway": "track", "speed_kmh": 20, "vph_per_lane": 100},
                      {"highway": "primary", "speed_kmh": 50, "vph_per_lane": 900, "lanes": 2}],
          "links": {"speed_factor": 0.8}})",
      "p.json");
  EXPECT_DOUBLE_EQ(eval({{"highway", "track"}}, p)->speed_kmh, 20);
  EXPECT_EQ(eval({{"highway", "primary"}}, p)->capacity_vph, 1800u);
  EXPECT_DOUBLE_EQ(eval({{"highway", "primary_link"}}, p)->speed_kmh, 40);
  EXPECT_FALSE(eval({{"highway", "residential"}}, p));
  // Round trip through to_json.
  const auto again = Profile::from_json(p.to_json().dump(), "again.json");
  EXPECT_EQ(again.class_names(), p.class_names());
}

TEST(Profile, FromJsonNamesBadFields) {
  try {
    Profile::from_json(R"({"classes": [{"highway": "primary", "speed_kmh": -5, "vph_per_lane": "lots"}]})", "p.json");
    FAIL() << "expected ValidationError";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].path, "classes[0].speed_kmh");
    EXPECT_NE(e.problems()[0].message.find("got -5"), std::string::npos);
    EXPECT_EQ(e.problems()[1].path, "classes[0].vph_per_lane");
    EXPECT_NE(std::string(e.what()).find("p.json"), std::string::npos);
  }
  EXPECT_THROW(Profile::from_json("{not json", "p.json"), InputError);
  EXPECT_THROW(Profile::from_json(R"({"classes": []})", "p.json"), ValidationError);
}

TEST(Profile, WalkingTakesFootwaysBothWaysAndNotMotorways) {
  const auto foot = Profile::walking();
  const auto footway = eval({{"highway", "footway"}}, foot);
  ASSERT_TRUE(footway);
  EXPECT_DOUBLE_EQ(footway->speed_kmh, 4);
  EXPECT_EQ(footway->capacity_vph, 4500u);  // persons per hour
  // One-way streets and speed limits are for vehicles.
  const auto street = eval({{"highway", "residential"}, {"oneway", "yes"}, {"maxspeed", "50"}}, foot);
  ASSERT_TRUE(street);
  EXPECT_TRUE(street->forward && street->backward);
  EXPECT_DOUBLE_EQ(street->speed_kmh, 4);
  EXPECT_FALSE(eval({{"highway", "motorway"}}, foot));
  EXPECT_FALSE(eval({{"highway", "trunk"}, {"motorroad", "yes"}}, foot));
  EXPECT_FALSE(eval({{"highway", "footway"}, {"access", "private"}}, foot));
  EXPECT_TRUE(eval({{"highway", "footway"}, {"access", "no"}, {"foot", "yes"}}, foot));
  // foot=no counts as the sidewalk beside the road unless the profile honours it.
  EXPECT_TRUE(eval({{"highway", "primary"}, {"foot", "no"}}, foot));
  auto strict = foot;
  strict.honour_foot_no = true;
  EXPECT_FALSE(eval({{"highway", "primary"}, {"foot", "no"}}, strict));
  // Cars do not drive footways.
  EXPECT_FALSE(eval({{"highway", "footway"}}));
}

TEST(Profile, AWalkingProfileComesFromTheFilesWalkingMember) {
  const std::string text =
      R"({"classes": [{"highway": "primary", "speed_kmh": 50, "vph_per_lane": 900}],
          "walking": {"classes": [{"highway": "footway", "speed_kmh": 3, "persons_per_hour": 2000}],
                      "honour_foot_no": true}})";
  const auto foot = Profile::from_json(text, "p.json", Mode::foot);
  EXPECT_EQ(foot.mode, Mode::foot);
  EXPECT_TRUE(foot.honour_foot_no);
  EXPECT_EQ(eval({{"highway", "footway"}}, foot)->capacity_vph, 2000u);
  EXPECT_FALSE(eval({{"highway", "primary"}}, foot));
  // Stored in a foot network's graph and read back.
  const auto again = Profile::from_json(foot.to_json().dump(), "graph", Mode::foot);
  EXPECT_EQ(again.class_names(), foot.class_names());
  EXPECT_TRUE(again.honour_foot_no);
  // The car profile of the same file is unchanged.
  EXPECT_EQ(Profile::from_json(text, "p.json").mode, Mode::car);
  try {
    Profile::from_json(R"({"classes": [{"highway": "primary", "speed_kmh": 50, "vph_per_lane": 900}]})", "p.json",
                       Mode::foot);
    FAIL() << "expected ValidationError";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.problems().at(0).path, "walking");
  }
  try {
    Profile::from_json(R"({"walking": {"classes": [{"highway": "path", "speed_kmh": 4, "persons_per_hour": 0}]}})",
                       "p.json", Mode::foot);
    FAIL() << "expected ValidationError";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.problems().at(0).path, "walking.classes[0].persons_per_hour");
  }
}

}  // namespace
}  // namespace corridor::osm

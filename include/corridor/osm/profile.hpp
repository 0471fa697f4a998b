#pragma once
// The road profile: which OSM ways are routable for motor vehicles and with
// what speed, capacity and direction. The defaults are DESIGN.md's table;
// a JSON file (docs/profile.md) can replace them. A walking profile does the
// same for people on foot: its capacities are persons per hour.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace corridor::osm {

struct RoadClass {
  std::string highway;      // OSM highway=* value
  double speed_kmh = 0;     // free-flow speed when no usable maxspeed
  double vph_per_lane = 0;  // vehicles per hour per lane
  int lanes = 1;            // lanes per direction when no lanes=* tag
  bool oneway = false;      // one-way by default (motorway)
};

enum class Mode { car, foot };

struct Profile {
  // car: motor vehicles (access by motorcar < motor_vehicle < vehicle <
  // access, one-way streets); foot: walkers (access by foot < access, every
  // way both ways, no maxspeed, vph_per_lane read as persons per hour).
  Mode mode = Mode::car;
  // Every routable class, in the order their ids are assigned (a graph stores
  // the class id per arc and the names once). "*_link" classes are derived
  // from their base class unless listed explicitly.
  std::vector<RoadClass> classes;
  double link_speed_factor = 0.5;
  double link_capacity_factor = 0.75;
  int link_lanes = 1;
  // Walking: whether foot=no closes a way. Off by default: extracts often
  // lack the sidewalks mapped beside a road tagged foot=no (Rhein-Neckar's
  // has no footway at all), and without them the network falls apart.
  bool honour_foot_no = false;

  // DESIGN.md's table.
  static Profile defaults();
  // People on foot (docs/profile.md): footways, paths, pedestrian and
  // residential streets and the roads beside which one walks, at walking
  // speed, with pedestrian flow capacities.
  static Profile walking();
  // Parses a profile file's text; throws ValidationError naming the fields.
  // With Mode::foot, the file's "walking" member (classes with speed_kmh
  // and persons_per_hour); a file without one is an error naming it.
  static Profile from_json(std::string_view text, const std::string& source, Mode mode = Mode::car);
  [[nodiscard]] nlohmann::json to_json() const;

  // Class id for a highway=* value, nullopt when it is not routable.
  [[nodiscard]] std::optional<std::uint8_t> class_of(std::string_view highway) const;
  [[nodiscard]] std::vector<std::string> class_names() const;
};

// What the profile makes of one way.
struct WayAttributes {
  std::uint8_t road_class = 0;
  double speed_kmh = 0;
  int lanes = 1;                   // per direction
  std::uint32_t capacity_vph = 0;  // per direction: vph_per_lane x lanes
  bool forward = true;             // drivable in the way's node order
  bool backward = true;            // drivable against it
};

// Looks up a tag value by key; nullptr when the way has no such tag.
using TagLookup = const char* (*)(const void* way, const char* key);

// Applies the profile to a way's tags; nullopt when the way is not routable
// for motor vehicles. Rules (docs/profile.md): highway class known; not
// area=yes; access by the most specific of access < vehicle < motor_vehicle <
// motorcar (no|private remove the way); oneway=yes|1|true|-1, reversible ways
// are dropped; junction=roundabout and one-way classes are one-way unless
// oneway=no; numeric maxspeed (km/h or mph) replaces the speed; lanes=*
// (total) gives a one-way road all lanes and a two-way road half, at least 1.
std::optional<WayAttributes> evaluate(const Profile& profile, const void* way, TagLookup tag);

// Parses a maxspeed value: "50", "50 km/h", "30 mph", "30mph". nullopt for
// anything else ("signals", "RU:urban", "none", "50;30", "0").
std::optional<double> parse_maxspeed_kmh(std::string_view value);

}  // namespace corridor::osm

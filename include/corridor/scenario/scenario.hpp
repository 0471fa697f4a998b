#pragma once
// The scenario: a GeoJSON FeatureCollection (RFC 7946) with corridor's
// settings in the foreign member "corridor". See docs/scenario.md.
//
// Loading validates the whole document before anything runs and reports every
// problem at once (ValidationError), each with its JSON path and the value:
// `features[3].properties.people: must be a positive integer, got -5`.
// Nothing is silently defaulted except the defaults DESIGN.md names
// (persons_per_vehicle = 40, hazard from/until = always).
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "corridor/geo/area.hpp"
#include "corridor/geo/geo.hpp"
#include "corridor/geo/time.hpp"

namespace corridor::scenario {

inline constexpr geo::UnixSeconds k_always_from = geo::UnixSeconds::min();
inline constexpr geo::UnixSeconds k_always_until = geo::UnixSeconds::max();

// Half-open interval [from, until) in UTC seconds.
struct Interval {
  geo::UnixSeconds from = k_always_from;
  geo::UnixSeconds until = k_always_until;
  [[nodiscard]] bool contains(geo::UnixSeconds t) const noexcept { return from <= t && t < until; }
};

struct Party {
  std::string id;
  std::string name;
  std::string role;  // "" or e.g. "mediator"
};

struct Rule {
  std::string party;
  std::vector<std::string> forbid_destinations_controlled_by;  // party ids
  std::vector<std::string> forbid_areas;                       // area ids
  std::vector<std::string> forbid_checkpoints_operated_by;     // party ids
  std::vector<std::string> forbid_depots_controlled_by;        // party ids
  bool forbid_aid_inbound = false;                             // fleets drive in empty
  std::size_t index = 0;                                       // position in corridor.rules
};

// Common to every feature: its id and its position in "features".
struct FeatureRef {
  std::string id;
  std::size_t index = 0;
};

struct Origin : FeatureRef {
  geo::LonLat where;
  std::int64_t people = 0;
  std::int64_t persons_per_vehicle = 40;
  std::optional<geo::UnixSeconds> earliest_departure;
  // Its people walk to the nearest of these pick-up points on the foot
  // network (at most walk_max_m) instead of leaving in their own vehicles.
  std::vector<std::string> walk_to;
  double walk_max_m = 3000;
  [[nodiscard]] bool walks() const noexcept { return !walk_to.empty(); }
  [[nodiscard]] std::int64_t vehicles() const noexcept {
    return (people + persons_per_vehicle - 1) / persons_per_vehicle;
  }
};

struct Destination : FeatureRef {
  geo::LonLat where;
  std::int64_t capacity = 0;  // people
  std::string controlled_by;  // party id
};

// A fleet's base: vehicles that shuttle between pick-up points and
// destinations, each trip carrying up to `seats` people out and `cargo_t`
// tonnes of aid in.
struct Depot : FeatureRef {
  geo::LonLat where;
  std::int64_t vehicles = 0;
  std::int64_t seats = 0;  // people per vehicle and trip
  double load_min = 0;     // at a pick-up point, per trip
  double unload_min = 0;   // at a destination, per trip
  std::optional<geo::UnixSeconds> earliest_departure;
  double cargo_t = 0;         // aid carried in per trip
  std::string controlled_by;  // party id, may be empty
};

// A gathering point whose people are collected by depot vehicles.
struct Pickup : FeatureRef {
  geo::LonLat where;
  std::int64_t people = 0;
  std::optional<geo::UnixSeconds> earliest;  // people there from
};

struct Hazard : FeatureRef {
  geo::Area area;
  Interval active;  // closed while active
};

struct Ceasefire : FeatureRef {
  geo::Area area;
  std::vector<Interval> windows;  // roads meeting the area are open only inside one
};

struct Checkpoint : FeatureRef {
  geo::LonLat where;
  double vehicles_per_hour = 0;
  std::string operated_by;  // party id
};

struct Area : FeatureRef {
  geo::Area area;
};

struct Scenario {
  std::string name;
  std::string map;
  geo::UnixSeconds start{};
  int start_offset_minutes = 0;  // the offset `start` was written with
  std::string timezone;          // IANA name, may be empty
  double horizon_hours = 0;
  std::int64_t time_step_s = 60;
  std::vector<Party> parties;
  std::vector<Rule> rules;
  std::vector<Origin> origins;
  std::vector<Destination> destinations;
  std::vector<Depot> depots;
  std::vector<Pickup> pickups;
  std::vector<Hazard> hazards;
  std::vector<Ceasefire> ceasefires;
  std::vector<Checkpoint> checkpoints;
  std::vector<Area> areas;

  [[nodiscard]] geo::UnixSeconds end() const noexcept {
    return start + geo::Seconds(static_cast<std::int64_t>(horizon_hours * 3600.0));
  }
  // An instant as the scenario's people read it: in its IANA time zone when
  // it names one (daylight saving included), else with its start's offset.
  [[nodiscard]] std::string local_time(geo::UnixSeconds t) const;
  [[nodiscard]] const Party* party(std::string_view id) const noexcept;
  [[nodiscard]] const Area* area(std::string_view id) const noexcept;
};

// Parses and validates scenario text. `source` names it in messages (a file
// name). Throws ValidationError listing every problem, or InputError when the
// text is not JSON at all.
Scenario parse_scenario(std::string_view text, const std::string& source);

// Reads and parses a scenario file. Throws IoError when it cannot be read.
Scenario load_scenario(const std::filesystem::path& path);

}  // namespace corridor::scenario

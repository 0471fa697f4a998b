// The "features" member: origins, destinations, depots, pick-up points,
// hazards, ceasefires, checkpoints and areas.
#include <algorithm>

#include "scenario/reader.hpp"

namespace corridor::scenario::detail {
namespace {

const std::vector<std::string> k_kinds = {"origin", "destination", "depot",      "pickup",
                                          "hazard", "ceasefire",   "checkpoint", "area"};

// What one feature's readers share.
struct Feature {
  const Json& properties;
  const Json* geometry;  // nullptr when missing or not an object (already reported)
  std::string path;      // "features[3]"
  FeatureRef ref;

  [[nodiscard]] std::string properties_path() const { return path + ".properties"; }
  [[nodiscard]] std::string geometry_path() const { return path + ".geometry"; }
};

std::optional<geo::LonLat> point_of(Reader& reader, const Feature& feature, std::string_view kind) {
  if (feature.geometry == nullptr) return std::nullopt;
  return read_point(reader, *feature.geometry, feature.geometry_path(), kind);
}

template <typename Shape>
void read_area_of(Reader& reader, const Feature& feature, std::string_view kind, Shape& shape) {
  if (feature.geometry == nullptr) return;
  if (auto area = read_area(reader, *feature.geometry, feature.geometry_path(), kind)) {
    shape.area = std::move(*area);
  }
}

// Reports `until` not after `from`; the times are quoted as written.
bool in_order(Reader& reader, const std::string& path, const Json& from_text, const geo::ParsedTime& from,
              const Json& until_text, const geo::ParsedTime& until) {
  if (until.utc > from.utc) return true;
  reader.problem(path, "until " + until_text.get<std::string>() + " is not after from " + from_text.get<std::string>());
  return false;
}

void read_origin(Reader& reader, const Feature& feature, Scenario& scenario) {
  Origin origin;
  static_cast<FeatureRef&>(origin) = feature.ref;
  if (const auto where = point_of(reader, feature, "origin")) origin.where = *where;
  const std::string path = feature.properties_path();
  if (const auto people = reader.positive_integer(feature.properties, "people", path, Need::required)) {
    origin.people = *people;
  }
  if (const auto per = reader.positive_integer(feature.properties, "persons_per_vehicle", path, Need::optional)) {
    origin.persons_per_vehicle = *per;
  }
  if (const auto t = reader.time(feature.properties, "earliest_departure", path, Need::optional)) {
    origin.earliest_departure = t->utc;
  }
  if (const Json* list = reader.array(feature.properties, "walk_to", path, Need::optional)) {
    if (list->empty()) reader.problem(path + ".walk_to", "must name at least one pick-up point");
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (auto id = reader.text_value((*list)[i], element_path(path + ".walk_to", i))) {
        origin.walk_to.push_back(std::move(*id));
      }
    }
  }
  if (const auto m = reader.positive_number(feature.properties, "walk_max_m", path, Need::optional)) {
    if (!feature.properties.contains("walk_to"))
      reader.problem(path + ".walk_max_m", "needs walk_to: the pick-up points to walk to");
    origin.walk_max_m = *m;
  }
  scenario.origins.push_back(std::move(origin));
}

void read_destination(Reader& reader, const Feature& feature, const Names& names, Scenario& scenario) {
  Destination destination;
  static_cast<FeatureRef&>(destination) = feature.ref;
  if (const auto where = point_of(reader, feature, "destination")) destination.where = *where;
  const std::string path = feature.properties_path();
  if (const auto capacity = reader.positive_integer(feature.properties, "capacity", path, Need::required)) {
    destination.capacity = *capacity;
  }
  if (auto party = party_reference(reader, feature.properties, "controlled_by", path, names)) {
    destination.controlled_by = std::move(*party);
  }
  scenario.destinations.push_back(std::move(destination));
}

// Minutes as a number >= 0, at most a day.
std::optional<double> minutes(Reader& reader, const Feature& feature, std::string_view key) {
  const auto m = reader.non_negative_number(feature.properties, key, feature.properties_path(), Need::optional);
  if (m && *m > 24 * 60) {
    reader.problem(member_path(feature.properties_path(), key),
                   "must be at most 1440 minutes, got " + show(feature.properties[std::string(key)]));
    return std::nullopt;
  }
  return m;
}

void read_depot(Reader& reader, const Feature& feature, const Names& names, Scenario& scenario) {
  Depot depot;
  static_cast<FeatureRef&>(depot) = feature.ref;
  if (const auto where = point_of(reader, feature, "depot")) depot.where = *where;
  const std::string path = feature.properties_path();
  constexpr std::int64_t k_max_vehicles = 1'000'000;
  if (const auto n = reader.positive_integer(feature.properties, "vehicles", path, Need::required, k_max_vehicles)) {
    depot.vehicles = *n;
  }
  constexpr std::int64_t k_max_seats = 1'000;
  if (const auto n = reader.positive_integer(feature.properties, "seats", path, Need::required, k_max_seats)) {
    depot.seats = *n;
  }
  depot.load_min = minutes(reader, feature, "load_min").value_or(0);
  depot.unload_min = minutes(reader, feature, "unload_min").value_or(0);
  if (const auto t = reader.time(feature.properties, "earliest_departure", path, Need::optional)) {
    depot.earliest_departure = t->utc;
  }
  depot.cargo_t = reader.non_negative_number(feature.properties, "cargo_t", path, Need::optional).value_or(0);
  if (feature.properties.contains("controlled_by")) {
    if (auto party = party_reference(reader, feature.properties, "controlled_by", path, names)) {
      depot.controlled_by = std::move(*party);
    }
  }
  scenario.depots.push_back(std::move(depot));
}

void read_pickup(Reader& reader, const Feature& feature, Scenario& scenario) {
  Pickup pickup;
  static_cast<FeatureRef&>(pickup) = feature.ref;
  if (const auto where = point_of(reader, feature, "pickup")) pickup.where = *where;
  const std::string path = feature.properties_path();
  // Optional where origins walk to it: then its people are theirs.
  if (const auto people = reader.positive_integer(feature.properties, "people", path, Need::optional)) {
    pickup.people = *people;
  }
  if (const auto t = reader.time(feature.properties, "earliest", path, Need::optional)) pickup.earliest = t->utc;
  scenario.pickups.push_back(std::move(pickup));
}

void read_checkpoint(Reader& reader, const Feature& feature, const Names& names, Scenario& scenario) {
  Checkpoint checkpoint;
  static_cast<FeatureRef&>(checkpoint) = feature.ref;
  if (const auto where = point_of(reader, feature, "checkpoint")) checkpoint.where = *where;
  const std::string path = feature.properties_path();
  if (const auto rate = reader.positive_number(feature.properties, "vehicles_per_hour", path, Need::required)) {
    checkpoint.vehicles_per_hour = *rate;
  }
  if (auto party = party_reference(reader, feature.properties, "operated_by", path, names)) {
    checkpoint.operated_by = std::move(*party);
  }
  scenario.checkpoints.push_back(std::move(checkpoint));
}

void read_hazard(Reader& reader, const Feature& feature, Scenario& scenario) {
  Hazard hazard;
  static_cast<FeatureRef&>(hazard) = feature.ref;
  read_area_of(reader, feature, "hazard", hazard);
  const std::string path = feature.properties_path();
  const auto from = reader.time(feature.properties, "from", path, Need::optional);
  const auto until = reader.time(feature.properties, "until", path, Need::optional);
  if (from) hazard.active.from = from->utc;
  if (until) hazard.active.until = until->utc;
  if (from && until) {
    in_order(reader, path + ".until", feature.properties["from"], *from, feature.properties["until"], *until);
  }
  scenario.hazards.push_back(std::move(hazard));
}

void read_ceasefire(Reader& reader, const Feature& feature, Scenario& scenario) {
  Ceasefire ceasefire;
  static_cast<FeatureRef&>(ceasefire) = feature.ref;
  read_area_of(reader, feature, "ceasefire", ceasefire);
  const std::string path = feature.properties_path() + ".windows";
  const Json* windows = reader.array(feature.properties, "windows", feature.properties_path(), Need::required);
  if (windows != nullptr && windows->empty()) {
    reader.problem(path, "must list at least one [from, until] window, got []");
  }
  for (std::size_t i = 0; windows != nullptr && i < windows->size(); ++i) {
    const Json& window = (*windows)[i];
    const std::string window_path = element_path(path, i);
    if (!window.is_array() || window.size() != 2) {
      reader.problem(window_path, "must be a [from, until] pair of times, got " + show(window));
      continue;
    }
    const auto from = reader.time_value(window[0], element_path(window_path, 0));
    const auto until = reader.time_value(window[1], element_path(window_path, 1));
    if (from && until && in_order(reader, window_path, window[0], *from, window[1], *until)) {
      ceasefire.windows.push_back(Interval{from->utc, until->utc});
    }
  }
  scenario.ceasefires.push_back(std::move(ceasefire));
}

void read_named_area(Reader& reader, const Feature& feature, Scenario& scenario) {
  Area area;
  static_cast<FeatureRef&>(area) = feature.ref;
  read_area_of(reader, feature, "area", area);
  scenario.areas.push_back(std::move(area));
}

// Reads the id and kind of features[i]; nullopt kind when unusable.
std::optional<std::string> identify(Reader& reader, const Json& properties, const std::string& path,
                                    std::map<std::string, std::size_t>& first_index, std::size_t index, Names& names,
                                    std::string& id_out) {
  auto kind = reader.text(properties, "kind", path, Need::required);
  if (kind && std::find(k_kinds.begin(), k_kinds.end(), *kind) == k_kinds.end()) {
    reader.problem(path + ".kind", "must be one of " + join(k_kinds) + ", got " + show(Json(*kind)));
    kind.reset();
  }
  const auto id = reader.text(properties, "id", path, Need::required);
  if (!kind || !id) names.features_complete = false;
  if (!id) return kind;
  id_out = *id;
  const auto [it, inserted] = first_index.emplace(*id, index);
  if (!inserted) {
    reader.problem(path + ".id",
                   "duplicate id " + show(Json(*id)) + " (also " + element_path("features", it->second) + ")");
  } else if (kind) {
    names.feature_kinds.emplace(*id, *kind);
  }
  return kind;
}

}  // namespace

void read_features(Reader& reader, const Json& features, Names& names, Scenario& scenario) {
  std::map<std::string, std::size_t> first_index;
  for (std::size_t i = 0; i < features.size(); ++i) {
    const std::string path = element_path("features", i);
    const Json& entry = features[i];
    if (!reader.is_object(entry, path)) {
      names.features_complete = false;
      continue;
    }
    if (const auto type = reader.text(entry, "type", path, Need::required); type && *type != "Feature") {
      reader.problem(path + ".type", "must be \"Feature\", got " + show(Json(*type)));
    }
    const Json* properties = reader.object(entry, "properties", path, Need::required);
    const Json* geometry = reader.object(entry, "geometry", path, Need::required);
    if (properties == nullptr) {
      names.features_complete = false;
      continue;
    }
    std::string id;
    const auto kind = identify(reader, *properties, path + ".properties", first_index, i, names, id);
    if (!kind) continue;
    const Feature feature{*properties, geometry, path, FeatureRef{id, i}};
    if (*kind == "origin") {
      read_origin(reader, feature, scenario);
    } else if (*kind == "destination") {
      read_destination(reader, feature, names, scenario);
    } else if (*kind == "depot") {
      read_depot(reader, feature, names, scenario);
    } else if (*kind == "pickup") {
      read_pickup(reader, feature, scenario);
    } else if (*kind == "checkpoint") {
      read_checkpoint(reader, feature, names, scenario);
    } else if (*kind == "hazard") {
      read_hazard(reader, feature, scenario);
    } else if (*kind == "ceasefire") {
      read_ceasefire(reader, feature, scenario);
    } else {
      read_named_area(reader, feature, scenario);
    }
  }
  // Walkers go to pick-up points.
  for (const auto& origin : scenario.origins) {
    for (std::size_t i = 0; i < origin.walk_to.size(); ++i) {
      const auto& id = origin.walk_to[i];
      if (std::any_of(scenario.pickups.begin(), scenario.pickups.end(), [&](const Pickup& p) { return p.id == id; }))
        continue;
      std::vector<std::string> ids;
      for (const auto& p : scenario.pickups) ids.push_back(p.id);
      reader.problem(element_path("features[" + std::to_string(origin.index) + "].properties.walk_to", i),
                     "unknown pick-up point " + show(Json(id)) +
                         (ids.empty() ? "; the scenario has no pick-up points" : "; pick-up points: " + join(ids)));
    }
  }
  // A fleet needs both ends of its trips.
  if (!scenario.pickups.empty() && scenario.depots.empty()) {
    reader.problem("features", "pick-up point \"" + scenario.pickups.front().id +
                                   "\" has no depot to send vehicles for its people; add a feature of kind \"depot\"");
  }
  if (!scenario.depots.empty() && scenario.pickups.empty()) {
    reader.problem("features", "depot \"" + scenario.depots.front().id +
                                   "\" has no pick-up point to collect people from; add a feature of kind \"pickup\"");
  }
}

}  // namespace corridor::scenario::detail

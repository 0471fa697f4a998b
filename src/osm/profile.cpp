#include "corridor/osm/profile.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

#include "corridor/error.hpp"
#include "corridor/json.hpp"

namespace corridor::osm {
namespace {

constexpr std::string_view k_link_suffix = "_link";

// Adds "<class>_link" for every base class that has no explicit link class.
void derive_links(Profile& p) {
  const std::size_t base_count = p.classes.size();
  for (std::size_t i = 0; i < base_count; ++i) {
    const RoadClass base = p.classes[i];
    if (std::string_view(base.highway).ends_with(k_link_suffix)) continue;
    std::string link = base.highway + std::string(k_link_suffix);
    if (p.class_of(link)) continue;
    p.classes.push_back(
        {link, base.speed_kmh * p.link_speed_factor, base.vph_per_lane * p.link_capacity_factor, p.link_lanes, false});
  }
}

bool is_one_of(const char* value, std::initializer_list<std::string_view> options) {
  if (value == nullptr) return false;
  for (auto o : options) {
    if (o == value) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<int> parse_lanes(const char* value) {
  if (value == nullptr) return std::nullopt;
  std::string_view s = trim(value);
  int lanes = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), lanes);
  if (ec != std::errc{} || end != s.data() + s.size() || lanes < 1 || lanes > 20) return std::nullopt;
  return lanes;
}

// Walkers: the most specific of access < foot decides; an area (a square)
// is walked along its outline; every way goes both ways at the class speed.
// A motorroad (Kraftfahrstraße, expressway) is closed to people on foot.
std::optional<WayAttributes> evaluate_foot(const Profile& profile, const char* highway, const void* way,
                                           TagLookup tag) {
  if (is_one_of(tag(way, "motorroad"), {"yes"})) return std::nullopt;
  for (const char* key : {"foot", "access"}) {
    if (const char* v = tag(way, key)) {
      if (is_one_of(v, {"private"}) || (is_one_of(v, {"no"}) && (profile.honour_foot_no || key[0] == 'a')))
        return std::nullopt;
      break;
    }
  }
  const auto class_id = profile.class_of(highway);
  if (!class_id) return std::nullopt;
  const RoadClass& cls = profile.classes[*class_id];
  WayAttributes a;
  a.road_class = *class_id;
  a.speed_kmh = cls.speed_kmh;
  a.capacity_vph = static_cast<std::uint32_t>(std::lround(cls.vph_per_lane));
  return a;
}

}  // namespace

Profile Profile::defaults() {
  Profile p;
  p.classes = {
      {"motorway", 90, 2000, 2, true},    {"trunk", 85, 1800, 2, false},        {"primary", 65, 1500, 1, false},
      {"secondary", 55, 1200, 1, false},  {"tertiary", 40, 1000, 1, false},     {"unclassified", 25, 600, 1, false},
      {"residential", 25, 600, 1, false}, {"living_street", 10, 300, 1, false}, {"service", 15, 300, 1, false},
  };
  derive_links(p);
  return p;
}

std::optional<std::uint8_t> Profile::class_of(std::string_view highway) const {
  for (std::size_t i = 0; i < classes.size(); ++i) {
    if (classes[i].highway == highway) return static_cast<std::uint8_t>(i);
  }
  return std::nullopt;
}

std::vector<std::string> Profile::class_names() const {
  std::vector<std::string> names;
  names.reserve(classes.size());
  for (const auto& c : classes) names.push_back(c.highway);
  return names;
}

Profile Profile::walking() {
  // Walking speed: about 4 km/h for a crowd with children, the old and
  // luggage, below the 4.8 km/h of free walking (Weidmann, "Transporttechnik
  // der Fussgänger", 1993); 2 km/h on steps. Capacity: Weidmann's maximum
  // specific flow of about 1.2 persons per metre and second over the width
  // one direction of the way offers (footway 1 m, path and track 0.7-1.4 m,
  // residential street 2.3 m, main road pavement 1.6 m, pedestrian street
  // 3.5 m).
  Profile p;
  p.mode = Mode::foot;
  p.link_speed_factor = 1;
  p.link_capacity_factor = 1;
  p.classes = {
      {"pedestrian", 4, 15000, 1, false},  {"footway", 4, 4500, 1, false},        {"path", 4, 3000, 1, false},
      {"steps", 2, 3000, 1, false},        {"living_street", 4, 10000, 1, false}, {"residential", 4, 10000, 1, false},
      {"unclassified", 4, 8000, 1, false}, {"service", 4, 6000, 1, false},        {"track", 4, 6000, 1, false},
      {"cycleway", 4, 4500, 1, false},     {"bridleway", 4, 3000, 1, false},      {"tertiary", 4, 7000, 1, false},
      {"secondary", 4, 7000, 1, false},    {"primary", 4, 7000, 1, false},        {"trunk", 4, 7000, 1, false},
  };
  derive_links(p);
  return p;
}

Profile Profile::from_json(std::string_view text, const std::string& source, Mode mode) {
  const nlohmann::json file = json::parse(text, source);
  // A walking profile is the file's "walking" member, or the whole file when
  // it says it is one (the profile stored in a foot network's graph).
  const bool whole = file.is_object() && file.value("mode", "") == "foot";
  if (mode == Mode::foot && !whole && (!file.is_object() || !file.contains("walking"))) {
    throw ValidationError(source, {{"walking",
                                    "is required for a foot network: a walking profile, e.g. "
                                    "{\"classes\": [{\"highway\": \"footway\", \"speed_kmh\": 4, "
                                    "\"persons_per_hour\": 4500}]}"}});
  }
  if (mode == Mode::car && whole) {
    throw ValidationError(source, {{"mode", "is \"foot\": a walking profile; import with --walking"}});
  }
  const bool nested = mode == Mode::foot && !whole;
  const nlohmann::json& doc = nested ? file["walking"] : file;
  const std::string prefix = nested ? "walking." : "";
  const char* capacity_key = mode == Mode::foot ? "persons_per_hour" : "vph_per_lane";
  const double capacity_max = mode == Mode::foot ? 100000 : 10000;
  std::vector<Problem> problems;
  Profile p;
  p.mode = mode;
  if (mode == Mode::foot) p.link_speed_factor = p.link_capacity_factor = 1;
  auto number = [&](const nlohmann::json& obj, const char* key, const std::string& path, double lo, double hi,
                    double fallback, bool required) {
    if (!obj.contains(key)) {
      if (required) problems.push_back({path + "." + key, "is required"});
      return fallback;
    }
    const auto& v = obj[key];
    if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi) {
      problems.push_back({path + "." + key, "must be a number from " + nlohmann::json(lo).dump() + " to " +
                                                nlohmann::json(hi).dump() + ", got " + v.dump()});
      return fallback;
    }
    return v.get<double>();
  };
  if (!doc.is_object() || !doc.contains("classes") || !doc["classes"].is_array() || doc["classes"].empty()) {
    throw ValidationError(source, {{prefix + "classes", "must be a non-empty array of road classes"}});
  }
  if (doc.contains("links")) {
    const auto& l = doc["links"];
    const std::string path = prefix + "links";
    p.link_speed_factor = number(l, "speed_factor", path, 0.01, 1, p.link_speed_factor, false);
    p.link_capacity_factor = number(l, "capacity_factor", path, 0.01, 1, p.link_capacity_factor, false);
    p.link_lanes = static_cast<int>(number(l, "lanes", path, 1, 8, 1, false));
  }
  for (std::size_t i = 0; i < doc["classes"].size(); ++i) {
    const auto& c = doc["classes"][i];
    const std::string path = prefix + "classes[" + std::to_string(i) + "]";
    RoadClass rc;
    if (!c.is_object() || !c.contains("highway") || !c["highway"].is_string() ||
        c["highway"].get<std::string>().empty()) {
      problems.push_back({path + ".highway", "must be a non-empty string"});
      continue;
    }
    rc.highway = c["highway"].get<std::string>();
    if (p.class_of(rc.highway)) problems.push_back({path + ".highway", "duplicate class \"" + rc.highway + "\""});
    rc.speed_kmh = number(c, "speed_kmh", path, 1, 300, 0, true);
    rc.vph_per_lane = number(c, capacity_key, path, 1, capacity_max, 0, true);
    if (mode == Mode::car) {
      rc.lanes = static_cast<int>(number(c, "lanes", path, 1, 8, 1, false));
      if (c.contains("oneway")) {
        if (!c["oneway"].is_boolean())
          problems.push_back({path + ".oneway", "must be true or false, got " + c["oneway"].dump()});
        else
          rc.oneway = c["oneway"].get<bool>();
      }
    }
    p.classes.push_back(rc);
  }
  if (mode == Mode::foot && doc.contains("honour_foot_no")) {
    if (doc["honour_foot_no"].is_boolean())
      p.honour_foot_no = doc["honour_foot_no"].get<bool>();
    else
      problems.push_back({prefix + "honour_foot_no", "must be true or false, got " + doc["honour_foot_no"].dump()});
  }
  if (p.classes.size() > 200) problems.push_back({prefix + "classes", "at most 200 classes"});
  if (!problems.empty()) throw ValidationError(source, std::move(problems));
  derive_links(p);
  return p;
}

nlohmann::json Profile::to_json() const {
  nlohmann::json classes_json = nlohmann::json::array();
  for (const auto& c : classes) {
    if (mode == Mode::foot) {
      classes_json.push_back(
          {{"highway", c.highway}, {"speed_kmh", c.speed_kmh}, {"persons_per_hour", c.vph_per_lane}});
      continue;
    }
    classes_json.push_back({{"highway", c.highway},
                            {"speed_kmh", c.speed_kmh},
                            {"vph_per_lane", c.vph_per_lane},
                            {"lanes", c.lanes},
                            {"oneway", c.oneway}});
  }
  nlohmann::json out = {
      {"classes", classes_json},
      {"links",
       {{"speed_factor", link_speed_factor}, {"capacity_factor", link_capacity_factor}, {"lanes", link_lanes}}}};
  if (mode == Mode::foot) {
    out["mode"] = "foot";
    out["honour_foot_no"] = honour_foot_no;
  }
  return out;
}

std::optional<double> parse_maxspeed_kmh(std::string_view value) {
  std::string_view s = trim(value);
  double number = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (ec != std::errc{} || !std::isfinite(number) || number <= 0 || number > 300) return std::nullopt;
  std::string_view unit = trim(std::string_view(end, static_cast<std::size_t>(s.data() + s.size() - end)));
  if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return number;
  if (unit == "mph") return number * 1.609344;
  return std::nullopt;
}

std::optional<WayAttributes> evaluate(const Profile& profile, const void* way, TagLookup tag) {
  const char* highway = tag(way, "highway");
  if (highway == nullptr) return std::nullopt;
  if (profile.mode == Mode::foot) return evaluate_foot(profile, highway, way, tag);
  if (is_one_of(tag(way, "area"), {"yes"})) return std::nullopt;

  // The most specific access tag present decides.
  for (const char* key : {"motorcar", "motor_vehicle", "vehicle", "access"}) {
    if (const char* v = tag(way, key)) {
      if (is_one_of(v, {"no", "private"})) return std::nullopt;
      break;
    }
  }

  auto class_id = profile.class_of(highway);
  if (!class_id) return std::nullopt;
  const RoadClass& cls = profile.classes[*class_id];

  WayAttributes a;
  a.road_class = *class_id;
  a.speed_kmh = cls.speed_kmh;
  if (const char* ms = tag(way, "maxspeed")) {
    if (auto kmh = parse_maxspeed_kmh(ms)) a.speed_kmh = *kmh;
  }

  bool oneway = cls.oneway || is_one_of(tag(way, "junction"), {"roundabout"});
  bool reverse = false;
  if (const char* ow = tag(way, "oneway")) {
    if (is_one_of(ow, {"yes", "1", "true"})) {
      oneway = true;
    } else if (is_one_of(ow, {"-1", "reverse"})) {
      oneway = true;
      reverse = true;
    } else if (is_one_of(ow, {"no", "0", "false"})) {
      oneway = false;
    } else if (is_one_of(ow, {"reversible", "alternating"})) {
      return std::nullopt;  // direction changes over the day: not plannable
    }
  }
  a.forward = !reverse;
  a.backward = !oneway || reverse;

  a.lanes = cls.lanes;
  if (auto total = parse_lanes(tag(way, "lanes"))) a.lanes = oneway ? *total : std::max(1, *total / 2);
  a.capacity_vph = static_cast<std::uint32_t>(std::lround(cls.vph_per_lane * a.lanes));
  return a;
}

}  // namespace corridor::osm

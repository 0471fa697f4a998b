#include "corridor/monitor/incident.hpp"

#include "corridor/error.hpp"
#include "corridor/ledger/ledger.hpp"

namespace corridor::monitor {
namespace {

using nlohmann::json;

struct PrecisionName {
  TimePrecision precision;
  const char* name;
  geo::Seconds span;
};
constexpr PrecisionName k_precisions[] = {{TimePrecision::minute, "minute", std::chrono::minutes(1)},
                                          {TimePrecision::hour, "hour", std::chrono::hours(1)},
                                          {TimePrecision::day, "day", std::chrono::days(1)},
                                          {TimePrecision::week, "week", std::chrono::weeks(1)},
                                          {TimePrecision::month, "month", std::chrono::days(31)}};

}  // namespace

std::string to_string(TimePrecision p) {
  for (const auto& n : k_precisions) {
    if (n.precision == p) return n.name;
  }
  return "minute";
}

geo::UnixSeconds Incident::until() const {
  for (const auto& n : k_precisions) {
    if (n.precision == precision) return time + n.span;
  }
  return time + std::chrono::minutes(1);
}

json incident_document(const Incident& i) {
  json place;
  if (i.area) {
    place = geo::to_geojson(*i.area);
  } else {
    place = {{"type", "Point"}, {"coordinates", {i.where.lon, i.where.lat}}};
  }
  return {{"type", std::string(k_incident_type)},
          {"id", i.id},
          {"reported_by", i.reported_by},
          {"time", {{"utc", geo::format_utc(i.time)}, {"precision", to_string(i.precision)}}},
          {"place", {{"geometry", place}, {"precision_m", i.precision_m}}},
          {"event_type", i.event_type},
          {"sub_event_type", i.sub_event_type},
          {"actors", i.actors},
          {"description", i.description},
          {"source", i.source},
          {"fatalities", i.fatalities},
          {"acled", i.acled}};
}

Incident parse_incident(const json& d, const std::string& source) {
  std::vector<Problem> problems;
  Incident i;
  auto text = [&](const char* key, bool required) -> std::string {
    if (!d.contains(key) || d[key].is_null()) {
      if (required) problems.push_back({key, "is required"});
      return "";
    }
    if (!d[key].is_string()) {
      problems.push_back({key, "must be a string, got " + d[key].dump()});
      return "";
    }
    if (required && d[key].get<std::string>().empty()) problems.push_back({key, "must not be empty"});
    return d[key].get<std::string>();
  };
  if (!d.is_object() || d.value("type", json()) != k_incident_type) {
    throw ValidationError(source, {{"type", "an incident report must have \"type\": \"corridor-incident\""}});
  }
  i.id = text("id", true);
  i.reported_by = text("reported_by", true);
  i.event_type = text("event_type", true);
  i.sub_event_type = text("sub_event_type", false);
  i.description = text("description", false);
  i.source = text("source", false);
  if (d.contains("fatalities") && !d["fatalities"].is_null()) {
    if (!d["fatalities"].is_number_integer() || d["fatalities"].get<std::int64_t>() < 0) {
      problems.push_back({"fatalities", "must be a whole number >= 0, got " + d["fatalities"].dump()});
    } else {
      i.fatalities = d["fatalities"].get<std::int64_t>();
    }
  }
  if (d.contains("actors") && d["actors"].is_array()) {
    for (const auto& a : d["actors"]) {
      if (a.is_string())
        i.actors.push_back(a.get<std::string>());
      else
        problems.push_back({"actors", "must be strings, got " + a.dump()});
    }
  }
  const json time = d.value("time", json());
  if (!time.is_object() || !time.contains("utc") || !time["utc"].is_string()) {
    problems.push_back({"time.utc", "is required (RFC 3339 with an offset)"});
  } else {
    std::string why;
    if (auto t = geo::parse_rfc3339(time["utc"].get<std::string>(), &why))
      i.time = t->utc;
    else
      problems.push_back({"time.utc", why + ", got " + time["utc"].dump()});
    const std::string p = time.value("precision", "minute");
    bool known = false;
    for (const auto& n : k_precisions) {
      if (p == n.name) {
        i.precision = n.precision;
        known = true;
      }
    }
    if (!known) problems.push_back({"time.precision", "must be minute, hour, day, week or month, got \"" + p + "\""});
  }
  const json place = d.value("place", json());
  const json g = place.is_object() ? place.value("geometry", json()) : json();
  auto position = [&](const json& c, const std::string& path, geo::LonLat& out) {
    if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number()) {
      problems.push_back({path, "must be [longitude, latitude] numbers, got " + c.dump()});
      return false;
    }
    out = {c[0].get<double>(), c[1].get<double>()};
    if (!geo::valid(out)) problems.push_back({path, "is out of range, got " + c.dump()});
    return true;
  };
  if (!g.is_object()) {
    problems.push_back({"place.geometry", "is required: a GeoJSON Point, Polygon or MultiPolygon"});
  } else if (g.value("type", json()) == "Point") {
    position(g.value("coordinates", json()), "place.geometry.coordinates", i.where);
  } else if (g.value("type", json()) == "Polygon" || g.value("type", json()) == "MultiPolygon") {
    const json polys =
        g["type"] == "Polygon" ? json::array({g.value("coordinates", json())}) : g.value("coordinates", json());
    std::vector<geo::PolygonRings> polygons;
    for (std::size_t k = 0; polys.is_array() && k < polys.size(); ++k) {
      geo::PolygonRings rings;
      for (std::size_t r = 0; polys[k].is_array() && r < polys[k].size(); ++r) {
        geo::Ring ring;
        for (std::size_t v = 0; polys[k][r].is_array() && v < polys[k][r].size(); ++v) {
          geo::LonLat p;
          if (position(polys[k][r][v], "place.geometry.coordinates", p)) ring.push_back(p);
        }
        rings.push_back(std::move(ring));
      }
      if (rings.empty() || rings[0].size() < 4)
        problems.push_back({"place.geometry.coordinates", "a polygon ring needs at least 4 positions"});
      polygons.push_back(std::move(rings));
    }
    if (polygons.empty()) problems.push_back({"place.geometry.coordinates", "no polygon"});
    geo::Area area(std::move(polygons));
    if (!area.empty()) i.where = area.polygons()[0][0][0];
    i.area = std::move(area);
  } else {
    problems.push_back(
        {"place.geometry.type", "must be Point, Polygon or MultiPolygon, got " + g.value("type", json()).dump()});
  }
  if (place.is_object() && place.contains("precision_m")) {
    if (!place["precision_m"].is_number() || place["precision_m"].get<double>() < 0) {
      problems.push_back({"place.precision_m", "must be a number >= 0, got " + place["precision_m"].dump()});
    } else {
      i.precision_m = place["precision_m"].get<double>();
    }
  }
  i.acled = d.value("acled", json());
  if (!problems.empty()) throw ValidationError(source, std::move(problems));
  return i;
}

}  // namespace corridor::monitor

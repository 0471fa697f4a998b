// GET /route/v1/{profile}/{lon},{lat};{lon},{lat}: OSRM's route service.
// Field names, types and error codes follow OSRM's HTTP API v5
// (docs/http-api.md lists what is supported and what is not).
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "corridor/geo/time.hpp"
#include "corridor/route/snapped.hpp"
#include "corridor/server/polyline.hpp"
#include "corridor/units.hpp"
#include "resources.hpp"

namespace corridor::server {
namespace {

// OSRM's overview and geometries parameters.
enum class Overview { full, simplified, none };
enum class Geometries { geojson, polyline, polyline6 };

struct RouteRequest {
  std::vector<geo::LonLat> points;
  Overview overview = Overview::simplified;  // OSRM's defaults
  Geometries geometries = Geometries::polyline;
  std::string scenario;
  std::string at;
  bool steps = false;
};

// Waypoints one route may pass through (OSRM's --max-viaroute-size is 500).
constexpr std::size_t k_max_coordinates = 100;

bool number(std::string_view s, double& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
}

std::vector<geo::LonLat> parse_coordinates(std::string_view text) {
  if (text.size() > 5 && text.substr(text.size() - 5) == ".json") text.remove_suffix(5);
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto semi = text.find(';', start);
    parts.push_back(text.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start));
    if (semi == std::string_view::npos) break;
    start = semi + 1;
  }
  if (parts.size() < 2) {
    throw ApiError(ErrorKind::invalid_value, "a route needs 2 coordinates as {lon},{lat};{lon},{lat}");
  }
  if (parts.size() > k_max_coordinates) {
    throw ApiError(ErrorKind::too_big, "got " + std::to_string(parts.size()) + " coordinates; at most " +
                                           std::to_string(k_max_coordinates) + " are routed in one request");
  }
  std::vector<geo::LonLat> points;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto comma = parts[i].find(',');
    geo::LonLat p{};
    if (comma == std::string_view::npos || !number(parts[i].substr(0, comma), p.lon) ||
        !number(parts[i].substr(comma + 1), p.lat)) {
      throw ApiError(ErrorKind::invalid_value, "coordinate " + std::to_string(i) +
                                                   " is not {lon},{lat} in degrees: \"" + std::string(parts[i]) + "\"");
    }
    if (!geo::valid(p)) {
      throw ApiError(ErrorKind::invalid_value,
                     "coordinate " + std::to_string(i) + " is out of range: \"" + std::string(parts[i]) + "\"");
    }
    points.push_back(p);
  }
  return points;
}

// The value a parameter's text names; InvalidValue listing the choices otherwise.
template <typename Value>
Value one_of(const std::string& key, const std::string& text,
             std::initializer_list<std::pair<std::string_view, Value>> choices) {
  for (const auto& [name, value] : choices) {
    if (text == name) return value;
  }
  std::string list;
  for (const auto& choice : choices) list += (list.empty() ? "" : ", ") + std::string(choice.first);
  throw ApiError(ErrorKind::invalid_value, "parameter " + key + " must be one of " + list + ", got \"" + text + "\"");
}

RouteRequest parse_request(std::string_view coordinates, const Params& params) {
  RouteRequest r;
  r.points = parse_coordinates(coordinates);
  for (const auto& [key, value] : params) {
    if (key == "overview") {
      r.overview = one_of<Overview>(
          key, value, {{"full", Overview::full}, {"simplified", Overview::simplified}, {"false", Overview::none}});
    } else if (key == "geometries") {
      r.geometries = one_of<Geometries>(
          key, value,
          {{"geojson", Geometries::geojson}, {"polyline", Geometries::polyline}, {"polyline6", Geometries::polyline6}});
    } else if (key == "steps") {
      r.steps = one_of<bool>(key, value, {{"false", false}, {"true", true}});
    } else if (key == "annotations") {
      if (one_of<bool>(key, value, {{"false", false}, {"true", true}}))
        throw ApiError(ErrorKind::invalid_value, "annotations are not supported yet");
    } else if (key == "alternatives" || key == "generate_hints" || key == "continue_straight") {
      // Accepted and ignored: one route is always a valid answer, hints are empty.
    } else if (key == "scenario") {
      r.scenario = value;
    } else if (key == "at") {
      r.at = value;
    } else {
      throw ApiError(ErrorKind::invalid_url, "unknown parameter \"" + key + "\"");
    }
  }
  if (!r.at.empty() && r.scenario.empty()) {
    throw ApiError(ErrorKind::invalid_value, "parameter at needs scenario: the time selects its closures");
  }
  return r;
}

// OSRM's waypoint: the point on the road it snapped to, named by that road
// (or by `name` when given: the road a route leaves or reaches it by).
nlohmann::json waypoint(const graph::RoadGraph& g, const graph::SegmentSnap& s, const std::string* name = nullptr) {
  return {{"name", name != nullptr ? *name : g.name_of(s.arc)},
          {"location", {s.point.lon, s.point.lat}},
          {"distance", s.distance_m},
          {"hint", ""}};
}

}  // namespace

// A query object taken from the idle ones (or made when none is) and given
// back at the end of the request.
class Routes::Lease {
 public:
  explicit Lease(Routes& routes) : routes_(routes) {
    {
      const std::lock_guard lock(routes_.pool_mutex_);
      if (!routes_.idle_.empty()) {
        query_ = std::move(routes_.idle_.back());
        routes_.idle_.pop_back();
      }
    }
    if (!query_) query_ = std::make_unique<route::CchQuery>(routes_.topology_);
  }
  ~Lease() {
    const std::lock_guard lock(routes_.pool_mutex_);
    routes_.idle_.push_back(std::move(query_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  route::CchQuery& operator*() const noexcept { return *query_; }

 private:
  Routes& routes_;
  std::unique_ptr<route::CchQuery> query_;
};

Routes::Routes(const graph::RoadGraph& g, const graph::SpatialIndex& index, Scenarios& scenarios, double max_snap_m)
    : g_(g),
      index_(index),
      scenarios_(scenarios),
      max_snap_m_(max_snap_m),
      turns_(g.has_turn_restrictions() ? std::make_unique<route::TurnSplit>(g) : nullptr),
      searched_(turns_ ? turns_->graph() : g),
      topology_(searched_) {}

Routes::Weights Routes::metric(const route::ArcSet* closed) {
  const std::lock_guard lock(metric_mutex_);
  const auto same = [&](const Metric& m) { return closed == nullptr ? !m.closed : m.closed && *m.closed == *closed; };
  if (const auto it = std::find_if(metrics_.begin(), metrics_.end(), same); it != metrics_.end()) {
    std::rotate(it, it + 1, metrics_.end());
    return metrics_.back().weights;
  }
  std::shared_ptr<const route::ArcSet> searched_closed;
  if (closed != nullptr) {
    searched_closed = std::make_shared<const route::ArcSet>(turns_ ? turns_->lift(*closed) : *closed);
  }
  // A new closure state: the cached state nearest to it, customised again
  // where the two differ (a partial customisation: 1-2 ms on a city for a
  // new hazard of a district, a fraction of a millisecond for a few
  // roads), or one full customisation (about 10 ms) when none is cached.
  // Arcs that only close are the cheap direction, so a cached state the
  // new one only adds closures to is preferred; reopening beyond 1 % of
  // the arcs is a full customisation.
  std::shared_ptr<route::CchMetric> fresh;
  const Metric* nearest = nullptr;
  std::vector<std::uint32_t> changed;
  bool nearest_reopens = false;
  for (const auto& m : metrics_) {
    auto differ = route::ArcSet::difference(m.closed ? &*m.closed : nullptr, closed);
    const bool reopens =
        m.closed && std::any_of(differ.begin(), differ.end(), [&](std::uint32_t a) { return m.closed->contains(a); });
    if (nearest == nullptr || std::pair(reopens, differ.size()) < std::pair(nearest_reopens, changed.size())) {
      nearest = &m;
      nearest_reopens = reopens;
      changed = std::move(differ);
    }
  }
  if (nearest != nullptr) {
    if (turns_) {  // the road arcs that changed, as arcs of the split graph
      std::vector<std::uint32_t> copies;
      for (auto a : changed) {
        for (auto c : turns_->copies(a)) copies.push_back(c);
      }
      std::sort(copies.begin(), copies.end());
      changed = std::move(copies);
    }
    fresh = std::make_shared<route::CchMetric>(*nearest->weights.metric);
    fresh->update(searched_closed.get(), changed);
  } else {
    fresh = std::make_shared<route::CchMetric>(topology_, searched_, searched_closed.get());
  }
  if (metrics_.size() == k_kept_metrics) metrics_.erase(metrics_.begin());
  metrics_.push_back(
      {closed == nullptr ? std::nullopt : std::optional(*closed), {std::move(fresh), std::move(searched_closed)}});
  return metrics_.back().weights;
}

route::Route Routes::route_between(const Weights& weights, route::CchQuery& query, const graph::SegmentSnap& from,
                                   const graph::SegmentSnap& to) const {
  const route::NodeSearch search = [&](std::span<const route::Endpoint> s, std::span<const route::Endpoint> t) {
    return query.run(*weights.metric, s, t);
  };
  return route::route_between(searched_, from, to, weights.closed.get(), search, turns_.get());
}

std::optional<scenario::Closures> Routes::closures(const std::string& scenario, const std::string& at_text) {
  if (scenario.empty()) return std::nullopt;
  const auto overlay = scenarios_.overlay(scenario);
  if (!overlay) throw ApiError(ErrorKind::invalid_value, "no scenario named \"" + scenario + "\"");
  std::string why;
  const auto at = overlay->instant(at_text, &why);
  if (!at) throw ApiError(ErrorKind::invalid_value, "parameter at: " + why + ", got \"" + at_text + "\"");
  return overlay->closures_at(*at);
}

graph::SegmentSnap Routes::snap(geo::LonLat p, std::size_t i) const {
  std::string why;
  const auto s = scenario::snap_segment(index_, p, max_snap_m_, &why);
  if (!s) {
    throw ApiError(ErrorKind::no_segment,
                   "Could not find a matching segment for coordinate " + std::to_string(i) + " (" + why + ")");
  }
  return *s;
}

nlohmann::json Routes::route(std::string_view coordinates, const Params& params) {
  const auto request = parse_request(coordinates, params);
  const auto& g = g_;
  const auto closures = this->closures(request.scenario, request.at);

  std::vector<graph::SegmentSnap> snaps;
  const auto last = request.points.size() - 1;
  for (std::size_t i = 0; i <= last; ++i) snaps.push_back(snap(request.points[i], i));

  // One leg between each pair of consecutive waypoints, as OSRM answers.
  std::vector<route::Route> legs;
  {
    const auto weights = metric(closures ? &closures->closed : nullptr);
    const Lease lease(*this);
    for (std::size_t i = 0; i < last; ++i) {
      legs.push_back(route_between(weights, *lease, snaps[i], snaps[i + 1]));
      if (!legs.back().found) {
        throw ApiError(ErrorKind::no_route,
                       std::string(closures ? "Impossible route between points avoiding the scenario's closures"
                                            : "Impossible route between points") +
                           (last > 1 ? " (leg " + std::to_string(i) + ")" : ""));
      }
    }
  }

  const GeometryWriter geometry = [&](const std::vector<geo::LonLat>& points) -> nlohmann::json {
    if (request.geometries != Geometries::geojson) {
      return encode_polyline(points, request.geometries == Geometries::polyline6 ? 6 : 5);
    }
    nlohmann::json coords = nlohmann::json::array();
    for (const auto& p : points) coords.push_back({p.lon, p.lat});
    return {{"type", "LineString"}, {"coordinates", coords}};
  };
  double distance = 0;
  double duration = 0;
  nlohmann::json legs_json = nlohmann::json::array();
  std::vector<geo::LonLat> points;
  for (const auto& r : legs) {
    const double leg_duration = to_seconds(r.time_ms);
    distance += r.length_m;
    duration += leg_duration;
    std::string summary;
    for (const auto& name : g.road_names(r.arcs)) summary += (summary.empty() ? "" : ", ") + name;
    legs_json.push_back({{"distance", r.length_m},
                         {"duration", leg_duration},
                         {"steps", request.steps ? route_steps(g, r, geometry) : nlohmann::json::array()},
                         {"summary", summary},
                         {"weight", leg_duration}});
    const auto leg_points = route::route_points(g, r);
    points.insert(points.end(), leg_points.begin() + (points.empty() ? 0 : 1), leg_points.end());
  }
  nlohmann::json route_json = {
      {"distance", distance}, {"duration", duration}, {"weight", duration}, {"weight_name", "duration"}};
  if (request.overview != Overview::none) {
    if (points.size() == 1) points.push_back(points.front());  // a LineString has two positions
    route_json["geometry"] = geometry(points);
  }
  route_json["legs"] = std::move(legs_json);

  // Each waypoint is named by the road the route leaves it by (the last by
  // the road it arrives on): on a node where roads meet, the one it takes.
  nlohmann::json waypoints = nlohmann::json::array();
  for (std::size_t i = 0; i <= last; ++i) {
    const auto& leg = legs[i < last ? i : last - 1];
    const auto* name = leg.arcs.empty() ? nullptr : &g.name_of(i < last ? leg.arcs.front() : leg.arcs.back());
    waypoints.push_back(waypoint(g, snaps[i], name));
  }
  return {{"code", "Ok"}, {"routes", nlohmann::json::array({route_json})}, {"waypoints", waypoints}};
}

namespace {

// OSRM's sources/destinations: "all" or indices separated by ';'.
std::vector<std::size_t> indices(const std::string& key, const std::string& text, std::size_t count) {
  std::vector<std::size_t> out;
  if (text.empty() || text == "all") {
    for (std::size_t i = 0; i < count; ++i) out.push_back(i);
    return out;
  }
  for (std::size_t start = 0;;) {
    const auto semi = text.find(';', start);
    const auto part =
        std::string_view(text).substr(start, semi == std::string::npos ? std::string::npos : semi - start);
    std::size_t i = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), i);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size() || i >= count) {
      throw ApiError(ErrorKind::invalid_value, "parameter " + key + " must be all or coordinate indices below " +
                                                   std::to_string(count) + " separated by ';', got \"" + text + "\"");
    }
    out.push_back(i);
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  return out;
}

}  // namespace

nlohmann::json Routes::table(std::string_view coordinates, const Params& params) {
  const auto points = parse_coordinates(coordinates);
  std::string sources_text, destinations_text, scenario, at;
  bool durations = true, distances = false;
  for (const auto& [key, value] : params) {
    if (key == "sources") {
      sources_text = value;
    } else if (key == "destinations") {
      destinations_text = value;
    } else if (key == "annotations") {
      durations = distances = false;
      for (std::size_t start = 0;;) {
        const auto comma = value.find(',', start);
        const auto part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        (one_of<bool>(key, part, {{"duration", true}, {"distance", false}}) ? durations : distances) = true;
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (key == "scenario") {
      scenario = value;
    } else if (key == "at") {
      at = value;
    } else if (key == "generate_hints") {
      // Accepted and ignored: hints are empty.
    } else {
      throw ApiError(ErrorKind::invalid_url, "unknown parameter \"" + key + "\"");
    }
  }
  if (!at.empty() && scenario.empty()) {
    throw ApiError(ErrorKind::invalid_value, "parameter at needs scenario: the time selects its closures");
  }
  const auto from = indices("sources", sources_text, points.size());
  const auto to = indices("destinations", destinations_text, points.size());
  const auto closed = closures(scenario, at);
  // Every point may start and end a route.
  std::vector<graph::SegmentSnap> snaps;
  for (std::size_t i = 0; i < points.size(); ++i) snaps.push_back(snap(points[i], i));

  nlohmann::json duration_rows = nlohmann::json::array(), distance_rows = nlohmann::json::array();
  {
    const auto weights = metric(closed ? &closed->closed : nullptr);
    const Lease lease(*this);
    for (const auto s : from) {
      nlohmann::json duration_row = nlohmann::json::array(), distance_row = nlohmann::json::array();
      for (const auto t : to) {
        const auto r = route_between(weights, *lease, snaps[s], snaps[t]);
        duration_row.push_back(r.found ? nlohmann::json(to_seconds(r.time_ms)) : nlohmann::json(nullptr));
        distance_row.push_back(r.found ? nlohmann::json(r.length_m) : nlohmann::json(nullptr));
      }
      duration_rows.push_back(std::move(duration_row));
      distance_rows.push_back(std::move(distance_row));
    }
  }
  nlohmann::json sources = nlohmann::json::array(), destinations = nlohmann::json::array();
  for (const auto s : from) sources.push_back(waypoint(g_, snaps[s]));
  for (const auto t : to) destinations.push_back(waypoint(g_, snaps[t]));
  nlohmann::json out = {{"code", "Ok"}, {"sources", sources}, {"destinations", destinations}};
  if (durations) out["durations"] = std::move(duration_rows);
  if (distances) out["distances"] = std::move(distance_rows);
  return out;
}

}  // namespace corridor::server

// Checks `corridor route` output against the raw OSM data, read here with
// libosmium independently of the importer: every step of a path is a pair of
// consecutive nodes of one highway way, driven in a direction its tags
// allow, and the duration is the sum of length / speed recomputed from the
// raw coordinates and tags.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include "test_support.hpp"

namespace corridor {
namespace {

struct Step {
  double speed_kmh;
  double length_m;
};

// (from, to) -> the fastest allowed step between them in the raw data.
using RawSteps = std::map<std::pair<std::int64_t, std::int64_t>, Step>;

double haversine(const osmium::Location& a, const osmium::Location& b) {
  const double r = 6371008.8, rad = M_PI / 180;
  const double dlat = (b.lat() - a.lat()) * rad, dlon = (b.lon() - a.lon()) * rad;
  const double h = std::pow(std::sin(dlat / 2), 2) + std::cos(a.lat() * rad) * std::cos(b.lat() * rad) * std::pow(std::sin(dlon / 2), 2);
  return 2 * r * std::asin(std::sqrt(h));
}

struct RawReader : osmium::handler::Handler {
  RawSteps steps;
  std::vector<std::pair<double, double>> road_points;

  static std::optional<double> speed(const osmium::TagList& tags) {
    static const std::map<std::string, double> table = {
        {"motorway", 90}, {"trunk", 85},        {"primary", 65},       {"secondary", 55}, {"tertiary", 40},
        {"unclassified", 25}, {"residential", 25}, {"living_street", 10}, {"service", 15}};
    std::string hw = tags.get_value_by_key("highway", "");
    double factor = 1;
    if (hw.size() > 5 && hw.substr(hw.size() - 5) == "_link") {
      hw = hw.substr(0, hw.size() - 5);
      factor = 0.5;
    }
    const auto it = table.find(hw);
    if (it == table.end()) return std::nullopt;
    double kmh = it->second * factor;
    if (const char* ms = tags.get_value_by_key("maxspeed")) {
      char* end = nullptr;
      const double v = std::strtod(ms, &end);
      const std::string unit = end ? std::string(end) : "";
      if (v > 0 && (unit.empty() || unit == " km/h")) kmh = v;
      if (v > 0 && (unit == " mph" || unit == "mph")) kmh = v * 1.609344;
    }
    return kmh;
  }

  void way(const osmium::Way& w) {
    const auto kmh = speed(w.tags());
    if (!kmh) return;
    const std::string oneway = w.tags().get_value_by_key("oneway", "");
    const bool implied = std::string(w.tags().get_value_by_key("highway", "")) == "motorway" ||
                         std::string(w.tags().get_value_by_key("junction", "")) == "roundabout";
    const bool forward = oneway != "-1";
    const bool backward = oneway == "-1" || (oneway != "yes" && oneway != "1" && oneway != "true" && !(implied && oneway != "no"));
    const auto& nodes = w.nodes();
    for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
      if (!nodes[i].location().valid() || !nodes[i + 1].location().valid()) continue;
      const double len = haversine(nodes[i].location(), nodes[i + 1].location());
      auto add = [&](std::int64_t a, std::int64_t b) {
        auto [it, fresh] = steps.try_emplace({a, b}, Step{*kmh, len});
        if (!fresh && len / *kmh < it->second.length_m / it->second.speed_kmh) it->second = Step{*kmh, len};
      };
      if (forward) add(nodes[i].ref(), nodes[i + 1].ref());
      if (backward) add(nodes[i + 1].ref(), nodes[i].ref());
      road_points.emplace_back(nodes[i].location().lon(), nodes[i].location().lat());
    }
  }
};

class RawOsmCheck : public ::testing::TestWithParam<std::string> {};

TEST_P(RawOsmCheck, RoutesFollowRawWaysAndTimes) {
  const auto pbf = testing::osm_extract(GetParam());
  RawReader raw;
  {
    using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
    Index index;
    osmium::handler::NodeLocationsForWays<Index> locations(index);
    locations.ignore_errors();
    osmium::io::Reader reader(pbf.string(), osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
    osmium::apply(reader, locations, raw);
    reader.close();
  }
  testing::TempDir dir;
  const auto graph = (dir / "map.graph").string();
  ASSERT_EQ(testing::run_corridor({"import", pbf.string(), "-o", graph, "--quiet"}).exit_code, 0);

  std::mt19937_64 rng(testing::test_seed() + 7);
  std::uniform_int_distribution<std::size_t> pick(0, raw.road_points.size() - 1);
  int checked = 0;
  for (int i = 0; i < 12; ++i) {
    const auto a = raw.road_points[pick(rng)], b = raw.road_points[pick(rng)];
    auto fmt = [](std::pair<double, double> p) { return std::to_string(p.first) + "," + std::to_string(p.second); };
    const auto r = testing::run_corridor({"route", graph, "--from", fmt(a), "--to", fmt(b)});
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.err;
    if (r.exit_code == 3) continue;  // e.g. a one-way dead end: NoRoute is a valid answer
    const auto out = nlohmann::json::parse(r.out);
    const auto path = out["path"].get<std::vector<std::int64_t>>();
    double seconds = 0, metres = 0;
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      const auto it = raw.steps.find({path[k], path[k + 1]});
      ASSERT_NE(it, raw.steps.end()) << "step " << path[k] << " -> " << path[k + 1]
                                     << " is not an allowed segment of any routable way";
      // The importer rounds each segment to whole milliseconds.
      seconds += std::max(0.001, std::round(it->second.length_m / (it->second.speed_kmh / 3.6) * 1000) / 1000);
      metres += it->second.length_m;
    }
    EXPECT_NEAR(out["duration_s"].get<double>(), seconds, 0.001 * static_cast<double>(path.size()));
    EXPECT_NEAR(out["distance_m"].get<double>(), metres, 0.01 * static_cast<double>(path.size()) + 0.5);
    ++checked;
  }
  EXPECT_GT(checked, 5);
}

INSTANTIATE_TEST_SUITE_P(RealExtracts, RawOsmCheck,
                         ::testing::Values("andorra-2021-10.osm.pbf", "monaco-2016-03.osm.pbf",
                                           "rhein-neckar-rnv-2016-12.osm.pbf"),
                         [](const auto& param_info) { return param_info.param.substr(0, param_info.param.find('-')); });

}  // namespace
}  // namespace corridor

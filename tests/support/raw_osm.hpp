#pragma once
// The raw OSM data of an extract, read with libosmium independently of the
// importer (its own small speed table and direction rules), so that tests
// can check routes and plans against the data rather than against the code
// that produced them.
#include <cstdint>
#include <filesystem>
#include <map>
#include <utility>
#include <vector>

namespace corridor::testing {

struct RawStep {
  double speed_kmh;
  double length_m;
  [[nodiscard]] double seconds() const { return length_m / (speed_kmh / 3.6); }
};

// A turn restriction for motor vehicles over a node or via ways, as tagged.
struct RawTurnRestriction {
  std::int64_t from_way, via_node, to_way;  // via_node 0: over via_ways
  bool only;                                // only_*: the one way on from from_way
  std::vector<std::int64_t> via_ways;
};

struct RawOsm {
  // (from, to) OSM node ids -> the fastest allowed step between them.
  std::map<std::pair<std::int64_t, std::int64_t>, RawStep> steps;
  // (from, to) OSM node ids -> every way with that allowed step.
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::int64_t>> step_ways;
  std::vector<RawTurnRestriction> restrictions;
  // Positions of road nodes (lon, lat), for picking random points.
  std::vector<std::pair<double, double>> road_points;
};

RawOsm read_raw_osm(const std::filesystem::path& pbf);

}  // namespace corridor::testing

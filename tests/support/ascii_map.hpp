#pragma once
// Builds tiny real .osm.pbf files from a drawn map, for tests of oneway,
// access, hazards and snapping:
//
//   AsciiMap m(R"(
//     a--b--c
//     |     |
//     d--e--f
//   )");
//   m.way("abc", {{"highway", "primary"}});
//   m.way("cfed", {{"highway", "residential"}, {"oneway", "yes"}});
//   auto pbf = m.write_pbf(dir / "t.osm.pbf");
//
// Letters are nodes (a-z, A-Z); every other character is decoration. A
// character cell is `cell_m` metres square; the top-left cell lies at
// `origin`. OSM node ids are 1000 + position of the letter in "a..zA..Z";
// way ids count from 1 in declaration order.
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/geo/geo.hpp"

namespace corridor::testing {

using Tags = std::vector<std::pair<std::string, std::string>>;

class AsciiMap {
 public:
  explicit AsciiMap(const std::string& drawing, double cell_m = 10.0, geo::LonLat origin = {8.0, 49.0});

  // Declares a way through the named nodes, in order.
  AsciiMap& way(const std::string& nodes, Tags tags);
  // A turn restriction relation (type=restriction) from way `from` over
  // node `via` onto way `to` (way ids: 1 for the first declared), with the
  // tag restriction=`kind` ("no_left_turn", "only_straight_on"; none when
  // empty) and more.
  AsciiMap& restriction(std::int64_t from, char via, std::int64_t to, const std::string& kind, Tags more = {});
  // The same over a via way (a member way with role "via").
  AsciiMap& restriction_via_way(std::int64_t from, std::int64_t via_way, std::int64_t to, const std::string& kind);

  [[nodiscard]] geo::LonLat where(char node) const;
  [[nodiscard]] static std::int64_t osm_id(char node);
  // A point `east_m` east and `south_m` south of a node.
  [[nodiscard]] geo::LonLat offset(char node, double east_m, double south_m) const;
  // A closed rectangle around the listed nodes, padded by pad_m, as a
  // GeoJSON Polygon's coordinates.
  [[nodiscard]] std::string polygon_around(const std::string& nodes, double pad_m) const;

  // A GeoJSON Point feature at a node, with these properties (a scenario's
  // origin, destination or checkpoint).
  [[nodiscard]] nlohmann::json point_feature(char node, nlohmann::json properties) const;

  std::filesystem::path write_pbf(const std::filesystem::path& path) const;

 private:
  double cell_m_;
  geo::LonLat origin_;
  std::map<char, std::pair<int, int>> cells_;  // letter -> (column, row)
  struct Way {
    std::string nodes;
    Tags tags;
  };
  std::vector<Way> ways_;
  struct Restriction {
    std::int64_t from;
    char via;  // 0: via_way
    std::int64_t via_way;
    std::int64_t to;
    Tags tags;
  };
  std::vector<Restriction> restrictions_;
};

}  // namespace corridor::testing

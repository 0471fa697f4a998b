#pragma once
// A road network as read from a source (OSM or GeoJSON), before it becomes a
// compact graph: nodes with their external ids and coordinates, and directed
// arcs with the profile's attributes. graph::build() turns it into a RoadGraph.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "corridor/osm/profile.hpp"

namespace corridor::osm {

struct RawArc {
  std::uint32_t tail = 0;  // index into RawNetwork nodes
  std::uint32_t head = 0;
  std::uint32_t time_ms = 0;       // free-flow travel time
  float length_m = 0;              // along the geometry
  std::uint32_t capacity_vph = 0;  // vehicles per hour
  std::uint8_t road_class = 0;     // index into class_names
  std::uint8_t lanes = 1;          // in this direction
  std::int64_t way_id = 0;         // OSM way id (or the GeoJSON feature's id)
  std::uint32_t name = 0;          // index into RawNetwork::names (0: unnamed)
  std::uint32_t shape_begin = 0;   // intermediate points, [begin, end) of shape_*
  std::uint32_t shape_end = 0;
};

struct ImportStats {
  std::uint64_t ways_read = 0;             // ways (features) looked at
  std::uint64_t ways_routable = 0;         // kept by the profile
  std::uint64_t missing_nodes = 0;         // node references without a location
  std::uint64_t restrictions_read = 0;     // turn restrictions for this profile's vehicles
  std::uint64_t restrictions_via_way = 0;  // of those, over one or more via ways
};

// A turn restriction as OSM tags it (a relation type=restriction): from a
// way over a node, or along via ways, onto a way, either forbidden (no_*)
// or the only way on from the from way (only_*).
struct RawRestriction {
  std::int64_t from_way = 0;
  std::int64_t via_node = 0;           // 0 when via ways
  std::vector<std::int64_t> via_ways;  // in the relation's order
  std::int64_t to_way = 0;
  bool only = false;
};

struct RawNetwork {
  std::string source_kind;  // "osm", "geojson" or "matsim"
  std::vector<std::int64_t> node_id;
  std::vector<std::int32_t> node_lat;  // 1e-7 degrees
  std::vector<std::int32_t> node_lon;
  std::vector<RawArc> arcs;
  std::vector<std::int32_t> shape_lat;  // intermediate points of arcs (GeoJSON)
  std::vector<std::int32_t> shape_lon;
  std::vector<std::string> class_names;
  std::vector<std::string> names{""};  // road numbers or names ("CG-1"), [0] = unnamed
  std::vector<RawRestriction> restrictions;
  ImportStats stats;
  std::vector<std::string> notes;  // what the reader decided for the user to know
};

// Called now and then with the fraction of the input read so far.
using Progress = std::function<void(double fraction)>;

// Reads an OSM file (.osm.pbf, .osm, .osm.bz2 ...) with libosmium.
// Throws IoError when the file cannot be opened, FormatError when it is not
// valid OSM data, InputError when it has no routable road.
RawNetwork read_osm(const std::filesystem::path& path, const Profile& profile, const Progress& progress = {});

// Reads a GeoJSON road network (docs/import.md): LineString features with
// optional from/to node ids, oneway, and either travel_time_s + capacity_vph
// or highway/maxspeed/lanes. Throws ValidationError naming every bad feature.
RawNetwork read_geojson_network(const std::filesystem::path& path, const Profile& profile);
// The same from GeoJSON text; `source` names it in messages.
RawNetwork parse_geojson_network(std::string_view text, const std::string& source, const Profile& profile);

struct MatsimOptions {
  // The coordinate reference system of x/y ("EPSG:32632", any PROJ string);
  // empty: the file's coordinateReferenceSystem attribute.
  std::string crs;
  // Links kept: those allowing one of these modes; empty: every link.
  std::vector<std::string> modes;
};

// Reads a MATSim network file (docs/import.md; network.xml or .xml.gz):
// nodes reprojected from their CRS with PROJ, one arc per link with time
// length/freespeed and capacity per hour from capacity per capperiod.
// Throws FormatError for XML that is not well formed, ValidationError
// naming every bad node and link, InputError("--crs", ...) when no CRS is
// known or PROJ does not know it.
RawNetwork read_matsim_network(const std::filesystem::path& path, const Profile& profile,
                               const MatsimOptions& options = {});
// The same from the XML text; `source` names it in messages.
RawNetwork parse_matsim_network(std::string_view text, const std::string& source, const Profile& profile,
                                const MatsimOptions& options = {});

// Chooses the reader by file name: .geojson/.json -> GeoJSON, .xml/.xml.gz
// -> MATSim, else OSM.
RawNetwork read_network(const std::filesystem::path& path, const Profile& profile, const Progress& progress = {},
                        const MatsimOptions& matsim = {});

// Travel time in ms for a length at a speed, at least 1 ms for a non-empty
// segment so that every movement takes time.
std::uint32_t travel_time_ms(double length_m, double speed_kmh);

}  // namespace corridor::osm

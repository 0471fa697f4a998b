#pragma once
// The road graph: a static directed graph in compressed sparse row form
// (structure of arrays, dense 32-bit ids, no per-node objects).
//
// Invariants (checked by build() and by the file reader):
// - node ids are 0..node_count()-1, arc ids 0..arc_count()-1;
// - the arcs leaving node v are first_out[v] .. first_out[v+1]-1, sorted by
//   head; first_out.size() == node_count()+1, first_out.back() == arc_count();
// - in_first[v] .. in_first[v+1]-1 index in_arc, the ids of arcs entering v;
// - there is at most one arc per (tail, head) pair: the fastest;
// - nodes are stored in Hilbert-curve order, so that nearby nodes are near in
//   memory (fewer cache misses in searches).
// Every graph node is a node of the source network (an OSM node), so each
// arc is one segment of one way and a path of nodes names every OSM node.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/geo/geo.hpp"

namespace corridor::graph {

using NodeId = std::uint32_t;
using ArcId = std::uint32_t;
inline constexpr std::uint32_t k_invalid = 0xFFFFFFFFu;

struct RoadGraph {
  // Topology.
  std::vector<ArcId> first_out;  // node_count + 1
  std::vector<NodeId> head;      // per arc
  std::vector<NodeId> tail;      // per arc
  std::vector<ArcId> in_first;   // node_count + 1
  std::vector<ArcId> in_arc;     // arc_count: arcs sorted by head

  // Per node.
  std::vector<std::int64_t> node_id;  // OSM node id (or GeoJSON node id)
  std::vector<std::int32_t> lat;      // 1e-7 degrees
  std::vector<std::int32_t> lon;

  // Per arc.
  std::vector<std::uint32_t> time_ms;  // free-flow travel time
  std::vector<float> length_m;
  std::vector<std::uint32_t> capacity_vph;  // vehicles per hour
  std::vector<std::uint8_t> road_class;     // index into class_names
  std::vector<std::uint8_t> lanes;
  std::vector<std::int64_t> way_id;  // source way (OSM way id)
  std::vector<std::uint32_t> name;   // index into names; 0: unnamed

  // Optional intermediate shape points (GeoJSON networks): arc a's shape is
  // shape_first[a] .. shape_first[a+1]-1; empty vectors when no arc has one.
  std::vector<std::uint32_t> shape_first;
  std::vector<std::int32_t> shape_lat;
  std::vector<std::int32_t> shape_lon;

  // Optional: the nested-dissection order for CCH routing (rank -> node),
  // computed once at import; empty when the graph file has none.
  std::vector<NodeId> cch_order;

  // Optional: forbidden turns from OSM restriction relations (via a node),
  // as pairs of arcs (turn_from[i] into a node, turn_to[i] out of it),
  // sorted by (from, to). An only_* restriction is stored as every other
  // turn it forbids. Searches honour them through route::TurnSplit.
  std::vector<ArcId> turn_from;
  std::vector<ArcId> turn_to;
  // Optional: restrictions over via ways, as chains of 3 or more arcs that
  // may not be driven in a row: turn_chain_arc[turn_chain_first[c] ..
  // turn_chain_first[c+1]); both empty when there are none.
  std::vector<std::uint32_t> turn_chain_first;
  std::vector<ArcId> turn_chain_arc;
  [[nodiscard]] bool has_turn_restrictions() const noexcept { return !turn_from.empty() || !turn_chain_first.empty(); }

  std::vector<std::string> class_names;
  std::vector<std::string> names{""};  // road numbers (ref) or else names, [0] = ""
  nlohmann::json meta;                 // source file, source kind, profile, import time

  [[nodiscard]] std::uint32_t node_count() const noexcept { return static_cast<std::uint32_t>(node_id.size()); }
  [[nodiscard]] std::uint32_t arc_count() const noexcept { return static_cast<std::uint32_t>(head.size()); }
  [[nodiscard]] geo::LonLat where(NodeId v) const noexcept {
    return {geo::from_fixed(lon[v]), geo::from_fixed(lat[v])};
  }
  // The arc from u to v, or k_invalid.
  [[nodiscard]] ArcId find_arc(NodeId u, NodeId v) const noexcept;
  // Whether a turn restriction forbids driving arc `to` right after `from`.
  [[nodiscard]] bool turn_forbidden(ArcId from, ArcId to) const noexcept;
  // The arc's geometry: tail, shape points, head.
  [[nodiscard]] std::vector<geo::LonLat> arc_geometry(ArcId a) const;
  // The road's number or name ("CG-2"), "" when unnamed.
  [[nodiscard]] const std::string& name_of(ArcId a) const noexcept { return names[name[a]]; }
  // The names of the roads a chain of arcs follows, in order, each once per
  // stretch ("Carrer Doctor Vilanova", "CG-1", "N-145"): the "via" of a route.
  [[nodiscard]] std::vector<std::string> road_names(const std::vector<ArcId>& arcs) const;
  // Total length of all arcs, counting a two-way road once per direction.
  [[nodiscard]] double total_arc_length_m() const noexcept;
  // Bytes of the arrays in memory.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
};

}  // namespace corridor::graph

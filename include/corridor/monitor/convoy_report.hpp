#pragma once
// Convoy reports (docs/operations.md): what a party says about one movement
// of the agreement in force at a time (departed, position, at a checkpoint,
// delayed, stopped, arrived), signed by that party as incident reports are
// and kept in the ledger beside them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "corridor/geo/geo.hpp"
#include "corridor/geo/time.hpp"
#include "corridor/graph/road_graph.hpp"
#include "corridor/monitor/versions.hpp"

namespace corridor::monitor {

// The payload "type" of a convoy report, and its kind in the ledger.
inline constexpr std::string_view k_convoy_report_type = "corridor-convoy-report";

enum class ConvoyStatus { departed, position, at_checkpoint, delayed, stopped, arrived };
std::string to_string(ConvoyStatus s);
std::optional<ConvoyStatus> parse_convoy_status(std::string_view text);

struct ConvoyReportDoc {
  std::string id;
  std::string reported_by;  // party id (the signer)
  std::string movement;     // "m17"
  ConvoyStatus status = ConvoyStatus::position;
  geo::UnixSeconds time{};
  std::optional<geo::LonLat> where;  // position, stopped: a point...
  std::optional<std::int64_t> node;  // ...or an OSM node of the route
  std::string checkpoint;            // at_checkpoint: the checkpoint's id
  std::int64_t delay_min = 0;        // delayed
  std::string reason;                // stopped
  std::int64_t people = 0;           // arrived: people delivered
  bool off_route = false;            // the convoy left its route: position is not checked against it
  std::string note;
};

nlohmann::json convoy_report_document(const ConvoyReportDoc& report);
// Reads and validates a convoy report document (the payload of a signed
// one); throws ValidationError naming every bad field.
ConvoyReportDoc parse_convoy_report(const nlohmann::json& document, const std::string& source);

// The checks on arrival, against the agreement version in force at the
// report's time and the map its routes were made on: the movement is one of
// its corridors', the time inside the agreement's span, the position (or
// node) within max_off_route_m of the movement's route unless it says
// off_route, the checkpoint one of the agreement's. Returns the version;
// throws ledger::RejectedEntry saying what is wrong.
const AgreementVersion& check_convoy_report(const ConvoyReportDoc& report, const AgreementVersions& versions,
                                            const graph::RoadGraph& map, double max_off_route_m = 500);

// Distance in metres from p to the polyline through `route` (a point's
// distance when it has one vertex).
double distance_to_polyline_m(geo::LonLat p, const std::vector<geo::LonLat>& route);

}  // namespace corridor::monitor

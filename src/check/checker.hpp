#pragma once
// Internals of the plan checker, shared by its source files only.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/check/check.hpp"
#include "corridor/graph/road_graph.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/scenario/scenario.hpp"

namespace corridor::check::detail {

using graph::ArcId;
using graph::NodeId;

inline constexpr double k_infinity = std::numeric_limits<double>::infinity();
// Times are printed to the millisecond: differences may be off by rounding.
inline constexpr double k_time_tolerance_s = 0.0015;

// Collects violations.
struct Sink {
  std::vector<Violation>& out;
  void add(std::string constraint, std::string path, std::string message) const {
    out.push_back({std::move(constraint), std::move(path), std::move(message)});
  }
};

// A half-open interval of seconds after the scenario's start; infinite ends
// stand for "always".
struct Window {
  double from = -k_infinity;
  double until = k_infinity;
};

// A polygon that restricts the roads meeting it.
struct Zone {
  enum class Kind { hazard, ceasefire, forbidden_area };
  Kind kind = Kind::hazard;
  std::size_t index = 0;  // into Scenario::hazards, ceasefires or areas
  const geo::Area* area = nullptr;
  std::vector<Window> windows;     // hazard: when closed; ceasefire: when open
  std::vector<std::size_t> rules;  // forbidden area: the rules forbidding it
};

// The scenario on the graph, as the checker sees it.
class Context {
 public:
  Context(const graph::RoadGraph& g, const scenario::Scenario& s, const CheckOptions& options);

  const graph::RoadGraph& g;
  const scenario::Scenario& s;
  CheckOptions options;
  double step_s = 60;
  double horizon_s = 0;

  std::vector<std::optional<graph::Snap>> origin_snap;       // per scenario origin
  std::vector<std::optional<graph::Snap>> destination_snap;  // per scenario destination
  std::vector<std::optional<graph::Snap>> checkpoint_snap;   // per scenario checkpoint
  std::vector<std::optional<graph::Snap>> depot_snap;        // per scenario depot
  std::vector<std::optional<graph::Snap>> pickup_snap;       // per scenario pick-up point
  std::vector<Zone> zones;
  // Rules refusing each checkpoint and each destination (rule indices).
  std::vector<std::vector<std::size_t>> checkpoint_refused_by;
  std::vector<std::vector<std::size_t>> destination_refused_by;
  std::vector<std::vector<std::size_t>> depot_refused_by;
  std::vector<std::size_t> aid_refused_by;  // rules forbidding aid inbound

  // Graph node of an external (OSM) node id.
  [[nodiscard]] std::optional<NodeId> node(std::int64_t external_id) const;
  // Checkpoints snapped to node v (scenario indices), empty when none.
  [[nodiscard]] const std::vector<std::size_t>& checkpoints_at(NodeId v) const;
  // Zones whose polygon the arc's geometry meets (computed once per arc).
  [[nodiscard]] const std::vector<std::uint32_t>& zones_of(ArcId a);
  [[nodiscard]] std::size_t arcs_examined() const noexcept { return arc_zones_.size(); }
  // Vehicles that may enter the arc, or pass the checkpoint, in step k.
  [[nodiscard]] std::int64_t arc_capacity(ArcId a, std::int64_t k) const;
  [[nodiscard]] std::int64_t checkpoint_capacity(std::size_t checkpoint, std::int64_t k) const;

  // Text for messages.
  [[nodiscard]] std::string segment(ArcId a) const;         // "segment 123 -> 456"
  [[nodiscard]] std::string utc(double t) const;            // "2022-03-05T08:42:00.5Z"
  [[nodiscard]] std::string at(double t) const;             // "2022-03-05T08:42:00Z (+2520 s, step 42)"
  [[nodiscard]] std::string window(const Window& w) const;  // "from X until Y"
  [[nodiscard]] std::int64_t step_of(double t) const;

 private:
  std::unordered_map<std::int64_t, NodeId> node_of_;
  std::unordered_map<NodeId, std::vector<std::size_t>> checkpoints_at_;
  std::unordered_map<ArcId, std::vector<std::uint32_t>> arc_zones_;
};

// A number as text with at most 3 decimals: "12", "3.512".
std::string number_text(double v);
// Seconds as text: "12 s", "3.512 s".
std::string seconds_text(double s);
// "3, 8, 9" (at most `limit`, then "and N more").
std::string index_list(const std::vector<std::size_t>& indices, std::size_t limit = 8);

// The value as a 64-bit integer, when it is a JSON integer that fits.
std::optional<std::int64_t> json_integer(const nlohmann::json& v);

// A movement as read from the plan.
struct MovementIn {
  std::size_t index = 0;
  std::string where;                       // its JSON path: "movements[3]", "fleet[0].legs[2]"
  bool leg = false;                        // a fleet vehicle's leg
  std::optional<std::size_t> origin;       // scenario index
  std::optional<std::size_t> destination;  // scenario index
  std::int64_t vehicles = 0;
  std::int64_t people = 0;
  bool numbers = false;           // vehicles and people were read
  bool stranded = false;          // "stranded": true: a re-planned convoy with every way on closed
  std::vector<std::int64_t> ids;  // empty when the path could not be read
  std::vector<double> times;      // empty unless as long as ids
  std::vector<NodeId> nodes;      // graph nodes, k_invalid when unknown
  std::vector<ArcId> arcs;        // per consecutive pair, k_invalid when none
};

struct UnmetIn {
  std::size_t index = 0;
  std::optional<std::size_t> origin;
  std::optional<std::size_t> pickup;  // instead of an origin
  std::int64_t people = 0;
  bool numbers = false;
};

// A fleet leg as read: its movement (vehicles 1; the destination set on
// loaded legs), its kind and ends (scenario indices of the depot, pick-up
// point or destination its kind names).
struct LegIn {
  MovementIn m;
  std::string kind;  // "inbound", "loaded", "return"; empty when unreadable
  std::optional<std::size_t> from, to;
  double aid_t = 0;
};

struct VehicleIn {
  std::size_t index = 0;
  std::string id;
  std::optional<std::size_t> depot;
  std::vector<LegIn> legs;
};

// A walk to a pick-up point as read: groups of (leaves, people) in seconds
// after the start.
struct WalkIn {
  std::size_t index = 0;
  std::optional<std::size_t> origin;  // scenario indices
  std::optional<std::size_t> pickup;
  std::int64_t people = 0;
  double duration_s = 0;
  std::vector<std::pair<double, std::int64_t>> groups;
  bool numbers = false;  // people, duration and groups were read
  [[nodiscard]] std::string where() const { return "walks[" + std::to_string(index) + "]"; }
};

struct PlanIn {
  bool usable = false;   // movements and unmet are arrays
  bool complete = true;  // every movement, leg and unmet entry was read in full
  std::vector<MovementIn> movements;
  std::vector<VehicleIn> fleet;
  std::vector<WalkIn> walks;
  std::vector<UnmetIn> unmet;
  const nlohmann::json* summary = nullptr;  // the summary object, when it is one
};

// Reads the plan's shape, reporting "format" and "scenario" violations.
PlanIn read_plan(const Context& c, const nlohmann::json& plan, const Sink& sink);
// Path, snapping, speed, times, closures and rules of one movement.
void check_movement(Context& c, MovementIn& m, const Sink& sink);
// Per-step capacities of segments and checkpoints over all movements.
void check_capacities(Context& c, const PlanIn& plan, const Sink& sink);
// Loads, fleets, conservation, destination capacities, the summary.
void check_totals(const Context& c, const PlanIn& plan, const Sink& sink);
// The plan's "fleet": its vehicles and legs.
void read_fleet(const Context& c, const nlohmann::json& plan, PlanIn& in, const Sink& sink);
// Every leg as a movement, and each vehicle's continuity, seats, aid and depot.
void check_fleet(Context& c, PlanIn& plan, const Sink& sink);
// The plan's "walks" to pick-up points.
void read_walks(const Context& c, const nlohmann::json& plan, PlanIn& in, const Sink& sink);
// Each walk's origin, pick-up point, times and people; no vehicle loads
// people at a pick-up point before they have gathered there.
void check_walks(const Context& c, const PlanIn& plan, const Sink& sink);
// People who arrive at each pick-up point on foot, by scenario index.
std::vector<std::int64_t> walked_to(const Context& c, const PlanIn& plan);
// "movement 3", "movements 0, 1"; with fleet legs their paths:
// "movements[0], fleet[2].legs[1]" (at most 8, then "and N more").
std::string movements_text(const std::vector<const MovementIn*>& ms);
// Movements and fleet legs alike, in plan order (for sums over both).
std::vector<const MovementIn*> all_movements(const PlanIn& plan);

// The plan's helpers for reading fields (plan_input.cpp).
// "movements[3]" + "people" -> "movements[3].people"; "" + "start" -> "start".
std::string child(const std::string& path, const std::string& key);
const nlohmann::json* field(const nlohmann::json& object, const char* key, const std::string& path, const Sink& sink,
                            bool required);
void wrong(const Sink& sink, const std::string& path, const std::string& expected, const nlohmann::json& v);
std::optional<std::int64_t> read_count(const nlohmann::json& object, const char* key, const std::string& path,
                                       std::int64_t minimum, const Sink& sink);
void read_route(const Context& c, const nlohmann::json& m, const std::string& path, MovementIn& out, const Sink& sink);
// The scenario index of the feature named by a string field.
template <typename Feature>
std::optional<std::size_t> read_feature(const nlohmann::json& object, const char* key, const std::string& path,
                                        const std::vector<Feature>& features, const char* kind, const Sink& sink) {
  const nlohmann::json* v = field(object, key, path, sink, true);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    wrong(sink, child(path, key), std::string("the id of a scenario ") + kind + " (a string)", *v);
    return std::nullopt;
  }
  const auto& id = v->get_ref<const std::string&>();
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (features[i].id == id) return i;
  }
  std::string known;
  for (const auto& f : features) known += (known.empty() ? "" : ", ") + f.id;
  sink.add(
      "format", child(path, key),
      std::string("no ") + kind + " \"" + id + "\" in the scenario (" + (known.empty() ? "it has none" : known) + ")");
  return std::nullopt;
}

}  // namespace corridor::check::detail

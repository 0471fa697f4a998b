#pragma once
// What `corridor serve` answers, without the network: a Request in, an
// Answer out (docs/http-api.md). The graph, its spatial index and its
// contraction hierarchy are built once and never change; each resource (scenarios,
// routes, ledger, parties, plans, agreements, incidents) is a class of its
// own with explicit dependencies (src/server/resources.hpp); everything that
// must outlive a restart is in the Store. One Service serves many threads.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corridor/graph/road_graph.hpp"
#include "corridor/scenario/scenario.hpp"
#include "corridor/server/errors.hpp"

namespace corridor::server {

// Query parameters in the order given (a key may repeat).
using Params = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;
  std::string target;                                        // path and query, as on the request line
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  // The first header of that name (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

struct Answer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

struct ServiceOptions {
  double max_snap_m = 1000;             // farther coordinates get NoSegment
  std::filesystem::path web_dir;        // the built page (web/dist); empty: none
  std::int64_t max_clock_skew_s = 300;  // signed requests this far from now are refused
  std::int64_t session_hours = 12;
  std::size_t max_plan_jobs = 4;              // queued or running at once
  double max_plan_seconds = 300;              // a job planning longer is stopped
  std::size_t max_expanded_nodes = 300'000;   // largest time-expanded network of the bounds
  std::size_t max_optimal_nodes = 3'000'000;  // ... and of the optimal method
  double takeover_every_s = 5;                // how often to look for jobs whose instance is gone
};

// Who made a request: a registered party, by a signature or a session.
struct Caller {
  std::string party;
  std::string role;
  std::string kid;
  bool signed_request = false;
};

struct Resources;  // src/server/resources.hpp

class Service {
 public:
  explicit Service(graph::RoadGraph g, ServiceOptions options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Set-up, before serving starts. Scenarios added here are public and
  // read-only ("operator" uploads); with a database they are also stored.
  void add_scenario(const std::string& name, scenario::Scenario s, std::string geojson = {});
  // Opens the ledger (its heads and proofs, agreements in force, incidents)
  // and the store in the same file; `registry` seeds the party registry
  // when the store has none yet (else the ledger's recorded registry does).
  void attach_database(const std::filesystem::path& db, const std::filesystem::path& registry = {});

  [[nodiscard]] const graph::RoadGraph& graph() const noexcept;
  [[nodiscard]] bool has_ledger() const noexcept;

  // Every request: never throws; errors become their status and JSON body.
  [[nodiscard]] Answer handle(const Request& request);

  // Waits for the planning jobs started so far (tests).
  void finish_plans();

 private:
  std::unique_ptr<Resources> r_;
};

// The API's URL table, for documentation checks: method, path pattern
// ('*' stands for one path segment) and who may call it ("open", "party",
// "signed", "mediator").
struct EndpointInfo {
  std::string method;
  std::string pattern;
  std::string access;
};
std::vector<EndpointInfo> api_endpoints();
// "/a/b/c" -> {"a", "b", "c"} ("/" -> {""}).
std::vector<std::string> path_segments(const std::string& path);

}  // namespace corridor::server

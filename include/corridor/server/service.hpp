#pragma once
// What `corridor serve` answers, without the network: a Request in, an
// Answer out (docs/http-api.md). The graph, its spatial index and its
// landmarks are built once and never change; route searches borrow a query
// object from a pool; the ledger is used under a mutex; planning jobs run
// on a thread of their own, a bounded number at a time; everything that
// must outlive a restart is in the Store. One Service serves many threads.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/agree/keys.hpp"
#include "corridor/graph/geojson.hpp"
#include "corridor/graph/road_graph.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/route/landmarks.hpp"
#include "corridor/scenario/overlay.hpp"
#include "corridor/scenario/scenario.hpp"
#include "corridor/server/errors.hpp"
#include "corridor/server/store.hpp"

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
  double max_snap_m = 1000;  // farther coordinates get NoSegment
  std::uint32_t landmark_count = 16;
  std::filesystem::path web_dir;        // the built page (web/dist); empty: none
  std::int64_t max_clock_skew_s = 300;  // signed requests this far from now are refused
  std::int64_t session_hours = 12;
  std::size_t max_plan_jobs = 4;              // queued or running at once
  double max_plan_seconds = 300;              // a job planning longer is stopped
  std::size_t max_expanded_nodes = 300'000;   // largest time-expanded network of the bounds
  std::size_t max_optimal_nodes = 3'000'000;  // ... and of the optimal method
};

// Who made a request: a registered party, by a signature or a session.
struct Caller {
  std::string party;
  std::string role;
  std::string kid;
  bool signed_request = false;
};

class Service {
 public:
  explicit Service(graph::RoadGraph g, ServiceOptions options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Set-up, before serving starts. Scenarios added here are read-only
  // ("operator" uploads); with a store they are also listed and served.
  void add_scenario(const std::string& name, scenario::Scenario s, std::string geojson = {});
  // Opens the ledger (its heads and proofs, agreements in force, incidents)
  // and the store in the same file; `registry` seeds the party registry
  // when the store has none yet (else the ledger's recorded registry does).
  void attach_database(const std::filesystem::path& db, const std::filesystem::path& registry = {});

  [[nodiscard]] const graph::RoadGraph& graph() const noexcept { return *graph_; }
  [[nodiscard]] bool has_ledger() const noexcept { return ledger_ != nullptr; }
  [[nodiscard]] const ServiceOptions& options() const noexcept { return options_; }

  // Every request: never throws; errors become their status and JSON body.
  [[nodiscard]] Answer handle(const Request& request);

  // The endpoints, each returning the JSON body or throwing ApiError.
  [[nodiscard]] nlohmann::json health() const;
  [[nodiscard]] nlohmann::json route(std::string_view coordinates, const Params& params);
  // Scenarios given at start (--scenario) are public: routes may avoid their
  // closures without signing in. Uploaded ones are read by parties only.
  [[nodiscard]] bool public_scenario(std::string_view name) const;
  [[nodiscard]] nlohmann::json ledger_head();
  [[nodiscard]] nlohmann::json inclusion_proof(const Params& params);
  [[nodiscard]] nlohmann::json consistency_proof(const Params& params);
  [[nodiscard]] std::string network_geojson(const Params& params) const;

  // The registered party behind a request (signature or session), if it
  // says it is one; throws ApiError (401) when what it presents is wrong.
  [[nodiscard]] std::optional<Caller> authenticate(const Request& request);
  nlohmann::json create_session(const Caller& caller);
  nlohmann::json parties();
  nlohmann::json register_party(const nlohmann::json& body);

  nlohmann::json scenarios();
  nlohmann::json upload_scenario(const std::string& name, const std::string& body, const Caller& caller);
  std::string scenario_geojson(const std::string& name);

  nlohmann::json start_plan(const nlohmann::json& body, const Caller& caller);
  nlohmann::json plans();
  nlohmann::json plan_job(const std::string& id);
  // "json", "geojson" or "csv"; 409 NotReady until the job is done.
  std::string plan_output(const std::string& id, const std::string& format);
  // Waits for the planning jobs started so far (tests).
  void finish_plans();

  nlohmann::json propose(const nlohmann::json& body);
  nlohmann::json agreements();
  nlohmann::json agreement(const std::string& hash);
  nlohmann::json agreement_document(const std::string& hash);
  nlohmann::json add_signature(const std::string& hash, const nlohmann::json& body);
  nlohmann::json verify_agreement(const std::string& hash);
  nlohmann::json diff_agreements(const std::string& older, const std::string& newer);

  nlohmann::json report_incident(const nlohmann::json& body);
  nlohmann::json incidents();
  nlohmann::json violations();

 private:
  class QueryPool;
  class PlanJobs;
  [[nodiscard]] std::string network_in(const graph::BoundingBox& box) const;
  [[nodiscard]] std::shared_ptr<const scenario::Scenario> find_scenario(std::string_view name);
  // The scenario compiled onto the graph, built at its first use and kept
  // (a scenario never changes under its name); null when there is none.
  [[nodiscard]] std::shared_ptr<const scenario::Overlay> find_overlay(std::string_view name);
  [[nodiscard]] agree::Registry registry_copy();
  Store& store();  // throws NotFound without a database
  ledger::Ledger& ledger();
  nlohmann::json agreement_record(const AgreementRecord& a, const agree::Registry& registry) const;
  AgreementRecord stored_agreement(const std::string& hash);

  std::unique_ptr<const graph::RoadGraph> graph_;
  graph::SpatialIndex index_;
  route::Landmarks landmarks_;
  ServiceOptions options_;
  std::unique_ptr<QueryPool> pool_;

  mutable std::shared_mutex scenarios_mutex_;
  std::map<std::string, std::shared_ptr<const scenario::Scenario>, std::less<>> scenarios_;
  std::vector<ScenarioRecord> operator_scenarios_;                                         // from add_scenario: public
  std::map<std::string, std::shared_ptr<const scenario::Overlay>, std::less<>> overlays_;  // under scenarios_mutex_

  std::unique_ptr<Store> store_;
  std::mutex registry_mutex_;
  agree::Registry registry_;

  std::mutex ledger_mutex_;  // the ledger, its signer and agreement updates
  std::unique_ptr<ledger::Ledger> ledger_;
  std::optional<ledger::NoteSigner> signer_;

  std::unique_ptr<PlanJobs> jobs_;

  mutable std::once_flag network_once_;
  mutable std::string whole_network_;
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

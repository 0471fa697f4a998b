#pragma once
// The service's resources, one class each: scenarios, routes (with the road
// network export), the ledger's heads and proofs, parties and sessions,
// planning jobs, agreements, and incidents with the violations. Each gets
// what it depends on in its constructor and nothing else; Service
// (service.hpp) owns them and the URL table in routing.cpp calls them.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/agree/keys.hpp"
#include "corridor/graph/geojson.hpp"
#include "corridor/graph/road_graph.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/plan/stop.hpp"
#include "corridor/route/cch.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/turns.hpp"
#include "corridor/scenario/overlay.hpp"
#include "corridor/scenario/scenario.hpp"
#include "corridor/server/service.hpp"
#include "corridor/server/store.hpp"

namespace corridor::server {

// The scenarios: given at start (public, read-only) or uploaded by the
// mediator (kept in the Store once one is attached), each compiled onto the
// graph at its first use.
class Scenarios {
 public:
  Scenarios(const graph::RoadGraph& g, const graph::SpatialIndex& index, double max_snap_m)
      : g_(g), index_(index), max_snap_m_(max_snap_m) {}

  void add_public(const std::string& name, scenario::Scenario s, std::string geojson);
  // Stores the public scenarios in `store` (the file `db`) and loads the
  // uploaded ones.
  void attach(Store& store, const std::string& db);

  [[nodiscard]] bool is_public(std::string_view name) const;
  [[nodiscard]] std::shared_ptr<const scenario::Scenario> find(std::string_view name) const;
  // The scenario compiled onto the graph, built at its first use and kept
  // (a scenario never changes under its name); null when there is none.
  [[nodiscard]] std::shared_ptr<const scenario::Overlay> overlay(std::string_view name);
  [[nodiscard]] std::vector<std::string> names() const;

  [[nodiscard]] nlohmann::json list() const;
  nlohmann::json upload(const std::string& name, const std::string& body, const Caller& caller);
  [[nodiscard]] std::string geojson(const std::string& name) const;
  [[nodiscard]] const graph::SpatialIndex& index() const noexcept { return index_; }
  [[nodiscard]] double max_snap_m() const noexcept { return max_snap_m_; }

 private:
  [[nodiscard]] Store& store() const;

  const graph::RoadGraph& g_;
  const graph::SpatialIndex& index_;
  double max_snap_m_;
  Store* store_ = nullptr;

  mutable std::shared_mutex mutex_;
  // Filled from the store on a miss: another instance on the same database
  // may have taken a scenario since, and scenarios are never replaced.
  mutable std::map<std::string, std::shared_ptr<const scenario::Scenario>, std::less<>> scenarios_;
  std::vector<ScenarioRecord> public_;
  std::map<std::string, std::shared_ptr<const scenario::Overlay>, std::less<>> overlays_;
};

// OSRM's route service and the road network as GeoJSON, on a Customizable
// Contraction Hierarchy: its topology built once, one customised metric per
// closure state (the last few kept, built by the first request that needs
// one), query objects lent one per request: a request takes an idle one (or
// makes one when all are in use) and gives it back after.
class Routes {
 public:
  Routes(const graph::RoadGraph& g, const graph::SpatialIndex& index, Scenarios& scenarios, double max_snap_m);

  [[nodiscard]] nlohmann::json route(std::string_view coordinates, const Params& params);
  // OSRM's table service: durations (and distances) between the coordinates.
  [[nodiscard]] nlohmann::json table(std::string_view coordinates, const Params& params);
  [[nodiscard]] std::string network_geojson(const Params& params) const;

 private:
  class Lease;
  [[nodiscard]] std::string network_in(const graph::BoundingBox& box) const;

  const graph::RoadGraph& g_;
  const graph::SpatialIndex& index_;
  Scenarios& scenarios_;
  double max_snap_m_;
  // With turn restrictions the hierarchy is built on the split graph
  // (route::TurnSplit); searched_ is the graph the queries run on.
  std::unique_ptr<route::TurnSplit> turns_;
  const graph::RoadGraph& searched_;
  route::CchTopology topology_;

  // The roads a named scenario closes at an instant (its start when empty);
  // nullopt without a scenario.
  [[nodiscard]] std::optional<scenario::Closures> closures(const std::string& scenario, const std::string& at);
  // Coordinate i snapped onto the nearest road segment, NoSegment when no
  // road is near.
  [[nodiscard]] graph::SegmentSnap snap(geo::LonLat p, std::size_t i) const;
  // The metric for a closure state of road arcs (null: nothing closed),
  // with those closures on the graph searched (null: nothing closed).
  struct Weights {
    std::shared_ptr<const route::CchMetric> metric;
    std::shared_ptr<const route::ArcSet> closed;
  };
  [[nodiscard]] Weights metric(const route::ArcSet* closed);
  // A route between snapped points with one metric and query object.
  [[nodiscard]] route::Route route_between(const Weights& weights, route::CchQuery& query,
                                           const graph::SegmentSnap& from, const graph::SegmentSnap& to) const;
  struct Metric {
    std::optional<route::ArcSet> closed;  // road arcs
    Weights weights;
  };
  static constexpr std::size_t k_kept_metrics = 16;  // about 1.5 MB each on a city
  std::mutex metric_mutex_;
  std::vector<Metric> metrics_;  // the most recently used last

  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<route::CchQuery>> idle_;

  mutable std::once_flag network_once_;
  mutable std::string whole_network_;
};

// The ledger: its heads and proofs for anyone, appends and reads for the
// other resources, one at a time.
class LedgerLog {
 public:
  explicit LedgerLog(ledger::Ledger l) : ledger_(std::move(l)), signer_(ledger_.load_signer()) {}

  [[nodiscard]] nlohmann::json head();
  [[nodiscard]] nlohmann::json inclusion_proof(const Params& params);
  [[nodiscard]] nlohmann::json consistency_proof(const Params& params);

  // ledger::append_document; RejectedEntry says why a document is refused.
  ledger::AppendResult append(const nlohmann::json& signed_doc, const agree::Registry& registry);
  // Calls `write` with the ledger and the log's signer, alone.
  template <typename Write>
  auto write(Write&& write) {
    const std::lock_guard lock(mutex_);
    return write(ledger_, static_cast<const ledger::NoteSigner&>(signer_));
  }
  // Calls `read` with the ledger, no append running meanwhile.
  template <typename Read>
  auto read(Read&& read) {
    const std::lock_guard lock(mutex_);
    return read(static_cast<const ledger::Ledger&>(ledger_));
  }
  [[nodiscard]] const ledger::LogInfo& info() const { return ledger_.info(); }

 private:
  std::mutex mutex_;
  ledger::Ledger ledger_;
  ledger::NoteSigner signer_;
};

// Who is asking (signed requests, read sessions) and the party registry the
// mediator keeps.
class Parties {
 public:
  Parties(Store& store, agree::Registry registry, std::int64_t max_clock_skew_s, std::int64_t session_hours)
      : store_(store),
        registry_(std::move(registry)),
        max_skew_(geo::Seconds(max_clock_skew_s)),
        session_length_(std::chrono::hours(session_hours)) {}

  // The registered party behind a request, if it says it is one; throws
  // ApiError (401) when what it presents is wrong.
  [[nodiscard]] std::optional<Caller> authenticate(const Request& request);
  nlohmann::json create_session(const Caller& caller);
  [[nodiscard]] nlohmann::json list();
  nlohmann::json register_party(const nlohmann::json& body);
  [[nodiscard]] agree::Registry registry();

 private:
  Store& store_;
  std::mutex mutex_;
  agree::Registry registry_;
  geo::Seconds max_skew_;
  geo::Seconds session_length_;
};

struct PlanLimits {
  std::size_t max_jobs = 4;
  double max_seconds = 300;
  std::size_t max_expanded_nodes = 300'000;
  std::size_t max_optimal_nodes = 3'000'000;
  // Stops `stop` at max_seconds from now, saying it was this limit.
  void arm(plan::StopToken& stop) const {
    stop.stop_at(std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(max_seconds)),
                 "stopped after " + std::to_string(static_cast<long>(max_seconds)) +
                     " s, the planning limit of this service (--max-plan-seconds)");
  }
};

// Planning jobs: POST /plans queues one, a thread of its own plans it
// (plan::run_plan, as `corridor plan` does) within the limits, at most
// max_jobs queued or running; progress and status are kept here while a
// job lives and in the Store once it ends.
//
// A job whose instance is gone (killed, crashed, or stopped: a stopping
// service hands its unfinished jobs back) is taken over by the first live
// instance that looks: at its start and every `takeover_every` after, when
// it has room. Store::claim_plan makes exactly one instance its runner. A
// job whose instance died under it k_max_attempts times is failed instead:
// a plan that brings its instance down would bring every one down in turn.
class Plans {
 public:
  static constexpr std::int64_t k_max_attempts = 3;
  // Takes over the jobs left by instances that are gone, then starts the thread.
  Plans(Store& store, Scenarios& scenarios, PlanLimits limits,
        std::chrono::milliseconds takeover_every = std::chrono::seconds(5));
  // Stops the running job at its next check (see plan/stop.hpp) and hands
  // it back, queued, for the next instance; then joins the thread.
  ~Plans();
  Plans(const Plans&) = delete;
  Plans& operator=(const Plans&) = delete;

  nlohmann::json start(const nlohmann::json& body, const Caller& caller);
  [[nodiscard]] nlohmann::json list();
  [[nodiscard]] nlohmann::json job(const std::string& id);
  enum class Output { json, geojson, csv };
  // 409 NotReady until the job is done.
  [[nodiscard]] std::string output(const std::string& id, Output format);
  // Waits for the jobs started so far (tests).
  void wait_idle();

 private:
  struct Live {
    PlanRecord record;
    std::int64_t done = 0;
    std::int64_t total = 0;
  };
  [[nodiscard]] std::optional<Live> live(const std::string& id);
  void take_over();
  void work();
  void run(PlanRecord job);

  Store& store_;
  Scenarios& scenarios_;
  PlanLimits limits_;
  std::chrono::milliseconds takeover_every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::string> queue_;
  std::map<std::string, Live> live_;
  bool stopping_ = false;
  plan::StopToken* running_ = nullptr;  // the running job's, under mutex_
  std::thread thread_;                  // last: it starts once the rest is built
};

// Agreements proposed from a plan, signed party by party, logged once in
// force: the same library calls as `corridor agree` and `corridor log`.
class Agreements {
 public:
  Agreements(Store& store, LedgerLog& log, Parties& parties, Scenarios& scenarios, const graph::RoadGraph& g)
      : store_(store), log_(log), parties_(parties), scenarios_(scenarios), g_(g) {}

  nlohmann::json propose(const nlohmann::json& body);
  [[nodiscard]] nlohmann::json list();
  [[nodiscard]] nlohmann::json get(const std::string& hash);
  [[nodiscard]] nlohmann::json document(const std::string& hash);
  nlohmann::json add_signature(const std::string& hash, const nlohmann::json& body);
  [[nodiscard]] nlohmann::json verify(const std::string& hash);
  [[nodiscard]] nlohmann::json diff(const std::string& older, const std::string& newer);

 private:
  [[nodiscard]] AgreementRecord stored(const std::string& hash);

  Store& store_;
  LedgerLog& log_;
  Parties& parties_;
  Scenarios& scenarios_;
  const graph::RoadGraph& g_;
  std::mutex mutex_;  // one proposal or signature at a time, so versions and signatures do not collide
};

// Incident reports into the ledger, and the possible violations it shows.
class Incidents {
 public:
  Incidents(LedgerLog& log, Parties& parties, const graph::RoadGraph& g) : log_(log), parties_(parties), g_(g) {}

  nlohmann::json report(const nlohmann::json& body);
  [[nodiscard]] nlohmann::json list();
  [[nodiscard]] nlohmann::json violations();

 private:
  LedgerLog& log_;
  Parties& parties_;
  const graph::RoadGraph& g_;
};

// The operation (docs/operations.md): convoy reports into the ledger after
// the checks on arrival, the status planned against reported, and re-plans
// of a finished plan from the current state, kept as plans of their own.
class Operations {
 public:
  Operations(Store& store, LedgerLog& log, Parties& parties, Scenarios& scenarios, const graph::RoadGraph& g,
             PlanLimits limits)
      : store_(store), log_(log), parties_(parties), scenarios_(scenarios), g_(g), limits_(limits) {}

  nlohmann::json report(const nlohmann::json& body);
  [[nodiscard]] nlohmann::json status(const Params& params, bool geojson);
  nlohmann::json replan(const std::string& plan_id, const nlohmann::json& body, const Caller& caller);

 private:
  Store& store_;
  LedgerLog& log_;
  Parties& parties_;
  Scenarios& scenarios_;
  const graph::RoadGraph& g_;
  PlanLimits limits_;
  std::mutex replan_mutex_;  // one re-plan at a time
};

// Simulation jobs (docs/simulate.md): POST /plans/{id}/simulate queues one,
// a thread of its own runs it (sim::simulate, as `corridor simulate` does)
// within the planning limits, and POST /simulations/{id}/cancel stops it.
// Jobs and results live in memory while the service runs: a result is
// reproduced exactly by the same plan, model, runs and seed.
class Simulations {
 public:
  Simulations(Store& store, Scenarios& scenarios, PlanLimits limits);
  // Stops the running job at its next run, then joins the thread.
  ~Simulations();
  Simulations(const Simulations&) = delete;
  Simulations& operator=(const Simulations&) = delete;

  nlohmann::json start(const std::string& plan_id, const nlohmann::json& body, const Caller& caller);
  // Newest first, without their results; ?plan=ID: of that plan only.
  [[nodiscard]] nlohmann::json list(const Params& params);
  [[nodiscard]] nlohmann::json job(const std::string& id);
  nlohmann::json cancel(const std::string& id, const Caller& caller);
  // The blocking roads as GeoJSON; 409 NotReady until the job is done.
  [[nodiscard]] std::string geojson(const std::string& id);
  // Waits for the jobs started so far (tests).
  void wait_idle();

  struct Job;

 private:
  void work();

  Store& store_;
  Scenarios& scenarios_;
  PlanLimits limits_;
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::string> queue_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the rest is built
};

// Everything a Service has; the database's resources once one is attached.
struct Resources {
  Resources(graph::RoadGraph g, ServiceOptions o);

  ServiceOptions options;
  std::unique_ptr<const graph::RoadGraph> graph;
  graph::SpatialIndex index;
  Scenarios scenarios;
  Routes routes;
  std::unique_ptr<Store> store;
  std::unique_ptr<LedgerLog> log;
  std::unique_ptr<Parties> parties;
  std::unique_ptr<Agreements> agreements;
  std::unique_ptr<Incidents> incidents;
  std::unique_ptr<Operations> operations;
  std::unique_ptr<Simulations> simulations;
  std::unique_ptr<Plans> plans;  // last, so its thread stops first
};

// A resource of the database; ApiError NotFound when none is attached.
template <typename Resource>
Resource& attached(const std::unique_ptr<Resource>& resource) {
  if (!resource) throw ApiError(ErrorKind::not_found, "this service has no database (start it with --db)");
  return *resource;
}

// A route's geometry in the format the request asked for.
using GeometryWriter = std::function<nlohmann::json(const std::vector<geo::LonLat>&)>;
// OSRM's steps of one leg (steps=true), the arrival step last.
nlohmann::json route_steps(const graph::RoadGraph& g, const route::Route& leg, const GeometryWriter& geometry);

// The value of the first parameter named `key`, if any.
inline std::optional<std::string> param(const Params& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return std::nullopt;
}

// A document the Store or the ledger keeps as JSON text; ApiError internal
// when it is not JSON.
nlohmann::json stored_json(const std::string& text, const std::string& what);

// A whole decimal number; InvalidValue naming the parameter otherwise.
std::uint64_t unsigned_param(const std::string& key, const std::string& text);

}  // namespace corridor::server

// The Service: its resources, built at start and when a database is
// attached.
#include <utility>

#include "corridor/server/service.hpp"
#include "resources.hpp"

namespace corridor::server {

Resources::Resources(graph::RoadGraph g, ServiceOptions o)
    : options(std::move(o)),
      graph(std::make_unique<const graph::RoadGraph>(std::move(g))),
      index(*graph),
      scenarios(*graph, index, options.max_snap_m),
      routes(*graph, index, scenarios, options.max_snap_m) {}

namespace {

ServiceOptions checked(ServiceOptions options) {
  if (!(options.max_snap_m > 0)) throw InputError("max_snap_m", "must be positive");
  return options;
}

}  // namespace

Service::Service(graph::RoadGraph g, ServiceOptions options)
    : r_(std::make_unique<Resources>(std::move(g), checked(std::move(options)))) {}

Service::~Service() = default;  // Resources stops the planning thread before the rest goes

const graph::RoadGraph& Service::graph() const noexcept { return *r_->graph; }

bool Service::has_ledger() const noexcept { return r_->log != nullptr; }

void Service::add_scenario(const std::string& name, scenario::Scenario s, std::string geojson) {
  r_->scenarios.add_public(name, std::move(s), std::move(geojson));
}

void Service::attach_database(const std::filesystem::path& db, const std::filesystem::path& registry) {
  auto& r = *r_;
  r.log = std::make_unique<LedgerLog>(ledger::Ledger::open(db));
  r.store = open_store(db.string());

  auto stored = r.store->registry();
  if (!stored) {
    std::filesystem::path seed = registry;
    if (seed.empty() && !r.log->info().registry.empty()) {
      seed = r.log->info().registry;
      if (seed.is_relative()) seed = db.parent_path() / seed;
    }
    stored = seed.empty() ? agree::Registry{} : agree::read_registry(seed);
    r.store->save_registry(*stored);
  }
  r.scenarios.attach(*r.store, db.string());
  r.parties =
      std::make_unique<Parties>(*r.store, std::move(*stored), r.options.max_clock_skew_s, r.options.session_hours);
  r.agreements = std::make_unique<Agreements>(*r.store, *r.log, *r.parties, r.scenarios, *r.graph);
  r.incidents = std::make_unique<Incidents>(*r.log, *r.parties, *r.graph);
  const PlanLimits limits{r.options.max_plan_jobs, r.options.max_plan_seconds, r.options.max_expanded_nodes,
                          r.options.max_optimal_nodes};
  r.operations = std::make_unique<Operations>(*r.store, *r.log, *r.parties, r.scenarios, *r.graph, limits);
  r.simulations = std::make_unique<Simulations>(*r.store, r.scenarios, limits);
  r.plans = std::make_unique<Plans>(
      *r.store, r.scenarios, limits,
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(r.options.takeover_every_s)));
}

void Service::finish_plans() {
  if (r_->plans) r_->plans->wait_idle();
  if (r_->simulations) r_->simulations->wait_idle();
}

}  // namespace corridor::server

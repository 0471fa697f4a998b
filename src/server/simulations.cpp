// The simulations resource: POST /plans/{id}/simulate queues a job, a thread
// of its own runs it (sim::simulate, as `corridor simulate` does), GET
// /simulations/{id} shows its progress and result, POST
// /simulations/{id}/cancel stops it at its next run.
#include "corridor/crypto/crypto.hpp"
#include "corridor/ops/replan.hpp"
#include "corridor/sim/simulate.hpp"
#include "resources.hpp"

namespace corridor::server {

constexpr std::size_t k_max_runs = 10'000;
constexpr std::size_t k_default_runs = 200;
constexpr const char* k_stopped_by_service = "the service stopped before the simulation was done; start it again";

namespace {
bool unfinished(const std::string& status) { return status == "queued" || status == "running"; }
}  // namespace

struct Simulations::Job {
  std::string id, plan, requested_by, created_at, finished_at, error;
  std::string status = "queued";  // queued, running, done, failed, cancelled
  std::size_t runs = k_default_runs, done = 0;
  std::uint64_t seed = 1;
  bool replan = false, cancelled = false;
  sim::IncidentModel model;
  plan::StopToken stop;
  nlohmann::json result, summary;
  std::string geojson;

  [[nodiscard]] nlohmann::json to_json() const {
    const std::string self = "/simulations/" + id;
    return {{"id", id},
            {"plan", plan},
            {"status", status},
            {"progress", {{"done", done}, {"total", runs}}},
            {"requested_by", requested_by},
            {"created_at", created_at},
            {"finished_at", finished_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(finished_at)},
            {"error", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)},
            {"options", {{"runs", runs}, {"seed", seed}, {"incidents", model.to_json()}, {"replan", replan}}},
            {"summary", summary},
            {"result", result},
            {"links", {{"self", self}, {"geojson", self + "/blocking.geojson"}, {"cancel", self + "/cancel"}}}};
  }
};

Simulations::Simulations(Store& store, Scenarios& scenarios, PlanLimits limits)
    : store_(store), scenarios_(scenarios), limits_(limits) {
  thread_ = std::thread([this] { work(); });
}

Simulations::~Simulations() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, job] : jobs_) {
      if (job->status == "running") job->stop.request_stop(k_stopped_by_service);
    }
  }
  wake_.notify_all();
  thread_.join();
}

nlohmann::json Simulations::start(const std::string& plan_id, const nlohmann::json& body, const Caller& caller) {
  if (!body.is_object()) {
    throw ApiError(ErrorKind::invalid_body,
                   "the body must be {\"runs\": N, \"seed\": S, \"incidents\": \"default\" | MODEL | null, "
                   "\"replan\": false} (every member optional)");
  }
  auto job = std::make_shared<Job>();
  job->model = sim::IncidentModel::defaults();
  for (const auto& [key, value] : body.items()) {
    if (key == "runs") {
      if (!value.is_number_unsigned() || value.get<std::size_t>() < 1 || value.get<std::size_t>() > k_max_runs)
        throw ApiError(ErrorKind::invalid_body, "body: runs must be a whole number from 1 to " +
                                                    std::to_string(k_max_runs) + ", got " + value.dump());
      job->runs = value.get<std::size_t>();
    } else if (key == "seed") {
      if (!value.is_number_unsigned())
        throw ApiError(ErrorKind::invalid_body, "body: seed must be a whole number >= 0, got " + value.dump());
      job->seed = value.get<std::uint64_t>();
    } else if (key == "replan") {
      if (!value.is_boolean())
        throw ApiError(ErrorKind::invalid_body, "body: replan must be true or false, got " + value.dump());
      job->replan = value.get<bool>();
    } else if (key == "incidents") {
      try {
        job->model = value.is_null()      ? sim::IncidentModel{}
                     : value == "default" ? sim::IncidentModel::defaults()
                                          : sim::parse_model(value);
      } catch (const InputError& e) {
        throw ApiError(ErrorKind::invalid_body, std::string("body: incidents: ") + e.what());
      }
    } else {
      throw ApiError(ErrorKind::invalid_body, "body: unknown member \"" + key + "\"");
    }
  }
  const auto plan = store_.plan(plan_id);
  if (!plan) throw ApiError(ErrorKind::not_found, "no plan " + plan_id);
  if (plan->status != JobStatus::done)
    throw ApiError(ErrorKind::not_ready,
                   "plan " + plan_id + " is " + std::string(to_string(plan->status)) + ", not done");
  job->id = "sim-" + crypto::random_hex(6);
  job->plan = plan_id;
  job->requested_by = caller.party;
  job->created_at = ledger::utc_timestamp();
  {
    const std::lock_guard lock(mutex_);
    const auto waiting = static_cast<std::size_t>(
        std::count_if(jobs_.begin(), jobs_.end(), [](const auto& j) { return unfinished(j.second->status); }));
    if (waiting >= limits_.max_jobs) {
      throw ApiError(ErrorKind::busy, std::to_string(waiting) +
                                          " simulations are queued or running, the most this service takes; "
                                          "try again when one is done");
    }
    jobs_.emplace(job->id, job);
    queue_.push_back(job->id);
  }
  wake_.notify_all();
  const std::lock_guard lock(mutex_);
  return job->to_json();
}

nlohmann::json Simulations::list(const Params& params) {
  const auto plan = param(params, "plan");
  const std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Job>> jobs;
  for (const auto& [id, job] : jobs_) {
    if (!plan || job->plan == *plan) jobs.push_back(job);
  }
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const auto& a, const auto& b) { return a->created_at > b->created_at; });
  nlohmann::json list = nlohmann::json::array();
  for (const auto& job : jobs) {
    auto j = job->to_json();
    j.erase("result");  // GET /simulations/{id} has it
    list.push_back(std::move(j));
  }
  return {{"simulations", list}};
}

nlohmann::json Simulations::job(const std::string& id) {
  const std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) throw ApiError(ErrorKind::not_found, "no simulation " + id);
  return it->second->to_json();
}

nlohmann::json Simulations::cancel(const std::string& id, const Caller& caller) {
  const std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) throw ApiError(ErrorKind::not_found, "no simulation " + id);
  auto& job = *it->second;
  if (job.status == "queued") {
    job.status = "cancelled";
    job.error = "cancelled by " + caller.party;
    job.finished_at = ledger::utc_timestamp();
    queue_.erase(std::remove(queue_.begin(), queue_.end(), id), queue_.end());
    idle_.notify_all();
  } else if (job.status == "running") {
    job.cancelled = true;
    job.stop.request_stop("cancelled by " + caller.party);
  }
  return job.to_json();
}

std::string Simulations::geojson(const std::string& id) {
  const std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) throw ApiError(ErrorKind::not_found, "no simulation " + id);
  if (it->second->status != "done")
    throw ApiError(ErrorKind::not_ready, "simulation " + id + " is " + it->second->status + ", not done");
  return it->second->geojson;
}

void Simulations::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] {
    return std::none_of(jobs_.begin(), jobs_.end(), [](const auto& j) { return unfinished(j.second->status); });
  });
}

void Simulations::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const auto job = jobs_.at(queue_.front());
    queue_.pop_front();
    job->status = "running";
    limits_.arm(job->stop);
    const auto record = store_.plan(job->plan);
    lock.unlock();
    std::string status = "done", error;
    nlohmann::json result, summary;
    std::string geojson;
    try {
      if (!record) throw InputError("plan", "the plan " + job->plan + " is gone");
      const auto overlay = scenarios_.overlay(record->scenario);
      if (!overlay) throw InputError("scenario", "the scenario " + record->scenario + " is gone");
      const plan::Instance in(overlay);
      const auto plan = ops::read_plan(in, stored_json(record->plan_json, "plan"));
      const auto scenario_doc = stored_json(scenarios_.geojson(record->scenario), "scenario");
      sim::SimulateOptions options;
      options.runs = job->runs;
      options.seed = job->seed;
      options.threads = 1;  // the service's other work keeps the other cores
      options.stop = &job->stop;
      options.progress = [&](std::size_t done, std::size_t) {
        const std::lock_guard progress_lock(mutex_);
        job->done = done;
      };
      if (job->replan) options.replan = sim::ReplanContext{&scenario_doc, &scenarios_.index(), scenarios_.max_snap_m()};
      const auto r = sim::simulate(in, plan, job->model, options);
      result = r.to_json(in);
      summary = r.summary(in);
      geojson = r.to_geojson(in).dump() + "\n";
    } catch (const plan::Stopped& e) {
      const std::lock_guard stopped_lock(mutex_);
      status = job->cancelled ? "cancelled" : "failed";
      error = e.what();
    } catch (const std::exception& e) {
      status = "failed";
      error = e.what();
    }
    lock.lock();
    job->status = status;
    job->error = error;
    job->result = std::move(result);
    job->summary = std::move(summary);
    job->geojson = std::move(geojson);
    job->finished_at = ledger::utc_timestamp();
    if (status == "done") job->done = job->runs;
    idle_.notify_all();
  }
}

}  // namespace corridor::server

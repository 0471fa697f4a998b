// Planning jobs: POST /plans queues one, a thread of its own plans it
// (plan::run_plan, as `corridor plan` does) under the service's limits, and
// the Store keeps the outcome.
#include "corridor/crypto/crypto.hpp"

#include <chrono>
#include <stdexcept>

#include "corridor/plan/instance.hpp"
#include "corridor/plan/run.hpp"
#include "corridor/server/service.hpp"
#include "service_internal.hpp"

namespace corridor::server {
namespace {

nlohmann::json or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json job_json(const PlanRecord& p, std::int64_t done, std::int64_t total) {
  if (p.status == "done" && p.summary.is_object()) done = total = p.summary.value("vehicles", std::int64_t{0});
  const std::string self = "/plans/" + p.id;
  return {{"id", p.id},
          {"scenario", p.scenario},
          {"method", p.method},
          {"status", p.status},
          {"progress", {{"done", done}, {"total", total}}},
          {"requested_by", p.requested_by},
          {"created_at", p.created_at},
          {"finished_at", or_null(p.finished_at)},
          {"error", or_null(p.error)},
          {"summary", p.summary},
          {"links",
           {{"self", self},
            {"json", self + "/plan.json"},
            {"geojson", self + "/plan.geojson"},
            {"csv", self + "/plan.csv"}}}};
}

std::string new_plan_id() { return "plan-" + crypto::random_hex(6); }

}  // namespace

Service::PlanJobs::PlanJobs(Service& service) : service_(service), thread_([this] { work(); }) {}

Service::PlanJobs::~PlanJobs() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    if (running_ != nullptr) running_->request_stop("the service stopped before the plan was done; start it again");
  }
  wake_.notify_all();
  thread_.join();
}

void Service::PlanJobs::submit(const PlanRecord& job) {
  {
    const std::lock_guard lock(mutex_);
    if (live_.size() >= service_.options_.max_plan_jobs) {
      throw ApiError(ErrorKind::busy, std::to_string(live_.size()) +
                                          " planning jobs are queued or running, the most this service takes; "
                                          "try again when one is done");
    }
    service_.store().save_plan(job);  // before the worker can see it, so it never overwrites a later status
    live_.emplace(job.id, Live{job, 0, 0});
    queue_.push_back(job.id);
  }
  wake_.notify_all();
}

std::optional<std::pair<PlanRecord, std::pair<std::int64_t, std::int64_t>>> Service::PlanJobs::live(
    const std::string& id) {
  const std::lock_guard lock(mutex_);
  const auto it = live_.find(id);
  if (it == live_.end()) return std::nullopt;
  return std::pair{it->second.record, std::pair{it->second.done, it->second.total}};
}

void Service::PlanJobs::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return live_.empty(); });
}

void Service::PlanJobs::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const auto id = queue_.front();
    queue_.pop_front();
    auto& entry = live_.at(id);
    entry.record.status = "running";
    auto job = entry.record;
    lock.unlock();
    run(std::move(job));
    lock.lock();
    live_.erase(id);
    if (live_.empty()) idle_.notify_all();
  }
}

void Service::PlanJobs::run(PlanRecord job) {
  auto& store = service_.store();
  store.save_plan(job);
  plan::StopToken stop;
  const auto limit = std::chrono::duration<double>(service_.options_.max_plan_seconds);
  stop.stop_at(std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::nanoseconds>(limit),
               "stopped after " + std::to_string(static_cast<long>(service_.options_.max_plan_seconds)) +
                   " s, the planning limit of this service (--max-plan-seconds)");
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) stop.request_stop("the service stopped before the plan was done; start it again");
    running_ = &stop;
  }
  try {
    auto overlay = service_.find_overlay(job.scenario);
    if (!overlay) throw InputError("scenario", "no scenario named \"" + job.scenario + "\"");
    const plan::Instance in(std::move(overlay));
    plan::RunOptions options;
    options.method = plan::parse_method(job.method).value_or(plan::Method::ccrp);  // checked at submission
    options.max_expanded_nodes = service_.options_.max_expanded_nodes;
    options.max_optimal_nodes = service_.options_.max_optimal_nodes;
    options.stop = &stop;
    options.progress = [&](std::int64_t done, std::int64_t total) {
      const std::lock_guard lock(mutex_);
      auto& entry = live_.at(job.id);
      entry.done = done;
      entry.total = total;
    };
    const auto result = plan::run_plan(in, options);
    const auto doc = plan::to_json(in, result);
    job.summary = doc["summary"];
    job.plan_json = doc.dump(1) + "\n";
    job.plan_geojson = plan::to_geojson(in, result).dump() + "\n";
    job.plan_csv = plan::to_csv(in, result);
    job.status = "done";
  } catch (const std::exception& e) {
    job.status = "failed";
    job.error = e.what();
  }
  {
    const std::lock_guard lock(mutex_);
    running_ = nullptr;
  }
  job.finished_at = ledger::utc_timestamp();
  store.save_plan(job);
}

nlohmann::json Service::start_plan(const nlohmann::json& body, const Caller& caller) {
  store();
  if (!body.is_object())
    throw ApiError(ErrorKind::invalid_body, "the body must be {\"scenario\": NAME, \"method\": \"ccrp\"}");
  for (const auto& [key, value] : body.items()) {
    if (key != "scenario" && key != "method")
      throw ApiError(ErrorKind::invalid_body, "body: unknown member \"" + key + "\"");
  }
  if (!body.contains("scenario") || !body["scenario"].is_string()) {
    throw ApiError(ErrorKind::invalid_body, "body: scenario must be the name of an uploaded scenario");
  }
  PlanRecord job;
  job.scenario = body["scenario"].get<std::string>();
  job.method = "ccrp";
  if (body.contains("method")) {
    if (!body["method"].is_string() || !plan::parse_method(body["method"].get<std::string>())) {
      throw ApiError(ErrorKind::invalid_body,
                     "body: method must be \"ccrp\" or \"optimal\", got " + body["method"].dump());
    }
    job.method = body["method"].get<std::string>();
  }
  if (!find_scenario(job.scenario)) {
    throw ApiError(ErrorKind::invalid_body,
                   "body: scenario: no scenario named \"" + job.scenario + "\" (see GET /scenarios)");
  }
  job.id = new_plan_id();
  job.status = "queued";
  job.requested_by = caller.party;
  job.created_at = ledger::utc_timestamp();
  job.summary = nullptr;
  jobs_->submit(job);
  return job_json(job, 0, 0);
}

nlohmann::json Service::plans() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : store().plans()) {
    const auto live = jobs_->live(p.id);
    list.push_back(live ? job_json(live->first, live->second.first, live->second.second) : job_json(p, 0, 0));
  }
  return {{"plans", list}};
}

nlohmann::json Service::plan_job(const std::string& id) {
  if (const auto live = jobs_->live(id)) return job_json(live->first, live->second.first, live->second.second);
  const auto p = store().plan(id);
  if (!p) throw ApiError(ErrorKind::not_found, "no plan " + id);
  return job_json(*p, 0, 0);
}

std::string Service::plan_output(const std::string& id, const std::string& format) {
  const auto p = store().plan(id);
  if (!p) throw ApiError(ErrorKind::not_found, "no plan " + id);
  if (p->status != "done") {
    const auto live = jobs_->live(id);
    throw ApiError(ErrorKind::not_ready, "plan " + id + " is " + (live ? live->first.status : p->status) +
                                             (p->error.empty() ? "" : ": " + p->error));
  }
  if (format == "geojson") return p->plan_geojson;
  if (format == "csv") return p->plan_csv;
  return p->plan_json;
}

void Service::finish_plans() { jobs_->wait_idle(); }

}  // namespace corridor::server

// The plans resource: POST /plans queues a job, a thread of its own plans
// it (plan::run_plan, as `corridor plan` does) within the service's limits,
// and the Store keeps the outcome.
#include "corridor/crypto/crypto.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "corridor/plan/instance.hpp"
#include "corridor/plan/run.hpp"
#include "resources.hpp"

namespace corridor::server {
namespace {

constexpr const char* k_stopped_by_service = "the service is stopping; the job is handed back, queued";

nlohmann::json or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json job_json(const PlanRecord& p, std::int64_t done, std::int64_t total) {
  if (p.status == JobStatus::done && p.summary.is_object()) {
    done = total = p.summary.value("vehicles", std::int64_t{0});
  }
  const std::string self = "/plans/" + p.id;
  return {{"id", p.id},
          {"scenario", p.scenario},
          {"method", plan::to_string(p.method)},
          {"status", to_string(p.status)},
          {"progress", {{"done", done}, {"total", total}}},
          {"requested_by", p.requested_by},
          {"created_at", p.created_at},
          {"finished_at", or_null(p.finished_at)},
          {"error", or_null(p.error)},
          {"attempts", p.attempts},
          {"summary", p.summary},
          {"links",
           {{"self", self},
            {"json", self + "/plan.json"},
            {"geojson", self + "/plan.geojson"},
            {"csv", self + "/plan.csv"}}}};
}

}  // namespace

Plans::Plans(Store& store, Scenarios& scenarios, PlanLimits limits, std::chrono::milliseconds takeover_every)
    : store_(store), scenarios_(scenarios), limits_(limits), takeover_every_(takeover_every) {
  take_over();
  thread_ = std::thread([this] { work(); });
}

Plans::~Plans() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    if (running_ != nullptr) running_->request_stop(k_stopped_by_service);
  }
  wake_.notify_all();
  thread_.join();
}

void Plans::take_over() {
  for (const auto& p : store_.plans()) {
    if (p.status != JobStatus::queued && p.status != JobStatus::running) continue;
    if (store_.instance_alive(p.runner)) continue;  // this instance's, or a live one's
    {
      const std::lock_guard lock(mutex_);
      if (stopping_ || live_.size() >= limits_.max_jobs) return;
    }
    if (!store_.claim_plan(p.id, p.runner)) continue;  // another instance was first
    auto job = *store_.plan(p.id);
    if (job.attempts >= k_max_attempts) {
      job.status = JobStatus::failed;
      job.error = "its instance stopped while planning it " + std::to_string(job.attempts) +
                  " times, so it is not tried again; ask for it again once the cause is known";
      job.finished_at = ledger::utc_timestamp();
      store_.save_plan(job);
      continue;
    }
    {
      const std::lock_guard lock(mutex_);
      live_.emplace(job.id, Live{job, 0, 0});
      queue_.push_back(job.id);
    }
    wake_.notify_all();
  }
}

std::optional<Plans::Live> Plans::live(const std::string& id) {
  const std::lock_guard lock(mutex_);
  const auto it = live_.find(id);
  if (it == live_.end()) return std::nullopt;
  return it->second;
}

void Plans::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return live_.empty(); });
}

void Plans::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (!wake_.wait_for(lock, takeover_every_, [this] { return stopping_ || !queue_.empty(); })) {
      lock.unlock();
      try {
        take_over();
      } catch (const std::exception&) {
        // The database is unreachable or refused: the next round tries
        // again, and requests that need the store say what failed.
      }
      lock.lock();
      continue;
    }
    if (stopping_) return;
    const auto id = queue_.front();
    queue_.pop_front();
    auto& entry = live_.at(id);
    entry.record.status = JobStatus::running;
    ++entry.record.attempts;
    auto job = entry.record;
    lock.unlock();
    run(std::move(job));
    lock.lock();
    live_.erase(id);
    if (live_.empty()) idle_.notify_all();
  }
}

void Plans::run(PlanRecord job) {
  store_.save_plan(job);
  plan::StopToken stop;
  limits_.arm(stop);
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) stop.request_stop(k_stopped_by_service);
    running_ = &stop;
  }
  try {
    auto overlay = scenarios_.overlay(job.scenario);
    if (!overlay) throw InputError("scenario", "no scenario named \"" + job.scenario + "\"");
    const plan::Instance in(std::move(overlay));
    plan::RunOptions options;
    options.method = job.method;
    options.max_expanded_nodes = limits_.max_expanded_nodes;
    options.max_optimal_nodes = limits_.max_optimal_nodes;
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
    job.status = JobStatus::done;
  } catch (const std::exception& e) {
    job.status = JobStatus::failed;
    job.error = e.what();
  }
  bool handed_back = false;
  {
    const std::lock_guard lock(mutex_);
    running_ = nullptr;
    // Stopped because this service stops: queued again, for the next
    // instance to take over, and this attempt does not count.
    handed_back = stopping_ && job.status == JobStatus::failed;
  }
  if (handed_back) {
    job.status = JobStatus::queued;
    job.error.clear();
    job.attempts = std::max<std::int64_t>(0, job.attempts - 1);
  } else {
    job.finished_at = ledger::utc_timestamp();
  }
  store_.save_plan(job);
}

nlohmann::json Plans::start(const nlohmann::json& body, const Caller& caller) {
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
  if (body.contains("method")) {
    const auto method = body["method"].is_string() ? plan::parse_method(body["method"].get<std::string>())
                                                   : std::optional<plan::Method>();
    if (!method) {
      throw ApiError(ErrorKind::invalid_body,
                     "body: method must be \"ccrp\" or \"optimal\", got " + body["method"].dump());
    }
    job.method = *method;
  }
  if (!scenarios_.find(job.scenario)) {
    throw ApiError(ErrorKind::invalid_body,
                   "body: scenario: no scenario named \"" + job.scenario + "\" (see GET /scenarios)");
  }
  job.id = "plan-" + crypto::random_hex(6);
  job.requested_by = caller.party;
  job.runner = store_.instance();
  job.created_at = ledger::utc_timestamp();
  job.summary = nullptr;
  {
    const std::lock_guard lock(mutex_);
    if (live_.size() >= limits_.max_jobs) {
      throw ApiError(ErrorKind::busy, std::to_string(live_.size()) +
                                          " planning jobs are queued or running, the most this service takes; "
                                          "try again when one is done");
    }
    store_.save_plan(job);  // before the worker can see it, so it never overwrites a later status
    live_.emplace(job.id, Live{job, 0, 0});
    queue_.push_back(job.id);
  }
  wake_.notify_all();
  return job_json(job, 0, 0);
}

nlohmann::json Plans::list() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : store_.plans()) {
    const auto l = live(p.id);
    list.push_back(l ? job_json(l->record, l->done, l->total) : job_json(p, 0, 0));
  }
  return {{"plans", list}};
}

nlohmann::json Plans::job(const std::string& id) {
  if (const auto l = live(id)) return job_json(l->record, l->done, l->total);
  const auto p = store_.plan(id);
  if (!p) throw ApiError(ErrorKind::not_found, "no plan " + id);
  return job_json(*p, 0, 0);
}

std::string Plans::output(const std::string& id, Output format) {
  const auto p = store_.plan(id);
  if (!p) throw ApiError(ErrorKind::not_found, "no plan " + id);
  if (p->status != JobStatus::done) {
    const auto l = live(id);
    throw ApiError(ErrorKind::not_ready, "plan " + id + " is " +
                                             std::string(to_string(l ? l->record.status : p->status)) +
                                             (p->error.empty() ? "" : ": " + p->error));
  }
  switch (format) {
    case Output::geojson:
      return p->plan_geojson;
    case Output::csv:
      return p->plan_csv;
    case Output::json:
      break;
  }
  return p->plan_json;
}

}  // namespace corridor::server

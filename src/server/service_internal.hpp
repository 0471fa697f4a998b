#pragma once
// Pieces shared by the Service's source files.
#include <charconv>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "corridor/plan/stop.hpp"
#include "corridor/route/dijkstra.hpp"
#include "corridor/route/landmarks.hpp"
#include "corridor/server/service.hpp"

namespace corridor::server {

// Route query objects over the one graph, lent one per request: a request
// takes one (or makes one when all are in use) and gives it back after.
class Service::QueryPool {
 public:
  QueryPool(const graph::RoadGraph& g, const route::Landmarks& landmarks) : g_(g), landmarks_(landmarks) {}

  class Lease {
   public:
    Lease(QueryPool& pool, std::unique_ptr<route::BidirectionalAlt> query) : pool_(pool), query_(std::move(query)) {}
    ~Lease() { pool_.give_back(std::move(query_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    route::BidirectionalAlt& operator*() const noexcept { return *query_; }

   private:
    QueryPool& pool_;
    std::unique_ptr<route::BidirectionalAlt> query_;
  };

  Lease take() {
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto q = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(q));
      }
    }
    return Lease(*this, std::make_unique<route::BidirectionalAlt>(g_, landmarks_));
  }

 private:
  void give_back(std::unique_ptr<route::BidirectionalAlt> q) {
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(q));
  }
  const graph::RoadGraph& g_;
  const route::Landmarks& landmarks_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<route::BidirectionalAlt>> idle_;
};

// Planning jobs: a queue worked by one thread of its own, at most
// ServiceOptions::max_plan_jobs queued or running; progress and status are
// kept here while a job lives and in the Store once it ends.
class Service::PlanJobs {
 public:
  explicit PlanJobs(Service& service);
  // Abandons queued jobs and stops the running one at its next check (see
  // plan/stop.hpp), then joins the thread.
  ~PlanJobs();
  PlanJobs(const PlanJobs&) = delete;
  PlanJobs& operator=(const PlanJobs&) = delete;

  // Queues the job (status "queued"); throws ApiError busy when full.
  void submit(const PlanRecord& job);
  // The job's record and progress while it is queued or running.
  std::optional<std::pair<PlanRecord, std::pair<std::int64_t, std::int64_t>>> live(const std::string& id);
  void wait_idle();

 private:
  struct Live {
    PlanRecord record;
    std::int64_t done = 0;
    std::int64_t total = 0;
  };
  void work();
  void run(PlanRecord job);

  Service& service_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::string> queue_;
  std::map<std::string, Live> live_;
  bool stopping_ = false;
  plan::StopToken* running_ = nullptr;  // the running job's, under mutex_
  std::thread thread_;
};

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

// A whole decimal number; InvalidValue naming the parameter otherwise.
inline std::uint64_t unsigned_param(const std::string& key, const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw ApiError(ErrorKind::invalid_value, "parameter " + key + ": expected a whole number, got \"" + text + "\"");
  }
  return value;
}

}  // namespace corridor::server

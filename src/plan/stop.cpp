#include "corridor/plan/stop.hpp"

namespace corridor::plan {

void StopToken::request_stop(std::string why) {
  const std::lock_guard lock(mutex_);
  if (stopped_.load()) return;  // the first reason stands
  why_ = std::move(why);
  stopped_.store(true);
}

void StopToken::stop_at(std::chrono::steady_clock::time_point deadline, std::string why) {
  const std::lock_guard lock(mutex_);
  deadline_why_ = std::move(why);
  deadline_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count());
}

void StopToken::check() const {
  if (stopped_.load(std::memory_order_relaxed)) {
    const std::lock_guard lock(mutex_);
    throw Stopped(why_);
  }
  const auto deadline = deadline_ns_.load(std::memory_order_relaxed);
  if (deadline == std::numeric_limits<std::int64_t>::max()) return;
  const auto now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch());
  if (now.count() >= deadline) {
    const std::lock_guard lock(mutex_);
    throw Stopped(deadline_why_);
  }
}

}  // namespace corridor::plan

#pragma once
// Stopping long planning work from outside: a token that the planner (after
// each movement), the bounds and the optimal method (before each
// time-expanded network they build and each flow they compute on it) check.
// A stop takes effect at the next check, so at most one flow computation
// (one LEMON run) later; `corridor serve` stops a job at --max-plan-seconds
// and when it shuts down.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>

#include "corridor/error.hpp"

namespace corridor::plan {

// Thrown by StopToken::check; the message says why the work stopped.
class Stopped : public Error {
 public:
  using Error::Error;
};

class StopToken {
 public:
  // Stops the work at its next check, with `why` as the message.
  void request_stop(std::string why);
  // Stops the work at the first check after `deadline`.
  void stop_at(std::chrono::steady_clock::time_point deadline, std::string why);
  // Throws Stopped when a stop was requested or the deadline has passed:
  // an atomic load and, with a deadline, a clock read.
  void check() const;
  [[nodiscard]] bool stop_requested() const noexcept { return stopped_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> stopped_{false};
  std::atomic<std::int64_t> deadline_ns_{std::numeric_limits<std::int64_t>::max()};
  mutable std::mutex mutex_;
  std::string why_;
  std::string deadline_why_;
};

// check() on a token that may be absent.
inline void check(const StopToken* stop) {
  if (stop != nullptr) stop->check();
}

}  // namespace corridor::plan

#pragma once
// Pieces shared by the Service's source files.
#include <charconv>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
    Lease(QueryPool& pool, std::unique_ptr<route::BidirectionalAlt> query)
        : pool_(pool), query_(std::move(query)) {}
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

#pragma once
// The units corridor's modules exchange, and the one place each conversion
// between them is written. Instants are geo::UnixSeconds and durations
// geo::Seconds (std::chrono types: an instant cannot be added to an instant,
// nor a bare integer to either). Inside the graph's and the planner's flat
// arrays, travel times stay integer milliseconds and capacities integer
// vehicles (per hour on the map, per time step in the planner), converted
// here on the way in and out:
//
//   to_seconds(ms)         what plans, routes and OSRM answers print
//   to_milliseconds(s)     a travel time given in seconds (GeoJSON networks)
//   travel_ms(m, km/h)     a segment's free-flow time
//   StepRate(vph, step_s)  vehicles that may enter within each time step
//   to_kilometres(m)       lengths as summaries print them
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>

namespace corridor {

// "2h05m07s": a duration of ms milliseconds, to the second below.
std::string hms(std::int64_t ms);

// Seconds with millisecond precision.
constexpr double to_seconds(std::int64_t ms) noexcept { return static_cast<double>(ms) / 1000.0; }

// Whole milliseconds of a finite count of seconds, rounded to nearest.
inline std::int64_t to_milliseconds(double seconds) noexcept { return std::llround(seconds * 1000.0); }

// Milliseconds to drive length_m at speed_kmh (> 0), not rounded.
constexpr double travel_ms(double length_m, double speed_kmh) noexcept { return length_m / (speed_kmh / 3.6) * 1000.0; }

// A rate per hour counted per time step, as DESIGN.md defines capacity:
// with u = per_hour * step_s / 3600, step k (counted from 0 at the
// scenario's start) admits floor(u(k+1)) - floor(u k). Over any run of
// steps a road then carries on average exactly its hourly rate, whatever
// the step: 2.5 a step alternate 2, 3, 2, 3; 0.25 a step admit one vehicle
// every fourth step. Exact: the rate is counted in thousandths of a vehicle
// per hour and u kept as a reduced fraction.
class StepRate {
 public:
  StepRate() = default;
  StepRate(double per_hour, std::int64_t step_s) noexcept {
    const auto milli = static_cast<std::uint64_t>(std::llround(std::max(0.0, per_hour) * 1000.0));
    num_ = milli * static_cast<std::uint64_t>(std::max<std::int64_t>(1, step_s));
    den_ = 3'600'000;
    reduce();
  }

  // floor(u k): what steps 0 .. k-1 admit together (0 for k <= 0).
  [[nodiscard]] std::int64_t through(std::int64_t k) const noexcept {
    if (k <= 0) return 0;
    const auto uk = static_cast<std::uint64_t>(k);
    if (uk <= fast_) return static_cast<std::int64_t>(num_ * uk / den_);
    __extension__ using Wide = unsigned __int128;
    return static_cast<std::int64_t>(static_cast<Wide>(num_) * uk / den_);
  }
  // What step k admits.
  [[nodiscard]] std::int64_t at(std::int64_t k) const noexcept { return through(k + 1) - through(k); }
  // What steps first .. last (inclusive) admit together.
  [[nodiscard]] std::int64_t over(std::int64_t first, std::int64_t last) const noexcept {
    return last < first ? 0 : through(last + 1) - through(std::max<std::int64_t>(0, first));
  }
  // ceil(u): the most any one step admits (for relaxations and cut weights).
  [[nodiscard]] std::int64_t most() const noexcept { return static_cast<std::int64_t>((num_ + den_ - 1) / den_); }
  // The same rate counted in steps m times shorter (u / m): its m parts of
  // step k together admit exactly what step k does.
  [[nodiscard]] StepRate split(std::int64_t m) const noexcept {
    StepRate r = *this;
    r.den_ *= static_cast<std::uint64_t>(std::max<std::int64_t>(1, m));
    r.reduce();
    return r;
  }
  // The same rate counted in steps m times longer (u m): step K of it
  // admits exactly what steps Km .. Km+m-1 of this one do together.
  [[nodiscard]] StepRate joined(std::int64_t m) const noexcept {
    StepRate r = *this;
    r.num_ *= static_cast<std::uint64_t>(std::max<std::int64_t>(1, m));
    r.reduce();
    return r;
  }
  // u itself.
  [[nodiscard]] double per_step() const noexcept { return static_cast<double>(num_) / static_cast<double>(den_); }

 private:
  void reduce() noexcept {
    const auto g = std::gcd(num_, den_);
    if (g > 1) {
      num_ /= g;
      den_ /= g;
    }
    fast_ = num_ == 0 ? ~std::uint64_t{0} : ~std::uint64_t{0} / num_;
  }

  std::uint64_t num_ = 0;
  std::uint64_t den_ = 1;
  std::uint64_t fast_ = ~std::uint64_t{0};  // largest k for which num_ * k fits in 64 bits
};

constexpr double to_kilometres(double metres) noexcept { return metres / 1000.0; }

}  // namespace corridor

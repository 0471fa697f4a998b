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
//   per_step(vph, step_s)  vehicles that may enter within one time step
//   to_kilometres(m)       lengths as summaries print them
#include <cmath>
#include <cstdint>

namespace corridor {

// Seconds with millisecond precision.
constexpr double to_seconds(std::int64_t ms) noexcept { return static_cast<double>(ms) / 1000.0; }

// Whole milliseconds of a finite count of seconds, rounded to nearest.
inline std::int64_t to_milliseconds(double seconds) noexcept { return std::llround(seconds * 1000.0); }

// Milliseconds to drive length_m at speed_kmh (> 0), not rounded.
constexpr double travel_ms(double length_m, double speed_kmh) noexcept { return length_m / (speed_kmh / 3.6) * 1000.0; }

// ceil(per_hour * step_s / 3600) vehicles per step: a road of 1,000 vehicles
// per hour admits 17 per 60 s step. (DESIGN.md now counts step k as
// floor(u(k+1)) - floor(u k) with u = per_hour * step_s / 3600, which keeps
// the hourly capacity at any step; planner and checker still round up.)
constexpr std::uint32_t per_step(std::uint64_t per_hour, std::uint64_t step_s) noexcept {
  return static_cast<std::uint32_t>((per_hour * step_s + 3599) / 3600);
}
// The same for a checkpoint's rate, which a scenario may give as a fraction.
inline std::uint32_t per_step(double per_hour, std::int64_t step_s) noexcept {
  return static_cast<std::uint32_t>(std::ceil(per_hour * static_cast<double>(step_s) / 3600.0 - 1e-9));
}

constexpr double to_kilometres(double metres) noexcept { return metres / 1000.0; }

}  // namespace corridor

#pragma once
// The incident model of `corridor simulate` (docs/simulate.md): what may go
// wrong on the road and how likely, read from MODEL.json.
//
//   {"hazards": {"per_hour": 0.5, "areas": [], "radius_m": [200, 800], "duration_min": [30, 180]},
//    "checkpoints": {"probability": 0.2, "capacity_factor": [0.3, 1.0], "duration_min": [30, 240]},
//    "breakdowns": {"per_vehicle_hour": 0.01, "delay_min": [10, 60]},
//    "departure_delay_min": [0, 30]}
//
// A range is [a, b] (uniform, a <= b) or {"lognormal": [mu, sigma]} (of the
// value's natural logarithm). Every key may be left out: what is left out
// does not happen.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace corridor::sim {

// The random numbers of one run: a 64-bit Mersenne twister whose draws are
// turned into numbers here, not by <random>'s distributions, whose results
// the standard leaves to each library: a seed gives the same run anywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  // Uniform in [0, 1), 53 bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [a, b].
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  // Exponential waiting time with `rate` events per unit (rate > 0).
  double exponential(double rate);
  // Standard normal (Box-Muller).
  double normal();
  // The seed of run `run` of a simulation seeded with `seed` (splitmix64).
  static std::uint64_t run_seed(std::uint64_t seed, std::uint64_t run);

 private:
  std::mt19937_64 engine_;
};

struct Range {
  enum class Kind : std::uint8_t { none, uniform, lognormal };
  Kind kind = Kind::none;
  double a = 0, b = 0;  // uniform [a, b]; lognormal mu, sigma
  [[nodiscard]] bool given() const noexcept { return kind != Kind::none; }
  // A draw; 0 when not given.
  double sample(Rng& rng) const;
  [[nodiscard]] nlohmann::json to_json() const;
};

struct IncidentModel {
  struct Hazards {
    double per_hour = 0;
    std::vector<std::string> areas;  // scenario feature ids; empty: anywhere on the plan's roads
    Range radius_m;
    Range duration_min;
  } hazards;
  struct Checkpoints {
    double probability = 0;  // that a checkpoint slows down once in a run
    Range capacity_factor;   // its capacity times this, in [0, 1]
    Range duration_min;
  } checkpoints;
  struct Breakdowns {
    double per_vehicle_hour = 0;  // of driving
    Range delay_min;              // the whole convoy waits this long
  } breakdowns;
  Range departure_delay_min;

  // True when anything random can happen.
  [[nodiscard]] bool any() const noexcept;
  [[nodiscard]] nlohmann::json to_json() const;
  // The model `--incidents` without a file stands for (docs/simulate.md).
  static IncidentModel defaults();
};

// Reads MODEL.json; throws InputError naming the field and the value
// ("hazards.per_hour: must be a number >= 0, got -1"). Unknown keys are
// errors too, so that a misspelt key does not silently do nothing.
IncidentModel parse_model(const nlohmann::json& document);

}  // namespace corridor::sim

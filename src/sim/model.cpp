#include "corridor/sim/model.hpp"

#include <cmath>
#include <numbers>

#include "corridor/error.hpp"

namespace corridor::sim {

using nlohmann::json;

double Rng::exponential(double rate) {
  // 1 - u lies in (0, 1]: the logarithm is finite.
  return -std::log(1.0 - uniform()) / rate;
}

double Rng::normal() {
  const double u = 1.0 - uniform();  // (0, 1]
  const double v = uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * v);
}

std::uint64_t Rng::run_seed(std::uint64_t seed, std::uint64_t run) {
  std::uint64_t z = seed + (run + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Range::sample(Rng& rng) const {
  switch (kind) {
    case Kind::none:
      return 0;
    case Kind::uniform:
      return rng.uniform(a, b);
    case Kind::lognormal:
      return std::exp(a + b * rng.normal());
  }
  return 0;
}

json Range::to_json() const {
  switch (kind) {
    case Kind::none:
      return nullptr;
    case Kind::uniform:
      return json::array({a, b});
    case Kind::lognormal:
      return {{"lognormal", json::array({a, b})}};
  }
  return nullptr;
}

bool IncidentModel::any() const noexcept {
  const auto some = [](const Range& r) { return r.given() && !(r.kind == Range::Kind::uniform && r.b == 0); };
  return hazards.per_hour > 0 || checkpoints.probability > 0 || breakdowns.per_vehicle_hour > 0 ||
         some(departure_delay_min);
}

json IncidentModel::to_json() const {
  // Ranges not given are left out, as in a model file.
  const auto with = [](json object, const char* key, const Range& r) {
    if (r.given()) object[key] = r.to_json();
    return object;
  };
  json j = {
      {"hazards", with(with({{"per_hour", hazards.per_hour}, {"areas", hazards.areas}}, "radius_m", hazards.radius_m),
                       "duration_min", hazards.duration_min)},
      {"checkpoints",
       with(with({{"probability", checkpoints.probability}}, "capacity_factor", checkpoints.capacity_factor),
            "duration_min", checkpoints.duration_min)},
      {"breakdowns", with({{"per_vehicle_hour", breakdowns.per_vehicle_hour}}, "delay_min", breakdowns.delay_min)}};
  return with(j, "departure_delay_min", departure_delay_min);
}

IncidentModel IncidentModel::defaults() {
  // The issue's model, without "areas": hazards fall anywhere on the plan's
  // roads, since a named area exists only in the scenarios that draw it.
  return parse_model(json::parse(R"({
    "hazards": {"per_hour": 0.5, "radius_m": [200, 800], "duration_min": [30, 180]},
    "checkpoints": {"probability": 0.2, "capacity_factor": [0.3, 1.0], "duration_min": [30, 240]},
    "breakdowns": {"per_vehicle_hour": 0.01, "delay_min": [10, 60]},
    "departure_delay_min": [0, 30]})"));
}

namespace {

std::string shown(const json& v) {
  if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() && std::fabs(v.get<double>()) < 1e15) {
    return std::to_string(static_cast<long long>(v.get<double>()));
  }
  auto text = v.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

// The object at `path`, with only `keys` allowed in it.
const json& object(const json& v, const std::string& path, std::initializer_list<const char*> keys) {
  if (!v.is_object()) throw InputError(path, "must be an object, got " + shown(v));
  for (const auto& [key, value] : v.items()) {
    bool known = false;
    std::string expected;
    for (const char* k : keys) {
      known = known || key == k;
      expected += (expected.empty() ? "" : ", ") + std::string(k);
    }
    if (!known) {
      throw InputError(path.empty() ? key : path + "." + key, "unknown key (expected one of: " + expected + ")");
    }
  }
  return v;
}

double number(const json& v, const std::string& path, double low, double high) {
  if (!v.is_number() || !std::isfinite(v.get<double>())) throw InputError(path, "must be a number, got " + shown(v));
  const double x = v.get<double>();
  if (x < low || x > high) {
    throw InputError(path, "must be " +
                               (std::isinf(high) ? ">= " + shown(json(low))
                                                 : "between " + shown(json(low)) + " and " + shown(json(high))) +
                               ", got " + shown(v));
  }
  return x;
}

// [a, b] with low <= a <= b <= high, or {"lognormal": [mu, sigma]}.
Range range(const json& v, const std::string& path, double low, double high) {
  Range r;
  if (v.is_object()) {
    object(v, path, {"lognormal"});
    if (!v.contains("lognormal")) throw InputError(path, "must be [low, high] or {\"lognormal\": [mu, sigma]}");
    const auto& p = v["lognormal"];
    if (!p.is_array() || p.size() != 2) {
      throw InputError(path + ".lognormal", "must be [mu, sigma], got " + shown(p));
    }
    r.kind = Range::Kind::lognormal;
    r.a = number(p[0], path + ".lognormal[0]", -50, 50);
    r.b = number(p[1], path + ".lognormal[1]", 0, 10);
    return r;
  }
  if (!v.is_array() || v.size() != 2) {
    throw InputError(path, "must be [low, high] or {\"lognormal\": [mu, sigma]}, got " + shown(v));
  }
  r.kind = Range::Kind::uniform;
  r.a = number(v[0], path + "[0]", low, high);
  r.b = number(v[1], path + "[1]", low, high);
  if (r.b < r.a) throw InputError(path, "the range is reversed: " + shown(v) + " (write [low, high])");
  return r;
}

constexpr double k_inf = HUGE_VAL;

}  // namespace

IncidentModel parse_model(const json& document) {
  IncidentModel m;
  object(document, "", {"hazards", "checkpoints", "breakdowns", "departure_delay_min"});
  if (document.contains("hazards")) {
    const auto& h = object(document["hazards"], "hazards", {"per_hour", "areas", "radius_m", "duration_min"});
    if (h.contains("per_hour")) m.hazards.per_hour = number(h["per_hour"], "hazards.per_hour", 0, 1000);
    if (h.contains("areas")) {
      const auto& areas = h["areas"];
      if (!areas.is_array()) throw InputError("hazards.areas", "must be an array of feature ids, got " + shown(areas));
      for (std::size_t i = 0; i < areas.size(); ++i) {
        if (!areas[i].is_string() || areas[i].get<std::string>().empty()) {
          throw InputError("hazards.areas[" + std::to_string(i) + "]", "must be a feature id, got " + shown(areas[i]));
        }
        m.hazards.areas.push_back(areas[i].get<std::string>());
      }
    }
    if (h.contains("radius_m")) m.hazards.radius_m = range(h["radius_m"], "hazards.radius_m", 0, 100'000);
    if (h.contains("duration_min")) m.hazards.duration_min = range(h["duration_min"], "hazards.duration_min", 0, k_inf);
    if (m.hazards.per_hour > 0 && !m.hazards.duration_min.given()) {
      throw InputError("hazards.duration_min", "is needed when hazards.per_hour is above 0");
    }
  }
  if (document.contains("checkpoints")) {
    const auto& c = object(document["checkpoints"], "checkpoints", {"probability", "capacity_factor", "duration_min"});
    if (c.contains("probability"))
      m.checkpoints.probability = number(c["probability"], "checkpoints.probability", 0, 1);
    if (c.contains("capacity_factor")) {
      m.checkpoints.capacity_factor = range(c["capacity_factor"], "checkpoints.capacity_factor", 0, 1);
    }
    if (c.contains("duration_min")) {
      m.checkpoints.duration_min = range(c["duration_min"], "checkpoints.duration_min", 0, k_inf);
    }
    if (m.checkpoints.probability > 0 && !m.checkpoints.duration_min.given()) {
      throw InputError("checkpoints.duration_min", "is needed when checkpoints.probability is above 0");
    }
  }
  if (document.contains("breakdowns")) {
    const auto& b = object(document["breakdowns"], "breakdowns", {"per_vehicle_hour", "delay_min"});
    if (b.contains("per_vehicle_hour")) {
      m.breakdowns.per_vehicle_hour = number(b["per_vehicle_hour"], "breakdowns.per_vehicle_hour", 0, 100);
    }
    if (b.contains("delay_min")) m.breakdowns.delay_min = range(b["delay_min"], "breakdowns.delay_min", 0, k_inf);
    if (m.breakdowns.per_vehicle_hour > 0 && !m.breakdowns.delay_min.given()) {
      throw InputError("breakdowns.delay_min", "is needed when breakdowns.per_vehicle_hour is above 0");
    }
  }
  if (document.contains("departure_delay_min")) {
    m.departure_delay_min = range(document["departure_delay_min"], "departure_delay_min", 0, k_inf);
  }
  return m;
}

}  // namespace corridor::sim

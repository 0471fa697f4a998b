// Constraints over all movements together: each origin's fleet, conservation
// of each origin's people (moved plus unmet), destination capacities, and a
// summary that agrees with the movements.
#include <algorithm>
#include <cmath>

#include "check/checker.hpp"

namespace corridor::check::detail {
namespace {

using nlohmann::json;

// A running sum per scenario feature that remembers which movement first
// took it over its limit.
struct Tally {
  std::int64_t total = 0;
  std::vector<const MovementIn*> movements;
  const MovementIn* crossing = nullptr;

  void add(const MovementIn& m, std::int64_t amount, std::int64_t limit) {
    if (total <= limit && total + amount > limit && crossing == nullptr) crossing = &m;
    total += amount;
    movements.push_back(&m);
  }
};

struct Sums {
  bool complete = false;   // every movement and unmet entry was read
  bool all_times = false;  // every movement has its times
  std::int64_t scenario_people = 0;
  std::int64_t people = 0;
  std::int64_t vehicles = 0;
  double egress = 0;
};

void check_summary(const json& summary, const Sums& sums, const Sink& sink) {
  auto get = [&](const char* key, bool whole, bool nullable) -> std::optional<double> {
    const auto it = summary.find(key);
    const std::string path = std::string("summary.") + key;
    if (it == summary.end()) {
      sink.add("format", path, "missing");
      return std::nullopt;
    }
    if (nullable && it->is_null()) return std::nullopt;
    if (whole ? !json_integer(*it) : !it->is_number()) {
      sink.add("format", path,
               std::string("must be ") + (whole ? "an integer" : "a number") + (nullable ? " or null" : "") + ", got " +
                   it->dump());
      return std::nullopt;
    }
    return it->get<double>();
  };
  const auto people = get("people", true, false);
  const auto evacuated = get("people_evacuated", true, false);
  const auto vehicles = get("vehicles", true, false);
  const auto egress = get("egress_s", false, false);
  const bool lower_null = summary.contains("lower_bound_s") && summary.at("lower_bound_s").is_null();
  const auto lower = get("lower_bound_s", false, true);
  const auto upper = get("upper_bound_people", true, false);

  auto text = [](double v) { return number_text(v); };
  if (people && *people != static_cast<double>(sums.scenario_people)) {
    sink.add("summary", "summary.people",
             "is " + text(*people) + " but the scenario's origins and pick-up points hold " +
                 std::to_string(sums.scenario_people) + " people");
  }
  if (!sums.complete) return;  // the sums below need every movement
  if (evacuated && *evacuated != static_cast<double>(sums.people)) {
    sink.add("summary", "summary.people_evacuated",
             "is " + text(*evacuated) + " but the movements carry " + std::to_string(sums.people) + " people");
  }
  if (vehicles && *vehicles != static_cast<double>(sums.vehicles)) {
    sink.add("summary", "summary.vehicles",
             "is " + text(*vehicles) + " but the movements use " + std::to_string(sums.vehicles) + " vehicles");
  }
  if (egress && sums.all_times && std::fabs(*egress - sums.egress) > k_time_tolerance_s) {
    sink.add("summary", "summary.egress_s",
             "is " + seconds_text(*egress) + " but the last movement arrives at " + seconds_text(sums.egress));
  }
  const double plan_egress = sums.all_times ? sums.egress : egress.value_or(0);
  const bool everyone_out = sums.people == sums.scenario_people;
  if (lower && *lower < 0) sink.add("summary", "summary.lower_bound_s", "is negative: " + seconds_text(*lower));
  if (lower_null && everyone_out && sums.scenario_people > 0) {
    sink.add(
        "summary", "summary.lower_bound_s",
        "is null (no plan gets everyone out), yet this plan evacuates all " + std::to_string(sums.people) + " people");
  }
  if (lower && everyone_out && *lower > plan_egress + k_time_tolerance_s) {
    sink.add("summary", "summary.lower_bound_s",
             "is " + seconds_text(*lower) + ", more than this plan's egress time " + seconds_text(plan_egress) +
                 ": it is not a lower bound");
  }
  if (upper && *upper < static_cast<double>(sums.people)) {
    sink.add("summary", "summary.upper_bound_people",
             "is " + text(*upper) + ", fewer than the " + std::to_string(sums.people) +
                 " people this plan evacuates: it is not an upper bound");
  }
  auto gap = [&](const char* key, std::optional<double> expected) {
    const auto it = summary.find(key);
    if (it == summary.end() || it->is_null() || !expected) return;
    if (!it->is_number())
      return sink.add("format", std::string("summary.") + key, "must be a number, got " + it->dump());
    if (std::fabs(it->get<double>() - *expected) > 1e-3 * std::max(1.0, std::fabs(*expected))) {
      sink.add("summary", std::string("summary.") + key,
               "is " + it->dump() + " but the summary's own numbers give " + number_text(*expected));
    }
  };
  gap("egress_gap", lower && *lower > 0 && egress ? std::optional<double>(*egress / *lower) : std::nullopt);
  gap("people_gap", upper && evacuated && *evacuated > 0 ? std::optional<double>(*upper / *evacuated) : std::nullopt);
}

}  // namespace

void check_totals(const Context& c, const PlanIn& plan, const Sink& sink) {
  if (!plan.usable) return;
  const auto& s = c.s;
  std::vector<Tally> fleet(s.origins.size());
  std::vector<Tally> received(s.destinations.size());
  std::vector<std::int64_t> moved(s.origins.size(), 0);
  std::vector<std::int64_t> unmet(s.origins.size(), 0);
  std::vector<std::vector<std::size_t>> unmet_entries(s.origins.size());
  Sums sums;
  sums.complete = plan.complete;
  sums.all_times = true;
  for (const auto& o : s.origins) sums.scenario_people += o.people;
  for (const auto& p : s.pickups) sums.scenario_people += p.people;
  for (const auto& m : plan.movements) {
    if (m.times.empty())
      sums.all_times = false;
    else if (!m.stranded)
      sums.egress = std::max(sums.egress, m.times.back());
    // A stranded convoy's people are not out: its plan lists them as unmet.
    if (!m.numbers) continue;
    sums.vehicles += m.vehicles;
    if (m.stranded) {
      if (m.origin) fleet[*m.origin].add(m, m.vehicles, s.origins[*m.origin].vehicles());
      continue;
    }
    sums.people += m.people;
    if (m.origin) {
      fleet[*m.origin].add(m, m.vehicles, s.origins[*m.origin].vehicles());
      moved[*m.origin] += m.people;
    }
    if (m.destination) received[*m.destination].add(m, m.people, s.destinations[*m.destination].capacity);
  }
  // Fleet vehicles: the people their loaded legs deliver.
  for (const auto& v : plan.fleet) {
    sums.vehicles += 1;
    for (const auto& l : v.legs) {
      if (l.m.times.empty()) sums.all_times = false;
      if (!l.m.numbers || l.m.people == 0) continue;
      if (!l.m.times.empty()) sums.egress = std::max(sums.egress, l.m.times.back());
      sums.people += l.m.people;
      if (l.m.destination) {
        received[*l.m.destination].add(l.m, l.m.people, s.destinations[*l.m.destination].capacity);
      }
    }
  }
  // Walkers: their origin's people on their way to a pick-up point.
  for (const auto& w : plan.walks) {
    if (w.origin && w.numbers) moved[*w.origin] += w.people;
  }
  for (const auto& u : plan.unmet) {
    if (!u.origin || !u.numbers) continue;
    unmet[*u.origin] += u.people;
    unmet_entries[*u.origin].push_back(u.index);
  }

  for (std::size_t i = 0; i < s.origins.size(); ++i) {
    const auto& o = s.origins[i];
    if (fleet[i].crossing != nullptr) {
      sink.add("fleet", fleet[i].crossing->where + ".vehicles",
               "origin \"" + o.id + "\" sends " + std::to_string(fleet[i].total) + " vehicles (" +
                   movements_text(fleet[i].movements) + ") but its fleet is " + std::to_string(o.vehicles()) + " (" +
                   std::to_string(o.people) + " people, " + std::to_string(o.persons_per_vehicle) + " per vehicle)");
    }
    if (!plan.complete) continue;
    const auto accounted = moved[i] + unmet[i];
    if (accounted == o.people) continue;
    const std::string path = unmet_entries[i].empty()
                                 ? std::string("unmet")
                                 : "unmet[" + std::to_string(unmet_entries[i].front()) + "].people";
    const auto difference = o.people - accounted;
    sink.add("conservation", path,
             "origin \"" + o.id + "\" has " + std::to_string(o.people) + " people; its " +
                 (o.walks() ? "walks" : "movements") + " carry " + std::to_string(moved[i]) + " and unmet lists " +
                 std::to_string(unmet[i]) + ": " +
                 (difference > 0 ? std::to_string(difference) + " people are unaccounted for"
                                 : std::to_string(-difference) + " people too many"));
  }
  for (std::size_t i = 0; i < s.destinations.size(); ++i) {
    const auto& d = s.destinations[i];
    if (received[i].crossing == nullptr) continue;
    sink.add("destination-capacity", received[i].crossing->where + ".people",
             "destination \"" + d.id + "\" receives " + std::to_string(received[i].total) + " people (" +
                 movements_text(received[i].movements) + "), capacity " + std::to_string(d.capacity));
  }
  if (plan.summary != nullptr) check_summary(*plan.summary, sums, sink);
}

}  // namespace corridor::check::detail

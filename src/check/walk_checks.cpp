// The plan's walks: people of origins with walk_to on foot to a pick-up
// point, in groups. Checked against the scenario (the origin walks, to a
// pick-up point it may walk to, no earlier than it may leave, every group
// there by the horizon) and against the fleet: no vehicle starts loading
// people at a pick-up point before they are there.
#include <algorithm>

#include "check/checker.hpp"

namespace corridor::check::detail {
namespace {

using nlohmann::json;

// Seconds after the scenario's start of an optional instant, 0 without one.
std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "\"" : ", \"") + id + "\"";
  return out;
}

double after_start(const Context& c, const std::optional<geo::UnixSeconds>& t) {
  return t ? static_cast<double>((*t - c.s.start).count()) : 0.0;
}

WalkIn read_walk(const Context& c, const json& w, std::size_t index, bool& complete, const Sink& sink) {
  WalkIn out;
  out.index = index;
  const std::string path = out.where();
  if (!w.is_object()) {
    wrong(sink, path, "an object", w);
    complete = false;
    return out;
  }
  out.origin = read_feature(w, "origin", path, c.s.origins, "origin", sink);
  out.pickup = read_feature(w, "pickup", path, c.s.pickups, "pick-up point", sink);
  const auto people = read_count(w, "people", path, 1, sink);
  const json* duration = field(w, "duration_s", path, sink, true);
  const bool duration_ok = duration != nullptr && duration->is_number() && duration->get<double>() >= 0;
  if (duration != nullptr && !duration_ok) wrong(sink, path + ".duration_s", "a number of seconds >= 0", *duration);
  const json* groups = field(w, "groups", path, sink, true);
  bool groups_ok = groups != nullptr && groups->is_array() && !groups->empty();
  if (groups != nullptr && !groups_ok)
    wrong(sink, path + ".groups", "a non-empty array of [leaves_s, people]", *groups);
  for (std::size_t i = 0; groups_ok && i < groups->size(); ++i) {
    const json& g = (*groups)[i];
    const auto n = g.is_array() && g.size() == 2 ? json_integer(g[1]) : std::nullopt;
    if (!n || *n <= 0 || !g[0].is_number()) {
      wrong(sink, path + ".groups[" + std::to_string(i) + "]", "[leaves_s, people] with people > 0", g);
      groups_ok = false;
      break;
    }
    out.groups.emplace_back(g[0].get<double>(), *n);
  }
  if (people && duration_ok && groups_ok) {
    out.people = *people;
    out.duration_s = duration->get<double>();
    out.numbers = true;
  }
  if (!out.numbers || !out.origin || !out.pickup) complete = false;
  return out;
}

}  // namespace

void read_walks(const Context& c, const json& plan, PlanIn& in, const Sink& sink) {
  const json* walks = field(plan, "walks", "", sink, false);
  if (walks == nullptr) return;
  if (!walks->is_array()) return wrong(sink, "walks", "an array of walks", *walks);
  for (std::size_t i = 0; i < walks->size(); ++i) in.walks.push_back(read_walk(c, (*walks)[i], i, in.complete, sink));
}

std::vector<std::int64_t> walked_to(const Context& c, const PlanIn& plan) {
  std::vector<std::int64_t> people(c.s.pickups.size(), 0);
  for (const auto& w : plan.walks) {
    if (w.pickup && w.numbers) people[*w.pickup] += w.people;
  }
  return people;
}

void check_walks(const Context& c, const PlanIn& plan, const Sink& sink) {
  // Per pick-up point: (time, people) arriving on foot.
  std::vector<std::vector<std::pair<double, std::int64_t>>> arrivals(c.s.pickups.size());
  for (const auto& w : plan.walks) {
    const std::string path = w.where();
    if (w.origin) {
      const auto& origin = c.s.origins[*w.origin];
      if (!origin.walks()) {
        sink.add("walk", path + ".origin", "origin \"" + origin.id + "\" has no walk_to: its people leave by vehicle");
      } else if (w.pickup && std::find(origin.walk_to.begin(), origin.walk_to.end(), c.s.pickups[*w.pickup].id) ==
                                 origin.walk_to.end()) {
        sink.add("walk", path + ".pickup",
                 "origin \"" + origin.id + "\" may walk to " + join_ids(origin.walk_to) + ", not to \"" +
                     c.s.pickups[*w.pickup].id + "\"");
      }
    }
    if (!w.numbers) continue;
    std::int64_t people = 0;
    for (std::size_t i = 0; i < w.groups.size(); ++i) {
      const auto [leaves, n] = w.groups[i];
      const std::string group = path + ".groups[" + std::to_string(i) + "]";
      people += n;
      if (w.origin) {
        const double earliest = after_start(c, c.s.origins[*w.origin].earliest_departure);
        if (leaves + k_time_tolerance_s < earliest)
          sink.add("walk", group,
                   "leaves at " + c.at(leaves) + ", before its origin's earliest departure " + c.utc(earliest));
      }
      if (leaves + w.duration_s > c.horizon_s + k_time_tolerance_s)
        sink.add("horizon", group, "arrives at " + c.at(leaves + w.duration_s) + ", after the horizon");
      if (w.pickup) arrivals[*w.pickup].emplace_back(leaves + w.duration_s, n);
    }
    if (people != w.people)
      sink.add("walk", path + ".people",
               "is " + std::to_string(w.people) + " but its groups hold " + std::to_string(people));
  }
  // Loading starts (the loaded leg's departure less its depot's loading
  // time) against the people there by then.
  std::vector<std::vector<std::tuple<double, std::int64_t, std::string>>> loads(c.s.pickups.size());
  for (const auto& v : plan.fleet) {
    if (!v.depot) continue;
    const double load_s = c.s.depots[*v.depot].load_min * 60;
    for (const auto& l : v.legs) {
      if (l.kind != "loaded" || !l.from || !l.m.numbers || l.m.times.empty() || l.m.people == 0) continue;
      loads[*l.from].emplace_back(l.m.times.front() - load_s, l.m.people, l.m.where);
    }
  }
  for (std::size_t p = 0; p < c.s.pickups.size(); ++p) {
    if (arrivals[p].empty()) continue;  // people gathered there only: the vehicles' continuity checks them
    auto& here = arrivals[p];
    std::sort(here.begin(), here.end());
    std::sort(loads[p].begin(), loads[p].end());
    const auto& pickup = c.s.pickups[p];
    const double gathered_from = after_start(c, pickup.earliest);
    std::int64_t loaded = 0;
    std::size_t arrived = 0;
    std::int64_t present = 0;
    bool counted_gathered = false;
    for (const auto& [start, n, where] : loads[p]) {
      loaded += n;
      while (arrived < here.size() && here[arrived].first <= start + k_time_tolerance_s)
        present += here[arrived++].second;
      if (!counted_gathered && gathered_from <= start + k_time_tolerance_s) {
        present += pickup.people;
        counted_gathered = true;
      }
      if (loaded > present) {
        sink.add("gathering", where + ".people",
                 "loading at pick-up point \"" + pickup.id + "\" starts at " + c.at(start) + " with " +
                     std::to_string(loaded) + " people loaded there in all, but only " + std::to_string(present) +
                     " have arrived by then");
        break;
      }
    }
  }
}

}  // namespace corridor::check::detail

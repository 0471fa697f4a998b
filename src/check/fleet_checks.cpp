// The plan's fleet: each depot vehicle's legs read as movements of one
// vehicle (every road, closure, capacity and rule check applies to them),
// and what only a fleet has: each vehicle's continuity from leg to leg with
// its loading and unloading, seats, aid, its depot's size and rules, and the
// people of every pick-up point accounted for.
#include <algorithm>
#include <cmath>
#include <map>

#include "check/checker.hpp"

namespace corridor::check::detail {
namespace {

using nlohmann::json;

struct Kind {
  const char* name;
  const char* from;  // what its ends are
  const char* to;
};
constexpr Kind k_kinds[] = {
    {"inbound", "depot", "pickup"}, {"loaded", "pickup", "destination"}, {"return", "destination", "pickup"}};

const Kind* kind_of(const std::string& name) {
  for (const auto& k : k_kinds) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

std::optional<std::size_t> read_end(const Context& c, const json& leg, const char* key, const char* what,
                                    const std::string& path, const Sink& sink) {
  const std::string kind = what;
  if (kind == "depot") return read_feature(leg, key, path, c.s.depots, "depot", sink);
  if (kind == "pickup") return read_feature(leg, key, path, c.s.pickups, "pick-up point", sink);
  return read_feature(leg, key, path, c.s.destinations, "destination", sink);
}

LegIn read_leg(const Context& c, const json& leg, const std::string& path, bool& complete, const Sink& sink) {
  LegIn out;
  out.m.where = path;
  out.m.leg = true;
  out.m.vehicles = 1;
  if (!leg.is_object()) {
    wrong(sink, path, "an object", leg);
    complete = false;
    return out;
  }
  const json* kind = field(leg, "kind", path, sink, true);
  const Kind* k = kind != nullptr && kind->is_string() ? kind_of(kind->get<std::string>()) : nullptr;
  if (kind != nullptr && k == nullptr) wrong(sink, path + ".kind", "\"inbound\", \"loaded\" or \"return\"", *kind);
  if (k != nullptr) {
    out.kind = k->name;
    out.from = read_end(c, leg, "from", k->from, path, sink);
    out.to = read_end(c, leg, "to", k->to, path, sink);
    if (out.kind == "loaded") out.m.destination = out.to;
  }
  if (const auto people = read_count(leg, "people", path, 0, sink)) {
    out.m.people = *people;
    out.m.numbers = true;
  }
  if (const json* aid = field(leg, "aid_t", path, sink, false)) {
    if (!aid->is_number() || aid->get<double>() < 0 || !std::isfinite(aid->get<double>()))
      wrong(sink, path + ".aid_t", "tonnes >= 0", *aid);
    else
      out.aid_t = aid->get<double>();
  }
  if (k == nullptr || !out.from || !out.to || !out.m.numbers) complete = false;
  read_route(c, leg, path, out.m, sink);
  return out;
}

std::string minutes_text(double s) { return number_text(s / 60.0) + " min"; }

// Where the vehicle stands after a leg, and when it may leave there: a
// loaded leg unloads at its destination, every other leg ends at a pick-up
// point where the next leg loads.
void check_vehicle(const Context& c, const VehicleIn& v, const Sink& sink) {
  if (!v.depot) return;
  const auto& depot = c.s.depots[*v.depot];
  const std::string p = "fleet[" + std::to_string(v.index) + "]";
  if (!c.depot_refused_by[*v.depot].empty()) {
    std::string parties;
    for (const auto r : c.depot_refused_by[*v.depot]) parties += (parties.empty() ? "" : ", ") + c.s.rules[r].party;
    sink.add("rule-depot", p + ".depot",
             "depot \"" + depot.id + "\" is controlled by " + depot.controlled_by + ", and party " + parties +
                 " forbids depots controlled by " + depot.controlled_by);
  }
  const double load_s = depot.load_min * 60.0;
  const double unload_s = depot.unload_min * 60.0;
  for (std::size_t k = 0; k < v.legs.size(); ++k) {
    const auto& l = v.legs[k];
    const std::string lp = l.m.where;
    if (l.kind.empty()) continue;
    // Its order: inbound first, then loaded and return in turn.
    const char* expected = k == 0 ? "inbound" : (k % 2 == 1 ? "loaded" : "return");
    if (l.kind != expected) {
      sink.add("continuity", lp + ".kind",
               "is " + l.kind + ", but leg " + std::to_string(k) + " of a vehicle must be " + expected +
                   " (inbound, loaded, return, loaded, ...)");
      continue;
    }
    const double seats = static_cast<double>(depot.seats);
    if (l.m.numbers && static_cast<double>(l.m.people) > seats) {
      sink.add("seats", lp + ".people",
               std::to_string(l.m.people) + " people do not fit in a vehicle of depot \"" + depot.id + "\" with " +
                   std::to_string(depot.seats) + " seats");
    }
    if (l.kind != "loaded" && l.m.numbers && l.m.people > 0) {
      sink.add("seats", lp + ".people",
               "a " + l.kind + " leg carries nobody out, but lists " + std::to_string(l.m.people) + " people");
    }
    if (l.aid_t > 0) {
      if (l.kind == "loaded") {
        sink.add("aid", lp + ".aid_t", "aid goes in on inbound and return legs, not on a loaded leg");
      } else if (!c.aid_refused_by.empty()) {
        sink.add("rule-aid", lp + ".aid_t",
                 "carries " + number_text(l.aid_t) + " t of aid in, but party " +
                     c.s.rules[c.aid_refused_by.front()].party + " forbids aid inbound");
      } else if (l.aid_t > depot.cargo_t + 1e-9) {
        sink.add("aid", lp + ".aid_t",
                 "carries " + number_text(l.aid_t) + " t of aid, more than the " + number_text(depot.cargo_t) +
                     " t a vehicle of depot \"" + depot.id + "\" carries");
      }
    }
    if (l.m.ids.empty() || l.m.times.empty()) continue;  // unreadable: reported as a format violation
    // Where and when the leg may start.
    std::optional<graph::Snap> start;
    double earliest = 0;
    std::string after;
    if (k == 0) {
      if (l.from && *l.from != *v.depot) {
        sink.add("continuity", lp + ".from",
                 "the vehicle belongs to depot \"" + depot.id + "\" but its first leg leaves depot \"" +
                     c.s.depots[*l.from].id + "\"");
      }
      start = c.depot_snap[*v.depot];
      if (depot.earliest_departure) {
        earliest = static_cast<double>((*depot.earliest_departure - c.s.start).count());
        after = "depot \"" + depot.id + "\"'s earliest departure " + c.utc(earliest);
      }
    } else {
      const auto& prev = v.legs[k - 1];
      if (prev.m.ids.empty() || prev.m.times.empty() || l.m.times.empty()) continue;
      if (prev.m.ids.back() != l.m.ids.front()) {
        sink.add("continuity", lp + ".path[0]",
                 "starts at node " + std::to_string(l.m.ids.front()) + " but the vehicle's leg " +
                     std::to_string(k - 1) + " ends at node " + std::to_string(prev.m.ids.back()));
        continue;
      }
      const bool loads = l.kind == "loaded";
      earliest = prev.m.times.back() + (loads ? load_s : unload_s);
      after = "the vehicle's previous leg ends at " + c.utc(prev.m.times.back()) + ", plus " +
              (loads ? "loading " + minutes_text(load_s) : "unloading " + minutes_text(unload_s));
      if (loads && l.from && prev.to && *l.from != *prev.to) {
        sink.add("continuity", lp + ".from",
                 "loads at pick-up point \"" + c.s.pickups[*l.from].id + "\" but the vehicle came to \"" +
                     c.s.pickups[*prev.to].id + "\"");
      }
      if (!loads && l.from && prev.to && *l.from != *prev.to) {
        sink.add("continuity", lp + ".from",
                 "leaves destination \"" + c.s.destinations[*l.from].id + "\" but the vehicle unloaded at \"" +
                     c.s.destinations[*prev.to].id + "\"");
      }
      if (loads && l.from && c.s.pickups[*l.from].earliest) {
        const double gathered = static_cast<double>((*c.s.pickups[*l.from].earliest - c.s.start).count()) + load_s;
        if (gathered > earliest) {
          earliest = gathered;
          after = "people gather at pick-up point \"" + c.s.pickups[*l.from].id + "\" from " +
                  c.utc(gathered - load_s) + ", plus loading " + minutes_text(load_s);
        }
      }
    }
    if (k == 0 && start && l.m.ids.front() != c.g.node_id[start->node]) {
      sink.add("continuity", lp + ".path[0]",
               "starts at node " + std::to_string(l.m.ids.front()) + " but depot \"" + depot.id + "\" snaps to node " +
                   std::to_string(c.g.node_id[start->node]));
    }
    if (l.m.times.front() + k_time_tolerance_s < earliest) {
      sink.add("continuity", lp + ".times_s[0]", "leaves at " + c.at(l.m.times.front()) + ", before " + after);
    }
    // Where it must end.
    if (l.to) {
      const bool at_destination = l.kind == "loaded";
      const auto& snap = at_destination ? c.destination_snap[*l.to] : c.pickup_snap[*l.to];
      const std::string name = at_destination ? "destination \"" + c.s.destinations[*l.to].id + "\""
                                              : "pick-up point \"" + c.s.pickups[*l.to].id + "\"";
      if (snap && l.m.ids.back() != c.g.node_id[snap->node]) {
        sink.add("continuity", lp + ".path[" + std::to_string(l.m.ids.size() - 1) + "]",
                 "ends at node " + std::to_string(l.m.ids.back()) + " but " + name + " snaps to node " +
                     std::to_string(c.g.node_id[snap->node]));
      }
    }
  }
}

}  // namespace

void read_fleet(const Context& c, const json& plan, PlanIn& in, const Sink& sink) {
  const json* fleet = field(plan, "fleet", "", sink, false);
  if (fleet == nullptr) return;
  if (!fleet->is_array()) return wrong(sink, "fleet", "an array of vehicles", *fleet);
  std::map<std::string, std::size_t> ids;
  std::size_t legs = 0;
  for (std::size_t i = 0; i < fleet->size(); ++i) {
    const json& v = (*fleet)[i];
    const std::string path = "fleet[" + std::to_string(i) + "]";
    VehicleIn out;
    out.index = i;
    if (!v.is_object()) {
      wrong(sink, path, "an object", v);
      in.complete = false;
      continue;
    }
    if (const json* id = field(v, "vehicle", path, sink, true)) {
      if (!id->is_string() || id->get_ref<const std::string&>().empty()) {
        wrong(sink, path + ".vehicle", "a non-empty string", *id);
      } else if (const auto [at, fresh] = ids.emplace(id->get<std::string>(), i); !fresh) {
        sink.add("format", path + ".vehicle",
                 "vehicle \"" + id->get<std::string>() + "\" is also fleet[" + std::to_string(at->second) + "]'s");
      } else {
        out.id = id->get<std::string>();
      }
    }
    out.depot = read_feature(v, "depot", path, c.s.depots, "depot", sink);
    const json* list = field(v, "legs", path, sink, true);
    if (list != nullptr && (!list->is_array() || list->empty()))
      wrong(sink, path + ".legs", "a non-empty array", *list);
    if (!out.depot || list == nullptr || !list->is_array()) in.complete = false;
    for (std::size_t k = 0; list != nullptr && list->is_array() && k < list->size(); ++k) {
      out.legs.push_back(read_leg(c, (*list)[k], path + ".legs[" + std::to_string(k) + "]", in.complete, sink));
      out.legs.back().m.index = legs++;
    }
    in.fleet.push_back(std::move(out));
  }
}

std::vector<const MovementIn*> all_movements(const PlanIn& plan) {
  std::vector<const MovementIn*> all;
  for (const auto& m : plan.movements) all.push_back(&m);
  for (const auto& v : plan.fleet) {
    for (const auto& l : v.legs) all.push_back(&l.m);
  }
  return all;
}

void check_fleet(Context& c, PlanIn& plan, const Sink& sink) {
  std::vector<std::int64_t> sent(c.s.depots.size(), 0);
  std::vector<std::int64_t> collected(c.s.pickups.size(), 0);
  for (auto& v : plan.fleet) {
    for (auto& l : v.legs) check_movement(c, l.m, sink);
    check_vehicle(c, v, sink);
    if (v.depot && ++sent[*v.depot] == c.s.depots[*v.depot].vehicles + 1) {
      sink.add("fleet", "fleet[" + std::to_string(v.index) + "]",
               "depot \"" + c.s.depots[*v.depot].id + "\" has " + std::to_string(c.s.depots[*v.depot].vehicles) +
                   " vehicles; this is one more");
    }
    for (const auto& l : v.legs) {
      if (l.kind == "loaded" && l.from && l.m.numbers) collected[*l.from] += l.m.people;
    }
  }
  if (!plan.complete) return;
  std::vector<std::int64_t> unmet(c.s.pickups.size(), 0);
  for (const auto& u : plan.unmet) {
    if (u.pickup && u.numbers) unmet[*u.pickup] += u.people;
  }
  const auto walked = walked_to(c, plan);
  for (std::size_t p = 0; p < c.s.pickups.size(); ++p) {
    const auto& pickup = c.s.pickups[p];
    const auto people = pickup.people + walked[p];
    const auto accounted = collected[p] + unmet[p];
    if (accounted == people) continue;
    const auto difference = people - accounted;
    sink.add("conservation", "fleet",
             "pick-up point \"" + pickup.id + "\" has " + std::to_string(people) +
                 (walked[p] > 0 ? " people (" + std::to_string(walked[p]) + " of them walked there)" : " people") +
                 "; the fleet collects " + std::to_string(collected[p]) + " and unmet lists " +
                 std::to_string(unmet[p]) + ": " +
                 (difference > 0 ? std::to_string(difference) + " people are unaccounted for"
                                 : std::to_string(-difference) + " people too many"));
  }
}

}  // namespace corridor::check::detail

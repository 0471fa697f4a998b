// The constraints of one movement on its own: it starts and ends where the
// scenario's points snap, drives real road segments in allowed directions no
// faster than free flow, keeps to the origin's earliest departure and the
// horizon, is never on a road while a hazard closes it or outside its
// ceasefire windows, and keeps every party's rules.
#include <algorithm>
#include <cmath>

#include "check/checker.hpp"

namespace corridor::check::detail {
namespace {

std::string range(const std::string& movement, const char* field, std::size_t first, std::size_t last) {
  return movement + "." + field + "[" + std::to_string(first) + ".." + std::to_string(last) + "]";
}

std::string element(const std::string& movement, const char* field, std::size_t i) {
  return movement + "." + field + "[" + std::to_string(i) + "]";
}

// A vehicle is on a segment during [t0, t1); one that passes it in no time
// is on it at the instant t0.
bool overlaps(double t0, double t1, const Window& w) {
  if (t1 <= t0) return w.from <= t0 && t0 < w.until;
  return t0 < w.until && w.from < t1;
}

bool inside(double t0, double t1, const Window& w) {
  if (t1 <= t0) return w.from <= t0 && t0 < w.until;
  return w.from <= t0 && t1 <= w.until;
}

std::string parties(const Context& c, const std::vector<std::size_t>& rules, const char* verb_one,
                    const char* verb_many) {
  std::string text;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (i > 0) text += i + 1 == rules.size() ? " and " : ", ";
    text += "party " + c.s.rules[rules[i]].party + " (rules[" + std::to_string(rules[i]) + "])";
  }
  return text + " " + (rules.size() == 1 ? verb_one : verb_many);
}

void check_ends(const Context& c, const MovementIn& m, const std::string& p, const Sink& sink) {
  auto check_end = [&](std::size_t at, const std::optional<graph::Snap>& snap, const std::string& what,
                       const char* field, const char* needs, const char* verb) {
    if (!snap) {
      sink.add("snap", p + "." + field,
               what + " is more than " + number_text(c.options.max_snap_m) + " m from any road node " + needs);
      return;
    }
    const auto expected = c.g.node_id[snap->node];
    if (m.ids[at] != expected) {
      sink.add("snap", element(p, "path", at),
               std::string(verb) + " at node " + std::to_string(m.ids[at]) + ", but " + what + " snaps to node " +
                   std::to_string(expected) + " (" + number_text(std::round(snap->distance_m * 10) / 10) + " m away)");
    }
  };
  if (m.origin) {
    check_end(0, c.origin_snap[*m.origin], "origin \"" + c.s.origins[*m.origin].id + "\"", "origin",
              "with a road leaving it", "starts");
  }
  if (m.destination && !m.stranded) {
    check_end(m.ids.size() - 1, c.destination_snap[*m.destination],
              "destination \"" + c.s.destinations[*m.destination].id + "\"", "destination",
              "with a road arriving at it", "ends");
  }
}

// Graph nodes and arcs of the path; "segment" violations for what is not in the map.
void check_segments(const Context& c, MovementIn& m, const std::string& p, const Sink& sink) {
  m.nodes.clear();
  for (std::size_t i = 0; i < m.ids.size(); ++i) {
    const auto v = c.node(m.ids[i]);
    m.nodes.push_back(v ? *v : graph::k_invalid);
    if (!v)
      sink.add("segment", element(p, "path", i), "node " + std::to_string(m.ids[i]) + " is not a node of the map");
  }
  m.arcs.assign(m.ids.empty() ? 0 : m.ids.size() - 1, graph::k_invalid);
  for (std::size_t i = 0; i + 1 < m.ids.size(); ++i) {
    const auto u = m.nodes[i];
    const auto v = m.nodes[i + 1];
    if (u == graph::k_invalid || v == graph::k_invalid) continue;
    m.arcs[i] = c.g.find_arc(u, v);
    if (m.arcs[i] != graph::k_invalid) continue;
    const std::string from = std::to_string(m.ids[i]);
    const std::string to = std::to_string(m.ids[i + 1]);
    std::string why;
    if (u == v)
      why = "node " + from + " repeats: a path moves from node to node";
    else if (c.g.find_arc(v, u) != graph::k_invalid) {
      why = "segment " + from + " -> " + to + " drives a one-way road backwards (only " + to + " -> " + from +
            " is allowed)";
    } else {
      why = "there is no road segment " + from + " -> " + to + " in the map";
    }
    sink.add("segment", range(p, "path", i, i + 1), why);
  }
  // The map's turn restrictions (OSM relations, docs/import.md).
  for (std::size_t i = 0; i + 2 < m.ids.size(); ++i) {
    const auto from = m.arcs[i], to = m.arcs[i + 1];
    if (from == graph::k_invalid || to == graph::k_invalid || !c.g.turn_forbidden(from, to)) continue;
    sink.add("turn", range(p, "path", i, i + 2),
             "turns at node " + std::to_string(m.ids[i + 1]) + " from way " + std::to_string(c.g.way_id[from]) +
                 " onto way " + std::to_string(c.g.way_id[to]) + ", which a turn restriction of the map forbids");
  }
  const auto& first = c.g.turn_chain_first;
  for (std::size_t k = 0; k + 1 < first.size(); ++k) {
    const auto chain_begin = c.g.turn_chain_arc.begin() + first[k],
               chain_end = c.g.turn_chain_arc.begin() + first[k + 1];
    for (auto it = m.arcs.begin(); (it = std::search(it, m.arcs.end(), chain_begin, chain_end)) != m.arcs.end(); ++it) {
      const auto i = static_cast<std::size_t>(it - m.arcs.begin());
      const auto last = i + static_cast<std::size_t>(chain_end - chain_begin);
      sink.add("turn", range(p, "path", i, last),
               "drives from way " + std::to_string(c.g.way_id[*chain_begin]) + " over node " +
                   std::to_string(m.ids[i + 1]) + " along way " + std::to_string(c.g.way_id[*(chain_begin + 1)]) +
                   " onto way " + std::to_string(c.g.way_id[*(chain_end - 1)]) + " at node " +
                   std::to_string(m.ids[last - 1]) + ", which a turn restriction of the map (via a way) forbids");
    }
  }
}

void check_times(const Context& c, const MovementIn& m, const std::string& p, const Sink& sink) {
  const auto& t = m.times;
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    const std::string from = std::to_string(m.ids[i]);
    const std::string to = std::to_string(m.ids[i + 1]);
    if (t[i + 1] < t[i]) {
      sink.add("speed", range(p, "times_s", i, i + 1),
               "passes node " + to + " at " + c.at(t[i + 1]) + ", before passing node " + from + " at " + c.at(t[i]));
      continue;
    }
    const auto a = m.arcs[i];
    if (a == graph::k_invalid) continue;
    const double free_flow = static_cast<double>(c.g.time_ms[a]) / 1000.0;
    if (t[i + 1] - t[i] < free_flow - k_time_tolerance_s) {
      sink.add("speed", range(p, "times_s", i, i + 1),
               "takes " + seconds_text(t[i + 1] - t[i]) + " over " + c.segment(a) + " (" +
                   number_text(std::round(c.g.length_m[a])) + " m), faster than its free-flow time " +
                   seconds_text(free_flow));
    }
  }
  if (t.empty()) return;
  double earliest = 0;
  std::string why = "before the scenario starts at " + c.utc(0);
  if (m.origin && c.s.origins[*m.origin].earliest_departure) {
    const auto ed = static_cast<double>((*c.s.origins[*m.origin].earliest_departure - c.s.start).count());
    if (ed > 0) {
      earliest = ed;
      why = "before origin \"" + c.s.origins[*m.origin].id + "\"'s earliest departure " + c.utc(ed);
    }
  }
  if (t.front() < earliest) {
    sink.add("earliest-departure", element(p, "times_s", 0), "departs at " + c.at(t.front()) + ", " + why);
  }
  if (t.back() > c.horizon_s) {
    sink.add("horizon", element(p, "times_s", t.size() - 1),
             "arrives at " + c.at(t.back()) + ", after the horizon ends at " + c.utc(c.horizon_s) + " (" +
                 number_text(c.s.horizon_hours) + " h after the start)");
  }
}

struct Run {
  bool open = false;
  std::size_t first = 0;  // segment indices
  std::size_t last = 0;
};

std::string zone_violation(const Context& c, const Zone& z, const MovementIn& m, const Run& run) {
  const bool one = run.first == run.last;
  const std::string segments = one ? c.segment(m.arcs[run.first])
                                   : std::to_string(run.last - run.first + 1) + " segments from node " +
                                         std::to_string(m.ids[run.first]) + " to node " +
                                         std::to_string(m.ids[run.last + 1]);
  const std::string meet = one ? " meets " : " meet ";
  const std::string it = one ? "it" : "them";
  if (z.kind == Zone::Kind::forbidden_area) {
    return segments + meet + "area \"" + c.s.areas[z.index].id + "\", which " +
           parties(c, z.rules, "forbids", "forbid");
  }
  const double t0 = m.times[run.first];
  const double t1 = m.times[run.last + 1];
  if (z.kind == Zone::Kind::hazard) {
    return segments + meet + "hazard \"" + c.s.hazards[z.index].id + "\", closed " + c.window(z.windows.front()) +
           "; the movement is on " + it + " from " + c.at(t0) + " until " + c.at(t1);
  }
  const std::string head = segments + meet + "ceasefire zone \"" + c.s.ceasefires[z.index].id + "\"";
  for (const auto& w : z.windows) {
    if (w.from <= t0 && t0 < w.until) {
      return head + "; the movement enters at " + c.at(t0) + " inside the window " + c.window(w) + " but is still on " +
             it + " until " + c.at(t1) + ", after the window closes";
    }
  }
  std::string windows;
  for (const auto& w : z.windows) windows += (windows.empty() ? "" : ", ") + c.window(w);
  return head + "; the movement is on " + it + " from " + c.at(t0) + " until " + c.at(t1) + ", outside every window (" +
         (windows.empty() ? "it has none" : windows) + ")";
}

const char* zone_code(const Zone& z) {
  switch (z.kind) {
    case Zone::Kind::hazard:
      return "hazard";
    case Zone::Kind::ceasefire:
      return "window";
    case Zone::Kind::forbidden_area:
      return "rule-area";
  }
  return "";
}

// Hazards, ceasefire windows and forbidden areas; consecutive segments that
// break the same zone are one violation.
void check_zones(Context& c, const MovementIn& m, const std::string& p, const Sink& sink) {
  if (c.zones.empty()) return;
  std::vector<Run> runs(c.zones.size());
  auto flush = [&](std::uint32_t z) {
    if (!runs[z].open) return;
    sink.add(zone_code(c.zones[z]), range(p, "path", runs[z].first, runs[z].last + 1),
             zone_violation(c, c.zones[z], m, runs[z]));
    runs[z].open = false;
  };
  for (std::size_t i = 0; i < m.arcs.size(); ++i) {
    if (m.arcs[i] == graph::k_invalid) continue;
    // A stranded convoy (a re-plan's) was caught on its last segment by a
    // closure that began as it stood there: the plan says so in `unmet`;
    // where it stands is not a choice it made.
    const bool caught = m.stranded && i + 1 == m.arcs.size();
    for (const auto z : c.zones_of(m.arcs[i])) {
      if (caught && c.zones[z].kind != Zone::Kind::forbidden_area) continue;
      const Zone& zone = c.zones[z];
      bool broken = zone.kind == Zone::Kind::forbidden_area;
      if (!broken && !m.times.empty()) {
        const double t0 = m.times[i];
        const double t1 = m.times[i + 1];
        if (zone.kind == Zone::Kind::hazard) {
          broken = overlaps(t0, t1, zone.windows.front());
        } else {
          broken = true;
          for (const auto& w : zone.windows) broken = broken && !inside(t0, t1, w);
        }
      }
      if (!broken) continue;
      if (runs[z].open && runs[z].last + 1 == i) {
        runs[z].last = i;
        continue;
      }
      flush(z);
      runs[z] = {true, i, i};
    }
  }
  for (std::uint32_t z = 0; z < runs.size(); ++z) flush(z);
}

void check_rules(const Context& c, const MovementIn& m, const std::string& p, const Sink& sink) {
  if (m.destination && !c.destination_refused_by[*m.destination].empty()) {
    const auto& d = c.s.destinations[*m.destination];
    sink.add("rule-destination", p + ".destination",
             "destination \"" + d.id + "\" is controlled by " + d.controlled_by + ", and " +
                 parties(c, c.destination_refused_by[*m.destination], "forbids", "forbid") +
                 " destinations controlled by " + d.controlled_by);
  }
  // A vehicle passes a checkpoint when it enters a segment from its node.
  for (std::size_t i = 0; i + 1 < m.nodes.size(); ++i) {
    if (m.nodes[i] == graph::k_invalid) continue;
    for (const auto cp : c.checkpoints_at(m.nodes[i])) {
      if (c.checkpoint_refused_by[cp].empty()) continue;
      const auto& checkpoint = c.s.checkpoints[cp];
      sink.add("rule-checkpoint", element(p, "path", i),
               "passes checkpoint \"" + checkpoint.id + "\" (node " + std::to_string(m.ids[i]) + ") operated by " +
                   checkpoint.operated_by + ", which " + parties(c, c.checkpoint_refused_by[cp], "refuses", "refuse"));
    }
  }
}

}  // namespace

void check_movement(Context& c, MovementIn& m, const Sink& sink) {
  const std::string& p = m.where;
  if (m.numbers && m.origin) {
    const auto& o = c.s.origins[*m.origin];
    if (m.people > m.vehicles * o.persons_per_vehicle) {
      sink.add("load", p + ".people",
               std::to_string(m.people) + " people do not fit in " + std::to_string(m.vehicles) + " vehicles of " +
                   std::to_string(o.persons_per_vehicle) + " persons (origin \"" + o.id + "\"): at most " +
                   std::to_string(m.vehicles * o.persons_per_vehicle));
    }
  }
  check_segments(c, m, p, sink);
  check_rules(c, m, p, sink);
  if (m.ids.empty()) return;
  check_ends(c, m, p, sink);
  check_times(c, m, p, sink);
  check_zones(c, m, p, sink);
}

}  // namespace corridor::check::detail

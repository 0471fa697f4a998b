// The simulation's JSON, GeoJSON and printed summary (docs/simulate.md).
#include <cmath>
#include <cstdio>

#include "corridor/sim/simulate.hpp"
#include "corridor/units.hpp"

namespace corridor::sim {
namespace {

using nlohmann::json;

constexpr std::size_t k_fragile_shown = 10;
constexpr std::size_t k_corridors_named = 5;

// Shares and seconds to a precision a reader can use, the same on every machine.
double rounded(double x, double unit) { return std::round(x / unit) / std::round(1 / unit); }

json segment_json(const plan::Instance& in, plan::ArcId a) {
  const auto& g = in.graph();
  return {{"from_node", g.node_id[g.tail[a]]},
          {"to_node", g.node_id[g.head[a]]},
          {"way", g.way_id[a]},
          {"road", g.name_of(a)}};
}

json window_json(const plan::Instance& in, const WindowOutcome& w) {
  return {{"id", w.ceasefire},
          {"window", w.window},
          {"from", geo::format_utc(in.instant(w.from))},
          {"until", geo::format_utc(in.instant(w.until))},
          {"plan_people_out", w.plan_people_out},
          {"people_out", w.people_out.to_json()},
          {"p_suffices", rounded(w.p_suffices, 1e-4)}};
}

json mode_json(const plan::Instance& in, const ModeOutcome& o) {
  json j;
  j["people_out"] = o.people_out.to_json();
  j["egress_s"] = o.egress.to_json(0.001);
  j["p_complete"] = rounded(o.p_complete, 1e-4);
  j["windows"] = json::array();
  for (const auto& w : o.windows) j["windows"].push_back(window_json(in, w));
  // The movements that lost the most time, then the roads that held
  // convoys up most often.
  auto movements = o.movements;
  std::stable_sort(movements.begin(), movements.end(), [](const Fragility& x, const Fragility& y) {
    return std::tie(y.delay_s, y.blocked_share) < std::tie(x.delay_s, x.blocked_share);
  });
  j["fragile"] = json::array();
  for (std::size_t i = 0; i < movements.size() && i < k_fragile_shown; ++i) {
    const auto& f = movements[i];
    if (f.delay_s == 0 && f.blocked_share == 0) break;
    j["fragile"].push_back({{"movement", f.movement},
                            {"corridor", f.corridor},
                            {"blocked_share", rounded(f.blocked_share, 1e-4)},
                            {"delay_s", rounded(f.delay_s, 0.1)}});
  }
  for (std::size_t i = 0; i < o.segments.size() && i < k_fragile_shown; ++i) {
    const auto& f = o.segments[i];
    j["fragile"].push_back({{"segment", segment_json(in, f.segment)},
                            {"blocked_share", rounded(f.blocked_share, 1e-4)},
                            {"delay_s", rounded(f.delay_s, 0.1)}});
  }
  j["corridors"] = json::array();
  for (const auto& c : o.corridors) {
    j["corridors"].push_back({{"corridor", c.corridor},
                              {"movements", c.movements},
                              {"people", c.people},
                              {"blocked_share", rounded(c.blocked_share, 1e-4)},
                              {"delay_s", rounded(c.delay_s, 0.1)},
                              {"people_short", rounded(c.people_short, 0.01)}});
  }
  j["movements_blocked"] = 0;
  for (const auto& m : o.movements) j["movements_blocked"] = j["movements_blocked"].get<int>() + (m.blocked_share > 0);
  return j;
}

std::string thousands(double x) {
  const auto n = static_cast<long long>(std::llround(x));
  auto text = std::to_string(n < 0 ? -n : n);
  for (auto i = static_cast<std::ptrdiff_t>(text.size()) - 3; i > 0; i -= 3)
    text.insert(static_cast<std::size_t>(i), ",");
  return (n < 0 ? "-" : "") + text;
}

std::string people_line(const Distribution& d) {
  return "mean " + thousands(d.mean) + ", P10 " + thousands(static_cast<double>(d.p10)) + ", P50 " +
         thousands(static_cast<double>(d.p50)) + ", P90 " + thousands(static_cast<double>(d.p90)) + ", worst " +
         thousands(static_cast<double>(d.min));
}

std::string time_line(const Distribution& d) {
  return "mean " + hms(std::llround(d.mean)) + ", P10 " + hms(d.p10) + ", P50 " + hms(d.p50) + ", P90 " + hms(d.p90) +
         ", worst " + hms(d.max);
}

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", share * 100.0);
  return text;
}

void mode_summary(const plan::Instance& in, const ModeOutcome& o, const std::string& indent,
                  std::vector<std::string>& lines) {
  lines.push_back(indent + "people out by the horizon  " + people_line(o.people_out));
  lines.push_back(indent + "egress                     " + time_line(o.egress));
  lines.push_back(indent + "everyone the plan gets out is out in " + percent(o.p_complete) + " of runs");
  for (const auto& w : o.windows) {
    lines.push_back(indent + "window " + w.ceasefire + " #" + std::to_string(w.window + 1) + " (to " +
                    in.scenario().local_time(in.instant(w.until)) + "): suffices in " + percent(w.p_suffices) +
                    " of runs; people out by its end " + people_line(w.people_out) + " (plan " +
                    thousands(static_cast<double>(w.plan_people_out)) + ")");
  }
  if (!o.corridors.empty()) lines.push_back(indent + "most fragile corridors:");
  for (std::size_t i = 0; i < o.corridors.size() && i < k_corridors_named; ++i) {
    const auto& c = o.corridors[i];
    lines.push_back(indent + "  " + std::to_string(i + 1) + ". " + c.corridor + " (" + std::to_string(c.movements) +
                    " movements, " + thousands(static_cast<double>(c.people)) + " people): blocked in " +
                    percent(c.blocked_share) + " of runs, mean delay " + hms(std::llround(c.delay_s * 1000)) + ", " +
                    thousands(c.people_short) + " people not out on average");
  }
  if (!o.segments.empty()) lines.push_back(indent + "roads that held convoys up most often:");
  const auto& g = in.graph();
  for (std::size_t i = 0; i < o.segments.size() && i < k_corridors_named; ++i) {
    const auto& f = o.segments[i];
    const auto& name = g.name_of(f.segment);
    lines.push_back(indent + "  " + (name.empty() ? "unnamed road" : name) + " (way " +
                    std::to_string(g.way_id[f.segment]) + ", nodes " + std::to_string(g.node_id[g.tail[f.segment]]) +
                    " -> " + std::to_string(g.node_id[g.head[f.segment]]) + "): in " + percent(f.blocked_share) +
                    " of runs, convoys wait " + hms(std::llround(f.delay_s * 1000)) + " a run");
  }
}

}  // namespace

json SimulationResult::to_json(const plan::Instance& in) const {
  json j = mode_json(in, wait);
  j["runs"] = runs;
  j["seed"] = seed;
  j["model"] = model.to_json();
  j["plan"] = {{"people_out", plan_people_out}, {"egress_s", to_seconds(plan_egress)}};
  j["scenario"] = in.scenario().name;
  if (replan) {
    j["replan"] = {{"people_out", replan->people_out.to_json()},
                   {"egress_s", replan->egress.to_json(0.001)},
                   {"p_complete", rounded(replan->p_complete, 1e-4)},
                   {"windows", json::array()},
                   {"replans", replan->replans.to_json()}};
    for (const auto& w : replan->windows) j["replan"]["windows"].push_back(window_json(in, w));
  }
  return j;
}

json SimulationResult::to_geojson(const plan::Instance& in) const {
  const auto& g = in.graph();
  json features = json::array();
  const auto add = [&](const ModeOutcome& o, const char* mode) {
    for (const auto& f : o.segments) {
      json coordinates = json::array();
      for (const auto& p : g.arc_geometry(f.segment)) coordinates.push_back({p.lon, p.lat});
      auto properties = segment_json(in, f.segment);
      properties["blocked_share"] = rounded(f.blocked_share, 1e-4);
      properties["delay_s"] = rounded(f.delay_s, 0.1);
      properties["mode"] = mode;
      features.push_back({{"type", "Feature"},
                          {"geometry", {{"type", "LineString"}, {"coordinates", coordinates}}},
                          {"properties", properties}});
    }
  };
  add(wait, "wait");
  return {{"type", "FeatureCollection"},
          {"attribution", "© OpenStreetMap contributors"},
          {"simulation", {{"runs", runs}, {"seed", seed}, {"scenario", in.scenario().name}}},
          {"features", features}};
}

std::vector<std::string> SimulationResult::summary(const plan::Instance& in) const {
  std::vector<std::string> lines;
  lines.push_back(std::to_string(runs) + " runs (seed " + std::to_string(seed) + "); the plan: " +
                  thousands(static_cast<double>(plan_people_out)) + " people out, egress " + hms(plan_egress));
  if (!replan) {
    mode_summary(in, wait, "", lines);
    return lines;
  }
  lines.push_back("convoys wait for closed roads to open:");
  mode_summary(in, wait, "  ", lines);
  lines.push_back("the operation re-plans when a hazard meets a convoy's way (the same incidents):");
  mode_summary(in, *replan, "  ", lines);
  char text[160];
  std::snprintf(text, sizeof text, "  re-plans a run: mean %.1f, worst %lld; a run takes %.0f ms (waiting: %.0f ms)",
                replan->replans.mean, static_cast<long long>(replan->replans.max), replan->run_ms, wait.run_ms);
  lines.push_back(text);
  return lines;
}

}  // namespace corridor::sim

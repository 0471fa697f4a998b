// corridor replan MAP SCENARIO PLAN --at TIME [--events E] [--reports R | --db LEDGER] -o NEW_PLAN.json
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/geo/time.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/ops/replan.hpp"
#include "corridor/ops/reports.hpp"
#include "corridor/plan/windows.hpp"
#include "corridor/units.hpp"

namespace corridor::cli {
namespace {

struct ReplanCliOptions {
  std::string map, scenario, plan, at, events, reports, db, output, geojson, csv, write_scenario;
  double max_snap_m = 1000;
  std::size_t max_expanded_nodes = ops::ReplanOptions{}.max_expanded_nodes;
  std::optional<double> delay_within_min, reuse_slack_min;
  bool diff = false;
  bool all = false;
  bool quiet = false;
};

// A duration option in minutes, as milliseconds (-1 when not given).
plan::Ms minutes_option(const char* name, const std::optional<double>& minutes) {
  if (!minutes) return -1;
  constexpr double k_most = 7 * 24 * 60;  // a week: far beyond any horizon
  if (!std::isfinite(*minutes) || *minutes < 0 || *minutes > k_most) {
    std::ostringstream text;
    text << "minutes from 0 to " << k_most << ", got " << *minutes;
    throw InputError(name, text.str());
  }
  return static_cast<plan::Ms>(std::llround(*minutes * 60'000));
}

// --at: RFC 3339, or seconds after the scenario's start.
geo::UnixSeconds parse_at(const std::string& text, const scenario::Scenario& s) {
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc{} && end == text.data() + text.size()) {
    const auto whole = geo::floor_seconds(seconds);
    if (!whole) throw InputError("--at", "seconds after the scenario's start out of range, got \"" + text + "\"");
    return s.start + *whole;
  }
  std::string why;
  const auto t = geo::parse_rfc3339(text, &why);
  if (!t) throw InputError("--at", why + " (or seconds after the scenario's start), got \"" + text + "\"");
  if (t->utc < s.start || t->utc > s.end()) {
    throw InputError("--at", text + " is outside the scenario (" + geo::format_utc(s.start) + " to " +
                                 geo::format_utc(s.end()) + ")");
  }
  return t->utc;
}

int run_replan(const ReplanCliOptions& o) {
  const auto g = graph::read_graph(o.map);
  auto scenario_doc = read_json(o.scenario, "scenario (GeoJSON)");
  const auto original = scenario::parse_scenario(scenario_doc.dump(), o.scenario);
  const auto at = parse_at(o.at, original);
  std::vector<std::string> notes;
  if (!o.events.empty()) {
    auto merged = ops::merge_events(scenario_doc, read_json(o.events, "events FeatureCollection"), at);
    scenario_doc = std::move(merged.document);
    notes = std::move(merged.notes);
  }
  scenario::Scenario sc;
  try {
    sc =
        scenario::parse_scenario(scenario_doc.dump(), o.events.empty() ? o.scenario : o.scenario + " with " + o.events);
  } catch (const Error& e) {
    throw InputError("--events", std::string("the scenario with the events is not valid: ") + e.what());
  }
  if (!o.write_scenario.empty()) write_text(o.write_scenario, scenario_doc.dump(1) + "\n");
  const graph::SpatialIndex index(g);
  const plan::Instance in(g, index, sc, o.max_snap_m);
  const auto old = ops::read_plan(in, read_json(o.plan, "plan (from corridor plan)"));

  std::vector<ops::ConvoyReport> reports;
  if (!o.reports.empty()) reports = ops::reports_from_documents(in, read_json(o.reports, "convoy reports"), o.reports);
  if (!o.db.empty()) {
    const auto more = ops::reports_from_ledger(in, ledger::Ledger::open(o.db));
    reports.insert(reports.end(), more.begin(), more.end());
  }

  ops::ReplanOptions options;
  options.max_expanded_nodes = o.max_expanded_nodes;
  options.keep_unaffected = !o.all;
  options.delay_within = minutes_option("--delay-within", o.delay_within_min);
  options.reuse_slack = minutes_option("--reuse-slack", o.reuse_slack_min);
  auto result = ops::replan(in, old, in.after_start(at), reports, options);
  for (const auto& line : plan::window_report(in, plan::window_use(in, result.plan, index))) {
    result.summary.push_back(line);
  }
  result.summary.insert(result.summary.end(), notes.begin(), notes.end());

  auto doc = plan::to_json(in, result.plan);
  doc["replan"] = result.to_json();
  doc["replan"]["at"] = geo::format_utc(at);
  doc["replan"]["of_plan"] = o.plan;
  write_text(o.output, doc.dump(1) + "\n");
  if (!o.geojson.empty()) write_text(o.geojson, plan::to_geojson(in, result.plan).dump() + "\n");
  if (!o.csv.empty()) write_text(o.csv, plan::to_csv(in, result.plan));
  if (o.diff) {
    for (const auto& line : result.summary) std::cout << line << "\n";
    // Every convoy on the road that changed; of those not yet gone, the
    // first few of each kind.
    std::map<std::string, std::size_t> shown;
    for (const auto& c : result.changes) {
      if (c.change == "done" || c.change == "continues" || c.change == "kept") continue;
      const bool future = c.change == "delayed" || c.change == "rerouted" || c.change == "cancelled";
      if (future && ++shown[c.change] > 10) continue;
      std::cout << "  " << c.movement << " " << c.change << ": " << c.text << "\n";
    }
    for (const auto& [change, n] : shown) {
      if (n > 10) std::cout << "  ... and " << n - 10 << " more " << change << "\n";
    }
  }
  if (o.quiet) return k_exit_ok;
  std::fprintf(stderr, "corridor replan: %s at %s\n", sc.name.c_str(), geo::format_utc(at).c_str());
  if (!o.diff) {
    for (const auto& line : result.summary) std::fprintf(stderr, "  %s\n", line.c_str());
  }
  std::fprintf(stderr, "  compute         %.0f ms (%llu searches)\n", result.plan.compute_ms,
               static_cast<unsigned long long>(result.plan.searches));
  std::fprintf(stderr, "  written         %s%s%s%s%s\n", o.output.c_str(), o.geojson.empty() ? "" : ", ",
               o.geojson.c_str(), o.csv.empty() ? "" : ", ", o.csv.c_str());
  if (!o.write_scenario.empty()) {
    std::fprintf(stderr, "  check it with   corridor check %s %s %s\n", o.map.c_str(), o.write_scenario.c_str(),
                 o.output.c_str());
  }
  return k_exit_ok;
}

}  // namespace

void add_replan_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<ReplanCliOptions>();
  auto* cmd = app.add_subcommand(
      "replan",
      "Re-plan an operation from the current state (docs/operations.md): everything before --at is history;\n"
      "convoys on the road go on, or are diverted from where they are when their road closes; convoys not yet\n"
      "gone are planned again on what capacity is left. Events (new hazards, changed checkpoints, destinations,\n"
      "origins) are scenario features merged into the scenario; convoy reports say where convoys really are.\n"
      "Movements keep their ids. Example:\n"
      "  corridor replan mannheim.graph mannheim-exercise.geojson plan.json --at 2022-03-05T10:30:00+01:00 \\\n"
      "     --events bridge.geojson --write-scenario merged.geojson -o plan-2.json --diff\n"
      "  corridor check mannheim.graph merged.geojson plan-2.json");
  cmd->add_option("map", o->map, "graph file made by `corridor import`")->required();
  cmd->add_option("scenario", o->scenario, "the scenario the plan was made for")->required();
  cmd->add_option("plan", o->plan, "the plan in force (plan.json)")->required();
  cmd->add_option("--at", o->at, "now: RFC 3339 with an offset, or seconds after the scenario's start")->required();
  cmd->add_option("--events", o->events, "GeoJSON FeatureCollection of scenario features to add or change");
  cmd->add_option("--reports", o->reports, "convoy reports: a JSON array of signed reports (corridor report)");
  cmd->add_option("--db", o->db, "take the convoy reports from this ledger");
  cmd->add_option("-o,--output", o->output, "new plan JSON to write")->required();
  cmd->add_option("--geojson", o->geojson, "also write the movements as GeoJSON LineStrings");
  cmd->add_option("--csv", o->csv, "also write the convoy timetable as CSV");
  cmd->add_option("--write-scenario", o->write_scenario,
                  "write the scenario with the events merged (the one to check the new plan against)");
  cmd->add_flag("--diff", o->diff, "print what changed, in sentences, on stdout");
  cmd->add_flag("--all", o->all,
                "plan every movement not yet gone again (default: those whose roads stay open and keep their room "
                "keep their times)");
  cmd->add_option("--delay-within", o->delay_within_min,
                  "minutes: a convoy not yet gone that no longer fits at its times keeps its roads and leaves later "
                  "when it then arrives at most so much later (default: it is planned again)");
  cmd->add_option("--reuse-slack", o->reuse_slack_min,
                  "minutes: the planner sends more convoys on each path it finds while they arrive at most so much "
                  "later than a new search would (default: one time step; larger is faster, a little less tight)");
  cmd->add_option("--max-snap-m", o->max_snap_m, "furthest a scenario point may be from a road (default 1000)");
  cmd->add_option("--max-expanded-nodes", o->max_expanded_nodes,
                  "largest time-expanded network the bound builds (default 100000; `corridor plan` builds 300000)");
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing on stderr");
  runs[cmd] = [o] { return run_replan(*o); };
}

}  // namespace corridor::cli

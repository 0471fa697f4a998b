// corridor plan MAP SCENARIO -o plan.json [--geojson F] [--csv F] [--method ccrp|optimal]
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/plan/fleet.hpp"
#include "corridor/plan/run.hpp"
#include "corridor/plan/windows.hpp"
#include "corridor/units.hpp"

namespace corridor::cli {
namespace {

struct PlanOptions {
  std::string map;
  std::string scenario;
  std::string output;
  std::string geojson;
  std::string csv;
  std::string walk_map;
  std::string method = "ccrp";
  double max_snap_m = 1000;
  std::size_t max_expanded_nodes = 300'000;
  bool quiet = false;
  bool fleet_sizes = true;
};

int run_plan(const PlanOptions& o) {
  const auto method = plan::parse_method(o.method);
  if (!method) {
    throw InputError("--method", "must be ccrp or optimal, got \"" + o.method + "\"");  // before the long reads
  }
  const auto g = graph::read_graph(o.map);
  const auto sc = scenario::load_scenario(o.scenario);
  const graph::SpatialIndex index(g);
  std::optional<graph::RoadGraph> foot;
  if (!o.walk_map.empty()) {
    foot = graph::read_graph(o.walk_map);
    plan::require_foot_network(*foot, o.walk_map);
  }
  plan::Instance in(g, index, sc, o.max_snap_m);
  // The first mile on foot, when origins walk to pick-up points.
  std::optional<plan::WalkPlan> walks;
  if (foot) {
    walks = plan::plan_walks(*foot, in, o.max_snap_m);
    plan::add_arrivals(in, walks->walks);
  }

  const bool draw = !o.quiet && stderr_is_terminal();
  plan::RunOptions options;
  options.method = *method;
  options.max_expanded_nodes = o.max_expanded_nodes;
  options.walks = walks ? &*walks : nullptr;
  int last_percent = -1;
  options.progress = [&](std::int64_t done, std::int64_t total) {
    const int percent = static_cast<int>(100 * done / std::max<std::int64_t>(1, total));
    if (!draw || percent == last_percent) return;
    last_percent = percent;
    std::fprintf(stderr, "\rcorridor plan: %lld of %lld vehicles planned (%d%%)", static_cast<long long>(done),
                 static_cast<long long>(total), percent);
  };
  if (!o.quiet)
    options.note = [](const std::string& line) { std::fprintf(stderr, "corridor plan: optimal: %s\n", line.c_str()); };
  const auto result = plan::run_plan(in, options);
  if (draw && last_percent >= 0) std::fprintf(stderr, "\n");

  auto doc = plan::to_json(in, result);
  std::vector<std::string> fleet_lines;
  if (!in.depots.empty() && o.fleet_sizes) {
    if (!o.quiet) std::fprintf(stderr, "corridor plan: planning the fleet again at other sizes\n");
    const auto report = plan::fleet_report(in, result);
    doc["fleet_report"] = plan::to_json(in, report);
    fleet_lines = plan::fleet_report_lines(in, report);
  }
  write_text(o.output, doc.dump(1) + "\n");
  if (!o.geojson.empty()) write_text(o.geojson, plan::to_geojson(in, result).dump() + "\n");
  if (!o.csv.empty()) write_text(o.csv, plan::to_csv(in, result));
  if (o.quiet) return k_exit_ok;

  const auto& s = doc["summary"];
  std::fprintf(stderr, "corridor plan: %s\n", sc.name.c_str());
  std::fprintf(stderr, "  people out      %lld of %lld (upper bound %lld)\n", s["people_evacuated"].get<long long>(),
               s["people"].get<long long>(), s["upper_bound_people"].get<long long>());
  std::fprintf(stderr, "  vehicles        %lld in %zu movements\n", s["vehicles"].get<long long>(),
               result.movements.size());
  std::fprintf(stderr, "  egress          %s after start", hms(result.egress()).c_str());
  if (result.bounds.lower_bound_egress) {
    std::fprintf(
        stderr, "; lower bound %s; gap %.1f%%\n", hms(*result.bounds.lower_bound_egress).c_str(),
        *result.bounds.lower_bound_egress > 0
            ? (static_cast<double>(result.egress()) / static_cast<double>(*result.bounds.lower_bound_egress) - 1) * 100
            : 0.0);
  } else {
    std::fprintf(stderr, "; no plan can get everyone out within the horizon\n");
  }
  if (s.contains("walking")) {
    const auto& w = s["walking"];
    std::fprintf(stderr,
                 "  walking         %lld people in %lld walks to pick-up points, the last there %s after start\n",
                 w["people"].get<long long>(), w["walks"].get<long long>(),
                 hms(to_milliseconds(w["last_arrival_s"].get<double>())).c_str());
  }
  if (s.contains("fleet")) {
    const auto& f = s["fleet"];
    std::fprintf(stderr, "  fleet           %lld of %lld vehicles, %lld trips; %.1f t of aid in%s\n",
                 f["vehicles_used"].get<long long>(), f["vehicles"].get<long long>(), f["trips"].get<long long>(),
                 f["aid_t"].get<double>(), f["aid_refused_by"].empty() ? "" : " (aid inbound forbidden by a rule)");
  }
  for (const auto& u : doc["unmet"]) {
    const std::string where =
        u.contains("pickup") ? "pick-up point " + u["pickup"].get<std::string>() : u["origin"].get<std::string>();
    std::fprintf(stderr, "  unmet           %s: %lld people: %s\n", where.c_str(), u["people"].get<long long>(),
                 u["reason"].get<std::string>().c_str());
  }
  for (const auto& line : fleet_lines) std::fprintf(stderr, "  %s\n", line.c_str());
  for (const auto& line : plan::checkpoint_report(in, result)) std::fprintf(stderr, "  %s\n", line.c_str());
  for (const auto& line : plan::window_report(in, plan::window_use(in, result, index))) {
    std::fprintf(stderr, "  %s\n", line.c_str());
  }
  std::fprintf(stderr, "  compute         %.0f ms (%llu searches, %llu nodes settled)\n", result.compute_ms,
               static_cast<unsigned long long>(result.searches), static_cast<unsigned long long>(result.settled));
  std::fprintf(stderr, "  written         %s", o.output.c_str());
  if (!o.geojson.empty()) std::fprintf(stderr, ", %s", o.geojson.c_str());
  if (!o.csv.empty()) std::fprintf(stderr, ", %s", o.csv.c_str());
  std::fprintf(stderr, "\n");
  return k_exit_ok;
}

}  // namespace

void add_plan_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand(
      "plan",
      "Plan the evacuation of a scenario: which vehicles leave when, by which roads, to which destinations.\n"
      "Writes the plan JSON (docs/plan.md) and prints people out, egress time, its proven lower bound and gap,\n"
      "what cannot be done and why, and whether each ceasefire window is long enough.\n"
      "Example: corridor plan andorra.graph andorra-exercise.geojson -o plan.json --geojson plan.geojson --csv "
      "plan.csv");
  cmd->add_option("map", o->map, "graph file made by `corridor import`")->required();
  cmd->add_option("scenario", o->scenario, "scenario GeoJSON (docs/scenario.md)")->required();
  cmd->add_option("-o,--output", o->output, "plan JSON to write")->required();
  cmd->add_option("--geojson", o->geojson, "also write the movements as GeoJSON LineStrings");
  cmd->add_option("--csv", o->csv, "also write the convoy timetable as CSV (UTC and local times)");
  cmd->add_option("--walk-map", o->walk_map,
                  "foot network (corridor import --walking) on which origins with walk_to walk to their pick-up "
                  "points");
  cmd->add_option("--method", o->method, "ccrp (capacity-aware heuristic, default) or optimal (small instances)");
  cmd->add_option("--max-snap-m", o->max_snap_m, "furthest a scenario point may be from a road (default 1000)");
  cmd->add_option("--max-expanded-nodes", o->max_expanded_nodes,
                  "largest time-expanded network the bounds build (default 300000); beyond it, one with several "
                  "steps per copy (a weaker bound, named in lower_bound_method)");
  cmd->add_flag("!--no-fleet-sizes", o->fleet_sizes,
                "with depots, skip planning the fleet again at other sizes (trips per vehicle, egress with 10 and "
                "20 vehicles fewer and more, the fleet each ceasefire window needs: fleet_report in the plan)");
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing on stderr");
  runs[cmd] = [o] { return run_plan(*o); };
}

}  // namespace corridor::cli

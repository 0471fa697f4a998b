// corridor check MAP SCENARIO PLAN [--max-snap-m M] [--json]
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "corridor/check/check.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/scenario/scenario.hpp"

namespace corridor::cli {
namespace {

struct CheckCommandOptions {
  std::string map;
  std::string scenario;
  std::string plan;
  double max_snap_m = 1000;
  bool json = false;
};

std::string count(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

int run_check(const CheckCommandOptions& o) {
  if (!(o.max_snap_m > 0)) throw InputError("--max-snap-m", "must be positive, got " + std::to_string(o.max_snap_m));
  const auto g = graph::read_graph(o.map);
  const auto s = scenario::load_scenario(o.scenario);
  check::CheckOptions options;
  options.max_snap_m = o.max_snap_m;
  const auto report = check::check_plan_file(g, s, o.plan, options);

  if (o.json) {
    std::cout << check::to_json(report).dump(2) << "\n";
    return report.valid() ? k_exit_ok : k_exit_failed_check;
  }
  const auto& c = report.checked;
  if (report.valid()) {
    std::cout << "plan is valid: " << count(c.movements, "movement", "movements") << ", "
              << (c.legs > 0 ? count(c.legs, "fleet leg", "fleet legs") + ", " : std::string())
              << count(static_cast<std::size_t>(c.vehicles), "vehicle", "vehicles") << ", "
              << count(static_cast<std::size_t>(c.people), "person", "people") << " checked against "
              << file_name(o.map) << " and " << file_name(o.scenario) << " ("
              << count(c.segment_entries, "segment entry", "segment entries") << ", "
              << count(c.hazards, "hazard", "hazards") << ", "
              << count(c.ceasefires, "ceasefire zone", "ceasefire zones") << ", "
              << count(c.checkpoints, "checkpoint", "checkpoints") << ", " << count(c.rules, "rule", "rules") << ")\n";
    return k_exit_ok;
  }
  for (const auto& v : report.violations) std::cout << check::to_line(v) << "\n";
  std::map<std::string, std::size_t> by_constraint;
  for (const auto& v : report.violations) ++by_constraint[v.constraint];
  std::string kinds;
  for (const auto& [constraint, n] : by_constraint) {
    kinds += (kinds.empty() ? "" : ", ") + constraint + " " + std::to_string(n);
  }
  std::cerr << "plan is invalid: " << count(report.violations.size(), "violation", "violations") << " (" << kinds
            << ")\n";
  return k_exit_failed_check;
}

}  // namespace

void add_check_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<CheckCommandOptions>();
  auto* cmd = app.add_subcommand(
      "check",
      "Verifies a plan against the map and the scenario, independently of the planner: paths on real\n"
      "road segments in allowed directions, no faster than free flow, capacities per time step of\n"
      "segments and checkpoints, hazards, ceasefire windows, every party's rules, fleets, people\n"
      "conservation, destination capacities and the summary. Prints every violation, one per line\n"
      "(JSON path: constraint: what is wrong), and exits 1; exits 0 when the plan is valid.\n"
      "Example: corridor check andorra.graph andorra-exercise.geojson plan.json");
  cmd->add_option("map", o->map, "graph file made by `corridor import`")->required();
  cmd->add_option("scenario", o->scenario, "scenario GeoJSON the plan was made for")->required();
  cmd->add_option("plan", o->plan, "plan JSON (as written by `corridor plan`)")->required();
  cmd->add_option("--max-snap-m", o->max_snap_m,
                  "furthest a scenario point may be from the node it snaps to (default 1000)");
  cmd->add_flag("--json", o->json, "print the report as JSON");
  runs[cmd] = [o] { return run_check(*o); };
}

}  // namespace corridor::cli

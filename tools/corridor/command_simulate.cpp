// corridor simulate MAP SCENARIO PLAN [--incidents [MODEL.json]] [--runs N] [--seed S] [--threads K]
//                   [--json OUT.json] [--geojson OUT.geojson]
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/ops/replan.hpp"  // read_plan
#include "corridor/sim/simulate.hpp"

namespace corridor::cli {
namespace {

struct SimulateCliOptions {
  std::string map, scenario, plan, incidents, json, geojson;
  std::size_t runs = 1000;
  std::uint64_t seed = 1;
  unsigned threads = 0;
  bool quiet = false, replan = false;
  double max_snap_m = 1000;
};

int run_simulate(const SimulateCliOptions& o, bool incidents_given) {
  if (o.runs == 0) throw InputError("--runs", "must be at least 1, got 0");
  // Read the model first: a mistake in it is reported before any map is read.
  sim::IncidentModel model;
  if (incidents_given) {
    model = o.incidents.empty() || o.incidents == "default"
                ? sim::IncidentModel::defaults()
                : sim::parse_model(read_json(o.incidents, "incident model (docs/simulate.md)"));
  }
  const auto g = graph::read_graph(o.map);
  const auto scenario_doc = read_json(o.scenario, "scenario (GeoJSON)");
  const auto sc = scenario::parse_scenario(scenario_doc.dump(), o.scenario);
  const graph::SpatialIndex index(g);
  const plan::Instance in(g, index, sc, o.max_snap_m);
  const auto plan = ops::read_plan(in, read_json(o.plan, "plan (from corridor plan)"));

  sim::SimulateOptions options;
  options.runs = o.runs;
  options.seed = o.seed;
  if (o.replan) options.replan = sim::ReplanContext{&scenario_doc, &index, o.max_snap_m};
  options.threads = o.threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : o.threads;
  const bool draw = !o.quiet && stderr_is_terminal();
  std::size_t last = 0;
  options.progress = [&](std::size_t done, std::size_t total) {
    if (!draw || done == last) return;
    last = done;
    std::fprintf(stderr, "\rcorridor simulate: %zu of %zu runs", done, total);
  };
  const auto result = sim::simulate(in, plan, model, options);
  if (draw) std::fprintf(stderr, "\r\033[K");

  if (!o.json.empty()) write_text(o.json, result.to_json(in).dump(1) + "\n");
  if (!o.geojson.empty()) write_text(o.geojson, result.to_geojson(in).dump() + "\n");
  for (const auto& line : result.summary(in)) std::cout << line << "\n";
  if (!o.quiet) {
    std::fprintf(stderr, "corridor simulate: %s, %zu runs on %u threads in %.1f s (%.1f ms a run)\n", sc.name.c_str(),
                 result.runs, options.threads, result.compute_ms / 1000.0,
                 result.wait.run_ms + (result.replan ? result.replan->run_ms : 0.0));
    if (!model.any()) {
      std::fprintf(stderr, "  no incidents: every run is the plan itself (give --incidents for the default model)\n");
    }
    if (!o.json.empty() || !o.geojson.empty()) {
      std::fprintf(stderr, "  written %s%s%s\n", o.json.c_str(), o.json.empty() || o.geojson.empty() ? "" : ", ",
                   o.geojson.c_str());
    }
  }
  return k_exit_ok;
}

}  // namespace

void add_simulate_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<SimulateCliOptions>();
  auto* cmd = app.add_subcommand(
      "simulate",
      "Simulate a plan under random incidents (docs/simulate.md): many runs in which hazards close roads,\n"
      "checkpoints slow down, vehicles break down and departures slip; convoys queue for the capacity the\n"
      "plan assumed. Prints the distribution of people out and of the egress, how often each ceasefire\n"
      "window suffices, and the most fragile corridors and roads. Without --incidents nothing random\n"
      "happens and every run is the plan itself. With --replan every run is driven twice on the same\n"
      "incidents: once with convoys waiting for closed roads, once re-planned (as `corridor replan` does)\n"
      "each time a hazard meets a convoy's way, side by side. Example:\n"
      "  corridor simulate mannheim.graph mannheim-exercise.geojson plan.json --incidents --runs 1000 \\\n"
      "     --json sim.json --geojson blocking.geojson\n"
      "  corridor simulate mannheim.graph mannheim-exercise.geojson plan.json --incidents --runs 100 --replan\n"
      "  corridor simulate andorra.graph andorra-exercise.geojson plan.json --incidents=model.json --seed 7");
  cmd->add_option("map", o->map, "graph file made by `corridor import`")->required();
  cmd->add_option("scenario", o->scenario, "the scenario the plan was made for")->required();
  cmd->add_option("plan", o->plan, "the plan (plan.json from corridor plan or replan)")->required();
  auto* incidents = cmd->add_option("--incidents", o->incidents,
                                    "incident model JSON; without a file (or `default`) the default model of "
                                    "docs/simulate.md; write --incidents=FILE before the positional arguments")
                        ->expected(0, 1);
  cmd->add_option("--runs", o->runs, "how many runs (default 1000)");
  cmd->add_option("--seed", o->seed, "seed of the random draws: the same seed gives the same result (default 1)");
  cmd->add_option("--threads", o->threads, "threads to spread the runs over (default: every core)");
  cmd->add_option("--json", o->json, "write the whole result as JSON");
  cmd->add_option("--geojson", o->geojson,
                  "write the roads that held convoys up, with their blocked share, as GeoJSON");
  cmd->add_flag("--replan", o->replan,
                "also drive every run re-planning when a hazard meets a convoy's way, and compare (slower: "
                "a re-plan takes about a second on a city)");
  cmd->add_option("--max-snap-m", o->max_snap_m, "furthest a scenario point may be from a road (default 1000)");
  cmd->add_flag("-q,--quiet", o->quiet, "print only the summary on stdout");
  runs[cmd] = [o, incidents] { return run_simulate(*o, incidents->count() > 0); };
}

}  // namespace corridor::cli

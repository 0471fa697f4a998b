// corridor import IN -o OUT.graph [--profile P.json] [--crs EPSG:NNNN] [--modes car,walk]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/route/cch.hpp"
#include "corridor/units.hpp"
#include "graph_stats.hpp"

namespace corridor::cli {
namespace {

struct ImportOptions {
  std::string input;
  std::string output;
  std::string profile;
  bool walking = false;
  bool cch_order = true;
  osm::MatsimOptions matsim;
  bool quiet = false;
};

osm::Profile load_profile(const std::string& path, bool walking) {
  if (path.empty()) return walking ? osm::Profile::walking() : osm::Profile::defaults();
  std::ifstream in(path);
  if (!in) throw IoError(path + ": cannot read the profile");
  std::stringstream text;
  text << in.rdbuf();
  return osm::Profile::from_json(text.str(), path, walking ? osm::Mode::foot : osm::Mode::car);
}

int run_import(const ImportOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const auto profile = load_profile(o.profile, o.walking);
  int last_percent = -1;
  const bool draw = !o.quiet && stderr_is_terminal();
  auto progress = [&](double fraction) {
    const int percent = static_cast<int>(fraction * 100);
    if (draw && percent != last_percent) {
      std::fprintf(stderr, "\rcorridor import: reading %s %3d%%", o.input.c_str(), percent);
      last_percent = percent;
    }
  };
  auto net = osm::read_network(o.input, profile, progress, o.matsim);
  if (draw) std::fprintf(stderr, "\n");
  if (!o.quiet) {
    for (const auto& note : net.notes) std::fprintf(stderr, "corridor import: %s: %s\n", o.input.c_str(), note.c_str());
  }
  const auto stats = net.stats;
  auto g = graph::build(std::move(net));
  g.meta["source"] = std::filesystem::path(o.input).filename().string();
  g.meta["profile"] = profile.to_json();
  g.meta["imported_by"] = "corridor 0.1.0";
  // Stored so that CCH routing need not order the nodes at every load.
  if (o.cch_order) g.cch_order = route::nested_dissection_order(g);
  graph::write_graph(g, o.output);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!o.quiet) {
    // Turn restrictions: honoured of read, as turns and chains.
    std::string turns;
    if (const auto t = g.meta.find("turn_restrictions"); t != g.meta.end()) {
      turns = ", " + std::to_string((*t)["honoured"].get<std::uint64_t>()) + " of " +
              std::to_string(stats.restrictions_read) + " turn restrictions honoured (" +
              std::to_string(g.turn_from.size()) + " forbidden turns; " + std::to_string(stats.restrictions_via_way) +
              " over via ways: " + std::to_string((*t)["forbidden_chains"].get<std::uint64_t>()) + " forbidden chains)";
    }
    std::fprintf(stderr,
                 "corridor import: %s -> %s: %u nodes, %u arcs, %.1f km of road, %llu of %llu ways routable, "
                 "%llu missing node refs%s, %.2f s, peak memory %.0f MiB\n",
                 o.input.c_str(), o.output.c_str(), g.node_count(), g.arc_count(), to_kilometres(road_length_m(g)),
                 static_cast<unsigned long long>(stats.ways_routable), static_cast<unsigned long long>(stats.ways_read),
                 static_cast<unsigned long long>(stats.missing_nodes), turns.c_str(), seconds, peak_memory_mib());
  }
  return k_exit_ok;
}

}  // namespace

void add_import_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd =
      app.add_subcommand("import",
                         "Import a road network into a routing graph file.\n"
                         "Reads OpenStreetMap (.osm.pbf, .osm, .osm.bz2) through libosmium, keeping the ways\n"
                         "routable for motor vehicles under the profile (docs/profile.md) and the turn\n"
                         "restrictions over a node (restriction relations, no_* and only_*), or a GeoJSON road\n"
                         "network (.geojson: LineStrings, docs/import.md), or a MATSim network file\n"
                         "(network.xml or .xml.gz: nodes reprojected from their CRS with PROJ).\n"
                         "With --walking, the ways people can walk instead (footways, paths, streets; the\n"
                         "walking profile), for `corridor plan --walk-map` (docs/fleets.md).\n"
                         "Example: corridor import andorra-2021-10.osm.pbf -o andorra.graph\n"
                         "         corridor import andorra-2021-10.osm.pbf --walking -o andorra-foot.graph\n"
                         "         corridor import network.xml.gz --crs EPSG:32747 --modes car -o padang.graph");
  cmd->add_option("input", o->input, "OSM file, GeoJSON road network or MATSim network.xml[.gz]")->required();
  cmd->add_option("-o,--output", o->output, "graph file to write")->required();
  cmd->add_option("--profile", o->profile, "road profile JSON (default: the built-in profile, docs/profile.md)");
  cmd->add_flag("--walking", o->walking,
                "a foot network: the walking profile (built in, or the profile file's \"walking\" member); "
                "capacities in persons per hour");
  cmd->add_option("--crs", o->matsim.crs,
                  "MATSim: the coordinate reference system of the nodes' x/y (EPSG:NNNN or any PROJ string); "
                  "default: the file's coordinateReferenceSystem attribute");
  cmd->add_option("--modes", o->matsim.modes, "MATSim: keep the links allowing one of these modes (default: all)")
      ->delimiter(',');
  cmd->add_flag("!--no-cch-order", o->cch_order,
                "do not store the nested-dissection node order for CCH routing (then computed at each load)");
  cmd->add_flag("-q,--quiet", o->quiet, "no progress and no summary on stderr");
  runs[cmd] = [o] { return run_import(*o); };
}

}  // namespace corridor::cli

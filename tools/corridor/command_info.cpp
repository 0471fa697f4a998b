// corridor info MAP [--json]
#include <algorithm>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "corridor/graph/components.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/units.hpp"
#include "graph_stats.hpp"

namespace corridor::cli {
namespace {

nlohmann::json graph_info(const std::string& path, const graph::RoadGraph& g) {
  std::vector<std::uint64_t> arcs_per_class(g.class_names.size(), 0);
  std::vector<double> km_per_class(g.class_names.size(), 0);
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    ++arcs_per_class[g.road_class[a]];
    km_per_class[g.road_class[a]] += to_kilometres(g.length_m[a]);
  }
  nlohmann::json classes = nlohmann::json::object();
  for (std::size_t c = 0; c < g.class_names.size(); ++c) {
    if (arcs_per_class[c] > 0) classes[g.class_names[c]] = {{"arcs", arcs_per_class[c]}, {"arc_km", km_per_class[c]}};
  }
  nlohmann::json bbox = nullptr;
  if (g.node_count() > 0) {
    bbox = {geo::from_fixed(*std::min_element(g.lon.begin(), g.lon.end())),
            geo::from_fixed(*std::min_element(g.lat.begin(), g.lat.end())),
            geo::from_fixed(*std::max_element(g.lon.begin(), g.lon.end())),
            geo::from_fixed(*std::max_element(g.lat.begin(), g.lat.end()))};
  }
  const auto weak = graph::weak_components(g);
  const auto strong = graph::strong_components(g);
  const auto file_bytes = std::filesystem::file_size(path);
  return {{"file", path},
          {"file_bytes", file_bytes},
          {"source", g.meta.value("source", "")},
          {"source_kind", g.meta.value("source_kind", "")},
          {"nodes", g.node_count()},
          {"arcs", g.arc_count()},
          {"road_km", to_kilometres(road_length_m(g))},
          {"forbidden_turns", g.turn_from.size()},
          {"turn_restrictions", g.meta.value("turn_restrictions", nlohmann::json(nullptr))},
          {"bbox", bbox},
          {"classes", classes},
          {"weak_components", {{"count", weak.count}, {"largest_nodes", weak.largest}}},
          {"strong_components", {{"count", strong.count}, {"largest_nodes", strong.largest}}},
          {"memory_bytes", g.memory_bytes()},
          {"bytes_per_node_file", g.node_count() ? static_cast<double>(file_bytes) / g.node_count() : 0.0},
          {"bytes_per_node_memory", g.node_count() ? static_cast<double>(g.memory_bytes()) / g.node_count() : 0.0}};
}

void print_text(const nlohmann::json& i) {
  std::printf("graph       %s (%.1f MB)\n", i["file"].get<std::string>().c_str(), i["file_bytes"].get<double>() / 1e6);
  std::printf("source      %s (%s)\n", i["source"].get<std::string>().c_str(),
              i["source_kind"].get<std::string>().c_str());
  std::printf("nodes       %u\n", i["nodes"].get<unsigned>());
  std::printf("arcs        %u\n", i["arcs"].get<unsigned>());
  std::printf("road        %.1f km\n", i["road_km"].get<double>());
  if (const auto& t = i["turn_restrictions"]; t.is_object()) {
    std::printf(
        "turns       %zu forbidden turns and %llu forbidden chains, from %llu of %llu turn restrictions "
        "(%llu over via ways)\n",
        i["forbidden_turns"].get<std::size_t>(), t.value("forbidden_chains", 0ULL),
        t["honoured"].get<unsigned long long>(), t["read"].get<unsigned long long>(), t.value("via_way", 0ULL));
  }
  if (!i["bbox"].is_null()) {
    std::printf("bbox        %.6f,%.6f .. %.6f,%.6f\n", i["bbox"][0].get<double>(), i["bbox"][1].get<double>(),
                i["bbox"][2].get<double>(), i["bbox"][3].get<double>());
  }
  std::printf("components  %u weakly connected (largest %u nodes), %u strongly connected (largest %u nodes)\n",
              i["weak_components"]["count"].get<unsigned>(), i["weak_components"]["largest_nodes"].get<unsigned>(),
              i["strong_components"]["count"].get<unsigned>(), i["strong_components"]["largest_nodes"].get<unsigned>());
  std::printf("memory      %.1f MB, %.0f bytes per node in memory, %.0f in the file\n",
              i["memory_bytes"].get<double>() / 1e6, i["bytes_per_node_memory"].get<double>(),
              i["bytes_per_node_file"].get<double>());
  std::printf("classes\n");
  for (const auto& [name, c] : i["classes"].items()) {
    std::printf("  %-16s %8llu arcs %9.1f km of arcs\n", name.c_str(), c["arcs"].get<unsigned long long>(),
                c["arc_km"].get<double>());
  }
  std::printf("map data (c) OpenStreetMap contributors, ODbL\n");
}

}  // namespace

void add_info_command(CLI::App& app, Runs& runs) {
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("info", "Print a graph's statistics: nodes, arcs, km of road, classes, components.");
  cmd->add_option("map", *path, "graph file made by `corridor import`")->required();
  cmd->add_flag("--json", *json, "print JSON instead of text");
  runs[cmd] = [path, json] {
    const auto g = graph::read_graph(*path);
    const auto info = graph_info(*path, g);
    if (*json)
      std::cout << info.dump(2) << "\n";
    else
      print_text(info);
    return k_exit_ok;
  };
}

}  // namespace corridor::cli

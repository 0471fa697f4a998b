// corridor status --db LEDGER --map MAP [--at TIME]: the operation now.
#include <cstdio>
#include <iostream>
#include <map>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/ops/reports.hpp"

namespace corridor::cli {
namespace {

struct StatusOptions {
  std::string db, map, registry, at, geojson;
  bool json = false;
};

int run_status(const StatusOptions& o) {
  geo::UnixSeconds at = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!o.at.empty()) {
    std::string why;
    const auto t = geo::parse_rfc3339(o.at, &why);
    if (!t) throw InputError("--at", why + ", got \"" + o.at + "\"");
    at = t->utc;
  }
  const auto l = ledger::Ledger::open(o.db);
  const auto registry_path = o.registry.empty() ? l.info().registry : o.registry;
  if (registry_path.empty()) throw InputError("--registry", "no party registry: give --registry parties.json");
  const auto map = graph::read_graph(o.map);
  const auto s = ops::operation_status(l, agree::read_registry(registry_path), map, at);
  if (!o.geojson.empty()) write_text(o.geojson, s.to_geojson().dump() + "\n");
  if (o.json) {
    std::cout << s.to_json().dump(2) << "\n";
    return k_exit_ok;
  }
  std::printf("status at %s of agreement %s\n", geo::format_utc(at).c_str(), s.agreement.c_str());
  std::map<std::string, int> states;
  for (const auto& m : s.movements) ++states[m.state];
  std::string counts;
  for (const auto& [state, n] : states) counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + state;
  std::printf("movements: %zu (%s)\n", s.movements.size(), counts.c_str());
  for (const auto& m : s.movements) {
    if (m.state == "waiting" || (m.state == "on_road" && !m.position_reported)) continue;
    std::printf("  %-6s %s -> %s, %lld vehicles: %s\n", m.movement.c_str(), m.origin.c_str(), m.destination.c_str(),
                static_cast<long long>(m.vehicles), m.text.c_str());
  }
  for (const auto& [origin, people] : s.waiting)
    std::printf("waiting at %s: %lld people\n", origin.c_str(), static_cast<long long>(people));
  for (const auto& [destination, people] : s.arrived)
    std::printf("arrived at %s: %lld people (reported)\n", destination.c_str(), static_cast<long long>(people));
  for (const auto& n : s.notes) std::printf("note: %s\n", n.c_str());
  return k_exit_ok;
}

}  // namespace

void add_status_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<StatusOptions>();
  auto* cmd = app.add_subcommand(
      "status",
      "The operation at a time: every movement of the agreement version in force then, planned against its\n"
      "convoy reports (waiting, on the road, late by how much, stopped, off route, arrived, overdue), the people\n"
      "still waiting per origin and arrived per destination.\n"
      "Example: corridor status --db ledger.db --map mannheim.graph --at 2022-03-05T11:00:00+01:00");
  cmd->add_option("--db", o->db, "the ledger")->required();
  cmd->add_option("--map", o->map, "the graph the agreement's routes were planned on")->required();
  cmd->add_option("--at", o->at, "the time, RFC 3339 (default: now)");
  cmd->add_option("--registry", o->registry, "party registry (default: the ledger's)");
  cmd->add_option("--geojson", o->geojson, "write the convoys at their positions as GeoJSON Points");
  cmd->add_flag("--json", o->json, "print the status as JSON");
  runs[cmd] = [o] { return run_status(*o); };
}

}  // namespace corridor::cli

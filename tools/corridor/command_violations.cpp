// corridor violations --db LEDGER.db --map MAP.graph [--registry R] [--buffer-m 500] [--json]
#include <cstdio>
#include <iostream>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/monitor/violations.hpp"

namespace corridor::cli {
namespace {

struct ViolationsOptions {
  std::string db;
  std::string map;
  std::string registry;
  double buffer_m = 500;
  bool json = false;
};

int run_violations(const ViolationsOptions& o) {
  if (!(o.buffer_m >= 0)) throw InputError("--buffer-m", "must be >= 0");
  const auto l = ledger::Ledger::open(o.db);
  const auto registry_path = o.registry.empty() ? l.info().registry : o.registry;
  if (registry_path.empty()) throw InputError("--registry", "no party registry: give --registry parties.json");
  const auto registry = agree::read_registry(registry_path);
  const auto map = graph::read_graph(o.map);
  const auto report = monitor::find_violations(l, registry, map, {o.buffer_m});
  if (o.json) {
    std::cout << monitor::to_json(l, report).dump(2) << "\n";
    return k_exit_ok;
  }
  std::printf("incident reports checked: %zu; agreements in force: %zu; possible violations: %zu\n", report.incidents,
              report.agreements_in_force, report.violations.size());
  for (std::size_t k = 0; k < report.violations.size(); ++k) {
    const auto& v = report.violations[k];
    const auto& i = v.incident;
    std::printf("\n%zu. incident %s reported by %s: %s at %s (%s precision)\n", k + 1, i.value("id", "").c_str(),
                i.value("reported_by", "").c_str(),
                (i.value("event_type", "") +
                 (i.value("sub_event_type", "").empty() ? "" : " / " + i.value("sub_event_type", "")))
                    .c_str(),
                i["time"].value("utc", "").c_str(), i["time"].value("precision", "").c_str());
    if (!i.value("description", "").empty()) std::printf("   \"%s\"\n", i.value("description", "").c_str());
    const auto& nearest = v.corridors.front();
    std::printf("   %.0f m from corridor %s (%s) of agreement version %lld (%s)\n", nearest.distance_m,
                nearest.corridor.c_str(), nearest.label.c_str(), static_cast<long long>(v.agreement_version),
                v.agreement_hash.c_str());
    std::printf("   %s\n", v.agreement_in_force.c_str());
    for (const auto& d : nearest.during) std::printf("   during %s\n", d.c_str());
    if (v.corridors.size() > 1) {
      std::string others;
      for (std::size_t c = 1; c < v.corridors.size(); ++c) {
        others += (c > 1 ? ", " : "") + v.corridors[c].corridor + " (" +
                  std::to_string(static_cast<long>(v.corridors[c].distance_m)) + " m)";
      }
      std::printf("   also near %s\n", others.c_str());
    }
    std::printf("   evidence: ledger entry %llu (incident), entry %llu (agreement); inclusion proofs with --json\n",
                static_cast<unsigned long long>(v.incident_entry), static_cast<unsigned long long>(v.agreement_entry));
  }
  for (const auto& n : report.notes) std::printf("note: %s\n", n.c_str());
  std::printf("\nThese are reports near agreed corridors during agreed windows; they do not say who is to blame.\n");
  return k_exit_ok;
}

}  // namespace

void add_violations_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<ViolationsOptions>();
  auto* cmd = app.add_subcommand(
      "violations",
      "Match every incident report in the ledger against the agreement version in force at its time (an amended\n"
      "version is in force from its last signature on): an incident within --buffer-m\n"
      "(plus its own place precision) of an agreed corridor during one of its windows is listed with the\n"
      "agreement version, the window, the distance and the ledger entries and inclusion proofs as evidence.\n"
      "Example: corridor violations --db ledger.db --map andorra.graph --registry parties.json");
  cmd->add_option("--db", o->db, "the ledger (corridor log init)")->required();
  cmd->add_option("--map", o->map, "the graph the agreements' routes were planned on")->required();
  cmd->add_option("--registry", o->registry, "party registry (default: the ledger's)");
  cmd->add_option("--buffer-m", o->buffer_m, "how near a corridor counts, metres (default 500)");
  cmd->add_flag("--json", o->json, "print JSON with the evidence and proofs");
  runs[cmd] = [o] { return run_violations(*o); };
}

}  // namespace corridor::cli

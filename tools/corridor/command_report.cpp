// corridor report: signed convoy reports, appended to the ledger after the
// checks on arrival (docs/operations.md).
#include <iostream>

#include "cli.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/error.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/ops/reports.hpp"

namespace corridor::cli {
namespace {

struct ReportCliOptions {
  std::string key, movement, status, time, at, checkpoint, reason, id, output, db, map, registry, ledger_key, note;
  std::int64_t node = 0, delay_min = 0, people = 0;
  double max_off_route_m = 500;
  bool off_route = false;
  std::vector<std::string> files;
  CLI::Option* node_option = nullptr;
};

nlohmann::json sign_report(const ReportCliOptions& o) {
  const auto key = agree::read_secret_key(o.key);
  monitor::ConvoyReportDoc r;
  const auto status = monitor::parse_convoy_status(o.status);
  if (!status)
    throw InputError(
        "--status", "must be departed, position, at_checkpoint, delayed, stopped or arrived, got \"" + o.status + "\"");
  r.status = *status;
  std::string why;
  const auto t = geo::parse_rfc3339(o.time, &why);
  if (!t) throw InputError("--time", why + ", got \"" + o.time + "\"");
  r.time = t->utc;
  r.movement = o.movement;
  r.reported_by = key.party;
  if (!o.at.empty()) r.where = parse_lon_lat("--at", o.at);
  if (o.node_option->count() > 0) r.node = o.node;
  r.checkpoint = o.checkpoint;
  r.delay_min = o.delay_min;
  r.reason = o.reason;
  r.people = o.people;
  r.off_route = o.off_route;
  r.note = o.note;
  r.id = o.id.empty() ? key.party + "-" + o.movement + "-" + o.status + "-" + geo::format_utc(r.time) : o.id;
  const auto document = monitor::convoy_report_document(r);
  monitor::parse_convoy_report(document, "the report");  // never sign what does not read back
  auto doc = agree::make_signed(document);
  agree::add_signature(doc, key);
  return doc;
}

int run_report(const ReportCliOptions& o) {
  std::vector<std::pair<std::string, nlohmann::json>> docs;
  if (!o.key.empty()) {
    if (o.movement.empty() || o.status.empty() || o.time.empty())
      throw InputError("--movement", "a new report needs --movement, --status and --time (see --help)");
    auto doc = sign_report(o);
    if (!o.output.empty()) agree::write_signed(doc, o.output);
    if (o.output.empty() && o.db.empty()) std::cout << doc.dump(2) << "\n";
    docs.emplace_back("the new report", std::move(doc));
  } else if (o.files.empty()) {
    throw InputError("--key", "give --key (and the report's fields) to sign a new report, or report files to append");
  }
  for (const auto& f : o.files) docs.emplace_back(f, read_json(f, "signed convoy report"));
  if (o.db.empty()) return k_exit_ok;
  if (o.map.empty()) throw InputError("--map", "appending checks positions against the routes: give the map");
  auto l = ledger::Ledger::open(o.db);
  const auto registry_path = o.registry.empty() ? l.info().registry : o.registry;
  if (registry_path.empty()) throw InputError("--registry", "no party registry: give --registry parties.json");
  const auto registry = agree::read_registry(registry_path);
  const auto signer = l.load_signer(o.ledger_key);
  const auto map = graph::read_graph(o.map);
  for (const auto& [name, doc] : docs) {
    try {
      const auto r = ops::append_convoy_report(l, doc, registry, map, signer, o.max_off_route_m);
      std::cout << r.to_json().dump() << std::endl;  // acknowledged: COMMIT has returned
    } catch (const ledger::RejectedEntry& e) {
      throw ledger::RejectedEntry(name + ": refused: " + e.what());
    }
  }
  return k_exit_ok;
}

}  // namespace

void add_report_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<ReportCliOptions>();
  auto* cmd = app.add_subcommand(
      "report",
      "Write a convoy report signed by a party (docs/operations.md): a movement's state at a time, departed,\n"
      "position, at_checkpoint, delayed, stopped or arrived; with --db, append it (or report files) to the\n"
      "ledger after checking it against the agreement in force and the map. Examples:\n"
      "  corridor report --key a.key --movement m7 --status position --time 2022-03-05T10:20:00+01:00 \\\n"
      "     --at 8.52,49.47 --db ledger.db --map mannheim.graph\n"
      "  corridor report --key a.key --movement m7 --status stopped --reason \"bridge closed\" --time ... -o r.json\n"
      "  corridor report --db ledger.db --map mannheim.graph r.json");
  cmd->add_option("files", o->files, "signed convoy reports to append (with --db)");
  cmd->add_option("--key", o->key, "the reporting party's secret key: sign a new report");
  cmd->add_option("--movement", o->movement, "the movement's id in the agreement (\"m7\")");
  cmd->add_option("--status", o->status, "departed, position, at_checkpoint, delayed, stopped or arrived");
  cmd->add_option("--time", o->time, "when, RFC 3339 with an offset");
  cmd->add_option("--at", o->at, "where the convoy is, as LON,LAT");
  o->node_option = cmd->add_option("--node", o->node, "or the OSM node of its route where it is");
  cmd->add_option("--checkpoint", o->checkpoint, "at_checkpoint: the checkpoint's id");
  cmd->add_option("--delay-min", o->delay_min, "delayed: minutes later than planned");
  cmd->add_option("--reason", o->reason, "stopped: why");
  cmd->add_option("--people", o->people, "arrived: people delivered");
  cmd->add_flag("--off-route", o->off_route, "the convoy left its route (its position is not checked against it)");
  cmd->add_option("--note", o->note, "free text");
  cmd->add_option("--id", o->id, "an id (default: PARTY-MOVEMENT-STATUS-TIME)");
  cmd->add_option("-o,--output", o->output, "write the signed report here (default: stdout unless --db)");
  cmd->add_option("--db", o->db, "append to this ledger");
  cmd->add_option("--map", o->map, "the graph the agreement's routes were planned on (with --db)");
  cmd->add_option("--registry", o->registry, "party registry (default: the ledger's)");
  cmd->add_option("--ledger-key", o->ledger_key, "the ledger's signing key (default: the one recorded)");
  cmd->add_option("--max-off-route-m", o->max_off_route_m,
                  "how far from its route a reported position may be, metres (default 500)");
  runs[cmd] = [o] { return run_report(*o); };
}

}  // namespace corridor::cli

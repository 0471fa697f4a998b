// corridor incident report|import: signed incident reports (docs/incidents.md).
#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/error.hpp"
#include "corridor/monitor/incident.hpp"

namespace corridor::cli {
namespace {

struct ReportOptions {
  std::string key;
  std::string id;
  std::string time;
  std::string precision = "minute";
  std::string at;
  double precision_m = 0;
  std::string type;
  std::string sub_type;
  std::vector<std::string> actors;
  std::string description;
  std::string source;
  std::int64_t fatalities = 0;
  std::string output;
};

struct ImportOptions {
  std::string csv;
  std::string key;
  std::string output_dir;
};

// Signs an incident as the key's party; the document is checked first so a
// party never signs something that does not read back.
nlohmann::json sign_incident(monitor::Incident incident, const agree::SecretKey& key) {
  incident.reported_by = key.party;
  const auto document = monitor::incident_document(incident);
  monitor::parse_incident(document, "incident " + incident.id);
  auto doc = agree::make_signed(document);
  agree::add_signature(doc, key);
  return doc;
}

int run_report(const ReportOptions& o) {
  const auto key = agree::read_secret_key(o.key);
  monitor::Incident i;
  std::string why;
  const auto t = geo::parse_rfc3339(o.time, &why);
  if (!t) throw InputError("--time", why + ", got \"" + o.time + "\"");
  i.time = t->utc;
  bool known = false;
  for (auto p : {monitor::TimePrecision::minute, monitor::TimePrecision::hour, monitor::TimePrecision::day,
                 monitor::TimePrecision::week, monitor::TimePrecision::month}) {
    if (monitor::to_string(p) == o.precision) {
      i.precision = p;
      known = true;
    }
  }
  if (!known) throw InputError("--precision", "must be minute, hour, day, week or month, got \"" + o.precision + "\"");
  i.where = parse_lon_lat("--at", o.at);
  i.precision_m = o.precision_m;
  i.event_type = o.type;
  i.sub_event_type = o.sub_type;
  i.actors = o.actors;
  i.description = o.description;
  i.source = o.source;
  i.fatalities = o.fatalities;
  i.id = o.id.empty() ? key.party + "-" + geo::format_utc(i.time) : o.id;
  const auto doc = sign_incident(i, key);
  if (o.output.empty())
    std::cout << doc.dump(2) << "\n";
  else
    agree::write_signed(doc, o.output);
  return k_exit_ok;
}

int run_import(const ImportOptions& o) {
  const auto key = agree::read_secret_key(o.key);
  const auto incidents = monitor::read_acled_csv(o.csv, key.party);
  std::filesystem::create_directories(o.output_dir);
  for (const auto& i : incidents) {
    std::string file = i.id;
    for (auto& c : file) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    }
    agree::write_signed(sign_incident(i, key), std::filesystem::path(o.output_dir) / (file + ".json"));
  }
  std::cerr << "corridor incident import: " << incidents.size() << " incident reports signed by " << key.party << " in "
            << o.output_dir << "/ (append them with `corridor log append`)\n";
  return k_exit_ok;
}

}  // namespace

void add_incident_command(CLI::App& app, Runs& runs) {
  auto* cmd = app.add_subcommand("incident", "Write incident reports signed by a party, or import ACLED-style CSV.");
  cmd->require_subcommand(1);

  auto r = std::make_shared<ReportOptions>();
  auto* report = cmd->add_subcommand(
      "report",
      "Write one signed incident report (JSON).\n"
      "Example: corridor incident report --key b.key --time 2022-03-05T11:20:00+01:00 --at 1.4913,42.4637 \\\n"
      "           --type \"Explosions/Remote violence\" --sub-type \"Shelling/artillery/missile attack\" \\\n"
      "           --description \"shells near the checkpoint\" -o incident.json");
  report->add_option("--key", r->key, "the reporting party's secret key (corridor keygen)")->required();
  report->add_option("--time", r->time, "when it happened, RFC 3339 with an offset")->required();
  report->add_option("--precision", r->precision,
                     "how exactly the time is known: minute (default), hour, day, week, month");
  report->add_option("--at", r->at, "where, as LON,LAT")->required();
  report->add_option("--precision-m", r->precision_m, "how far the true place may be, metres (default 0)");
  report->add_option("--type", r->type, "event type (ACLED's event_type)")->required();
  report->add_option("--sub-type", r->sub_type, "sub-event type (ACLED's sub_event_type)");
  report->add_option("--actor", r->actors, "an actor involved (repeatable)");
  report->add_option("--description", r->description, "what happened");
  report->add_option("--source", r->source, "who saw or reported it");
  report->add_option("--fatalities", r->fatalities, "reported fatalities");
  report->add_option("--id", r->id, "an id (default: PARTY-TIME)");
  report->add_option("-o,--output", r->output, "file to write (default: stdout)");
  runs[report] = [r] { return run_report(*r); };

  auto im = std::make_shared<ImportOptions>();
  auto* imp = cmd->add_subcommand("import",
                                  "Sign every row of an ACLED-style CSV as an incident report, one file per event.\n"
                                  "Example: corridor incident import events.csv --key m.key -o incidents/");
  imp->add_option("csv", im->csv, "CSV with ACLED's column names")->required();
  imp->add_option("--key", im->key, "the key of the party that vouches for the import")->required();
  imp->add_option("-o,--output", im->output_dir, "folder for the signed reports")->required();
  runs[imp] = [im] { return run_import(*im); };
}

}  // namespace corridor::cli

// corridor: plan, agree and monitor humanitarian evacuation corridors on
// OpenStreetMap road networks. See `corridor --help` and docs/cli.md.
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/json.hpp"

namespace corridor::cli {

geo::LonLat parse_lon_lat(const std::string& option, const std::string& text) {
  const auto comma = text.find(',');
  geo::LonLat p{};
  auto number = [](std::string_view s, double& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
  };
  if (comma == std::string::npos || !number(std::string_view(text).substr(0, comma), p.lon) ||
      !number(std::string_view(text).substr(comma + 1), p.lat)) {
    throw InputError(option, "expected LON,LAT in degrees (e.g. 1.5218,42.5063), got \"" + text + "\"");
  }
  if (!geo::valid(p)) throw InputError(option, "longitude or latitude out of range, got \"" + text + "\"");
  return p;
}

std::string read_text(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot read the " + what);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json read_json(const std::string& path, const std::string& what) {
  std::string why;
  auto parsed = corridor::json::try_parse(read_text(path, what), &why);
  if (!parsed) throw InputError(path, "not JSON (expected a " + what + "): " + why);
  return std::move(*parsed);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw IoError(path + ": cannot write");
}

double peak_memory_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

}  // namespace corridor::cli

int main(int argc, char** argv) {
  using namespace corridor;
  CLI::App app{
      "corridor: plans, agrees and monitors humanitarian evacuation corridors on OpenStreetMap road networks.\n"
      "Map data (c) OpenStreetMap contributors, ODbL.\n\n"
      "Typical use:\n"
      "  corridor import andorra.osm.pbf -o andorra.graph\n"
      "  corridor info andorra.graph\n"
      "  corridor route andorra.graph --from 1.5218,42.5063 --to 1.4599,42.4410 --scenario s.geojson\n",
      "corridor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("corridor ") + "0.1.0");
  cli::Runs runs;
  for (auto* add :
       {cli::add_import_command, cli::add_info_command, cli::add_route_command, cli::add_check_command,
        cli::add_plan_command, cli::add_incident_command, cli::add_violations_command, cli::add_keygen_command,
        cli::add_replan_command, cli::add_report_command, cli::add_status_command, cli::add_simulate_command,
        cli::add_agree_command, cli::add_log_command, cli::add_serve_command, cli::add_request_command}) {
    add(app, runs);
  }
  // Name an unknown command instead of CLI11's "A subcommand is required".
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const auto* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "corridor: unknown command '" << argv[1] << "'; the commands are " << names
                << " (see corridor --help)\n";
      return cli::k_exit_bad_input;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return cli::k_exit_bad_input;
  }
  // The deepest command chosen ("log verify") is the one that runs.
  const CLI::App* chosen = &app;
  while (!chosen->get_subcommands().empty()) chosen = chosen->get_subcommands().front();
  const auto run = runs.find(chosen);
  if (run == runs.end()) {  // a group such as `agree` without its subcommand
    std::cerr << "corridor " << chosen->get_name() << ": say which; see corridor " << chosen->get_name() << " --help\n";
    return cli::k_exit_bad_input;
  }
  // Every error of every command is mapped here, once.
  try {
    return run->second();
  } catch (const CheckFailed& e) {
    std::cerr << "corridor: " << e.what() << "\n";
    return cli::k_exit_failed_check;
  } catch (const Error& e) {
    std::cerr << "corridor: " << e.what() << "\n";
    return cli::k_exit_bad_input;
  } catch (const std::bad_alloc&) {
    std::cerr << "corridor: out of memory\n";
    return cli::k_exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "corridor: internal error (please report it with the command that caused it): " << e.what() << "\n";
    return cli::k_exit_internal;
  }
}

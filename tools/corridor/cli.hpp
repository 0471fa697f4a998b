#pragma once
// Shared pieces of the `corridor` command line. Each subcommand lives in its
// own command_<name>.cpp and registers itself with add_<name>_command().
#include <functional>
#include <map>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "corridor/geo/geo.hpp"

namespace corridor::cli {

// Exit codes (docs/cli.md).
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed_check = 1;  // a verification that failed
inline constexpr int k_exit_bad_input = 2;     // bad input, missing file, I/O
inline constexpr int k_exit_no_route = 3;      // a route query with no route
inline constexpr int k_exit_internal = 70;     // a bug: an exception no command expected (EX_SOFTWARE)

// What a (sub)command does once the command line is parsed; returns the
// exit code. Errors are thrown, and main() maps them to exit codes in one
// place: CheckFailed 1, any other corridor::Error 2.
using Run = std::function<int()>;
// The Run of every command that has one, filled by the add_*_command().
using Runs = std::map<const CLI::App*, Run>;

void add_import_command(CLI::App& app, Runs& runs);
void add_info_command(CLI::App& app, Runs& runs);
void add_route_command(CLI::App& app, Runs& runs);
void add_check_command(CLI::App& app, Runs& runs);
void add_plan_command(CLI::App& app, Runs& runs);
void add_incident_command(CLI::App& app, Runs& runs);
void add_violations_command(CLI::App& app, Runs& runs);
void add_keygen_command(CLI::App& app, Runs& runs);
void add_agree_command(CLI::App& app, Runs& runs);
void add_log_command(CLI::App& app, Runs& runs);
void add_serve_command(CLI::App& app, Runs& runs);
void add_request_command(CLI::App& app, Runs& runs);
void add_replan_command(CLI::App& app, Runs& runs);
void add_report_command(CLI::App& app, Runs& runs);
void add_status_command(CLI::App& app, Runs& runs);
void add_simulate_command(CLI::App& app, Runs& runs);

// A whole file as text / as JSON (InputError naming the file and what it
// should have been), and text written to a file (IoError when it cannot be).
std::string read_text(const std::string& path, const std::string& what);
nlohmann::json read_json(const std::string& path, const std::string& what);
void write_text(const std::string& path, const std::string& text);

// "LON,LAT" -> point; throws InputError naming the option.
geo::LonLat parse_lon_lat(const std::string& option, const std::string& text);

// Peak resident memory of this process so far, in MiB.
double peak_memory_mib();

// True when stderr is a terminal (progress lines are drawn only then).
bool stderr_is_terminal();

}  // namespace corridor::cli

// The plan checker's entry points: reading the plan, running every check in
// turn, and the report as lines and as JSON.
#include "corridor/check/check.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

#include "check/checker.hpp"
#include "corridor/error.hpp"
#include "corridor/json.hpp"

namespace corridor::check {

CheckReport check_plan(const graph::RoadGraph& g, const scenario::Scenario& s, const nlohmann::json& plan,
                       const CheckOptions& options) {
  CheckReport report;
  const detail::Sink sink{report.violations};
  detail::Context c(g, s, options);
  auto& counts = report.checked;
  counts.origins = s.origins.size();
  counts.destinations = s.destinations.size();
  counts.hazards = s.hazards.size();
  counts.ceasefires = s.ceasefires.size();
  counts.checkpoints = s.checkpoints.size();
  counts.rules = s.rules.size();
  try {
    auto in = detail::read_plan(c, plan, sink);
    if (in.usable) {
      for (auto& m : in.movements) detail::check_movement(c, m, sink);
      detail::check_fleet(c, in, sink);
      detail::check_walks(c, in, sink);
      detail::check_capacities(c, in, sink);
    }
    detail::check_totals(c, in, sink);
    counts.movements = in.movements.size();
    counts.vehicles = static_cast<std::int64_t>(in.fleet.size());
    for (const auto* m : detail::all_movements(in)) {
      if (!m->leg) counts.vehicles += m->vehicles;
      counts.people += m->people;
      for (const auto a : m->arcs) counts.segment_entries += a != graph::k_invalid ? 1 : 0;
    }
    for (const auto& v : in.fleet) counts.legs += v.legs.size();
    counts.distinct_segments = c.arcs_examined();
  } catch (const nlohmann::json::exception& e) {
    // Every access above checks types first; this only keeps a surprise in a
    // malformed plan from ending the check.
    sink.add("format", "", std::string("unreadable plan: ") + e.what());
  }
  return report;
}

CheckReport check_plan_file(const graph::RoadGraph& g, const scenario::Scenario& s,
                            const std::filesystem::path& plan_path, const CheckOptions& options) {
  const std::string file = plan_path.string();
  std::error_code ec;
  if (!std::filesystem::exists(plan_path, ec)) throw IoError(file + ": no such file");
  if (!std::filesystem::is_regular_file(plan_path, ec)) throw IoError(file + ": not a regular file");
  std::ifstream in(plan_path, std::ios::binary);
  if (!in) throw IoError(file + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(file + ": cannot read");
  std::string why;
  const auto plan = json::try_parse(text.str(), &why);
  if (!plan) {
    CheckReport report;
    report.violations.push_back({"format", "", file + " is not JSON: " + why});
    return report;
  }
  return check_plan(g, s, *plan, options);
}

std::string to_line(const Violation& v) {
  return (v.path.empty() ? "" : v.path + ": ") + v.constraint + ": " + v.message;
}

nlohmann::json to_json(const CheckReport& report) {
  nlohmann::json violations = nlohmann::json::array();
  for (const auto& v : report.violations) {
    violations.push_back({{"constraint", v.constraint}, {"path", v.path}, {"message", v.message}});
  }
  const auto& c = report.checked;
  return {{"valid", report.valid()},
          {"violations", violations},
          {"checked",
           {{"movements", c.movements},
            {"legs", c.legs},
            {"vehicles", c.vehicles},
            {"people", c.people},
            {"segment_entries", c.segment_entries},
            {"distinct_segments", c.distinct_segments},
            {"origins", c.origins},
            {"destinations", c.destinations},
            {"hazards", c.hazards},
            {"ceasefires", c.ceasefires},
            {"checkpoints", c.checkpoints},
            {"rules", c.rules}}}};
}

}  // namespace corridor::check

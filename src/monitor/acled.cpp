// ACLED-style CSV import: the columns of ACLED's data export, read by name.
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "corridor/error.hpp"
#include "corridor/monitor/incident.hpp"

namespace corridor::monitor {
namespace {

constexpr const char* k_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                    "July",    "August",   "September", "October", "November", "December"};

// "2022-03-05" or ACLED's "05 March 2022" -> midnight UTC of that day.
std::optional<geo::UnixSeconds> parse_day(const std::string& text) {
  int y = 0, m = 0, d = 0;
  const bool iso = text.size() == 10 && std::sscanf(text.c_str(), "%d-%d-%d", &y, &m, &d) == 3;
  if (!iso) {
    char month[16] = {};
    if (std::sscanf(text.c_str(), "%d %15s %d", &d, month, &y) != 3) return std::nullopt;
    for (int i = 0; i < 12; ++i) {
      if (std::string(month) == k_months[i]) m = i + 1;
    }
  }
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return std::nullopt;
  char text_utc[32];
  std::snprintf(text_utc, sizeof text_utc, "%04d-%02d-%02dT00:00:00Z", y, m, d);
  const auto parsed = geo::parse_rfc3339(text_utc);  // also rejects 31 April
  if (!parsed) return std::nullopt;
  return parsed->utc;
}

}  // namespace

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<Incident> read_acled_csv(const std::filesystem::path& path, const std::string& reported_by) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": no such file or not readable");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_acled_csv(buffer.str(), path.string(), reported_by);
}

std::vector<Incident> parse_acled_csv(const std::string& text, const std::string& source,
                                      const std::string& reported_by) {
  const auto rows = parse_csv(text);
  if (rows.empty()) throw InputError("", source + ": empty CSV");
  std::map<std::string, std::size_t> column;
  for (std::size_t c = 0; c < rows[0].size(); ++c) column[rows[0][c]] = c;
  std::vector<Problem> problems;
  for (const char* required : {"event_date", "event_type", "latitude", "longitude"}) {
    if (!column.count(required)) problems.push_back({"header", std::string("has no column \"") + required + "\""});
  }
  if (!problems.empty()) throw ValidationError(source, std::move(problems));

  std::vector<Incident> incidents;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string at = "row " + std::to_string(r + 1);
    auto get = [&](const char* name) -> std::string {
      const auto it = column.find(name);
      return it == column.end() || it->second >= row.size() ? "" : row[it->second];
    };
    auto number = [&](const char* name, double& out) {
      const std::string v = get(name);
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
      if (ec != std::errc{} || end != v.data() + v.size()) {
        problems.push_back({at + "." + name, "must be a number, got \"" + v + "\""});
        return false;
      }
      return true;
    };
    Incident i;
    i.reported_by = reported_by;
    i.id = get("event_id_cnty").empty() ? "acled-row-" + std::to_string(r + 1) : get("event_id_cnty");
    if (const auto day = parse_day(get("event_date")))
      i.time = *day;
    else
      problems.push_back(
          {at + ".event_date", "must be YYYY-MM-DD or \"05 March 2022\", got \"" + get("event_date") + "\""});
    const std::string tp = get("time_precision");
    i.precision = tp == "3" ? TimePrecision::month : tp == "2" ? TimePrecision::week : TimePrecision::day;
    number("latitude", i.where.lat);
    number("longitude", i.where.lon);
    if (!geo::valid(i.where)) problems.push_back({at, "latitude/longitude out of range"});
    // ACLED's geo_precision: 1 the named place, 2 near it, 3 the region.
    const std::string gp = get("geo_precision");
    i.precision_m = gp == "3" ? 25000 : gp == "2" ? 5000 : 1000;
    i.event_type = get("event_type");
    if (i.event_type.empty()) problems.push_back({at + ".event_type", "is empty"});
    i.sub_event_type = get("sub_event_type");
    for (const char* a : {"actor1", "assoc_actor_1", "actor2", "assoc_actor_2"}) {
      if (!get(a).empty()) i.actors.push_back(get(a));
    }
    i.description = get("notes");
    i.source = get("source");
    double fatalities = 0;
    if (!get("fatalities").empty() && number("fatalities", fatalities)) {
      // A count: checked before the conversion, which is undefined out of range.
      if (!(fatalities >= 0 && fatalities <= 1e9) || fatalities != std::floor(fatalities)) {
        problems.push_back(
            {at + ".fatalities", "must be a whole number from 0 to 1e9, got \"" + get("fatalities") + "\""});
      } else {
        i.fatalities = static_cast<std::int64_t>(fatalities);
      }
    }
    nlohmann::json original = nlohmann::json::object();
    for (const auto& [name, c] : column) {
      if (c < row.size()) original[name] = row[c];
    }
    i.acled = original;
    incidents.push_back(std::move(i));
  }
  if (!problems.empty()) throw ValidationError(source, std::move(problems));
  return incidents;
}

}  // namespace corridor::monitor

#pragma once
// Incident reports: what a party says happened, where and when, signed by
// that party (JWS, as agreements are) and kept in the ledger. The fields map
// onto ACLED's event format (docs/incidents.md) so reports from the parties
// and from conflict monitors can be read side by side.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/agree/keys.hpp"
#include "corridor/geo/area.hpp"
#include "corridor/geo/geo.hpp"
#include "corridor/geo/time.hpp"

namespace corridor::monitor {

// The payload "type" of an incident report, and its kind in the ledger.
inline constexpr std::string_view k_incident_type = "corridor-incident";

// How exactly the time of an incident is known.
enum class TimePrecision { minute, hour, day, week, month };

struct Incident {
  std::string id;
  std::string reported_by;  // party id (the signer)
  geo::UnixSeconds time{};  // start of the interval the precision spans
  TimePrecision precision = TimePrecision::minute;
  geo::LonLat where;              // a point...
  std::optional<geo::Area> area;  // ...or an area (where = its first vertex)
  double precision_m = 0;         // how far the true place may be from `where`
  std::string event_type;         // ACLED event_type
  std::string sub_event_type;     // ACLED sub_event_type
  std::vector<std::string> actors;
  std::string description;
  std::string source;
  std::int64_t fatalities = 0;
  nlohmann::json acled;  // the source row when imported, else null

  // [time, time + length of the precision): when it may have happened.
  [[nodiscard]] geo::UnixSeconds until() const;
};

std::string to_string(TimePrecision p);

// The incident document ({"type": "corridor-incident", ...}).
nlohmann::json incident_document(const Incident& incident);
// Reads and validates an incident document (the payload of a signed one);
// throws ValidationError naming every bad field.
Incident parse_incident(const nlohmann::json& document, const std::string& source);

// Rows of an ACLED-style CSV (header names as ACLED's export: event_id_cnty,
// event_date, time_precision, event_type, sub_event_type, actor1, actor2,
// latitude, longitude, geo_precision, source, notes, fatalities). Throws
// ValidationError naming the row and column of every bad value.
std::vector<Incident> read_acled_csv(const std::filesystem::path& path, const std::string& reported_by);
// The same from CSV text; `source` names it in messages.
std::vector<Incident> parse_acled_csv(const std::string& text, const std::string& source,
                                      const std::string& reported_by);

// Splits RFC 4180 CSV text into rows of fields (quotes, doubled quotes,
// commas and newlines inside quotes).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

}  // namespace corridor::monitor

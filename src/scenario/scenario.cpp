#include "corridor/scenario/scenario.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "corridor/error.hpp"
#include "corridor/json.hpp"
#include "scenario/reader.hpp"

namespace corridor::scenario {
namespace {

using detail::Json;
using detail::Need;
using detail::Reader;

// Reads the document; the corridor rules come last because they refer to
// features, but their problems are listed with the other corridor problems.
Scenario read_document(const Json& document, const std::string& source) {
  Reader reader;
  if (!document.is_object()) {
    reader.problem("", "a scenario must be a GeoJSON FeatureCollection object, got " + detail::show(document));
    throw ValidationError(source, std::move(reader.problems()));
  }
  if (const auto type = reader.text(document, "type", "", Need::required); type && *type != "FeatureCollection") {
    reader.problem("type", "must be \"FeatureCollection\", got " + detail::show(Json(*type)));
  }
  Scenario scenario;
  detail::Names names;
  const Json* corridor = reader.object(document, "corridor", "", Need::required);
  if (corridor != nullptr) detail::read_settings(reader, *corridor, scenario, names);
  const std::size_t corridor_end = reader.problems().size();

  const Json* features = reader.array(document, "features", "", Need::required);
  if (features != nullptr) {
    detail::read_features(reader, *features, names, scenario);
  } else {
    names.features_complete = false;
  }
  const std::size_t features_end = reader.problems().size();

  if (corridor != nullptr) detail::read_rules(reader, *corridor, names, scenario);
  auto& problems = reader.problems();
  std::rotate(problems.begin() + static_cast<std::ptrdiff_t>(corridor_end),
              problems.begin() + static_cast<std::ptrdiff_t>(features_end), problems.end());
  if (!problems.empty()) throw ValidationError(source, std::move(problems));
  return scenario;
}

}  // namespace

const Party* Scenario::party(std::string_view id) const noexcept {
  const auto it = std::find_if(parties.begin(), parties.end(), [id](const Party& p) { return p.id == id; });
  return it == parties.end() ? nullptr : &*it;
}

const Area* Scenario::area(std::string_view id) const noexcept {
  const auto it = std::find_if(areas.begin(), areas.end(), [id](const Area& a) { return a.id == id; });
  return it == areas.end() ? nullptr : &*it;
}

Scenario parse_scenario(std::string_view text, const std::string& source) {
  return read_document(json::parse(text, source), source);
}

Scenario load_scenario(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw IoError("cannot read scenario " + path.string() + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read scenario " + path.string() + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError("cannot read scenario " + path.string() + ": read failed");
  return parse_scenario(text.str(), path.string());
}

std::string Scenario::local_time(geo::UnixSeconds t) const {
  return timezone.empty() ? geo::format_with_offset(t, start_offset_minutes) : geo::format_in_zone(t, timezone);
}

}  // namespace corridor::scenario

// The "corridor" member: scenario-wide settings, parties and rules.
#include <algorithm>

#include "scenario/reader.hpp"

namespace corridor::scenario::detail {
namespace {

constexpr double k_max_horizon_hours = 720;
constexpr std::int64_t k_max_time_step_s = 3600;
const std::string k_path = "corridor";

void read_horizon(Reader& reader, const Json& corridor, Scenario& scenario) {
  const Json* value = reader.member(corridor, "horizon_hours", k_path, Need::required);
  if (value == nullptr) return;
  if (!value->is_number() || !(value->get<double>() > 0) || value->get<double>() > k_max_horizon_hours) {
    reader.problem(k_path + ".horizon_hours",
                   "must be a number of hours greater than 0 and at most 720, got " + show(*value));
    return;
  }
  scenario.horizon_hours = value->get<double>();
}

void read_parties(Reader& reader, const Json& corridor, Scenario& scenario, Names& names) {
  const std::size_t problems_before = reader.problems().size();
  const Json* parties = reader.array(corridor, "parties", k_path, Need::required);
  if (parties != nullptr && parties->empty()) {
    reader.problem(k_path + ".parties", "must list at least one party, got []");
  }
  if (parties != nullptr) {
    for (std::size_t i = 0; i < parties->size(); ++i) {
      const std::string path = element_path(k_path + ".parties", i);
      const Json& entry = (*parties)[i];
      if (!reader.is_object(entry, path)) continue;
      reader.reject_unknown_keys(entry, path, {"id", "name", "role"});
      Party party;
      const auto id = reader.text(entry, "id", path, Need::required);
      if (const auto name = reader.text(entry, "name", path, Need::optional)) party.name = *name;
      if (const auto role = reader.text(entry, "role", path, Need::optional, true)) party.role = *role;
      if (!id) continue;
      const auto same = std::find_if(scenario.parties.begin(), scenario.parties.end(),
                                     [&](const Party& other) { return other.id == *id; });
      if (same != scenario.parties.end()) {
        const auto first = static_cast<std::size_t>(same - scenario.parties.begin());
        reader.problem(path + ".id", "duplicate party id " + show(Json(*id)) + " (also " +
                                         element_path(k_path + ".parties", first) + ")");
        continue;
      }
      party.id = *id;
      if (party.name.empty()) party.name = party.id;  // the name defaults to the id
      scenario.parties.push_back(std::move(party));
    }
  }
  if (reader.problems().size() != problems_before) return;  // names.parties stays unknown
  std::vector<std::string> ids;
  for (const auto& party : scenario.parties) ids.push_back(party.id);
  names.parties = std::move(ids);
}

// forbid.destinations_controlled_by / checkpoints_operated_by
std::vector<std::string> read_party_list(Reader& reader, const Json& forbid, std::string_view key,
                                         const std::string& path, const Names& names) {
  std::vector<std::string> ids;
  const Json* list = reader.array(forbid, key, path, Need::optional);
  if (list == nullptr) return ids;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string item_path = element_path(member_path(path, key), i);
    const auto id = reader.text_value((*list)[i], item_path);
    if (!id) continue;
    if (names.parties && std::find(names.parties->begin(), names.parties->end(), *id) == names.parties->end()) {
      reader.problem(item_path, "unknown party " + show(Json(*id)) + "; parties: " + join(*names.parties));
      continue;
    }
    ids.push_back(*id);
  }
  return ids;
}

// forbid.areas
std::vector<std::string> read_area_list(Reader& reader, const Json& forbid, const std::string& path,
                                        const Names& names) {
  std::vector<std::string> ids;
  const Json* list = reader.array(forbid, "areas", path, Need::optional);
  if (list == nullptr) return ids;
  std::vector<std::string> areas;
  for (const auto& [id, kind] : names.feature_kinds) {
    if (kind == "area") areas.push_back(id);
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string item_path = element_path(path + ".areas", i);
    const auto id = reader.text_value((*list)[i], item_path);
    if (!id) continue;
    const auto found = names.feature_kinds.find(*id);
    if (found != names.feature_kinds.end() && found->second != "area") {
      reader.problem(item_path, show(Json(*id)) + " is " + with_article(found->second) + ", not an area");
      continue;
    }
    if (found == names.feature_kinds.end() && names.features_complete) {
      reader.problem(item_path,
                     "unknown area " + show(Json(*id)) +
                         (areas.empty() ? "; the scenario has no area features" : "; areas: " + join(areas)));
      continue;
    }
    ids.push_back(*id);
  }
  return ids;
}

}  // namespace

void read_settings(Reader& reader, const Json& corridor, Scenario& scenario, Names& names) {
  reader.reject_unknown_keys(corridor, k_path,
                             {"name", "map", "start", "timezone", "horizon_hours", "time_step_s", "parties", "rules"});
  if (const auto name = reader.text(corridor, "name", k_path, Need::required)) scenario.name = *name;
  if (const auto map = reader.text(corridor, "map", k_path, Need::optional)) scenario.map = *map;
  if (const auto start = reader.time(corridor, "start", k_path, Need::required)) {
    scenario.start = start->utc;
    scenario.start_offset_minutes = start->offset_minutes;
  }
  if (const auto zone = reader.text(corridor, "timezone", k_path, Need::optional)) {
    if (geo::known_time_zone(*zone)) {
      scenario.timezone = *zone;
    } else {
      reader.problem(k_path + ".timezone", "unknown IANA time zone " + show(Json(*zone)));
    }
  }
  read_horizon(reader, corridor, scenario);
  if (const auto step = reader.positive_integer(corridor, "time_step_s", k_path, Need::optional, k_max_time_step_s)) {
    scenario.time_step_s = *step;
  }
  read_parties(reader, corridor, scenario, names);
}

void read_rules(Reader& reader, const Json& corridor, const Names& names, Scenario& scenario) {
  const Json* rules = reader.array(corridor, "rules", k_path, Need::optional);
  if (rules == nullptr) return;
  for (std::size_t i = 0; i < rules->size(); ++i) {
    const std::string path = element_path(k_path + ".rules", i);
    const Json& entry = (*rules)[i];
    if (!reader.is_object(entry, path)) continue;
    reader.reject_unknown_keys(entry, path, {"party", "forbid"});
    Rule rule;
    rule.index = i;
    if (const auto party = party_reference(reader, entry, "party", path, names)) rule.party = *party;
    const Json* forbid = reader.object(entry, "forbid", path, Need::required);
    if (forbid != nullptr) {
      const std::string forbid_path = path + ".forbid";
      reader.reject_unknown_keys(
          *forbid, forbid_path,
          {"destinations_controlled_by", "areas", "checkpoints_operated_by", "depots_controlled_by", "aid_inbound"});
      rule.forbid_destinations_controlled_by =
          read_party_list(reader, *forbid, "destinations_controlled_by", forbid_path, names);
      rule.forbid_areas = read_area_list(reader, *forbid, forbid_path, names);
      rule.forbid_checkpoints_operated_by =
          read_party_list(reader, *forbid, "checkpoints_operated_by", forbid_path, names);
      rule.forbid_depots_controlled_by = read_party_list(reader, *forbid, "depots_controlled_by", forbid_path, names);
      rule.forbid_aid_inbound = reader.boolean(*forbid, "aid_inbound", forbid_path, Need::optional).value_or(false);
    }
    scenario.rules.push_back(std::move(rule));
  }
}

}  // namespace corridor::scenario::detail

// The typed terms of an agreement document: its windows and corridors.
#include "corridor/agree/agreement.hpp"
#include "corridor/error.hpp"
#include "corridor/geo/time.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;

const Json& member(const Json& object, const std::string& key, const std::string& path) {
  if (!object.is_object() || !object.contains(key)) throw InputError(path + "." + key, "missing");
  return object[key];
}

const Json& array_at(const Json& object, const std::string& key, const std::string& path) {
  const auto& value = member(object, key, path);
  if (!value.is_array()) throw InputError(path + "." + key, "must be an array, got " + value.dump());
  return value;
}

std::string text_at(const Json& object, const std::string& key, const std::string& path) {
  const auto& value = member(object, key, path);
  if (!value.is_string()) throw InputError(path + "." + key, "must be a string, got " + value.dump());
  return value.get<std::string>();
}

geo::UnixSeconds utc_at(const std::string& text, const std::string& path) {
  std::string why;
  const auto t = geo::parse_rfc3339(text, &why);
  if (!t) throw InputError(path, why + ", got \"" + text + "\"");
  return t->utc;
}

std::string element(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

}  // namespace

AgreementTerms read_terms(const Json& document) {
  AgreementTerms terms;
  const auto& windows = array_at(document, "windows", "document");
  for (std::size_t c = 0; c < windows.size(); ++c) {
    const auto path = element("document.windows", c);
    const auto ceasefire = text_at(windows[c], "ceasefire", path);
    const auto& list = array_at(windows[c], "windows", path);
    for (std::size_t w = 0; w < list.size(); ++w) {
      const auto window_path = element(path + ".windows", w);
      AgreedWindow window{ceasefire, w + 1, text_at(list[w], "from", window_path),
                          text_at(list[w], "until", window_path)};
      window.from = utc_at(window.from_text, window_path + ".from");
      window.until = utc_at(window.until_text, window_path + ".until");
      terms.windows.push_back(std::move(window));
    }
  }
  const auto& corridors = array_at(document, "corridors", "document");
  for (std::size_t i = 0; i < corridors.size(); ++i) {
    const auto path = element("document.corridors", i);
    const auto& c = corridors[i];
    AgreedCorridor corridor;
    corridor.id = text_at(c, "id", path);
    corridor.origin = text_at(c, "origin", path);
    corridor.destination = text_at(c, "destination", path);
    const auto& nodes = array_at(member(c, "route", path), "nodes", path + ".route");
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      if (!nodes[k].is_number_integer()) {
        throw InputError(element(path + ".route.nodes", k), "must be an OSM node id, got " + nodes[k].dump());
      }
      corridor.nodes.push_back(nodes[k].get<std::int64_t>());
    }
    if (c.contains("movements")) {
      const auto& ids = array_at(c, "movements", path);
      for (std::size_t k = 0; k < ids.size(); ++k) {
        corridor.movements.push_back(text_at(ids[k], "id", element(path + ".movements", k)));
      }
    }
    corridor.first_departure_text = text_at(member(c, "departures", path), "first", path + ".departures");
    corridor.last_arrival_text = text_at(member(c, "arrivals", path), "last", path + ".arrivals");
    corridor.first_departure = utc_at(corridor.first_departure_text, path + ".departures.first");
    corridor.last_arrival = utc_at(corridor.last_arrival_text, path + ".arrivals.last");
    terms.corridors.push_back(std::move(corridor));
  }
  return terms;
}

}  // namespace corridor::agree

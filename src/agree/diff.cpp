// What changed between two versions of an agreement, in sentences.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "agree/json_guard.hpp"
#include "corridor/agree/agreement.hpp"
#include "corridor/agree/jcs.hpp"
#include "corridor/geo/time.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;

// A value as a liaison officer reads it: strings bare, numbers in their JCS
// form (240, not 240.0), null as "none".
std::string text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "none";
  return canonical_json(v);
}

std::optional<geo::UnixSeconds> instant(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  const auto parsed = geo::parse_rfc3339(v.get<std::string>());
  return parsed ? std::optional(parsed->utc) : std::nullopt;
}

class Differ {
 public:
  Differ(const Json& older, const Json& newer) : old_(older), new_(newer) {
    if (newer.value("timezone", Json()).is_string()) zone_ = newer["timezone"];
  }
  std::vector<std::string> run();

 private:
  // "18:00 UTC (19:00 Europe/Andorra)", with the date when asked.
  std::string clock(geo::UnixSeconds t, bool with_date) const {
    auto pick = [](const std::string& s, bool date) {
      const auto hm = s.substr(11, s.substr(17, 2) == "00" ? 5 : 8);
      return date ? s.substr(0, 10) + " " + hm : hm;
    };
    const auto utc = geo::format_utc(t);
    auto out = pick(utc, with_date) + " UTC";
    if (!zone_.empty()) {
      // The local date only when asked for dates and it is another day there.
      const auto local = geo::format_in_zone(t, zone_);
      out += " (" + pick(local, with_date && local.substr(0, 10) != utc.substr(0, 10)) + " " + zone_ + ")";
    }
    return out;
  }
  std::string when(const Json& v) const {
    const auto t = instant(v);
    return t ? clock(*t, true) : v.is_null() ? std::string("(no limit)") : text(v);
  }
  // "<prefix> <new> instead of <old>" when the instants differ.
  void time_change(const std::string& prefix, const Json& before, const Json& after) {
    if (before == after) return;
    const auto a = instant(before);
    const auto b = instant(after);
    if (!a || !b) {
      say(prefix + " " + (b ? when(after) : text(after)) + " instead of " + (a ? when(before) : text(before)));
      return;
    }
    const bool with_date = geo::format_utc(*a).substr(0, 10) != geo::format_utc(*b).substr(0, 10);
    say(prefix + " " + clock(*b, with_date) + " instead of " + clock(*a, with_date));
  }
  void value_change(const std::string& prefix, const std::string& suffix, const Json& before, const Json& after) {
    if (canonical_json(before) != canonical_json(after))
      say(prefix + text(after) + suffix + " instead of " + text(before));
  }
  void say(std::string line) { lines_.push_back(std::move(line)); }
  void header();
  void parties();
  void corridors();
  void corridor_pair(const Json& a, const Json& b);
  void windows();
  void movements();
  void by_id(const char* list, const char* noun, const std::function<std::string(const Json&)>& summary,
             const std::function<void(const std::string&, const Json&, const Json&)>& compare);

  const Json& old_;
  const Json& new_;
  std::string zone_;
  std::vector<std::string> lines_;
};

const Json& list_of(const Json& doc, const char* name) {
  static const Json empty = Json::array();
  return doc.contains(name) && doc[name].is_array() ? doc[name] : empty;
}

std::string id_of(const Json& item, const char* key = "id") {
  return item.is_object() ? text(item.value(key, Json())) : "";
}

void Differ::header() {
  const auto version = std::to_string(new_["version"].get<std::int64_t>());
  const auto previous = std::to_string(old_["version"].get<std::int64_t>());
  const auto old_hash = content_hash(old_);
  const auto replaces = new_.value("replaces", Json());
  if (replaces == old_hash) {
    say("version " + version + " replaces version " + previous + " (" + old_hash + ")");
  } else {
    say("version " + version + " does not follow this version " + previous + ": it replaces " +
        (replaces.is_string() ? replaces.get<std::string>() : std::string("no earlier version")) + ", but version " +
        previous + " is " + old_hash);
  }
  for (const char* field : {"scenario", "map", "timezone"}) {
    value_change(std::string(field) + " is ", "", old_.value(field, Json()), new_.value(field, Json()));
  }
  time_change("starts", old_.value("start", Json()), new_.value("start", Json()));
  time_change("ends", old_.value("end", Json()), new_.value("end", Json()));
}

void Differ::by_id(const char* list, const char* noun, const std::function<std::string(const Json&)>& summary,
                   const std::function<void(const std::string&, const Json&, const Json&)>& compare) {
  const auto& before = list_of(old_, list);
  const auto& after = list_of(new_, list);
  auto find = [](const Json& items, const std::string& id) -> const Json* {
    for (const auto& item : items) {
      if (id_of(item) == id) return &item;
    }
    return nullptr;
  };
  for (const auto& item : before) {
    const auto* other = find(after, id_of(item));
    if (other == nullptr) {
      say(std::string(noun) + " " + id_of(item) + " removed");
    } else {
      compare(std::string(noun) + " " + id_of(item), item, *other);
    }
  }
  for (const auto& item : after) {
    if (find(before, id_of(item)) == nullptr) say(std::string(noun) + " " + id_of(item) + " added" + summary(item));
  }
}

void Differ::parties() {
  by_id(
      "parties", "party", [](const Json& p) { return " (" + text(p.value("name", Json())) + ")"; },
      [&](const std::string& label, const Json& a, const Json& b) {
        value_change(label + " is named ", "", a.value("name", Json()), b.value("name", Json()));
        value_change(label + " has role ", "", a.value("role", Json()), b.value("role", Json()));
      });
  std::set<std::string> before, after;
  for (const auto& id : list_of(old_, "signatories")) before.insert(text(id));
  for (const auto& id : list_of(new_, "signatories")) after.insert(text(id));
  for (const auto& id : after) {
    if (!before.contains(id)) say("party " + id + " must now sign too");
  }
  for (const auto& id : before) {
    if (!after.contains(id)) say("party " + id + " no longer needs to sign");
  }
}

std::string corridor_label(const Json& c, const std::string& was = "") {
  return "corridor " + id_of(c) + (was.empty() || was == id_of(c) ? "" : " (was " + was + ")") + " (" +
         id_of(c, "origin") + " -> " + id_of(c, "destination") + ")";
}

Json nodes_of(const Json& c) {
  return c.is_object() && c.contains("route") && c["route"].is_object() ? c["route"].value("nodes", Json::array())
                                                                        : Json::array();
}

void Differ::corridor_pair(const Json& a, const Json& b) {
  const auto label = corridor_label(b, id_of(a));
  value_change(label + ": ", " vehicles", a.value("vehicles", Json()), b.value("vehicles", Json()));
  value_change(label + ": ", " people", a.value("people", Json()), b.value("people", Json()));
  for (const char* group : {"departures", "arrivals"}) {
    const auto before = a.value(group, Json::object());
    const auto after = b.value(group, Json::object());
    const std::string noun = std::string(group) == "departures" ? "departure" : "arrival";
    time_change(label + ": first " + noun, before.value("first", Json()), after.value("first", Json()));
    time_change(label + ": last " + noun, before.value("last", Json()), after.value("last", Json()));
  }
  const auto before = nodes_of(a);
  const auto after = nodes_of(b);
  if (before != after) {
    std::set<std::string> old_nodes;
    for (const auto& n : before) old_nodes.insert(text(n));
    std::size_t differ = 0;
    for (const auto& n : after) differ += old_nodes.contains(text(n)) ? 0 : 1;
    say("route of corridor " + id_of(b) + " changed: " + std::to_string(after.size()) + " nodes (was " +
        std::to_string(before.size()) + "), " + std::to_string(differ) + " not on the old route");
  }
}

void Differ::corridors() {
  const auto& before = list_of(old_, "corridors");
  const auto& after = list_of(new_, "corridors");
  std::vector<bool> old_used(before.size(), false), new_used(after.size(), false);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  auto same_ends = [](const Json& a, const Json& b) {
    return id_of(a, "origin") == id_of(b, "origin") && id_of(a, "destination") == id_of(b, "destination");
  };
  // First the same route between the same places, then the same places.
  for (const bool need_same_route : {true, false}) {
    for (std::size_t i = 0; i < before.size(); ++i) {
      for (std::size_t j = 0; j < after.size() && !old_used[i]; ++j) {
        if (new_used[j] || !same_ends(before[i], after[j])) continue;
        if (need_same_route && nodes_of(before[i]) != nodes_of(after[j])) continue;
        old_used[i] = new_used[j] = true;
        pairs.emplace_back(i, j);
      }
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
  for (const auto& [i, j] : pairs) corridor_pair(before[i], after[j]);
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (!old_used[i]) {
      say(corridor_label(before[i]) + " removed (it carried " + text(before[i].value("vehicles", Json())) +
          " vehicles, " + text(before[i].value("people", Json())) + " people)");
    }
  }
  for (std::size_t j = 0; j < after.size(); ++j) {
    if (!new_used[j]) {
      say(corridor_label(after[j]) + " added: " + text(after[j].value("vehicles", Json())) + " vehicles, " +
          text(after[j].value("people", Json())) + " people");
    }
  }
}

// Every movement of a document by id, with the corridor it drives.
std::map<std::string, std::pair<const Json*, const Json*>> movements_of(const Json& doc) {
  std::map<std::string, std::pair<const Json*, const Json*>> out;
  for (const auto& c : list_of(doc, "corridors")) {
    for (const auto& m : list_of(c, "movements")) {
      if (!id_of(m).empty()) out.emplace(id_of(m), std::pair(&c, &m));
    }
  }
  return out;
}

std::string roads(const Json& corridor) {
  std::string out;
  for (const auto& road : list_of(corridor, "via")) out += (out.empty() ? "" : ", ") + text(road);
  return out.empty() ? std::to_string(nodes_of(corridor).size()) + " nodes" : out;
}

// Convoys by their movement ids (plans since movement ids): which were
// diverted onto other roads, which leave or arrive at other times, which
// were cancelled and which are new. Long lists end with a count.
void Differ::movements() {
  const auto before = movements_of(old_);
  const auto after = movements_of(new_);
  if (before.empty() || after.empty()) return;
  constexpr std::size_t k_most = 20;
  std::size_t diverted = 0, retimed = 0, cancelled = 0;
  std::vector<std::string> added;
  auto line = [&](std::size_t& count, std::string text) {
    if (++count <= k_most) say(std::move(text));
  };
  for (const auto& [id, was] : before) {
    const auto it = after.find(id);
    const auto& [old_corridor, old_movement] = was;
    if (it == after.end()) {
      line(cancelled, "convoy " + id + " (" + id_of(*old_corridor, "origin") + " -> " +
                          id_of(*old_corridor, "destination") + ", " + text(old_movement->value("vehicles", Json())) +
                          " vehicles) is no longer planned");
      continue;
    }
    const auto& [new_corridor, new_movement] = it->second;
    const auto arrival = [&](const Json& m) { return when(m.value("arrival", Json())); };
    if (nodes_of(*old_corridor) != nodes_of(*new_corridor)) {
      line(diverted, "convoy " + id + " diverted: was " + corridor_label(*old_corridor) + " via " +
                         roads(*old_corridor) + ", arriving " + arrival(*old_movement) + "; now " +
                         corridor_label(*new_corridor) + " via " + roads(*new_corridor) + ", arriving " +
                         arrival(*new_movement));
    } else if (old_movement->value("departure", Json()) != new_movement->value("departure", Json()) ||
               old_movement->value("arrival", Json()) != new_movement->value("arrival", Json())) {
      line(retimed, "convoy " + id + " on " + corridor_label(*new_corridor) + " now leaves " +
                        when(new_movement->value("departure", Json())) + " and arrives " + arrival(*new_movement) +
                        " (was " + when(old_movement->value("departure", Json())) + " to " + arrival(*old_movement) +
                        ")");
    }
  }
  for (const auto& [id, now] : after) {
    if (!before.contains(id)) added.push_back(id);
  }
  for (const auto& [count, what] :
       {std::pair(diverted, "diverted"), std::pair(retimed, "retimed"), std::pair(cancelled, "no longer planned")}) {
    if (count > k_most) say("... and " + std::to_string(count - k_most) + " more convoys " + what);
  }
  if (!added.empty()) {
    std::string ids;
    for (std::size_t i = 0; i < std::min<std::size_t>(added.size(), 10); ++i) ids += (i ? ", " : "") + added[i];
    say(std::to_string(added.size()) + " new convoy" + (added.size() == 1 ? "" : "s") + ": " + ids +
        (added.size() > 10 ? ", ..." : ""));
  }
}

void Differ::windows() {
  auto find = [](const Json& items, const std::string& id) -> const Json* {
    for (const auto& item : items) {
      if (id_of(item, "ceasefire") == id) return &item;
    }
    return nullptr;
  };
  const auto& before = list_of(old_, "windows");
  const auto& after = list_of(new_, "windows");
  auto span = [&](const Json& w) {
    return "from " + when(w.value("from", Json())) + " until " + when(w.value("until", Json()));
  };
  for (const auto& cf : before) {
    const auto id = id_of(cf, "ceasefire");
    const auto* other = find(after, id);
    if (other == nullptr) {
      say("ceasefire " + id + " removed");
      continue;
    }
    const auto& a = list_of(cf, "windows");
    const auto& b = list_of(*other, "windows");
    for (std::size_t k = 0; k < std::max(a.size(), b.size()); ++k) {
      const auto label = "window " + std::to_string(k + 1) + " of " + id;
      if (k >= b.size()) {
        say(label + " removed (it was " + span(a[k]) + ")");
      } else if (k >= a.size()) {
        say(label + " added: " + span(b[k]));
      } else {
        time_change(label + " starts", a[k].value("from", Json()), b[k].value("from", Json()));
        time_change(label + " ends", a[k].value("until", Json()), b[k].value("until", Json()));
      }
    }
  }
  for (const auto& cf : after) {
    const auto id = id_of(cf, "ceasefire");
    if (find(before, id) != nullptr) continue;
    say("ceasefire " + id + " added");
    const auto& b = list_of(cf, "windows");
    for (std::size_t k = 0; k < b.size(); ++k)
      say("window " + std::to_string(k + 1) + " of " + id + " added: " + span(b[k]));
  }
}

std::vector<std::string> Differ::run() {
  if (content_hash(old_) == content_hash(new_)) {
    return {"the two files hold the same agreement (version " + text(new_["version"]) + ", " + content_hash(new_) +
            ")"};
  }
  header();
  parties();
  corridors();
  movements();
  windows();
  by_id(
      "destinations", "destination",
      [](const Json& d) {
        return " (controlled by " + text(d.value("controlled_by", Json())) + ", capacity " +
               text(d.value("capacity", Json())) + ", " + text(d.value("people", Json())) + " people planned)";
      },
      [&](const std::string& label, const Json& a, const Json& b) {
        value_change(label + ": controlled by ", "", a.value("controlled_by", Json()),
                     b.value("controlled_by", Json()));
        value_change(label + ": capacity ", "", a.value("capacity", Json()), b.value("capacity", Json()));
        value_change(label + ": ", " people planned", a.value("people", Json()), b.value("people", Json()));
      });
  by_id(
      "checkpoints", "checkpoint",
      [](const Json& c) {
        return " (operated by " + text(c.value("operated_by", Json())) + ", " +
               text(c.value("vehicles_per_hour", Json())) + " vehicles per hour)";
      },
      [&](const std::string& label, const Json& a, const Json& b) {
        value_change(label + ": operated by ", "", a.value("operated_by", Json()), b.value("operated_by", Json()));
        value_change(label + ": ", " vehicles per hour", a.value("vehicles_per_hour", Json()),
                     b.value("vehicles_per_hour", Json()));
      });
  by_id(
      "hazards", "hazard",
      [&](const Json& h) {
        return " (from " + when(h.value("from", Json())) + " until " + when(h.value("until", Json())) + ")";
      },
      [&](const std::string& label, const Json& a, const Json& b) {
        time_change(label + ": active from", a.value("from", Json()), b.value("from", Json()));
        time_change(label + ": active until", a.value("until", Json()), b.value("until", Json()));
      });
  auto unmet = [](const Json& doc) {
    std::int64_t total = 0;
    for (const auto& u : list_of(doc, "unmet")) {
      if (u.is_object() && u.value("people", Json()).is_number_integer()) total += u["people"].get<std::int64_t>();
    }
    return total;
  };
  if (unmet(old_) != unmet(new_)) {
    say("people who cannot leave: " + std::to_string(unmet(new_)) + " instead of " + std::to_string(unmet(old_)));
  }
  if (lines_.size() == 1) say("nothing else changed");
  return lines_;
}

}  // namespace

std::vector<std::string> diff_agreements(const Json& older, const Json& newer) {
  return detail::guard_json("an agreement", [&] {
    const auto a = agreement_document(older);
    const auto b = agreement_document(newer);
    return Differ(a, b).run();
  });
}

}  // namespace corridor::agree

#include "scenario/reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace corridor::scenario::detail {
namespace {

constexpr std::size_t k_max_shown = 60;

bool is_identifier(std::string_view key) {
  if (key.empty() || (key.front() >= '0' && key.front() <= '9')) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// The integral value of a JSON number, if it has one an int64 holds.
std::optional<std::int64_t> integral(const Json& value) {
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number_float()) {
    // GIS tools often store counts in real-typed fields: 12000.0.
    const double d = value.get<double>();
    constexpr double k_exact_limit = 9007199254740992.0;  // 2^53
    if (std::isfinite(d) && std::trunc(d) == d && std::abs(d) <= k_exact_limit) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

}  // namespace

std::string show(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() <= k_max_shown) return text;
  std::size_t cut = k_max_shown - 3;
  // Never cut inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  text.resize(cut);
  return text + "...";
}

std::string member_path(const std::string& parent, std::string_view key) {
  if (!is_identifier(key)) return parent + "[" + show(Json(std::string(key))) + "]";
  if (parent.empty()) return std::string(key);
  return parent + "." + std::string(key);
}

std::string element_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += ", ";
    text += item;
  }
  return text;
}

std::string with_article(std::string_view kind) {
  const bool vowel = !kind.empty() && std::string_view("aeiou").find(kind.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(kind);
}

void Reader::problem(std::string path, std::string message) {
  problems_.push_back(Problem{std::move(path), std::move(message)});
}

const Json* Reader::member(const Json& object, std::string_view key, const std::string& path, Need need) {
  const auto it = object.find(std::string(key));
  if (it != object.end()) return &*it;
  if (need == Need::required) problem(member_path(path, key), "is required");
  return nullptr;
}

bool Reader::is_object(const Json& value, const std::string& path) {
  if (value.is_object()) return true;
  problem(path, "must be an object, got " + show(value));
  return false;
}

const Json* Reader::object(const Json& object, std::string_view key, const std::string& path, Need need) {
  const Json* value = member(object, key, path, need);
  if (value == nullptr || !is_object(*value, member_path(path, key))) return nullptr;
  return value;
}

const Json* Reader::array(const Json& object, std::string_view key, const std::string& path, Need need) {
  const Json* value = member(object, key, path, need);
  if (value == nullptr) return nullptr;
  if (!value->is_array()) {
    problem(member_path(path, key), "must be an array, got " + show(*value));
    return nullptr;
  }
  return value;
}

std::optional<std::string> Reader::text_value(const Json& value, const std::string& path, bool allow_empty) {
  if (!value.is_string()) {
    problem(path, "must be a string, got " + show(value));
    return std::nullopt;
  }
  auto text = value.get<std::string>();
  if (text.empty() && !allow_empty) {
    problem(path, "must be a non-empty string, got \"\"");
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> Reader::text(const Json& object, std::string_view key, const std::string& path, Need need,
                                        bool allow_empty) {
  const Json* value = member(object, key, path, need);
  if (value == nullptr) return std::nullopt;
  return text_value(*value, member_path(path, key), allow_empty);
}

std::optional<std::int64_t> Reader::positive_integer(const Json& object, std::string_view key, const std::string& path,
                                                     Need need, std::int64_t max) {
  const Json* value = member(object, key, path, need);
  if (value == nullptr) return std::nullopt;
  const auto number = integral(*value);
  if (!number || *number <= 0) {
    problem(member_path(path, key), "must be a positive integer, got " + show(*value));
    return std::nullopt;
  }
  if (*number > max) {
    problem(member_path(path, key), "must be at most " + std::to_string(max) + ", got " + show(*value));
    return std::nullopt;
  }
  return number;
}

std::optional<double> Reader::positive_number(const Json& object, std::string_view key, const std::string& path,
                                              Need need) {
  const Json* value = member(object, key, path, need);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number() || !std::isfinite(value->get<double>()) || value->get<double>() <= 0) {
    problem(member_path(path, key), "must be a positive number, got " + show(*value));
    return std::nullopt;
  }
  return value->get<double>();
}

std::optional<double> Reader::non_negative_number(const Json& object, std::string_view key, const std::string& path,
                                                  Need need) {
  const Json* value = member(object, key, path, need);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number() || !std::isfinite(value->get<double>()) || value->get<double>() < 0) {
    problem(member_path(path, key), "must be a number >= 0, got " + show(*value));
    return std::nullopt;
  }
  return value->get<double>();
}

std::optional<bool> Reader::boolean(const Json& object, std::string_view key, const std::string& path, Need need) {
  const Json* value = member(object, key, path, need);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    problem(member_path(path, key), "must be true or false, got " + show(*value));
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<geo::ParsedTime> Reader::time_value(const Json& value, const std::string& path) {
  if (!value.is_string()) {
    problem(path, "must be an RFC 3339 time string, got " + show(value));
    return std::nullopt;
  }
  std::string why;
  const auto parsed = geo::parse_rfc3339(value.get<std::string>(), &why);
  if (parsed) return parsed;
  if (why == "missing UTC offset") {
    problem(path, "must have a UTC offset (Z or ±HH:MM), got " + show(value));
  } else {
    problem(path, why + ", got " + show(value));
  }
  return std::nullopt;
}

std::optional<geo::ParsedTime> Reader::time(const Json& object, std::string_view key, const std::string& path,
                                            Need need) {
  const Json* value = member(object, key, path, need);
  if (value == nullptr) return std::nullopt;
  return time_value(*value, member_path(path, key));
}

void Reader::reject_unknown_keys(const Json& object, const std::string& path,
                                 const std::vector<std::string_view>& allowed) {
  for (const auto& item : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    problem(member_path(path, item.key()), "unknown key; allowed: " + join(names));
  }
}

std::optional<std::string> party_reference(Reader& reader, const Json& object, std::string_view key,
                                           const std::string& path, const Names& names) {
  auto id = reader.text(object, key, path, Need::required);
  if (!id || !names.parties) return id;
  const auto& parties = *names.parties;
  if (std::find(parties.begin(), parties.end(), *id) != parties.end()) return id;
  reader.problem(member_path(path, key), "unknown party " + show(Json(*id)) + "; parties: " + join(parties));
  return std::nullopt;
}

}  // namespace corridor::scenario::detail

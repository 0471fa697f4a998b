#pragma once
// Scenario reading internals: a Reader that checks typed fields of the JSON
// document and collects every problem with its path, and the section readers
// that scenario.cpp chains together.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/error.hpp"
#include "corridor/scenario/scenario.hpp"

namespace corridor::scenario::detail {

using Json = nlohmann::json;

// Whether an absent member is a problem.
enum class Need { required, optional };

// The largest count (people, capacity...) accepted: far above any real
// scenario, far below where arithmetic on counts could overflow.
inline constexpr std::int64_t k_max_count = 1'000'000'000'000;

// A value as it appears in the document, shortened when long: `"abc"`, `-5`.
std::string show(const Json& value);

// "a.b", "a[\"odd key\"]", "a[3]"; a key at the top level is just the key.
std::string member_path(const std::string& parent, std::string_view key);
std::string element_path(const std::string& parent, std::size_t index);

// "a, b, c"
std::string join(const std::vector<std::string>& items);

// A feature kind with its article: "an origin", "a hazard".
std::string with_article(std::string_view kind);

class Reader {
 public:
  void problem(std::string path, std::string message);
  [[nodiscard]] std::vector<Problem>& problems() noexcept { return problems_; }

  // The member `key` of `object` (which must be an object), or nullptr when it
  // is absent; an absent required member is reported as "is required".
  const Json* member(const Json& object, std::string_view key, const std::string& path, Need need);

  // Typed members: nullopt or nullptr when absent or wrong (and reported).
  const Json* object(const Json& object, std::string_view key, const std::string& path, Need need);
  const Json* array(const Json& object, std::string_view key, const std::string& path, Need need);
  std::optional<std::string> text(const Json& object, std::string_view key, const std::string& path, Need need,
                                  bool allow_empty = false);
  std::optional<std::int64_t> positive_integer(const Json& object, std::string_view key, const std::string& path,
                                               Need need, std::int64_t max = k_max_count);
  std::optional<double> positive_number(const Json& object, std::string_view key, const std::string& path, Need need);
  std::optional<double> non_negative_number(const Json& object, std::string_view key, const std::string& path,
                                            Need need);
  std::optional<bool> boolean(const Json& object, std::string_view key, const std::string& path, Need need);
  std::optional<geo::ParsedTime> time(const Json& object, std::string_view key, const std::string& path, Need need);

  // Checks a value in place (path names the value itself).
  std::optional<geo::ParsedTime> time_value(const Json& value, const std::string& path);
  std::optional<std::string> text_value(const Json& value, const std::string& path, bool allow_empty = false);
  bool is_object(const Json& value, const std::string& path);

  // Reports every member of `object` whose key is not in `allowed`.
  void reject_unknown_keys(const Json& object, const std::string& path, const std::vector<std::string_view>& allowed);

 private:
  std::vector<Problem> problems_;
};

// What the scenario's parts are called, for checking references between them.
struct Names {
  // Party ids; nullopt when corridor.parties is itself broken, so that
  // references to parties are not reported a second time.
  std::optional<std::vector<std::string>> parties;
  // Feature id -> kind ("origin", "area"...); complete only when every
  // feature had a valid id and kind.
  std::map<std::string, std::string, std::less<>> feature_kinds;
  bool features_complete = true;
};

// Checks that member `key` of `object` names a known party; returns the id.
std::optional<std::string> party_reference(Reader& reader, const Json& object, std::string_view key,
                                           const std::string& path, const Names& names);

// corridor.*, except rules (which refer to features, read later).
void read_settings(Reader& reader, const Json& corridor, Scenario& scenario, Names& names);

// corridor.rules
void read_rules(Reader& reader, const Json& corridor, const Names& names, Scenario& scenario);

// features[*]
void read_features(Reader& reader, const Json& features, Names& names, Scenario& scenario);

// Geometry of one feature; `kind` names it in messages ("an origin").
std::optional<geo::LonLat> read_point(Reader& reader, const Json& geometry, const std::string& path,
                                      std::string_view kind);
std::optional<geo::Area> read_area(Reader& reader, const Json& geometry, const std::string& path,
                                   std::string_view kind);

}  // namespace corridor::scenario::detail

#pragma once
// The one way corridor turns text into JSON, for every file and request body.
//
// nlohmann's parser itself is iterative, but copying, dumping and the
// canonicaliser recurse: a body of 100 KB nesting 50,000 levels would
// overflow the stack. Nesting is therefore bounded before parsing, and every
// failure (syntax, depth, a number out of range such as 1e309) is an
// InputError naming the source, never an escaping nlohmann exception.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace corridor::json {

// Deeper than any document corridor reads (a GeoJSON MultiPolygon inside a
// feature is 7 levels) and far from any stack limit.
inline constexpr std::size_t k_max_depth = 64;

// The first reason `text` cannot be read as JSON nested at most max_depth
// levels, or nullopt when it can. Linear, no allocation.
std::optional<std::string> depth_problem(std::string_view text, std::size_t max_depth = k_max_depth);

// Parses text. Throws InputError(source, "not valid JSON: ...") on any problem.
nlohmann::json parse(std::string_view text, const std::string& source, std::size_t max_depth = k_max_depth);

// As parse(), but returns nullopt and the reason in *why instead of throwing.
std::optional<nlohmann::json> try_parse(std::string_view text, std::string* why = nullptr,
                                        std::size_t max_depth = k_max_depth);

}  // namespace corridor::json

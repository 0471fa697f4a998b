#include "corridor/json.hpp"

#include "corridor/error.hpp"

namespace corridor::json {

std::optional<std::string> depth_problem(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) {
          return "nested deeper than " + std::to_string(max_depth) + " levels (at byte " + std::to_string(i) + ")";
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;  // unbalanced text is the parser's to report
        break;
      default:
        break;
    }
  }
  return std::nullopt;
}

std::optional<nlohmann::json> try_parse(std::string_view text, std::string* why, std::size_t max_depth) {
  auto fail = [&](std::string reason) -> std::optional<nlohmann::json> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  if (auto problem = depth_problem(text, max_depth)) return fail(std::move(*problem));
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // parse_error for syntax, out_of_range for numbers such as 1e309.
    return fail(e.what());
  }
}

nlohmann::json parse(std::string_view text, const std::string& source, std::size_t max_depth) {
  std::string why;
  auto doc = try_parse(text, &why, max_depth);
  if (!doc) throw InputError(source, "not valid JSON: " + why);
  return std::move(*doc);
}

}  // namespace corridor::json

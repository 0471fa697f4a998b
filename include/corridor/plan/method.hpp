#pragma once
// The planning methods, by name: `corridor plan --method`, POST /plans.
#include <optional>
#include <string_view>

namespace corridor::plan {

// ccrp: the capacity-aware heuristic; optimal: the exact optimum (small
// instances).
enum class Method { ccrp, optimal };
std::string_view to_string(Method method) noexcept;
// "ccrp" or "optimal"; nullopt for anything else.
std::optional<Method> parse_method(std::string_view text) noexcept;

}  // namespace corridor::plan

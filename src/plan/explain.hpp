#pragma once
// Why people of an origin could not leave: the sentence in `unmet[].reason`.
#include <string>
#include <vector>

#include "corridor/plan/instance.hpp"

namespace corridor::plan {

// `room` is what each destination can still take (people), after planning.
std::string explain_unmet(const Instance& in, std::size_t origin, const std::vector<std::int64_t>& room);

}  // namespace corridor::plan

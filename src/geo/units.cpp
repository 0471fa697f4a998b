// The text forms of corridor/units.hpp.
#include <cstdio>

#include "corridor/units.hpp"

namespace corridor {

std::string hms(std::int64_t ms) {
  const auto s = ms / 1000;
  char text[32];
  std::snprintf(text, sizeof text, "%lldh%02lldm%02llds", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return text;
}

}  // namespace corridor

#pragma once
// nlohmann::json throws its own exceptions when a member has another type
// than the code reads it as. At agree/'s public entry points those become
// InputError, so that a malformed file is bad input (exit 2), not a crash.
#include <string>

#include <nlohmann/json.hpp>

#include "corridor/error.hpp"

namespace corridor::agree::detail {

template <typename F>
auto guard_json(const std::string& what, F&& f) {
  try {
    return f();
  } catch (const nlohmann::json::exception& e) {
    throw InputError("", what + " has a member of an unexpected type (" + e.what() + ")");
  }
}

}  // namespace corridor::agree::detail

#pragma once
// Shared pieces of the fuzz targets (libFuzzer): the input as text, and the
// rule every target enforces: corridor's own errors are answers, anything
// else that escapes (a nlohmann exception, std::out_of_range...) is a bug,
// and so is every crash, leak or undefined behaviour the sanitizers see.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "corridor/error.hpp"

namespace corridor::fuzz {

// tests/fixtures/<name> in the checkout (fuzz_support.cpp alone knows where).
std::string fixture(const std::string& name);

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs f; corridor::Error is an expected outcome, anything else aborts.
template <typename F>
void expect_only_corridor_errors(F&& f) {
  try {
    f();
  } catch (const Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "escaped: %s\n", e.what());
    std::abort();
  }
}

}  // namespace corridor::fuzz

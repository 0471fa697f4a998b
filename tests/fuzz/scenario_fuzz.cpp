// The scenario reader: any text is a scenario or a ValidationError/InputError.
#include "corridor/scenario/scenario.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  corridor::fuzz::expect_only_corridor_errors(
      [&] { (void)corridor::scenario::parse_scenario(corridor::fuzz::text_of(data, size), "fuzz.geojson"); });
  return 0;
}

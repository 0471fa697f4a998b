// ACLED CSV import: RFC 4180 splitting and the conversion of every row.
#include <string>

#include "corridor/monitor/incident.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(corridor::fuzz::text_of(data, size));
  corridor::fuzz::expect_only_corridor_errors([&] { (void)corridor::monitor::parse_acled_csv(text, "fuzz.csv", "A"); });
  return 0;
}

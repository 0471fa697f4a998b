// RFC 3339 instants: whatever is accepted is written back in UTC and with
// its offset, and both read back as the same instant.
#include <cstdio>
#include <cstdlib>

#include "corridor/geo/time.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = corridor::fuzz::text_of(data, size);
  const auto t = corridor::geo::parse_rfc3339(text);
  if (!t) return 0;
  for (const auto& written :
       {corridor::geo::format_utc(t->utc), corridor::geo::format_with_offset(t->utc, t->offset_minutes)}) {
    const auto again = corridor::geo::parse_rfc3339(written);
    if (!again || again->utc != t->utc) {
      std::fprintf(stderr, "%.*s written as %s does not read back\n", static_cast<int>(size), text.data(),
                   written.c_str());
      std::abort();
    }
  }
  return 0;
}

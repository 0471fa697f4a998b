// Ledger proof documents (inclusion and consistency) and signed tree heads,
// as `corridor log check-proof` reads them.
#include "corridor/json.hpp"
#include "corridor/ledger/proof.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = corridor::fuzz::text_of(data, size);
  // A head may follow the document after a NUL byte.
  const auto split = text.find('\0');
  const auto doc = corridor::json::try_parse(text.substr(0, split));
  if (!doc) return 0;
  std::optional<std::string> head;
  if (split != std::string_view::npos) head = std::string(text.substr(split + 1));
  corridor::fuzz::expect_only_corridor_errors([&] { (void)corridor::ledger::check_proof(*doc, head, nullptr); });
  return 0;
}

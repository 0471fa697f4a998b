// Signed documents: JWS JSON serialization, RFC 8785 canonical payloads,
// agreement checks against a registry, and diffs between versions.
#include "corridor/agree/agreement.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/agree/keys.hpp"
#include "corridor/json.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const corridor::agree::Registry registry = [] {
    corridor::agree::Registry r;
    corridor::agree::register_key(r, corridor::agree::generate_key("A").public_key(), "Party A", std::nullopt);
    return r;
  }();
  const auto doc = corridor::json::try_parse(corridor::fuzz::text_of(data, size));
  if (!doc) return 0;
  corridor::fuzz::expect_only_corridor_errors([&] { (void)corridor::agree::verify_signatures(*doc, registry); });
  corridor::fuzz::expect_only_corridor_errors([&] {
    const auto status = corridor::agree::check_agreement(*doc, registry);
    (void)corridor::agree::describe(status);
    (void)corridor::agree::to_json(status);
  });
  corridor::fuzz::expect_only_corridor_errors([&] { (void)corridor::agree::diff_agreements(*doc, *doc); });
  corridor::fuzz::expect_only_corridor_errors([&] { (void)corridor::agree::registry_from_json(*doc, "fuzz"); });
  return 0;
}

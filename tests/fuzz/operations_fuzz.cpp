// The operation's inputs: a convoy report document (monitor::
// parse_convoy_report), and the same JSON as re-plan events merged into a
// small scenario (ops::merge_events), the merged scenario then parsed.
#include <string>

#include "corridor/json.hpp"
#include "corridor/monitor/convoy_report.hpp"
#include "corridor/ops/replan.hpp"
#include "corridor/scenario/scenario.hpp"
#include "fuzz_support.hpp"

namespace {

const nlohmann::json& base_scenario() {
  static const nlohmann::json doc = nlohmann::json::parse(R"({
    "type": "FeatureCollection",
    "corridor": {"name": "fuzz", "start": "2022-03-05T09:00:00+01:00", "horizon_hours": 6, "time_step_s": 60,
                 "parties": [{"id": "A", "name": "A"}]},
    "features": [
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.0, 49.0]},
       "properties": {"kind": "origin", "id": "o", "people": 10}},
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.01, 49.0]},
       "properties": {"kind": "destination", "id": "d", "capacity": 100, "controlled_by": "A"}}]})");
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(corridor::fuzz::text_of(data, size));
  const auto doc = corridor::json::try_parse(text);
  if (!doc) return 0;
  corridor::fuzz::expect_only_corridor_errors([&] { (void)corridor::monitor::parse_convoy_report(*doc, "fuzz"); });
  corridor::fuzz::expect_only_corridor_errors([&] {
    const auto at = corridor::geo::unix_seconds(1646467200 + 1800);
    const auto merged = corridor::ops::merge_events(base_scenario(), *doc, at);
    (void)corridor::scenario::parse_scenario(merged.document.dump(), "merged");
  });
  return 0;
}

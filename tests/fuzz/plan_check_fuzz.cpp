// The plan checker: any JSON is a plan it reports on (violations, never a
// crash), on a small network with a shuttle fleet and an origin, so that
// movements, fleet legs, snaps and unmet entries are all read.
#include <string>

#include "corridor/check/check.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/json.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/scenario/scenario.hpp"
#include "fuzz_support.hpp"

namespace {

struct World {
  corridor::graph::RoadGraph g;
  corridor::scenario::Scenario s;
};

const World& world() {
  static const World w = [] {
    World out;
    out.g = corridor::graph::build(corridor::osm::read_geojson_network(
        corridor::fuzz::fixture("networks/small.geojson"), corridor::osm::Profile::defaults()));
    out.s = corridor::scenario::parse_scenario(R"({
      "type": "FeatureCollection",
      "corridor": {"name": "fuzz fleet", "start": "2022-03-05T09:00:00+01:00", "horizon_hours": 6,
                   "parties": [{"id": "A", "name": "A"}, {"id": "B", "name": "B"}],
                   "rules": [{"party": "B", "forbid": {"aid_inbound": true}}]},
      "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.0, 49.0]},
         "properties": {"kind": "depot", "id": "base", "vehicles": 2, "seats": 10, "load_min": 2, "unload_min": 1}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.01, 49.0]},
         "properties": {"kind": "pickup", "id": "square", "people": 25}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.01, 49.0]},
         "properties": {"kind": "origin", "id": "o", "people": 8, "persons_per_vehicle": 4}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.01, 49.001]},
         "properties": {"kind": "origin", "id": "walkers", "people": 12, "walk_to": ["square"]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.02, 49.0]},
         "properties": {"kind": "destination", "id": "camp", "capacity": 100, "controlled_by": "A"}}]})",
                                               "fuzz.geojson");
    return out;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto doc = corridor::json::try_parse(std::string(corridor::fuzz::text_of(data, size)));
  if (!doc) return 0;
  const auto& w = world();
  corridor::fuzz::expect_only_corridor_errors([&] { (void)corridor::check::check_plan(w.g, w.s, *doc); });
  return 0;
}

// Incident models (corridor simulate --incidents): any text is read as a
// model or refused with an InputError naming a field; an accepted model
// writes back to JSON that reads as the same model, and its draws are valid
// numbers.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "corridor/error.hpp"
#include "corridor/json.hpp"
#include "corridor/sim/model.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = corridor::fuzz::text_of(data, size);
  const auto document = corridor::json::try_parse(text);
  if (!document) return 0;
  corridor::sim::IncidentModel model;
  try {
    model = corridor::sim::parse_model(*document);
  } catch (const corridor::InputError&) {
    return 0;
  }
  const auto written = model.to_json();
  if (corridor::sim::parse_model(written).to_json() != written) {
    std::fprintf(stderr, "model %s does not read back\n", written.dump().c_str());
    std::abort();
  }
  corridor::sim::Rng rng(1);
  for (const auto* range : {&model.hazards.radius_m, &model.hazards.duration_min, &model.checkpoints.capacity_factor,
                            &model.checkpoints.duration_min, &model.breakdowns.delay_min, &model.departure_delay_min}) {
    const double x = range->sample(rng);
    if (std::isnan(x) || x < 0) {
      std::fprintf(stderr, "range %s drew %g\n", range->to_json().dump().c_str(), x);
      std::abort();
    }
  }
  return 0;
}

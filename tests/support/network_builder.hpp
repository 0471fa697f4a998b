#pragma once
// In-code networks: the smallest fixture tier. Nodes on a line or a random
// grid, arcs with chosen travel times.
#include <cstdint>
#include <random>

#include "corridor/osm/network.hpp"

namespace corridor::testing {

class NetworkBuilder {
 public:
  // Adds a node at lon/lat with an external id; returns its index.
  std::uint32_t node(double lon, double lat, std::int64_t id = -1);
  // Adds an arc u->v (and v->u when two_way) with the given travel time.
  NetworkBuilder& arc(std::uint32_t u, std::uint32_t v, std::uint32_t time_ms, bool two_way = false,
                      std::uint32_t capacity_vph = 600);
  [[nodiscard]] osm::RawNetwork build() const { return net_; }

  // A random connected-ish road-like network: n nodes on a jittered grid,
  // arcs between grid neighbours, some one-way, times from lengths.
  static osm::RawNetwork random_grid(std::uint32_t side, std::mt19937_64& rng);

 private:
  osm::RawNetwork net_ = [] {
    osm::RawNetwork n;
    n.source_kind = "test";
    n.class_names = {"residential"};
    return n;
  }();
};

}  // namespace corridor::testing

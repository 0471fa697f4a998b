#include "network_builder.hpp"

#include "corridor/geo/geo.hpp"

namespace corridor::testing {

std::uint32_t NetworkBuilder::node(double lon, double lat, std::int64_t id) {
  const auto index = static_cast<std::uint32_t>(net_.node_id.size());
  net_.node_id.push_back(id >= 0 ? id : 100 + index);
  net_.node_lon.push_back(geo::to_fixed(lon));
  net_.node_lat.push_back(geo::to_fixed(lat));
  return index;
}

NetworkBuilder& NetworkBuilder::arc(std::uint32_t u, std::uint32_t v, std::uint32_t time_ms, bool two_way,
                                    std::uint32_t capacity_vph) {
  osm::RawArc a;
  a.tail = u;
  a.head = v;
  a.time_ms = time_ms;
  a.length_m =
      static_cast<float>(geo::distance_m({geo::from_fixed(net_.node_lon[u]), geo::from_fixed(net_.node_lat[u])},
                                         {geo::from_fixed(net_.node_lon[v]), geo::from_fixed(net_.node_lat[v])}));
  a.capacity_vph = capacity_vph;
  a.way_id = static_cast<std::int64_t>(net_.arcs.size()) + 1;
  net_.arcs.push_back(a);
  if (two_way) {
    std::swap(a.tail, a.head);
    net_.arcs.push_back(a);
  }
  return *this;
}

osm::RawNetwork NetworkBuilder::random_grid(std::uint32_t side, std::mt19937_64& rng) {
  NetworkBuilder b;
  std::uniform_real_distribution<double> jitter(-0.0003, 0.0003);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<std::uint32_t> slow(1, 4);
  for (std::uint32_t y = 0; y < side; ++y) {
    for (std::uint32_t x = 0; x < side; ++x) b.node(8.0 + x * 0.001 + jitter(rng), 49.0 + y * 0.001 + jitter(rng));
  }
  auto link = [&](std::uint32_t u, std::uint32_t v) {
    const int k = kind(rng);
    if (k == 0) return;  // missing road
    const double len = geo::distance_m({geo::from_fixed(b.net_.node_lon[u]), geo::from_fixed(b.net_.node_lat[u])},
                                       {geo::from_fixed(b.net_.node_lon[v]), geo::from_fixed(b.net_.node_lat[v])});
    const auto time = osm::travel_time_ms(len, 50.0 / slow(rng));
    if (k == 1)
      b.arc(u, v, time);  // one-way
    else if (k == 2)
      b.arc(v, u, time);  // one-way the other way
    else
      b.arc(u, v, time, true);
  };
  for (std::uint32_t y = 0; y < side; ++y) {
    for (std::uint32_t x = 0; x < side; ++x) {
      const auto v = y * side + x;
      if (x + 1 < side) link(v, v + 1);
      if (y + 1 < side) link(v, v + side);
    }
  }
  return b.build();
}

}  // namespace corridor::testing

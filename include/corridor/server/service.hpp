#pragma once
// What `corridor serve` answers, without HTTP: the OSRM-compatible route
// query, health and the ledger's heads and proofs, each returning the JSON
// body or throwing ApiError. The graph, its spatial index and its landmarks
// are built once and never change; route searches borrow a query object
// from a pool (guarded by a mutex) and the ledger's connection is used under
// a mutex, so one Service serves many threads.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/graph/road_graph.hpp"
#include "corridor/graph/spatial_index.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/route/landmarks.hpp"
#include "corridor/scenario/scenario.hpp"
#include "corridor/server/errors.hpp"

namespace corridor::server {

// Query parameters in the order given (a key may repeat).
using Params = std::vector<std::pair<std::string, std::string>>;

struct ServiceOptions {
  double max_snap_m = 1000;         // farther coordinates get NoSegment
  std::uint32_t landmark_count = 16;
};

class Service {
 public:
  explicit Service(graph::RoadGraph g, ServiceOptions options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Scenarios are added before serving starts, addressed by name.
  void add_scenario(const std::string& name, scenario::Scenario s);
  // Opens the ledger whose heads and proofs /ledger/... serve.
  void attach_ledger(const std::filesystem::path& db);

  [[nodiscard]] const graph::RoadGraph& graph() const noexcept { return *graph_; }
  [[nodiscard]] bool has_ledger() const noexcept { return ledger_ != nullptr; }

  // GET /health
  [[nodiscard]] nlohmann::json health() const;
  // GET /route/v1/{profile}/{coordinates}: `coordinates` is the last path
  // segment ("lon,lat;lon,lat", optionally ending in ".json").
  [[nodiscard]] nlohmann::json route(std::string_view coordinates, const Params& params);
  // GET /ledger/head, /ledger/proof/inclusion, /ledger/proof/consistency
  [[nodiscard]] nlohmann::json ledger_head();
  [[nodiscard]] nlohmann::json inclusion_proof(const Params& params);
  [[nodiscard]] nlohmann::json consistency_proof(const Params& params);

 private:
  class QueryPool;
  std::unique_ptr<const graph::RoadGraph> graph_;
  graph::SpatialIndex index_;
  route::Landmarks landmarks_;
  ServiceOptions options_;
  std::map<std::string, scenario::Scenario, std::less<>> scenarios_;
  std::unique_ptr<QueryPool> pool_;
  std::mutex ledger_mutex_;
  std::unique_ptr<ledger::Ledger> ledger_;
};

}  // namespace corridor::server

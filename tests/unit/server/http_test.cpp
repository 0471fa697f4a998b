// The server as a whole: health, methods, body limits, concurrency on a real
// extract, and a clean stop.
#include <atomic>
#include <vector>

#include "corridor/route/dijkstra.hpp"
#include "server_testing.hpp"

namespace corridor::server::test {
namespace {

TEST(Http, Health) {
  Service service(import_map(drawn_map()));
  service.add_scenario("none", {});
  RunningServer server(service);
  const auto r = get(server.port(), "/health");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["status"], "ok");
  EXPECT_EQ(r.body["nodes"], service.graph().node_count());
  EXPECT_EQ(r.body["arcs"], service.graph().arc_count());
  EXPECT_EQ(r.body["scenarios"], nlohmann::json::array({"none"}));
  EXPECT_EQ(r.body["attribution"], "© OpenStreetMap contributors");
}

TEST(Http, MethodsBodiesAndKeepAlive) {
  Service service(import_map(drawn_map()));
  RunningServer server(service);
  Client client(server.port());
  const auto post = client.request("/health", "POST", "{}");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.body.value("code", ""), "MethodNotAllowed");
  EXPECT_EQ(client.request("/health").status, 200);  // the same connection still serves
  const auto big = Client(server.port()).request("/health", "POST", std::string(100 * 1024, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.body.value("code", ""), "TooBig");
  EXPECT_EQ(get(server.port(), "/health?verbose=1").body.value("code", ""), "InvalidUrl");
}

TEST(Http, StopsCleanlyWithAnIdleConnectionOpen) {
  Service service(import_map(drawn_map()));
  RunningServer server(service, 2);
  Client idle(server.port());
  EXPECT_EQ(idle.request("/health").status, 200);
  server.stop();  // returns although `idle` keeps its connection open
  EXPECT_THROW(get(server.port(), "/health"), std::exception);
}

TEST(Http, ConcurrentRoutesOnMonaco) {
  const auto& g = testing::imported_extract("monaco-2016-03.osm.pbf");
  Service service(g);  // a copy: the service owns its graph
  RunningServer server(service, 4);
  // Pairs of nodes spread over the graph, with the durations one search finds.
  std::vector<std::string> targets;
  std::vector<double> durations;
  route::BidirectionalDijkstra q(g);
  for (std::uint32_t i = 0; i < 50; ++i) {
    const auto s = static_cast<graph::NodeId>((std::uint64_t{i} * 7919u) % g.node_count());
    const auto t = static_cast<graph::NodeId>((std::uint64_t{i} * 104729u + 17u) % g.node_count());
    const auto r = q.run(s, t);
    if (!r.found || g.first_out[s] == g.first_out[s + 1] || g.in_first[t] == g.in_first[t + 1]) continue;
    const auto a = g.where(s), b = g.where(t);
    targets.push_back("/route/v1/driving/" + nlohmann::json(a.lon).dump() + "," + nlohmann::json(a.lat).dump() + ";" +
                      nlohmann::json(b.lon).dump() + "," + nlohmann::json(b.lat).dump() + "?overview=false");
    durations.push_back(static_cast<double>(r.time_ms) / 1000.0);
  }
  ASSERT_GT(targets.size(), 20u);
  std::atomic<int> ok{0}, same{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Client client(server.port());
      for (std::size_t i = 0; i < 50; ++i) {
        const auto k = (i + static_cast<std::size_t>(t) * 13) % targets.size();
        const auto r = client.request(targets[k]);
        if (r.status == 200 && r.body["code"] == "Ok") ++ok;
        // A coordinate on a node may snap to another node at the same place;
        // the durations then still agree within a metre's drive.
        if (r.status == 200 && std::abs(r.body["routes"][0]["duration"].get<double>() - durations[k]) < 0.5) ++same;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(same.load(), 200);
}

}  // namespace
}  // namespace corridor::server::test

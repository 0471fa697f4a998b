// The server as a whole: health, methods, body limits, concurrency on a real
// extract, and a clean stop.
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <vector>

#include "corridor/route/router.hpp"
#include "corridor/server/errors.hpp"
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

// Raw bytes on one connection, and everything the server sends back until
// it closes (or 3 s pass).
std::string raw_exchange(int port, const std::vector<std::string>& sends) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  for (const auto& bytes : sends) boost::asio::write(socket, boost::asio::buffer(bytes));
  timeval timeout{3, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string answer;
  std::array<char, 4096> chunk{};
  boost::system::error_code ec;
  while (!ec) {
    const auto n = socket.read_some(boost::asio::buffer(chunk), ec);
    answer.append(chunk.data(), n);
  }
  return answer;
}

int count_of(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(Http, BytesThatAreNotUtf8AreEscapedNot500) {
  Service service(import_map(drawn_map()));
  RunningServer server(service);
  const auto path = raw_exchange(server.port(), {"GET /\xff\xfe/x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"});
  EXPECT_TRUE(path.starts_with("HTTP/1.1 404")) << path;
  EXPECT_NE(path.find(R"(/\\xff\\xfe/x)"), std::string::npos) << path;
  const auto decoded = get(server.port(), "/%ff%fe");
  EXPECT_EQ(decoded.status, 404);
  EXPECT_NE(decoded.body.value("message", "").find("\\xff\\xfe"), std::string::npos) << decoded.text;
  const auto route = get(server.port(), "/route/v1/driving/%ff,1;2,3");
  EXPECT_EQ(route.status, 400) << route.text;
  EXPECT_EQ(get(server.port(), "/health?%ff=1").status, 400);
  EXPECT_EQ(printable("a\xc3\xa9\xe2\x82\xac\x01\xc0\xaf\xed\xa0\x80"),
            "a\xc3\xa9\xe2\x82\xac\\x01\\xc0\\xaf\\xed\\xa0\\x80");
}

TEST(Http, OversizedHeadersNameTheHeaderLimit) {
  Service service(import_map(drawn_map()));
  RunningServer server(service);
  const auto r = raw_exchange(server.port(),
                              {"GET /health HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"});
  EXPECT_TRUE(r.starts_with("HTTP/1.1 431")) << r.substr(0, 200);
  EXPECT_NE(r.find("header block is larger than the limit of 16384 bytes"), std::string::npos) << r.substr(0, 300);
}

TEST(Http, AMalformedRequestOnAKeptAliveConnectionIsAnswered) {
  Service service(import_map(drawn_map()));
  RunningServer server(service);
  const std::string good = "GET /health HTTP/1.1\r\nHost: h\r\n\r\n";
  // The malformed request comes with more bytes behind it that are never read.
  const auto r = raw_exchange(server.port(), {good, "BAD REQUEST LINE\r\n\r\n" + std::string(200000, 'z')});
  EXPECT_EQ(count_of(r, "HTTP/1.1 200"), 1) << r.substr(0, 300);
  EXPECT_EQ(count_of(r, "HTTP/1.1 400"), 1) << r;
  EXPECT_NE(r.find("malformed HTTP request"), std::string::npos) << r;
  EXPECT_EQ(get(server.port(), "/health").status, 200);
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
  // Pairs of nodes spread over the graph, with the durations one search
  // finds (honouring Monaco's turn restrictions, as the service does).
  std::vector<std::string> targets;
  std::vector<double> durations;
  route::Router q(g, route::Algorithm::dijkstra, nullptr);
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

// The network side: a blocking accept loop, a pool of worker threads, one
// connection per task with keep-alive, Beast's parser with a body limit.
#include "corridor/server/http_server.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <set>

namespace corridor::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::State {
  State(Service& s, ServerOptions o) : service(s), options(std::move(o)) {}
  Service& service;
  ServerOptions options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::atomic<bool> stopping{false};
  std::mutex mutex;               // guards `open`
  std::set<int> open;             // native handles of open connections

  void serve(tcp::socket socket);
  void track(int fd, bool add) {
    const std::lock_guard lock(mutex);
    if (add) {
      open.insert(fd);
    } else {
      open.erase(fd);
    }
  }
};

namespace {

http::response<http::string_body> make_response(unsigned version, bool keep_alive, const Answer& a) {
  http::response<http::string_body> res{static_cast<http::status>(a.status), version};
  res.set(http::field::server, "corridor");
  res.set(http::field::content_type, a.content_type);
  res.set(http::field::access_control_allow_origin, "*");
  res.keep_alive(keep_alive);
  res.body() = a.body;
  res.prepare_payload();
  return res;
}

Answer failure(ErrorKind kind, const std::string& message) {
  return {error_info(kind).status, error_body(kind, message).dump(), "application/json"};
}

}  // namespace

void HttpServer::State::serve(tcp::socket socket) {
  const int fd = socket.native_handle();
  timeval timeout{options.idle_timeout_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  track(fd, true);
  // Forgotten before it is closed (so that stop() never touches a reused
  // descriptor), also when answering throws.
  struct Closer {
    State& state;
    tcp::socket& socket;
    ~Closer() {
      state.track(socket.native_handle(), false);
      boost::system::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    }
  } closer{*this, socket};
  boost::beast::flat_buffer buffer;
  boost::system::error_code ec;
  while (!stopping) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(16 * 1024);
    http::read(socket, buffer, parser, ec);
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset) break;
    if (ec) {
      const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
      const auto a = too_big ? failure(ErrorKind::payload_too_large,
                                       "the request is larger than the limit of " +
                                           std::to_string(options.max_body_bytes) + " bytes")
                             : failure(ErrorKind::invalid_url, "malformed HTTP request");
      if (ec != asio::error::would_block && ec != asio::error::timed_out) {
        http::write(socket, make_response(11, false, a), ec);
      }
      break;
    }
    auto& req = parser.get();
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    request.body = std::move(req.body());
    const auto a = service.handle(request);
    auto res = make_response(req.version(), req.keep_alive(), a);
    if (req.method() == http::verb::head) {
      res.body().clear();
      res.content_length(a.body.size());
    }
    http::write(socket, res, ec);
    if (ec || !res.keep_alive()) break;
  }
}

HttpServer::HttpServer(Service& service, ServerOptions options)
    : state_(std::make_unique<State>(service, std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::bind() {
  auto& s = *state_;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(s.options.host, ec);
  if (ec) throw IoError("cannot listen on " + s.options.host + ": not an IP address");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(s.options.port));
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw IoError("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) + ": " + ec.message());
  }
  s.options.port = s.acceptor.local_endpoint().port();
  return s.options.port;
}

void HttpServer::run() {
  auto& s = *state_;
  asio::thread_pool workers(s.options.threads == 0 ? 1 : s.options.threads);
  while (!s.stopping) {
    tcp::socket socket(s.io);
    boost::system::error_code ec;
    s.acceptor.accept(socket, ec);
    if (s.stopping) break;
    if (ec) continue;  // a connection that went away before it was accepted
    asio::post(workers, [&s, sock = std::move(socket)]() mutable {
      try {
        s.serve(std::move(sock));
      } catch (const std::exception&) {
        // Out of memory while answering: the connection is dropped, the
        // worker stays.
      }
    });
  }
  {
    // Wake the workers blocked reading from idle keep-alive connections.
    const std::lock_guard lock(s.mutex);
    for (int fd : s.open) ::shutdown(fd, SHUT_RD);
  }
  workers.join();
}

void HttpServer::stop() {
  auto& s = *state_;
  if (s.stopping.exchange(true)) return;
  ::shutdown(s.acceptor.native_handle(), SHUT_RDWR);  // wakes a blocking accept
  const std::lock_guard lock(s.mutex);
  for (int fd : s.open) ::shutdown(fd, SHUT_RD);
}

}  // namespace corridor::server

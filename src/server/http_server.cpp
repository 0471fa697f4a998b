// The network side, asynchronous (Boost.Beast over one io_context run by a
// fixed pool of threads): a connection waiting for its next request holds
// no thread, so idle keep-alive clients never starve busy ones. Each
// connection reads one request at a time through Beast's parser (body and
// header limits), has it answered by Service::handle on the thread that
// read it, and writes the answer; 30 s without a complete request closes it.
#include "corridor/server/http_server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace corridor::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint32_t k_header_limit_bytes = 16 * 1024;

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
  return {error_info(kind).status, answer_text(error_body(kind, message)), "application/json"};
}

}  // namespace

struct HttpServer::State {
  State(Service& s, ServerOptions o) : service(s), options(std::move(o)) {}
  Service& service;
  ServerOptions options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::atomic<bool> stopping{false};

  class Connection;
  std::mutex mutex;                           // guards `open`
  std::list<std::weak_ptr<Connection>> open;  // closed when the server stops

  void accept();
};

class HttpServer::State::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(State& state, tcp::socket socket) : state_(state), stream_(std::move(socket)) {}

  void start(std::list<std::weak_ptr<Connection>>::iterator self) {
    self_ = self;
    read();
  }
  // From any thread, once the server stops.
  void close() {
    asio::post(stream_.get_executor(), [keep = shared_from_this()] { keep->shut(); });
  }
  ~Connection() {
    const std::lock_guard lock(state_.mutex);
    state_.open.erase(self_);
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(state_.options.max_body_bytes);
    parser_->header_limit(k_header_limit_bytes);
    stream_.expires_after(std::chrono::seconds(state_.options.idle_timeout_s));
    http::async_read(stream_, buffer_, *parser_,
                     [keep = shared_from_this()](beast::error_code ec, std::size_t) { keep->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted || state_.stopping) {
      shut();
      return;
    }
    if (ec) {
      // Answer before closing, so the client learns why.
      Answer answer;
      if (ec == http::error::body_limit) {
        answer = failure(ErrorKind::payload_too_large, "the request body is larger than the limit of " +
                                                           std::to_string(state_.options.max_body_bytes) + " bytes");
      } else if (ec == http::error::header_limit) {
        answer = failure(ErrorKind::headers_too_large, "the request's header block is larger than the limit of " +
                                                           std::to_string(k_header_limit_bytes) + " bytes");
      } else {
        answer = failure(ErrorKind::invalid_url, "malformed HTTP request: " + ec.message());
      }
      write(make_response(11, false, answer));
      return;
    }
    auto& req = parser_->get();
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req)
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    request.body = std::move(req.body());
    Answer answer;
    try {
      answer = state_.service.handle(request);
    } catch (const std::bad_alloc&) {
      answer = failure(ErrorKind::internal, "out of memory");
    } catch (const std::exception& e) {  // handle() answers every error itself: this is a bug
      answer = failure(ErrorKind::internal, std::string("internal error: ") + e.what());
    }
    auto res = make_response(req.version(), req.keep_alive(), answer);
    if (req.method() == http::verb::head) {
      res.body().clear();
      res.content_length(answer.body.size());
    }
    write(std::move(res));
  }

  void write(http::response<http::string_body> res) {
    response_ = std::move(res);
    stream_.expires_after(std::chrono::seconds(state_.options.idle_timeout_s));
    http::async_write(stream_, response_, [keep = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || keep->state_.stopping) {
        keep->shut();
      } else if (!keep->response_.keep_alive()) {
        keep->linger();
      } else {
        keep->read();
      }
    });
  }

  // Closing a socket with unread bytes in it resets the connection, and a
  // reset can destroy the answer just sent (a refused request often leaves
  // the rest of itself unread). So: stop sending, read and drop what the
  // client still sends for a moment, then close.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    stream_.async_read_some(asio::buffer(drain_), [keep = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || keep->state_.stopping)
        keep->shut();
      else
        keep->linger();
    });
  }

  void shut() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  State& state_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::list<std::weak_ptr<Connection>>::iterator self_;
  std::array<char, 4096> drain_{};
};

void HttpServer::State::accept() {
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor.is_open()) return;
    if (!ec) {  // else a connection that went away before it was accepted
      auto connection = std::make_shared<Connection>(*this, std::move(socket));
      std::list<std::weak_ptr<Connection>>::iterator at;
      {
        const std::lock_guard lock(mutex);
        at = open.insert(open.end(), connection);
      }
      connection->start(at);
    }
    accept();
  });
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
  if (s.stopping) return;
  s.accept();
  const std::size_t count = s.options.threads == 0 ? 1 : s.options.threads;
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < count; ++i) threads.emplace_back([&s] { s.io.run(); });
  s.io.run();
  for (auto& t : threads) t.join();
}

void HttpServer::stop() {
  auto& s = *state_;
  if (s.stopping.exchange(true)) return;
  // On the io threads: stop accepting, close every connection (a request
  // being answered finishes first), and let run() return once all is done.
  asio::post(s.io, [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    std::vector<std::shared_ptr<State::Connection>> connections;
    {
      const std::lock_guard lock(s.mutex);
      for (auto& weak : s.open) {
        if (auto c = weak.lock()) connections.push_back(std::move(c));
      }
    }
    for (auto& c : connections) c->close();
  });
}

}  // namespace corridor::server

#pragma once
// The HTTP/1.1 front of a Service (Boost.Beast, asynchronous): a fixed pool
// of threads runs every connection (keep-alive honoured; a connection
// waiting for its next request holds no thread), every request answered by
// Service::handle.
#include <cstddef>
#include <memory>
#include <string>

#include "corridor/server/service.hpp"

namespace corridor::server {

struct ServerOptions {
  std::string host = "127.0.0.1";         // an IPv4 or IPv6 address
  int port = 8080;                        // 0: any free port
  std::size_t threads = 8;                // threads answering requests
  std::size_t max_body_bytes = 4u << 20;  // larger request bodies get 413 (a signed agreement can be 1 MiB)
  int idle_timeout_s = 30;                // a connection idle this long is closed
};

class HttpServer {
 public:
  HttpServer(Service& service, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; returns the port (the chosen one when the
  // options say 0). Throws IoError when the address cannot be bound.
  int bind();
  // Serves until stop(); call after bind(). Returns once every connection
  // is closed and every worker has finished.
  void run();
  // Makes run() return (also when called before run()); safe from any thread.
  void stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "HOST:PORT" (port 0..65535) -> options.host/port; throws InputError
// naming --listen.
void parse_listen(const std::string& text, ServerOptions& options);

}  // namespace corridor::server

#pragma once
// A plain HTTP/1.1 client for the tests (Boost.Beast): one keep-alive
// connection to a server on 127.0.0.1.
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace corridor::testing {

struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string text;
  std::string content_type;
};

// One keep-alive connection to 127.0.0.1:port.
class Client {
 public:
  explicit Client(int port) : socket_(io_) {
    const boost::asio::ip::tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"),
                                            static_cast<unsigned short>(port));
    socket_.connect(at);
  }
  using Headers = std::vector<std::pair<std::string, std::string>>;
  Reply request(const std::string& target, const std::string& method = "GET", const std::string& body = "",
                const Headers& headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    Reply r;
    r.status = static_cast<int>(res.result_int());
    r.text = res.body();
    r.content_type = std::string(res[http::field::content_type]);
    r.body = nlohmann::json::parse(r.text, nullptr, false);
    return r;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// A request on a fresh connection.
inline Reply get(int port, const std::string& target) { return Client(port).request(target); }

}  // namespace corridor::testing

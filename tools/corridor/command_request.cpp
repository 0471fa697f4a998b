// corridor request [--key KEY] [--token T] METHOD URL [--data FILE|-]: one
// HTTP request to a corridor service, signed with a party's key.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli.hpp"
#include "corridor/error.hpp"
#include "corridor/json.hpp"
#include "corridor/server/request_signature.hpp"

namespace corridor::cli {
namespace {

struct RequestOptions {
  std::string method;
  std::string url;
  std::string key;
  std::string token;
  std::string data;
  bool fail_quietly = false;
};

struct Url {
  std::string host;
  std::string port = "80";
  std::string target = "/";
};

Url parse_url(const std::string& text) {
  constexpr std::string_view scheme = "http://";
  if (text.rfind(scheme, 0) != 0) throw InputError("URL", "must start with http://, got \"" + text + "\"");
  Url url;
  const auto rest = text.substr(scheme.size());
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  if (slash != std::string::npos) url.target = rest.substr(slash);
  const auto colon = authority.rfind(':');
  url.host = authority.substr(0, colon);
  if (colon != std::string::npos) url.port = authority.substr(colon + 1);
  if (url.host.size() > 2 && url.host.front() == '[') url.host = url.host.substr(1, url.host.size() - 2);
  if (url.host.empty() || url.port.empty())
    throw InputError("URL", "expected http://HOST[:PORT]/PATH, got \"" + text + "\"");
  return url;
}

std::string read_body(const std::string& data) {
  if (data.empty()) return {};
  if (data == "-") return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  std::ifstream in(data, std::ios::binary);
  if (!in) throw IoError(data + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int run_request(const RequestOptions& o) {
  namespace http = boost::beast::http;
  namespace asio = boost::asio;
  const auto url = parse_url(o.url);
  const auto verb = http::string_to_verb(o.method);
  if (verb == http::verb::unknown) throw InputError("METHOD", "not an HTTP method: \"" + o.method + "\"");
  http::request<http::string_body> req{verb, url.target, 11};
  req.set(http::field::host, url.host + ":" + url.port);
  req.set(http::field::user_agent, "corridor-request");
  req.body() = read_body(o.data);
  if (!req.body().empty()) req.set(http::field::content_type, "application/json");
  if (!o.key.empty()) {
    const auto key = agree::read_secret_key(o.key);
    const auto s = server::sign_request(key, o.method, url.target, req.body());
    req.set(std::string(server::k_header_key), s.kid);
    req.set(std::string(server::k_header_time), s.time);
    req.set(std::string(server::k_header_nonce), s.nonce);
    req.set(std::string(server::k_header_signature), s.signature);
  }
  if (!o.token.empty()) req.set(http::field::authorization, "Bearer " + o.token);
  req.prepare_payload();

  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  const auto endpoints = asio::ip::tcp::resolver(io).resolve(url.host, url.port, ec);
  if (!ec) asio::connect(socket, endpoints, ec);
  if (ec) throw IoError("cannot connect to " + url.host + ":" + url.port + ": " + ec.message());
  http::write(socket, req, ec);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024ull * 1024 * 1024);
  if (!ec) http::read(socket, buffer, parser, ec);
  if (ec) throw IoError(o.method + " " + o.url + ": " + ec.message());
  const auto& res = parser.get();
  std::cout << res.body();
  if (!res.body().empty() && res.body().back() != '\n') std::cout << "\n";
  const auto status = res.result_int();
  if (status >= 200 && status < 300) return k_exit_ok;
  std::string message;
  const auto body = json::try_parse(res.body()).value_or(nullptr);
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    message = ": " + body.value("code", "") + ": " + body["message"].get<std::string>();
  }
  if (!o.fail_quietly) std::cerr << "corridor request: HTTP " << status << message << "\n";
  return k_exit_failed_check;
}

}  // namespace

void add_request_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<RequestOptions>();
  auto* cmd = app.add_subcommand(
      "request",
      "Sends one request to a corridor service and prints the response body. With --key the request is\n"
      "signed by that party's key (docs/http-api.md): the service takes writes only signed, and reads\n"
      "signed or with --token (from POST /sessions). Exit 0 on a 2xx answer, 1 otherwise.\n"
      "Examples:\n"
      "  corridor request --key mediator.key POST http://127.0.0.1:8080/scenarios?name=andorra --data andorra.geojson\n"
      "  corridor request --key mediator.key POST http://127.0.0.1:8080/plans --data - <<< '{\"scenario\": "
      "\"andorra\"}'\n"
      "  corridor request --key party-a.key GET http://127.0.0.1:8080/agreements");
  cmd->add_option("method", o->method, "GET or POST")->required();
  cmd->add_option("url", o->url, "http://HOST:PORT/PATH?QUERY")->required();
  cmd->add_option("--key", o->key, "party key file (NAME.key from `corridor keygen`) to sign with");
  cmd->add_option("--token", o->token, "session token (from POST /sessions) for reads");
  cmd->add_option("-d,--data", o->data, "file whose bytes are the body ('-': standard input)");
  cmd->add_flag("-q,--quiet", o->fail_quietly, "no message on stderr when the answer is not 2xx");
  runs[cmd] = [o] { return run_request(*o); };
}

}  // namespace corridor::cli

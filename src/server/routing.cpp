// From method and target to status and JSON body: the URL table, query
// decoding and the one place where errors become HTTP statuses.
#include <charconv>
#include <new>
#include <optional>
#include <vector>

#include "corridor/server/http_server.hpp"

namespace corridor::server {
namespace {

// Percent-decoding; in a query '+' is a space. nullopt for a malformed escape.
std::optional<std::string> decode(std::string_view text, bool query) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      unsigned value = 0;
      if (i + 2 >= text.size()) return std::nullopt;
      const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec != std::errc{} || end != text.data() + i + 3) return std::nullopt;
      out.push_back(static_cast<char>(value));
      i += 2;
    } else if (c == '+' && query) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Params parse_query(std::string_view query) {
  Params params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto key = decode(pair.substr(0, eq), true);
    const auto value = decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!key || !value) throw ApiError(ErrorKind::invalid_url, "malformed query string");
    params.emplace_back(*key, *value);
  }
  return params;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

nlohmann::json route_request(Service& service, const std::string& method, const std::string& path,
                             const Params& params) {
  const auto parts = split_path(path);
  auto only_get = [&] {
    if (method != "GET" && method != "HEAD") {
      throw ApiError(ErrorKind::method_not_allowed, method + " " + path + ": only GET is served here");
    }
  };
  auto no_params = [&] {
    if (!params.empty()) throw ApiError(ErrorKind::invalid_url, "unknown parameter \"" + params.front().first + "\"");
  };
  if (path == "/health") {
    only_get();
    no_params();
    return service.health();
  }
  if (parts.size() == 4 && parts[0] == "route" && parts[1] == "v1" && !parts[2].empty()) {
    only_get();
    return service.route(parts[3], params);
  }
  if (path == "/ledger/head") {
    only_get();
    no_params();
    return service.ledger_head();
  }
  if (path == "/ledger/proof/inclusion") {
    only_get();
    return service.inclusion_proof(params);
  }
  if (path == "/ledger/proof/consistency") {
    only_get();
    return service.consistency_proof(params);
  }
  if (parts.size() >= 2 && parts[0] == "route" && parts[1] != "v1") {
    throw ApiError(ErrorKind::invalid_url, "only version v1 of the route service exists");
  }
  throw ApiError(ErrorKind::unknown_path, "URL not found: " + path);
}

}  // namespace

HttpAnswer answer_request(Service& service, const std::string& method, const std::string& target) {
  HttpAnswer answer;
  auto fail = [&](ErrorKind kind, const std::string& message) {
    answer.status = error_info(kind).status;
    answer.body = error_body(kind, message).dump();
  };
  try {
    const auto question = target.find('?');
    const auto path = decode(std::string_view(target).substr(0, question), false);
    if (!path || path->empty() || path->front() != '/') throw ApiError(ErrorKind::invalid_url, "malformed URL");
    const auto params =
        parse_query(question == std::string::npos ? std::string_view{} : std::string_view(target).substr(question + 1));
    answer.body = route_request(service, method, *path, params).dump();
    answer.status = 200;
  } catch (const ApiError& e) {
    fail(e.kind(), e.what());
  } catch (const InputError& e) {
    fail(ErrorKind::invalid_value, e.what());
  } catch (const std::bad_alloc&) {
    fail(ErrorKind::internal, "out of memory");
  } catch (const std::exception& e) {
    fail(ErrorKind::internal, e.what());
  }
  return answer;
}

void parse_listen(const std::string& text, ServerOptions& options) {
  const auto colon = text.rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon > 0) {
    const auto digits = std::string_view(text).substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) port = -1;
  }
  if (port < 0 || port > 65535) {
    throw InputError("--listen", "expected HOST:PORT (e.g. 127.0.0.1:8080), got \"" + text + "\"");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  options.host = host;
  options.port = port;
}

}  // namespace corridor::server

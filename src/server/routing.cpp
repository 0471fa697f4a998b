// From request to answer: the URL table with who may call what, query
// decoding, the page's files and the one place where errors become HTTP
// statuses.
#include <charconv>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <sstream>
#include <vector>

#include "corridor/json.hpp"
#include "corridor/server/http_server.hpp"
#include "resources.hpp"

namespace corridor::server {

std::vector<std::string> path_segments(const std::string& path) {
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

enum class Access {
  open,      // anyone
  party,     // a registered party: signature or session
  signed_,   // a registered party's signed request
  mediator,  // a signed request of a party whose role is "mediator"
};

// What a handler gets: the request, the path's wildcard segments in order,
// the query and the caller (for every access but open).
struct Call {
  Resources& r;
  const Request& request;
  std::vector<std::string> wild;
  const Params& params;
  const Caller* caller;
  [[nodiscard]] nlohmann::json json_body() const {
    std::string why;
    auto body = json::try_parse(request.body, &why);
    if (!body) throw ApiError(ErrorKind::invalid_body, "the body is not JSON: " + why);
    return std::move(*body);
  }
};

nlohmann::json health(const Resources& r) {
  return {{"status", "ok"},
          {"nodes", r.graph->node_count()},
          {"arcs", r.graph->arc_count()},
          {"scenarios", r.scenarios.names()},
          {"ledger", r.log != nullptr},
          {"attribution", "© OpenStreetMap contributors"}};
}

Answer json_answer(const nlohmann::json& body, int status = 200) {
  return {status, answer_text(body), "application/json"};
}

struct Endpoint {
  std::string_view method;
  std::string_view pattern;  // "/plans/*/plan.json": '*' is one path segment
  Access access;
  std::initializer_list<std::string_view> params;  // the query parameters it takes
  Answer (*run)(const Call&);
};

// The API's URL table (docs/http-api.md); /route/v1 and the page's files
// are matched apart.
const Endpoint k_endpoints[] = {
    {"GET", "/health", Access::open, {}, [](const Call& c) { return json_answer(health(c.r)); }},
    {"GET", "/ledger/head", Access::open, {}, [](const Call& c) { return json_answer(attached(c.r.log).head()); }},
    {"GET",
     "/ledger/proof/inclusion",
     Access::open,
     {"index", "size"},
     [](const Call& c) { return json_answer(attached(c.r.log).inclusion_proof(c.params)); }},
    {"GET",
     "/ledger/proof/consistency",
     Access::open,
     {"old", "new"},
     [](const Call& c) { return json_answer(attached(c.r.log).consistency_proof(c.params)); }},
    {"GET",
     "/network.geojson",
     Access::open,
     {"bbox"},
     [](const Call& c) {
       return Answer{200, c.r.routes.network_geojson(c.params), "application/geo+json"};
     }},
    {"POST",
     "/sessions",
     Access::signed_,
     {},
     [](const Call& c) {
       if (!c.request.body.empty()) throw ApiError(ErrorKind::invalid_body, "POST /sessions takes no body");
       return json_answer(c.r.parties->create_session(*c.caller), 201);
     }},
    {"GET",
     "/sessions/current",
     Access::party,
     {},
     [](const Call& c) {
       return json_answer({{"party", c.caller->party},
                           {"role", c.caller->role},
                           {"kid", c.caller->kid},
                           {"via", c.caller->signed_request ? "signature" : "session"}});
     }},
    {"GET", "/parties", Access::party, {}, [](const Call& c) { return json_answer(c.r.parties->list()); }},
    {"POST",
     "/parties",
     Access::mediator,
     {},
     [](const Call& c) { return json_answer(c.r.parties->register_party(c.json_body()), 201); }},
    {"GET", "/scenarios", Access::party, {}, [](const Call& c) { return json_answer(c.r.scenarios.list()); }},
    {"POST",
     "/scenarios",
     Access::mediator,
     {"name"},
     [](const Call& c) {
       const auto name = param(c.params, "name");
       if (!name) throw ApiError(ErrorKind::invalid_value, "parameter name is required: POST /scenarios?name=NAME");
       return json_answer(c.r.scenarios.upload(*name, c.request.body, *c.caller), 201);
     }},
    {"GET",
     "/scenarios/*",
     Access::party,
     {},
     [](const Call& c) {
       return Answer{200, c.r.scenarios.geojson(c.wild[0]), "application/geo+json"};
     }},
    {"POST",
     "/plans",
     Access::mediator,
     {},
     [](const Call& c) { return json_answer(c.r.plans->start(c.json_body(), *c.caller), 202); }},
    {"GET", "/plans", Access::party, {}, [](const Call& c) { return json_answer(c.r.plans->list()); }},
    {"GET", "/plans/*", Access::party, {}, [](const Call& c) { return json_answer(c.r.plans->job(c.wild[0])); }},
    {"GET",
     "/plans/*/plan.json",
     Access::party,
     {},
     [](const Call& c) {
       return Answer{200, c.r.plans->output(c.wild[0], Plans::Output::json), "application/json"};
     }},
    {"GET",
     "/plans/*/plan.geojson",
     Access::party,
     {},
     [](const Call& c) {
       return Answer{200, c.r.plans->output(c.wild[0], Plans::Output::geojson), "application/geo+json"};
     }},
    {"GET",
     "/plans/*/plan.csv",
     Access::party,
     {},
     [](const Call& c) {
       return Answer{200, c.r.plans->output(c.wild[0], Plans::Output::csv), "text/csv; charset=utf-8"};
     }},
    {"POST",
     "/agreements",
     Access::mediator,
     {},
     [](const Call& c) { return json_answer(c.r.agreements->propose(c.json_body()), 201); }},
    {"GET", "/agreements", Access::party, {}, [](const Call& c) { return json_answer(c.r.agreements->list()); }},
    {"GET",
     "/agreements/*",
     Access::party,
     {},
     [](const Call& c) { return json_answer(c.r.agreements->get(c.wild[0])); }},
    {"GET",
     "/agreements/*/document",
     Access::party,
     {},
     [](const Call& c) { return json_answer(c.r.agreements->document(c.wild[0])); }},
    {"POST",
     "/agreements/*/signatures",
     Access::signed_,
     {},
     [](const Call& c) { return json_answer(c.r.agreements->add_signature(c.wild[0], c.json_body())); }},
    {"GET",
     "/agreements/*/verify",
     Access::party,
     {},
     [](const Call& c) { return json_answer(c.r.agreements->verify(c.wild[0])); }},
    {"GET",
     "/agreements/*/diff/*",
     Access::party,
     {},
     [](const Call& c) { return json_answer(c.r.agreements->diff(c.wild[0], c.wild[1])); }},
    {"POST",
     "/incidents",
     Access::signed_,
     {},
     [](const Call& c) { return json_answer(c.r.incidents->report(c.json_body()), 201); }},
    {"GET", "/incidents", Access::party, {}, [](const Call& c) { return json_answer(c.r.incidents->list()); }},
    {"GET", "/violations", Access::party, {}, [](const Call& c) { return json_answer(c.r.incidents->violations()); }},
    {"POST",
     "/reports",
     Access::signed_,
     {},
     [](const Call& c) { return json_answer(attached(c.r.operations).report(c.json_body()), 201); }},
    {"GET",
     "/status",
     Access::party,
     {"at"},
     [](const Call& c) { return json_answer(attached(c.r.operations).status(c.params, false)); }},
    {"GET",
     "/status.geojson",
     Access::party,
     {"at"},
     [](const Call& c) {
       return Answer{200, answer_text(attached(c.r.operations).status(c.params, true)), "application/geo+json"};
     }},
    {"POST",
     "/plans/*/simulate",
     Access::signed_,
     {},
     [](const Call& c) {
       return json_answer(attached(c.r.simulations).start(c.wild[0], c.json_body(), *c.caller), 202);
     }},
    {"GET",
     "/simulations",
     Access::party,
     {"plan"},
     [](const Call& c) { return json_answer(attached(c.r.simulations).list(c.params)); }},
    {"GET",
     "/simulations/*",
     Access::party,
     {},
     [](const Call& c) { return json_answer(attached(c.r.simulations).job(c.wild[0])); }},
    {"GET",
     "/simulations/*/blocking.geojson",
     Access::party,
     {},
     [](const Call& c) {
       return Answer{200, attached(c.r.simulations).geojson(c.wild[0]), "application/geo+json"};
     }},
    {"POST",
     "/simulations/*/cancel",
     Access::signed_,
     {},
     [](const Call& c) {
       // No body, or an empty object (parsed all the same: no body escapes the parser's limits).
       if (!c.request.body.empty() && c.json_body() != nlohmann::json::object())
         throw ApiError(ErrorKind::invalid_body, "POST /simulations/ID/cancel takes no body (or {})");
       return json_answer(attached(c.r.simulations).cancel(c.wild[0], *c.caller));
     }},
    {"POST",
     "/plans/*/replan",
     Access::mediator,
     {},
     [](const Call& c) {
       return json_answer(attached(c.r.operations).replan(c.wild[0], c.json_body(), *c.caller), 201);
     }},
};

// The wildcard segments when `parts` match the pattern.
std::optional<std::vector<std::string>> match(std::string_view pattern, const std::vector<std::string>& parts) {
  const auto want = path_segments(std::string(pattern));
  if (want.size() != parts.size()) return std::nullopt;
  std::vector<std::string> wild;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "*") {
      if (parts[i].empty()) return std::nullopt;
      wild.push_back(parts[i]);
    } else if (want[i] != parts[i]) {
      return std::nullopt;
    }
  }
  return wild;
}

std::string content_type_of(const std::filesystem::path& file) {
  static const std::pair<std::string_view, std::string_view> types[] = {{".html", "text/html; charset=utf-8"},
                                                                        {".js", "text/javascript; charset=utf-8"},
                                                                        {".mjs", "text/javascript; charset=utf-8"},
                                                                        {".css", "text/css; charset=utf-8"},
                                                                        {".json", "application/json"},
                                                                        {".svg", "image/svg+xml"},
                                                                        {".png", "image/png"},
                                                                        {".ico", "image/x-icon"},
                                                                        {".map", "application/json"},
                                                                        {".txt", "text/plain; charset=utf-8"}};
  const auto ext = file.extension().string();
  for (const auto& [e, type] : types) {
    if (e == ext) return std::string(type);
  }
  return "application/octet-stream";
}

// A file of the page, if `path` names one inside the web folder.
std::optional<Answer> page_file(const std::filesystem::path& web_dir, const std::string& path) {
  if (web_dir.empty()) {
    if (path == "/") {
      return Answer{200,
                    "<!doctype html><title>corridor</title><p>The map page is not built: run <code>make build</code> "
                    "(or <code>npm ci && npm run build</code> in web/) and start <code>corridor serve --web "
                    "web/dist</code>. Map data &copy; OpenStreetMap contributors.</p>",
                    "text/html; charset=utf-8"};
    }
    return std::nullopt;
  }
  const auto relative = std::filesystem::path(path == "/" ? "index.html" : path.substr(1)).lexically_normal();
  if (relative.empty() || relative.is_absolute() || *relative.begin() == "..") return std::nullopt;
  const auto file = web_dir / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) throw ApiError(ErrorKind::internal, "cannot read " + file.string());
  return Answer{200, bytes.str(), content_type_of(file)};
}

void check_params(const Params& params, std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : params) {
    bool ok = false;
    for (auto name : known) ok = ok || k == name;
    if (!ok) throw ApiError(ErrorKind::invalid_url, "unknown parameter \"" + k + "\"");
  }
}

// Endpoints other than open ones need the database: its parties say who may
// call them.
const Caller& require(const Resources& r, const Request& request, Access access, std::optional<Caller>& caller) {
  if (!r.parties) {
    throw ApiError(ErrorKind::not_found,
                   "this service has no database (start it with --db): it serves the map page, routes, the road "
                   "network and /health only");
  }
  caller = r.parties->authenticate(request);
  if (!caller) {
    throw ApiError(ErrorKind::unauthorized,
                   access == Access::party
                       ? "this needs a registered party: sign the request (X-Corridor-* headers, `corridor request`) "
                         "or send Authorization: Bearer TOKEN from POST /sessions"
                       : "this needs a request signed by a registered party's key (X-Corridor-* headers, "
                         "`corridor request`)");
  }
  if (access != Access::party && !caller->signed_request) {
    throw ApiError(ErrorKind::unauthorized, "writes must be signed (X-Corridor-* headers); a session token only reads");
  }
  if (access == Access::mediator && caller->role != "mediator") {
    throw ApiError(ErrorKind::forbidden,
                   "only the mediator may do this; party " + caller->party + " has role \"" + caller->role + "\"");
  }
  return *caller;
}

Answer dispatch(Resources& r, const Request& request, const std::string& path, const Params& params) {
  const auto parts = path_segments(path);
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  if (parts.size() == 4 && (parts[0] == "route" || parts[0] == "table") && parts[1] == "v1" && !parts[2].empty()) {
    if (method != "GET")
      throw ApiError(ErrorKind::method_not_allowed, request.method + " " + path + ": only GET is served here");
    const auto scenario = param(params, "scenario");
    if (scenario && !r.scenarios.is_public(*scenario) && r.parties) {
      std::optional<Caller> caller;  // an uploaded scenario's closures are for parties only
      require(r, request, Access::party, caller);
    }
    return json_answer(parts[0] == "route" ? r.routes.route(parts[3], params) : r.routes.table(parts[3], params));
  }
  if (parts.size() >= 2 && (parts[0] == "route" || parts[0] == "table") && parts[1] != "v1") {
    throw ApiError(ErrorKind::invalid_url, "only version v1 of the " + parts[0] + " service exists");
  }
  std::string allowed;
  for (const auto& e : k_endpoints) {
    auto wild = match(e.pattern, parts);
    if (!wild) continue;
    if (e.method != method) {
      allowed += (allowed.empty() ? "" : " or ") + std::string(e.method);
      continue;
    }
    check_params(params, e.params);
    std::optional<Caller> caller;
    if (e.access != Access::open) require(r, request, e.access, caller);
    return e.run(Call{r, request, std::move(*wild), params, caller ? &*caller : nullptr});
  }
  if (!allowed.empty()) {
    throw ApiError(ErrorKind::method_not_allowed,
                   request.method + " " + path + ": only " + allowed + " is served here");
  }
  if (method == "GET") {
    if (auto file = page_file(r.options.web_dir, path)) return *file;
  }
  throw ApiError(ErrorKind::unknown_path, "URL not found: " + path);
}

}  // namespace

std::vector<EndpointInfo> api_endpoints() {
  std::vector<EndpointInfo> list;
  for (const auto& e : k_endpoints) {
    const char* access = e.access == Access::open      ? "open"
                         : e.access == Access::party   ? "party"
                         : e.access == Access::signed_ ? "signed"
                                                       : "mediator";
    list.push_back({std::string(e.method), std::string(e.pattern), access});
  }
  list.push_back({"GET", "/route/v1/*/*", "open"});
  list.push_back({"GET", "/table/v1/*/*", "open"});
  return list;
}

Answer Service::handle(const Request& request) {
  auto fail = [](ErrorKind kind, const std::string& message, const nlohmann::json& details = nullptr) {
    return Answer{error_info(kind).status, answer_text(error_body(kind, message, details)), "application/json"};
  };
  try {
    const auto& target = request.target;
    const auto question = target.find('?');
    const auto path = decode(std::string_view(target).substr(0, question), false);
    if (!path || path->empty() || path->front() != '/') throw ApiError(ErrorKind::invalid_url, "malformed URL");
    const auto params =
        parse_query(question == std::string::npos ? std::string_view{} : std::string_view(target).substr(question + 1));
    return dispatch(*r_, request, *path, params);
  } catch (const ApiError& e) {
    return fail(e.kind(), e.what(), e.details());
  } catch (const InputError& e) {
    return fail(ErrorKind::invalid_value, e.what());
  } catch (const std::bad_alloc&) {
    return fail(ErrorKind::internal, "out of memory");
  } catch (const std::exception& e) {
    return fail(ErrorKind::internal, std::string("internal error: ") + e.what());
  }
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

// docs/openapi.json against the service's URL table (api_endpoints()):
// every endpoint documented with its method, nothing documented that the
// service does not serve, each operation's security as its access, and
// every $ref resolving.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "corridor/server/service.hpp"
#include "server_testing.hpp"

namespace corridor::server::test {
namespace {

const std::filesystem::path k_openapi = std::filesystem::path(__FILE__).parent_path() / "../../../docs/openapi.json";

const char* const k_methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

// The four headers of a signed request, each an apiKey scheme.
const std::set<std::string> k_signature_schemes = {"corridorKey", "corridorTime", "corridorNonce", "corridorSignature"};

const nlohmann::json& document() {
  static const nlohmann::json doc = [] {
    std::ifstream in(k_openapi, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str(), nullptr, false);
  }();
  return doc;
}

bool is_template(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// An api_endpoints() pattern ('*' for one segment) against an OpenAPI path
// ('{name}' for one segment).
bool same_path(const std::string& pattern, const std::string& documented) {
  const auto want = path_segments(pattern);
  const auto have = path_segments(documented);
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "*" ? !is_template(have[i]) : want[i] != have[i]) return false;
  }
  return true;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The documented path an endpoint pattern matches ("" when none).
std::string documented_path(const std::string& pattern) {
  for (const auto& [path, item] : document()["paths"].items()) {
    if (same_path(pattern, path)) return path;
  }
  return "";
}

// The names in a security requirement object.
std::set<std::string> scheme_names(const nlohmann::json& requirement) {
  std::set<std::string> names;
  for (const auto& [name, scopes] : requirement.items()) names.insert(name);
  return names;
}

// A member of an object, or null (operator[] on a const json must not miss).
nlohmann::json member(const nlohmann::json& object, const std::string& key) {
  return object.is_object() && object.contains(key) ? object[key] : nlohmann::json();
}

// The names of the path parameters an operation declares (inline or by
// reference to components/parameters).
std::set<std::string> path_parameters(const nlohmann::json& doc, const nlohmann::json& operation) {
  std::set<std::string> names;
  for (auto parameter : member(operation, "parameters")) {
    const auto ref = member(parameter, "$ref");
    if (ref.is_string()) {
      const std::string prefix = "#/components/parameters/";
      const auto text = ref.get<std::string>();
      parameter = text.rfind(prefix, 0) == 0
                      ? member(member(member(doc, "components"), "parameters"), text.substr(prefix.size()))
                      : nlohmann::json();
    }
    if (member(parameter, "in") == "path" && member(parameter, "required") == true) {
      names.insert(member(parameter, "name").get<std::string>());
    }
  }
  return names;
}

void collect_refs(const nlohmann::json& node, const std::string& where,
                  std::vector<std::pair<std::string, std::string>>& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) out.emplace_back(value.get<std::string>(), where);
      collect_refs(value, where + "/" + key, out);
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) collect_refs(node[i], where + "/" + std::to_string(i), out);
  }
}

TEST(OpenApi, IsAnOpenApi31Document) {
  ASSERT_TRUE(std::filesystem::exists(k_openapi)) << k_openapi;
  const auto& doc = document();
  ASSERT_FALSE(doc.is_discarded()) << k_openapi << " is not JSON";
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(doc.contains("openapi") && doc["openapi"].is_string());
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.1.", 0), 0u) << doc["openapi"];
  ASSERT_TRUE(doc.contains("info") && doc["info"].is_object());
  EXPECT_EQ(member(doc["info"], "title"), "corridor");
  EXPECT_EQ(member(doc["info"], "version"), "1");
  const auto description = member(doc["info"], "description");
  ASSERT_TRUE(description.is_string());
  EXPECT_NE(description.get<std::string>().find("Map data © OpenStreetMap contributors (ODbL)"), std::string::npos);
  ASSERT_TRUE(doc.contains("paths") && doc["paths"].is_object());
  ASSERT_TRUE(doc.contains("components") && doc["components"].is_object());
  const auto schemes = member(doc["components"], "securitySchemes");
  ASSERT_TRUE(schemes.is_object());
  EXPECT_EQ(member(member(schemes, "bearerAuth"), "type"), "http");
  EXPECT_EQ(member(member(schemes, "bearerAuth"), "scheme"), "bearer");
  std::set<std::string> headers;
  for (const auto& name : k_signature_schemes) {
    const auto scheme = member(schemes, name);
    EXPECT_EQ(member(scheme, "type"), "apiKey") << name;
    EXPECT_EQ(member(scheme, "in"), "header") << name;
    if (member(scheme, "name").is_string()) headers.insert(member(scheme, "name").get<std::string>());
  }
  EXPECT_EQ(headers,
            (std::set<std::string>{"X-Corridor-Key", "X-Corridor-Time", "X-Corridor-Nonce", "X-Corridor-Signature"}));
  const auto schemas = member(doc["components"], "schemas");
  for (const auto* schema : {"Error", "PlanJob", "AgreementRecord", "Session", "RouteResponse"}) {
    EXPECT_TRUE(schemas.contains(schema)) << schema;
  }
  const auto error = member(schemas, "Error");
  EXPECT_EQ(member(error, "required"), nlohmann::json::array({"code", "message"}));
  EXPECT_TRUE(member(member(error, "properties"), "errors").is_object());
}

TEST(OpenApi, DocumentsEveryEndpointAndNoOther) {
  const auto& doc = document();
  ASSERT_TRUE(doc.is_object() && doc.contains("paths"));
  const auto endpoints = api_endpoints();
  ASSERT_FALSE(endpoints.empty());
  for (const auto& e : endpoints) {
    const auto path = documented_path(e.pattern);
    if (path.empty()) {
      ADD_FAILURE() << e.method << " " << e.pattern << " is not in docs/openapi.json";
      continue;
    }
    EXPECT_TRUE(doc["paths"][path].contains(lower(e.method))) << e.method << " " << e.pattern << " (" << path << ")";
  }
  for (const auto& [path, item] : doc["paths"].items()) {
    std::set<std::string> templated;
    for (const auto& segment : path_segments(path)) {
      EXPECT_TRUE(segment.find_first_of("{}*") == std::string::npos || is_template(segment)) << path;
      if (is_template(segment)) templated.insert(segment.substr(1, segment.size() - 2));
    }
    for (const auto* method : k_methods) {
      if (!item.contains(method)) continue;
      // Every {name} of the path is a declared path parameter.
      EXPECT_EQ(path_parameters(doc, item[method]), templated) << method << " " << path;
      if (path == "/" && std::string(method) == "get") continue;  // the page, served apart from the URL table
      const std::string documented = path;                        // clang 14 cannot capture a structured binding
      const bool served = std::any_of(endpoints.begin(), endpoints.end(), [&](const EndpointInfo& e) {
        return lower(e.method) == method && same_path(e.pattern, documented);
      });
      EXPECT_TRUE(served) << method << " " << path << " is documented but not served";
    }
  }
  EXPECT_TRUE(doc["paths"].contains("/")) << "the page";
}

TEST(OpenApi, SecurityFollowsWhoMayCall) {
  const auto& doc = document();
  ASSERT_TRUE(doc.is_object() && doc.contains("paths"));
  const std::set<std::string> bearer = {"bearerAuth"};
  for (const auto& e : api_endpoints()) {
    const auto path = documented_path(e.pattern);
    if (path.empty() || !doc["paths"][path].contains(lower(e.method))) continue;  // reported above
    const auto operation = doc["paths"][path][lower(e.method)];
    const std::string what = e.method + " " + path + " (" + e.access + ")";
    ASSERT_TRUE(operation.contains("security") && operation["security"].is_array()) << what;
    const auto& security = operation["security"];
    if (e.access == "open") {
      EXPECT_TRUE(security.empty()) << what;
      continue;
    }
    std::vector<std::set<std::string>> alternatives;
    for (const auto& requirement : security) alternatives.push_back(scheme_names(requirement));
    if (e.access == "party") {
      ASSERT_EQ(alternatives.size(), 2u) << what;
      EXPECT_TRUE(std::count(alternatives.begin(), alternatives.end(), k_signature_schemes) == 1) << what;
      EXPECT_TRUE(std::count(alternatives.begin(), alternatives.end(), bearer) == 1) << what;
    } else {
      ASSERT_TRUE(e.access == "signed" || e.access == "mediator") << what;
      ASSERT_EQ(alternatives.size(), 1u) << what;
      EXPECT_EQ(alternatives[0], k_signature_schemes) << what;
      if (e.access == "mediator") {
        const auto description = member(operation, "description");
        EXPECT_TRUE(description.is_string() && description.get<std::string>().find("mediator") != std::string::npos)
            << what;
      }
    }
  }
  EXPECT_EQ(member(member(member(doc["paths"], "/"), "get"), "security"), nlohmann::json::array()) << "GET /";
}

TEST(OpenApi, EveryRefResolves) {
  const auto& doc = document();
  ASSERT_TRUE(doc.is_object());
  std::vector<std::pair<std::string, std::string>> refs;
  collect_refs(doc, "#", refs);
  EXPECT_GT(refs.size(), 10u);
  constexpr std::string_view prefix = "#/components/";
  for (const auto& [ref, where] : refs) {
    ASSERT_EQ(ref.rfind(prefix, 0), 0u) << ref << " at " << where << ": only local component references";
    const auto rest = ref.substr(prefix.size());
    const auto slash = rest.find('/');
    ASSERT_NE(slash, std::string::npos) << ref;
    const auto kind = rest.substr(0, slash);
    const auto name = rest.substr(slash + 1);
    EXPECT_TRUE(doc["components"].contains(kind) && doc["components"][kind].contains(name))
        << ref << " at " << where << " does not resolve";
  }
}

}  // namespace
}  // namespace corridor::server::test

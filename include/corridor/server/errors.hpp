#pragma once
// The service's errors: one table from error kind to OSRM-style code and
// HTTP status (k_error_table in src/server/errors.cpp), and the exception
// request handlers throw. Error bodies are {"code": CODE, "message": TEXT}.
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "corridor/error.hpp"

namespace corridor::server {

enum class ErrorKind {
  invalid_url,         // InvalidUrl     400: unknown path or parameter, malformed URL
  invalid_value,       // InvalidValue   400: a parameter's value is wrong
  no_segment,          // NoSegment      400: a coordinate is too far from any road
  no_route,            // NoRoute        400: no route between the points
  too_big,             // TooBig         400: more coordinates than supported
  unknown_path,        // InvalidUrl     404: no endpoint at this path
  not_found,           // NotFound       404: a resource this service does not hold
  method_not_allowed,  // MethodNotAllowed 405: a known path with a method other than GET
  payload_too_large,   // TooBig         413: request body over the limit
  headers_too_large,   // TooBig         431: request header block over the limit
  invalid_body,        // InvalidBody    400: a request body that is not what the endpoint takes
  invalid_scenario,    // InvalidScenario 400: an uploaded scenario that does not validate
  unauthorized,        // Unauthorized   401: no valid signature or session
  replayed,            // Replayed       401: a signed request whose nonce was used before
  forbidden,           // Forbidden      403: a registered party without the role
  conflict,            // Conflict       409: the name is taken
  not_ready,           // NotReady       409: the plan is not done (yet)
  busy,                // Busy           503: too many planning jobs at once
  internal,            // InternalError  500: a bug or a damaged file
};

struct ErrorInfo {
  ErrorKind kind;
  std::string_view code;  // the "code" member of the body
  int status;             // the HTTP status
};

[[nodiscard]] const ErrorInfo& error_info(ErrorKind kind) noexcept;

// Thrown by request handlers; the HTTP layer turns it into status + body.
class ApiError : public Error {
 public:
  // `details`: members added to the error body (e.g. "errors").
  ApiError(ErrorKind kind, const std::string& message, nlohmann::json details = nullptr)
      : Error(message), kind_(kind), details_(std::move(details)) {}
  [[nodiscard]] ErrorKind kind() const noexcept { return kind_; }
  [[nodiscard]] const nlohmann::json& details() const noexcept { return details_; }

 private:
  ErrorKind kind_;
  nlohmann::json details_;
};

// {"code", "message"} plus `details`; bytes of the message that are not
// UTF-8 (a raw path, a query value) are written as \xNN.
[[nodiscard]] nlohmann::json error_body(ErrorKind kind, const std::string& message,
                                        const nlohmann::json& details = nullptr);

// The text of a JSON answer. Never throws on strings that are not UTF-8
// (such bytes become U+FFFD), so an answer can always be sent.
[[nodiscard]] std::string answer_text(const nlohmann::json& body);

// `text` with every byte that is not part of valid UTF-8, and every control
// character, written as \xNN.
[[nodiscard]] std::string printable(std::string_view text);

}  // namespace corridor::server

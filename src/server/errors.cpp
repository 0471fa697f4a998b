// The one table from error kind to code and HTTP status.
#include "corridor/server/errors.hpp"

#include <array>

namespace corridor::server {
namespace {

// OSRM answers its own error codes with 400 (NoRoute and NoSegment too), so
// clients written for OSRM see the same statuses here.
constexpr std::array<ErrorInfo, 18> k_error_table{{
    {ErrorKind::invalid_url, "InvalidUrl", 400},
    {ErrorKind::invalid_value, "InvalidValue", 400},
    {ErrorKind::no_segment, "NoSegment", 400},
    {ErrorKind::no_route, "NoRoute", 400},
    {ErrorKind::too_big, "TooBig", 400},
    {ErrorKind::unknown_path, "InvalidUrl", 404},
    {ErrorKind::not_found, "NotFound", 404},
    {ErrorKind::method_not_allowed, "MethodNotAllowed", 405},
    {ErrorKind::payload_too_large, "TooBig", 413},
    {ErrorKind::invalid_body, "InvalidBody", 400},
    {ErrorKind::invalid_scenario, "InvalidScenario", 400},
    {ErrorKind::unauthorized, "Unauthorized", 401},
    {ErrorKind::replayed, "Replayed", 401},
    {ErrorKind::forbidden, "Forbidden", 403},
    {ErrorKind::conflict, "Conflict", 409},
    {ErrorKind::not_ready, "NotReady", 409},
    {ErrorKind::busy, "Busy", 503},
    {ErrorKind::internal, "InternalError", 500},
}};

}  // namespace

const ErrorInfo& error_info(ErrorKind kind) noexcept {
  for (const auto& e : k_error_table) {
    if (e.kind == kind) return e;
  }
  return k_error_table.back();
}

nlohmann::json error_body(ErrorKind kind, const std::string& message, const nlohmann::json& details) {
  nlohmann::json body = {{"code", std::string(error_info(kind).code)}, {"message", message}};
  if (details.is_object()) body.update(details);
  return body;
}

}  // namespace corridor::server

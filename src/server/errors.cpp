// The one table from error kind to code and HTTP status.
#include "corridor/server/errors.hpp"

#include <array>
#include <cstdint>

namespace corridor::server {
namespace {

// OSRM answers its own error codes with 400 (NoRoute and NoSegment too), so
// clients written for OSRM see the same statuses here.
constexpr std::array<ErrorInfo, 19> k_error_table{{
    {ErrorKind::invalid_url, "InvalidUrl", 400},
    {ErrorKind::invalid_value, "InvalidValue", 400},
    {ErrorKind::no_segment, "NoSegment", 400},
    {ErrorKind::no_route, "NoRoute", 400},
    {ErrorKind::too_big, "TooBig", 400},
    {ErrorKind::unknown_path, "InvalidUrl", 404},
    {ErrorKind::not_found, "NotFound", 404},
    {ErrorKind::method_not_allowed, "MethodNotAllowed", 405},
    {ErrorKind::payload_too_large, "TooBig", 413},
    {ErrorKind::headers_too_large, "TooBig", 431},
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

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto escape = [&out](unsigned char c) {
    constexpr char k_hex[] = "0123456789abcdef";
    out += "\\x";
    out += k_hex[c >> 4];
    out += k_hex[c & 15];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    // Length of the sequence c starts, and the smallest code point it may
    // encode (overlong forms are invalid), per RFC 3629.
    std::size_t length = 0;
    std::uint32_t code = 0, least = 0;
    if (c < 0x80)
      length = 1, code = c;
    else if ((c & 0xE0) == 0xC0)
      length = 2, code = c & 0x1F, least = 0x80;
    else if ((c & 0xF0) == 0xE0)
      length = 3, code = c & 0x0F, least = 0x800;
    else if ((c & 0xF8) == 0xF0)
      length = 4, code = c & 0x07, least = 0x10000;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    valid = valid && code >= least && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF);
    if (!valid) {
      escape(c);
      ++i;
    } else if (length == 1 && (c < 0x20 || c == 0x7F)) {
      escape(c);
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string answer_text(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json error_body(ErrorKind kind, const std::string& message, const nlohmann::json& details) {
  nlohmann::json body = {{"code", std::string(error_info(kind).code)}, {"message", printable(message)}};
  if (details.is_object()) body.update(details);
  return body;
}

}  // namespace corridor::server

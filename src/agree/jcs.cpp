// JSON Canonicalization Scheme, RFC 8785.
#include "corridor/agree/jcs.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "corridor/crypto/crypto.hpp"
#include "corridor/error.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;

// A value JCS cannot write; `path` is filled in on the way out
// ("corridors[2].people") and the whole turned into an InputError.
struct Unrepresentable {
  std::string path;
  std::string message;
};

// Decodes UTF-8 (RFC 3629) into UTF-16 code units. JCS requires valid
// Unicode (RFC 8785 section 3.1), so malformed sequences, overlong forms,
// surrogates and values above U+10FFFF are errors.
std::vector<std::uint16_t> to_utf16(std::string_view text) {
  std::vector<std::uint16_t> units;
  units.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::uint32_t code = 0;
    std::size_t length = 0;
    if (lead < 0x80) {
      code = lead;
      length = 1;
    } else if ((lead & 0xE0) == 0xC0) {
      code = lead & 0x1Fu;
      length = 2;
    } else if ((lead & 0xF0) == 0xE0) {
      code = lead & 0x0Fu;
      length = 3;
    } else if ((lead & 0xF8) == 0xF0) {
      code = lead & 0x07u;
      length = 4;
    } else {
      throw Unrepresentable{"", "string is not valid UTF-8 (byte " + std::to_string(i) + ")"};
    }
    if (i + length > text.size()) throw Unrepresentable{"", "string is not valid UTF-8 (truncated at the end)"};
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80)
        throw Unrepresentable{"", "string is not valid UTF-8 (byte " + std::to_string(i + k) + ")"};
      code = (code << 6) | (next & 0x3Fu);
    }
    static constexpr std::array<std::uint32_t, 5> k_smallest{0, 0, 0x80, 0x800, 0x10000};
    if (code < k_smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      throw Unrepresentable{"", "string is not valid UTF-8 (byte " + std::to_string(i) + ")"};
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      units.push_back(static_cast<std::uint16_t>(0xD800 + (code >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xDC00 + (code & 0x3FF)));
    } else {
      units.push_back(static_cast<std::uint16_t>(code));
    }
    i += length;
  }
  return units;
}

// RFC 8785 section 3.2.2.2: JSON.stringify's string form. Only '"', '\\'
// and the controls below U+0020 are escaped; the short forms where JSON has
// them, else \u00xx in lowercase hex. Everything else stays literal UTF-8.
void append_string(std::string& out, const std::string& text) {
  to_utf16(text);  // validates
  static constexpr char digits[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += digits[u >> 4];
          out += digits[u & 0x0F];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// RFC 8785 section 3.2.2.3: ECMAScript's Number::toString (ECMA-262,
// 7.1.12.1). std::to_chars gives the shortest digits that round-trip (the
// same digits ECMAScript picks, ties going to the even digit); this places
// the decimal point and the exponent the way ECMAScript does.
std::string format_double(double value) {
  if (!std::isfinite(value))
    throw Unrepresentable{"", "JSON cannot represent NaN or infinity (RFC 8785 section 3.2.2.3)"};
  if (value == 0) return "0";  // also -0
  std::array<char, 64> buffer{};
  const auto [end, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific);
  if (ec != std::errc{}) throw Unrepresentable{"", "number could not be formatted"};
  const std::string_view text(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  // text is "[-]d[.ddd]e(+|-)xx"
  const bool negative = text.front() == '-';
  const auto e = text.find('e');
  std::string digits;
  for (const char c : text.substr(negative ? 1 : 0, e - (negative ? 1 : 0))) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  const auto exponent_text = text.substr(e + 1);
  std::from_chars(exponent_text.data() + (exponent_text.front() == '+' ? 1 : 0),
                  exponent_text.data() + exponent_text.size(), exponent);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();

  const int k = static_cast<int>(digits.size());  // number of significant digits
  const int n = exponent + 1;                     // value = 0.digits * 10^n
  std::string out = negative ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits + std::string(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
  }
  return out;
}

// Integers are IEEE 754 doubles to JCS (RFC 8785 section 3.2.2.3); beyond
// 2^53 a double would change the value, so such integers are refused rather
// than signed as something other than what the document says.
constexpr std::uint64_t k_max_exact_integer = std::uint64_t{1} << 53;

void append(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      out += "null";
      break;
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      break;
    case Json::value_t::number_integer: {
      const auto v = value.get<std::int64_t>();
      const auto magnitude = v < 0 ? std::uint64_t(0) - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
      if (magnitude > k_max_exact_integer) {
        throw Unrepresentable{"", "integer " + std::to_string(v) +
                                      " is beyond 2^53 and has no exact JCS form (RFC 8785 section 3.2.2.3)"};
      }
      out += std::to_string(v);
      break;
    }
    case Json::value_t::number_unsigned: {
      const auto v = value.get<std::uint64_t>();
      if (v > k_max_exact_integer) {
        throw Unrepresentable{"", "integer " + std::to_string(v) +
                                      " is beyond 2^53 and has no exact JCS form (RFC 8785 section 3.2.2.3)"};
      }
      out += std::to_string(v);
      break;
    }
    case Json::value_t::number_float:
      out += format_double(value.get<double>());
      break;
    case Json::value_t::string:
      append_string(out, value.get_ref<const std::string&>());
      break;
    case Json::value_t::array: {
      out += '[';
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (i > 0) out += ',';
        try {
          append(out, value[i]);
        } catch (Unrepresentable& u) {
          u.path = "[" + std::to_string(i) + "]" + u.path;
          throw;
        }
      }
      out += ']';
      break;
    }
    case Json::value_t::object: {
      // RFC 8785 section 3.2.3: members sorted by their names as arrays of
      // UTF-16 code units, compared unsigned, independent of locale.
      std::vector<std::pair<std::vector<std::uint16_t>, Json::const_iterator>> members;
      members.reserve(value.size());
      for (auto it = value.begin(); it != value.end(); ++it) members.emplace_back(to_utf16(it.key()), it);
      std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      bool first = true;
      for (const auto& [name, it] : members) {
        if (!first) out += ',';
        first = false;
        append_string(out, it.key());
        out += ':';
        try {
          append(out, it.value());
        } catch (Unrepresentable& u) {
          u.path = "." + it.key() + u.path;
          throw;
        }
      }
      out += '}';
      break;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded:
      throw Unrepresentable{"", "value has no JSON form"};
  }
}

}  // namespace

std::string canonical_json(const nlohmann::json& value) {
  std::string out;
  try {
    append(out, value);
  } catch (const Unrepresentable& u) {
    throw InputError(u.path.starts_with('.') ? u.path.substr(1) : u.path, u.message);
  }
  return out;
}

std::string content_hash(const nlohmann::json& value) {
  return "sha256:" + crypto::hex(crypto::sha256(canonical_json(value)));
}

}  // namespace corridor::agree

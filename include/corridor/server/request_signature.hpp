#pragma once
// Signed HTTP requests (docs/http-api.md, "Who may do what"): a registered
// party's Ed25519 key signs the method, the request target, a timestamp, a
// nonce and the SHA-256 of the body, so that a captured request can be
// neither replayed (the nonce is spent, the time goes stale) nor moved to
// another path or body. The service checks them; `corridor request` and the
// web page make them.
#include <string>
#include <string_view>

#include "corridor/agree/keys.hpp"

namespace corridor::server {

inline constexpr std::string_view k_header_key = "X-Corridor-Key";
inline constexpr std::string_view k_header_time = "X-Corridor-Time";
inline constexpr std::string_view k_header_nonce = "X-Corridor-Nonce";
inline constexpr std::string_view k_header_signature = "X-Corridor-Signature";

struct RequestSignature {
  std::string kid;
  std::string time;       // RFC 3339 UTC with seconds
  std::string nonce;      // 16..64 of A-Za-z0-9_-
  std::string signature;  // base64url Ed25519 over request_message(...)
};

// The six lines joined by '\n': "corridor-request-v1", method, target, time,
// nonce, lowercase hex SHA-256 of the body.
std::string request_message(std::string_view method, std::string_view target, std::string_view time,
                            std::string_view nonce, std::string_view body);

// A fresh nonce: 24 base64url characters of 18 random bytes.
std::string new_nonce();

// Signs a request now (or at `time` when given).
RequestSignature sign_request(const agree::SecretKey& key, std::string_view method, std::string_view target,
                              std::string_view body, std::string time = {});

// True when `signature` is `key`'s signature of the message.
bool signature_verifies(const agree::PublicKey& key, std::string_view message, std::string_view signature);

// A nonce of 16..64 characters of A-Za-z0-9_-.
bool well_formed_nonce(std::string_view nonce);

}  // namespace corridor::server

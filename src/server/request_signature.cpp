#include "corridor/server/request_signature.hpp"

#include "corridor/crypto/crypto.hpp"
#include "corridor/ledger/ledger.hpp"

namespace corridor::server {

std::string request_message(std::string_view method, std::string_view target, std::string_view time,
                            std::string_view nonce, std::string_view body) {
  std::string message = "corridor-request-v1\n";
  message.append(method).append("\n").append(target).append("\n").append(time).append("\n").append(nonce);
  message.append("\n").append(crypto::hex(crypto::sha256(body)));
  return message;
}

std::string new_nonce() { return crypto::random_token(18); }

RequestSignature sign_request(const agree::SecretKey& key, std::string_view method, std::string_view target,
                              std::string_view body, std::string time) {
  RequestSignature s;
  s.kid = key.kid;
  s.time = time.empty() ? ledger::utc_timestamp() : std::move(time);
  s.nonce = new_nonce();
  const auto message = request_message(method, target, s.time, s.nonce, body);
  s.signature = crypto::base64url(crypto::sign(message, key.bytes));
  return s;
}

bool signature_verifies(const agree::PublicKey& key, std::string_view message, std::string_view signature) {
  const auto bytes = crypto::from_base64url(signature);
  return bytes && crypto::verify(message, *bytes, key.bytes);
}

bool well_formed_nonce(std::string_view nonce) {
  if (nonce.size() < 16 || nonce.size() > 64) return false;
  for (const char c : nonce) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace corridor::server

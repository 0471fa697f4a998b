#include "corridor/server/request_signature.hpp"

#include <sodium.h>

#include <stdexcept>

#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/merkle.hpp"

namespace corridor::server {
namespace {

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
}

}  // namespace

std::string request_message(std::string_view method, std::string_view target, std::string_view time,
                            std::string_view nonce, std::string_view body) {
  std::string message = "corridor-request-v1\n";
  message.append(method).append("\n").append(target).append("\n").append(time).append("\n").append(nonce);
  message.append("\n").append(ledger::to_hex(ledger::sha256(body)));
  return message;
}

std::string new_nonce() {
  ensure_sodium();
  std::uint8_t bytes[18];
  randombytes_buf(bytes, sizeof bytes);
  return agree::base64url(bytes, sizeof bytes);
}

RequestSignature sign_request(const agree::SecretKey& key, std::string_view method, std::string_view target,
                              std::string_view body, std::string time) {
  ensure_sodium();
  RequestSignature s;
  s.kid = key.kid;
  s.time = time.empty() ? ledger::utc_timestamp() : std::move(time);
  s.nonce = new_nonce();
  const auto message = request_message(method, target, s.time, s.nonce, body);
  std::uint8_t signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       key.bytes.data());
  s.signature = agree::base64url(signature, sizeof signature);
  return s;
}

bool signature_verifies(const agree::PublicKey& key, std::string_view message, std::string_view signature) {
  ensure_sodium();
  const auto bytes = agree::from_base64url(std::string(signature));
  if (!bytes || bytes->size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(bytes->data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.bytes.data()) == 0;
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

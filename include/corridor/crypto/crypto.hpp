#pragma once
// The few cryptographic primitives corridor uses, all from libsodium, in one
// place: SHA-256 (FIPS 180-4), Ed25519 signatures (RFC 8032), random bytes,
// and the text encodings of bytes (lowercase hex; base64 and base64url, RFC
// 4648 sections 4 and 5, the latter without padding as JOSE uses it).
// Every function initialises libsodium itself, once per process.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corridor::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using Digest = std::array<std::uint8_t, 32>;  // SHA-256

// Ed25519, in libsodium's layouts.
using PublicKeyBytes = std::array<std::uint8_t, 32>;
using Seed = std::array<std::uint8_t, 32>;
using SecretKeyBytes = std::array<std::uint8_t, 64>;  // seed, then the public key
using Signature = std::array<std::uint8_t, 64>;

// Initialises libsodium (thread-safe, idempotent); throws std::runtime_error
// when it cannot start. The functions below call it.
void init();

// The bytes of a text, without copying.
inline ByteView bytes_of(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Digest sha256(ByteView bytes);
inline Digest sha256(std::string_view bytes) { return sha256(bytes_of(bytes)); }

// SHA-256 over several pieces, as if concatenated.
class Sha256 {
 public:
  Sha256();
  Sha256& update(ByteView bytes);
  Sha256& update(std::string_view bytes) { return update(bytes_of(bytes)); }
  Digest finish();

 private:
  alignas(16) std::array<std::uint8_t, 128> state_{};  // crypto_hash_sha256_state, opaque here
};

std::string hex(ByteView bytes);
// Either case; nullopt on an odd length or a non-hex digit.
std::optional<Bytes> from_hex(std::string_view text);

std::string base64url(ByteView bytes);
inline std::string base64url(std::string_view text) { return base64url(bytes_of(text)); }
// Strict: the whole text, no padding, no white space.
std::optional<Bytes> from_base64url(std::string_view text);
std::string base64(ByteView bytes);
inline std::string base64(std::string_view text) { return base64(bytes_of(text)); }
std::optional<Bytes> from_base64(std::string_view text);

void random_bytes(std::span<std::uint8_t> out);
// `bytes` random bytes, as base64url: a token or a nonce.
std::string random_token(std::size_t bytes);
// `bytes` random bytes, as hex: an identifier.
std::string random_hex(std::size_t bytes);

struct KeyPair {
  PublicKeyBytes public_key{};
  SecretKeyBytes secret_key{};
};
KeyPair generate_key_pair();
KeyPair key_pair_from_seed(const Seed& seed);
// The public half of a libsodium secret key.
PublicKeyBytes public_half(const SecretKeyBytes& secret_key) noexcept;

Signature sign(ByteView message, const SecretKeyBytes& secret_key);
inline Signature sign(std::string_view message, const SecretKeyBytes& secret_key) {
  return sign(bytes_of(message), secret_key);
}
// False for a signature of the wrong length too.
bool verify(ByteView message, ByteView signature, const PublicKeyBytes& public_key);
inline bool verify(std::string_view message, ByteView signature, const PublicKeyBytes& public_key) {
  return verify(bytes_of(message), signature, public_key);
}

// Overwrites secret bytes so that they do not linger in freed memory.
void wipe(std::span<std::uint8_t> bytes) noexcept;
void wipe(std::string& text) noexcept;

}  // namespace corridor::crypto

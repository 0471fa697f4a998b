#include "corridor/crypto/crypto.hpp"

#include <sodium.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace corridor::crypto {
namespace {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "Sha256::state_ is too small");
// The array types of crypto.hpp have libsodium's sizes.
static_assert(sizeof(PublicKeyBytes) == crypto_sign_PUBLICKEYBYTES);
static_assert(sizeof(SecretKeyBytes) == crypto_sign_SECRETKEYBYTES);
static_assert(sizeof(Signature) == crypto_sign_BYTES);
static_assert(sizeof(Seed) == crypto_sign_SEEDBYTES);
static_assert(sizeof(Digest) == crypto_hash_sha256_BYTES);

crypto_hash_sha256_state* state_of(std::array<std::uint8_t, 128>& bytes) {
  return reinterpret_cast<crypto_hash_sha256_state*>(bytes.data());
}

std::string encode(ByteView bytes, int variant) {
  init();
  const auto length = sodium_base64_encoded_len(bytes.size(), variant);
  std::string out(length, '\0');
  sodium_bin2base64(out.data(), length, bytes.data(), bytes.size(), variant);
  out.resize(length - 1);  // the terminating NUL
  return out;
}

std::optional<Bytes> decode(std::string_view text, int variant) {
  init();
  Bytes out(text.size() / 4 * 3 + 3);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace

void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  });
}

Digest sha256(ByteView bytes) {
  init();
  Digest out{};
  crypto_hash_sha256(out.data(), bytes.data(), bytes.size());
  return out;
}

Sha256::Sha256() {
  init();
  crypto_hash_sha256_init(state_of(state_));
}

Sha256& Sha256::update(ByteView bytes) {
  crypto_hash_sha256_update(state_of(state_), bytes.data(), bytes.size());
  return *this;
}

Digest Sha256::finish() {
  Digest out{};
  crypto_hash_sha256_final(state_of(state_), out.data());
  return out;
}

std::string hex(ByteView bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

std::optional<Bytes> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = value(text[2 * i]);
    const int lo = value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

std::string base64url(ByteView bytes) { return encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING); }
std::optional<Bytes> from_base64url(std::string_view text) {
  return decode(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
std::string base64(ByteView bytes) { return encode(bytes, sodium_base64_VARIANT_ORIGINAL); }
std::optional<Bytes> from_base64(std::string_view text) { return decode(text, sodium_base64_VARIANT_ORIGINAL); }

void random_bytes(std::span<std::uint8_t> out) {
  init();
  randombytes_buf(out.data(), out.size());
}

std::string random_token(std::size_t bytes) {
  Bytes raw(bytes);
  random_bytes(raw);
  return base64url(raw);
}

std::string random_hex(std::size_t bytes) {
  Bytes raw(bytes);
  random_bytes(raw);
  return hex(raw);
}

KeyPair generate_key_pair() {
  init();
  KeyPair pair;
  crypto_sign_keypair(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

KeyPair key_pair_from_seed(const Seed& seed) {
  init();
  KeyPair pair;
  crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
  return pair;
}

PublicKeyBytes public_half(const SecretKeyBytes& secret_key) noexcept {
  PublicKeyBytes out{};
  std::copy(secret_key.begin() + 32, secret_key.end(), out.begin());
  return out;
}

Signature sign(ByteView message, const SecretKeyBytes& secret_key) {
  init();
  Signature out{};
  crypto_sign_detached(out.data(), nullptr, message.data(), message.size(), secret_key.data());
  return out;
}

bool verify(ByteView message, ByteView signature, const PublicKeyBytes& public_key) {
  init();
  return signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.data()) == 0;
}

void wipe(std::span<std::uint8_t> bytes) noexcept { sodium_memzero(bytes.data(), bytes.size()); }
void wipe(std::string& text) noexcept { sodium_memzero(text.data(), text.size()); }

}  // namespace corridor::crypto

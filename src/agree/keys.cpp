// Ed25519 key pairs (RFC 8032, through libsodium) and their files.
#include "corridor/agree/keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "agree/files.hpp"
#include "agree/key_json.hpp"
#include "corridor/error.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;

// Writes the secret key file: created with mode 0600 and chmod-ed to it
// again, so that an existing file with wider permissions is narrowed too.
void write_secret_file(const std::filesystem::path& path, std::string text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    crypto::wipe(text);
    throw IoError("cannot write secret key " + path.string() + ": " + std::strerror(errno));
  }
  std::string why;
  if (fchmod(fd, 0600) != 0) why = std::strerror(errno);
  std::size_t written = 0;
  while (why.empty() && written < text.size()) {
    const auto n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      why = std::strerror(errno);
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (why.empty() && fsync(fd) != 0) why = std::strerror(errno);
  if (close(fd) != 0 && why.empty()) why = std::strerror(errno);
  crypto::wipe(text);
  if (!why.empty()) throw IoError("cannot write secret key " + path.string() + ": " + why);
}

}  // namespace

namespace detail {

std::string key_id(const std::array<std::uint8_t, 32>& public_key) {
  const auto digest = crypto::sha256(crypto::ByteView(public_key));
  return crypto::hex(crypto::ByteView(digest).first(8));
}

std::string required_string(const Json& object, const std::string& field, const std::string& where) {
  const auto it = object.find(field);
  if (it == object.end()) throw InputError(where + field, "missing");
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw InputError(where + field, "must be a non-empty string, got " + it->dump());
  }
  return it->get<std::string>();
}

template <std::size_t N>
std::array<std::uint8_t, N> decode_bytes(const Json& object, const std::string& field, const std::string& where,
                                         const std::string& what) {
  auto text = required_string(object, field, where);
  auto bytes = crypto::from_base64url(text);
  crypto::wipe(text);
  if (!bytes || bytes->size() != N) {
    if (bytes) crypto::wipe(*bytes);
    throw InputError(where + field, "must be " + std::to_string(N) + " bytes of base64url (" + what + ")");
  }
  std::array<std::uint8_t, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  crypto::wipe(*bytes);
  return out;
}

bool is_jwk(const Json& object) { return object.contains("kty") || object.contains("x"); }

void check_algorithm(const Json& object, const std::string& where) {
  // "Ed25519" is the fully specified name of RFC 9864; "EdDSA" that of RFC 8037.
  if (object.contains("alg") && object["alg"] != "EdDSA" && object["alg"] != "Ed25519") {
    throw InputError(where + "alg", "must be \"EdDSA\", got " + object["alg"].dump());
  }
  if (is_jwk(object)) {
    if (required_string(object, "kty", where) != "OKP") {
      throw InputError(where + "kty", "must be \"OKP\" (an RFC 8037 key), got " + object["kty"].dump());
    }
    if (required_string(object, "crv", where) != "Ed25519") {
      throw InputError(where + "crv", "must be \"Ed25519\", got " + object["crv"].dump());
    }
  } else if (object.contains("crv") && object["crv"] != "Ed25519") {
    throw InputError(where + "crv", "must be \"Ed25519\", got " + object["crv"].dump());
  }
}

crypto::PublicKeyBytes decode_public_key(const Json& object, const std::string& where) {
  check_algorithm(object, where);
  return is_jwk(object) ? decode_bytes<32>(object, "x", where, "an Ed25519 public key")
                        : decode_bytes<32>(object, "public_key", where, "an Ed25519 public key");
}

std::string checked_kid(const Json& object, const crypto::PublicKeyBytes& bytes, const std::string& where) {
  const auto derived = key_id(bytes);
  // A JWK from another tool may come without a kid: corridor's is derived.
  if (!object.contains("kid") && is_jwk(object)) return derived;
  const auto kid = required_string(object, "kid", where);
  if (kid != derived) throw InputError(where + "kid", "\"" + kid + "\" does not name this key (it is " + derived + ")");
  return kid;
}

}  // namespace detail

PublicKey SecretKey::public_key() const { return PublicKey{party, kid, crypto::public_half(bytes)}; }

SecretKey generate_key(const std::string& party) {
  if (party.empty()) throw InputError("party", "must not be empty");
  const auto pair = crypto::generate_key_pair();
  SecretKey key;
  key.party = party;
  key.bytes = pair.secret_key;
  key.kid = detail::key_id(pair.public_key);
  return key;
}

nlohmann::json public_jwk(const PublicKey& key) {
  return {{"kty", "OKP"}, {"crv", "Ed25519"},  {"x", crypto::base64url(key.bytes)}, {"kid", key.kid}, {"alg", "EdDSA"},
          {"use", "sig"}, {"party", key.party}};
}

void write_key_pair(const SecretKey& key, const std::filesystem::path& secret_path) {
  auto public_path = secret_path;
  public_path.replace_extension(".pub");
  if (public_path == secret_path) {
    throw IoError("cannot write secret key " + secret_path.string() + ": its name must not end in .pub");
  }
  const auto published = public_jwk(key.public_key());
  // RFC 8037 section 2: the private key "d" is the 32-byte seed.
  Json secret = published;
  crypto::Seed seed{};
  std::copy(key.bytes.begin(), key.bytes.begin() + seed.size(), seed.begin());
  secret["d"] = crypto::base64url(seed);
  crypto::wipe(seed);
  auto secret_text = secret.dump(2) + "\n";
  crypto::wipe(secret["d"].get_ref<std::string&>());
  write_secret_file(secret_path, std::move(secret_text));
  detail::write_file_atomically(public_path, published.dump(2) + "\n");
}

SecretKey read_secret_key(const std::filesystem::path& path) {
  const auto file = detail::read_json_file(path, "secret key");
  const std::string where = path.string() + ": ";
  if (!file.is_object()) throw InputError(path.string(), "a secret key file is a JSON object");
  detail::check_algorithm(file, where);
  // A JWK carries the seed ("d") and the public key ("x"); the older form the
  // libsodium secret key (seed || public key). Either way the public key must
  // be the one the seed makes (RFC 8032 section 5.1.5), and the kid name it.
  crypto::Seed seed{};
  crypto::PublicKeyBytes stated{};
  std::string field;
  if (file.contains("d")) {
    field = "d";
    seed = detail::decode_bytes<32>(file, "d", where, "an Ed25519 private key");
    stated = detail::decode_public_key(file, where);
  } else {
    field = "secret_key";
    auto bytes = detail::decode_bytes<64>(file, "secret_key", where, "a libsodium Ed25519 secret key");
    std::copy(bytes.begin(), bytes.begin() + seed.size(), seed.begin());
    stated = crypto::public_half(bytes);
    crypto::wipe(bytes);
  }
  const auto pair = crypto::key_pair_from_seed(seed);
  crypto::wipe(seed);
  SecretKey key;
  key.bytes = pair.secret_key;
  if (pair.public_key != stated) {
    crypto::wipe(key.bytes);
    throw InputError(where + field, "is damaged: its public key is not the key its seed makes");
  }
  key.party = detail::required_string(file, "party", where);
  key.kid = detail::checked_kid(file, pair.public_key, where);
  return key;
}

PublicKey read_public_key(const std::filesystem::path& path) {
  return public_key_from_json(detail::read_json_file(path, "public key"), path.string());
}

PublicKey public_key_from_json(const nlohmann::json& file, const std::string& source) {
  const std::string where = source + ": ";
  if (!file.is_object()) throw InputError(source, "a public key file is a JSON object");
  if (file.contains("d") || file.contains("secret_key")) {
    throw InputError(source, "is a secret key: publish the .pub file, never the .key");
  }
  PublicKey key;
  key.bytes = detail::decode_public_key(file, where);
  key.party = detail::required_string(file, "party", where);
  key.kid = detail::checked_kid(file, key.bytes, where);
  return key;
}

}  // namespace corridor::agree

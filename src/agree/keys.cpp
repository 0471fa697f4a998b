// Ed25519 key pairs (RFC 8032, through libsodium) and their files.
#include "corridor/agree/keys.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "agree/crypto.hpp"
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
    sodium_memzero(text.data(), text.size());
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
  sodium_memzero(text.data(), text.size());
  if (!why.empty()) throw IoError("cannot write secret key " + path.string() + ": " + why);
}

}  // namespace

namespace detail {

std::string key_id(const std::array<std::uint8_t, 32>& public_key) {
  const auto digest = sha256(std::string_view(reinterpret_cast<const char*>(public_key.data()), public_key.size()));
  return hex(digest.data(), 8);
}

std::string required_string(const Json& object, const std::string& field, const std::string& where) {
  const auto it = object.find(field);
  if (it == object.end()) throw InputError(where + field, "missing");
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw InputError(where + field, "must be a non-empty string, got " + it->dump());
  }
  return it->get<std::string>();
}

std::array<std::uint8_t, 32> decode_public_key(const Json& object, const std::string& field, const std::string& where) {
  const auto text = required_string(object, field, where);
  const auto bytes = from_base64url(text);
  if (!bytes || bytes->size() != 32) {
    throw InputError(where + field, "must be 32 bytes of base64url (an Ed25519 public key)");
  }
  std::array<std::uint8_t, 32> key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

void check_algorithm(const Json& object, const std::string& where) {
  if (object.contains("alg") && object["alg"] != "EdDSA") {
    throw InputError(where + "alg", "must be \"EdDSA\", got " + object["alg"].dump());
  }
  if (object.contains("crv") && object["crv"] != "Ed25519") {
    throw InputError(where + "crv", "must be \"Ed25519\", got " + object["crv"].dump());
  }
}

}  // namespace detail

PublicKey SecretKey::public_key() const {
  PublicKey key{party, kid, {}};
  std::copy(bytes.begin() + 32, bytes.end(), key.bytes.begin());
  return key;
}

SecretKey generate_key(const std::string& party) {
  if (party.empty()) throw InputError("party", "must not be empty");
  detail::ensure_sodium();
  SecretKey key;
  key.party = party;
  std::array<std::uint8_t, 32> public_key{};
  crypto_sign_keypair(public_key.data(), key.bytes.data());
  key.kid = detail::key_id(public_key);
  return key;
}

void write_key_pair(const SecretKey& key, const std::filesystem::path& secret_path) {
  auto public_path = secret_path;
  public_path.replace_extension(".pub");
  if (public_path == secret_path) {
    throw IoError("cannot write secret key " + secret_path.string() + ": its name must not end in .pub");
  }
  const auto public_key = key.public_key();
  const Json common = {{"party", key.party}, {"kid", key.kid}, {"alg", "EdDSA"}, {"crv", "Ed25519"}};
  Json secret = common;
  secret["secret_key"] = base64url(key.bytes.data(), key.bytes.size());
  Json published = common;
  published["public_key"] = base64url(public_key.bytes.data(), public_key.bytes.size());
  auto secret_text = secret.dump(2) + "\n";
  sodium_memzero(secret["secret_key"].get_ref<std::string&>().data(),
                 secret["secret_key"].get_ref<std::string&>().size());
  write_secret_file(secret_path, std::move(secret_text));
  detail::write_file_atomically(public_path, published.dump(2) + "\n");
}

SecretKey read_secret_key(const std::filesystem::path& path) {
  const auto file = detail::read_json_file(path, "secret key");
  const std::string where = path.string() + ": ";
  if (!file.is_object()) throw InputError(path.string(), "a secret key file is a JSON object");
  detail::check_algorithm(file, where);
  SecretKey key;
  key.party = detail::required_string(file, "party", where);
  key.kid = detail::required_string(file, "kid", where);
  auto text = detail::required_string(file, "secret_key", where);
  auto bytes = from_base64url(text);
  sodium_memzero(text.data(), text.size());
  if (!bytes || bytes->size() != 64) {
    throw InputError(where + "secret_key", "must be 64 bytes of base64url (a libsodium Ed25519 secret key)");
  }
  std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
  sodium_memzero(bytes->data(), bytes->size());
  // The second half is the public key: it must be the one the seed makes,
  // and the kid must name it (RFC 8032 section 5.1.5).
  std::array<std::uint8_t, 32> derived{};
  std::array<std::uint8_t, 64> scratch{};
  detail::ensure_sodium();
  crypto_sign_seed_keypair(derived.data(), scratch.data(), key.bytes.data());
  sodium_memzero(scratch.data(), scratch.size());
  if (!std::equal(derived.begin(), derived.end(), key.bytes.begin() + 32)) {
    throw InputError(where + "secret_key", "is damaged: its public half is not the key its seed makes");
  }
  if (detail::key_id(derived) != key.kid) {
    throw InputError(where + "kid",
                     "\"" + key.kid + "\" does not name this key (it is " + detail::key_id(derived) + ")");
  }
  return key;
}

PublicKey read_public_key(const std::filesystem::path& path) {
  return public_key_from_json(detail::read_json_file(path, "public key"), path.string());
}

PublicKey public_key_from_json(const nlohmann::json& file, const std::string& source) {
  const std::string where = source + ": ";
  if (!file.is_object()) throw InputError(source, "a public key file is a JSON object");
  detail::check_algorithm(file, where);
  PublicKey key;
  key.party = detail::required_string(file, "party", where);
  key.kid = detail::required_string(file, "kid", where);
  key.bytes = detail::decode_public_key(file, "public_key", where);
  if (detail::key_id(key.bytes) != key.kid) {
    throw InputError(where + "kid",
                     "\"" + key.kid + "\" does not name this key (it is " + detail::key_id(key.bytes) + ")");
  }
  return key;
}

// RFC 4648 section 5 (the URL and file name safe alphabet), without the
// padding, as JWS uses it (RFC 7515 section 2).
std::string base64url(const std::uint8_t* data, std::size_t size) {
  detail::ensure_sodium();
  const auto length = sodium_base64_encoded_len(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(length, '\0');
  sodium_bin2base64(out.data(), length, data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(length - 1);  // the terminating NUL
  return out;
}

std::optional<std::vector<std::uint8_t>> from_base64url(const std::string& text) {
  detail::ensure_sodium();
  std::vector<std::uint8_t> out(text.size() * 3 / 4 + 1);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace corridor::agree

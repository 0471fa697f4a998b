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

std::array<std::uint8_t, 32> decode_public_key(const Json& object, const std::string& field, const std::string& where) {
  const auto text = required_string(object, field, where);
  const auto bytes = crypto::from_base64url(text);
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

void write_key_pair(const SecretKey& key, const std::filesystem::path& secret_path) {
  auto public_path = secret_path;
  public_path.replace_extension(".pub");
  if (public_path == secret_path) {
    throw IoError("cannot write secret key " + secret_path.string() + ": its name must not end in .pub");
  }
  const auto public_key = key.public_key();
  const Json common = {{"party", key.party}, {"kid", key.kid}, {"alg", "EdDSA"}, {"crv", "Ed25519"}};
  Json secret = common;
  secret["secret_key"] = crypto::base64url(key.bytes);
  Json published = common;
  published["public_key"] = crypto::base64url(public_key.bytes);
  auto secret_text = secret.dump(2) + "\n";
  crypto::wipe(secret["secret_key"].get_ref<std::string&>());
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
  auto bytes = crypto::from_base64url(text);
  crypto::wipe(text);
  if (!bytes || bytes->size() != 64) {
    throw InputError(where + "secret_key", "must be 64 bytes of base64url (a libsodium Ed25519 secret key)");
  }
  std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
  crypto::wipe(*bytes);
  // The second half is the public key: it must be the one the seed makes,
  // and the kid must name it (RFC 8032 section 5.1.5).
  crypto::Seed seed{};
  std::copy(key.bytes.begin(), key.bytes.begin() + seed.size(), seed.begin());
  auto pair = crypto::key_pair_from_seed(seed);
  crypto::wipe(seed);
  crypto::wipe(pair.secret_key);
  const auto derived = pair.public_key;
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

}  // namespace corridor::agree

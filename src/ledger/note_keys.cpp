// The log's Ed25519 key in the C2SP signed-note key encodings
// (https://c2sp.org/signed-note, as golang.org/x/mod/sumdb/note writes them).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "corridor/error.hpp"
#include "corridor/ledger/note.hpp"

namespace corridor::ledger {
namespace {

// Ed25519's signed-note signature type.
constexpr std::uint8_t k_type_ed25519 = 0x01;

// Splits `text` at the first '+': the part before, and the rest after.
std::string_view chop(std::string_view& text) {
  const auto plus = text.find('+');
  if (plus == std::string_view::npos) {
    const auto all = text;
    text = {};
    return all;
  }
  const auto head = text.substr(0, plus);
  text = text.substr(plus + 1);
  return head;
}

// "NAME+KEYID+BASE64(0x01 || 32 bytes)" -> name and the 32 bytes, with the
// key ID checked against `derive` (what the bytes imply).
template <typename Derive>
std::pair<std::string, std::array<std::uint8_t, 32>> parse_key_parts(std::string_view text, const std::string& what,
                                                                     Derive derive) {
  const auto name = std::string(chop(text));
  const auto id_text = chop(text);
  const auto key_text = text;
  if (!valid_key_name(name)) throw FormatError(what + ": invalid key name");
  const auto blob = crypto::from_base64(key_text);
  if (!blob || blob->size() != 33) throw FormatError(what + ": the key is not base64 of 33 bytes");
  if ((*blob)[0] != k_type_ed25519)
    throw FormatError(what + ": not an Ed25519 key (type " + std::to_string((*blob)[0]) + ")");
  std::array<std::uint8_t, 32> bytes{};
  std::copy(blob->begin() + 1, blob->end(), bytes.begin());
  if (id_text != key_id_hex(derive(name, bytes))) throw FormatError(what + ": the key ID does not match the key");
  return {name, bytes};
}

std::string read_key_line(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot read the " + what + ": " + std::strerror(errno));
  std::stringstream s;
  s << in.rdbuf();
  auto text = s.str();
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string{} : text.substr(first, last - first + 1);
}

}  // namespace

std::string key_id_hex(const KeyId& id) { return crypto::hex(id); }

KeyId note_key_id(std::string_view name, const std::array<std::uint8_t, 32>& public_key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(k_type_ed25519));
  input.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  const auto digest = crypto::sha256(input);
  KeyId id{};
  std::copy(digest.begin(), digest.begin() + 4, id.begin());
  return id;
}

NoteVerifier NoteSigner::verifier() const {
  NoteVerifier v;
  v.name = name;
  v.key_id = key_id;
  std::copy(secret_key.begin() + 32, secret_key.end(), v.public_key.begin());
  return v;
}

NoteSigner signer_from_seed(const std::string& name, const std::array<std::uint8_t, 32>& seed) {
  if (!valid_key_name(name)) {
    throw InputError("--name", "\"" + name + "\" is not a key name (non-empty, no spaces, no '+')");
  }
  const auto pair = crypto::key_pair_from_seed(seed);
  NoteSigner s;
  s.name = name;
  s.seed = seed;
  s.secret_key = pair.secret_key;
  s.key_id = note_key_id(name, pair.public_key);
  return s;
}

NoteSigner generate_signer(const std::string& name) {
  crypto::Seed seed{};
  crypto::random_bytes(seed);
  auto s = signer_from_seed(name, seed);
  crypto::wipe(seed);
  return s;
}

std::string format_verifier_key(const NoteVerifier& key) {
  std::array<std::uint8_t, 33> blob{};
  blob[0] = k_type_ed25519;
  std::copy(key.public_key.begin(), key.public_key.end(), blob.begin() + 1);
  return key.name + "+" + key_id_hex(key.key_id) + "+" + crypto::base64(blob);
}

std::string format_signer_key(const NoteSigner& key) {
  std::array<std::uint8_t, 33> blob{};
  blob[0] = k_type_ed25519;
  std::copy(key.seed.begin(), key.seed.end(), blob.begin() + 1);
  return "PRIVATE+KEY+" + key.name + "+" + key_id_hex(key.key_id) + "+" + crypto::base64(blob);
}

NoteVerifier parse_verifier_key(std::string_view text) {
  const auto [name, bytes] = parse_key_parts(text, "verifier key", note_key_id);
  return {name, note_key_id(name, bytes), bytes};
}

NoteSigner parse_signer_key(std::string_view text) {
  if (chop(text) != "PRIVATE" || chop(text) != "KEY") throw FormatError("signer key: must start with PRIVATE+KEY+");
  const auto [name, seed] = parse_key_parts(
      text, "signer key", [](const std::string& n, const auto& s) { return signer_from_seed(n, s).key_id; });
  return signer_from_seed(name, seed);
}

NoteVerifier read_verifier_key(const std::filesystem::path& path) {
  try {
    return parse_verifier_key(read_key_line(path, "log's public key"));
  } catch (const FormatError& e) {
    throw FormatError(path.string() + ": " + e.what());
  }
}

NoteSigner read_signer_key(const std::filesystem::path& path) {
  try {
    return parse_signer_key(read_key_line(path, "log's signing key"));
  } catch (const FormatError& e) {
    throw FormatError(path.string() + ": " + e.what());
  }
}

void write_signer_key(const NoteSigner& key, const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw IoError(path.string() + ": cannot create the log's signing key: " + std::strerror(errno));
  const auto text = format_signer_key(key) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!ok) throw IoError(path.string() + ": cannot write the log's signing key: " + std::strerror(error));
}

}  // namespace corridor::ledger

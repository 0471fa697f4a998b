// C2SP signed notes (https://c2sp.org/signed-note) and checkpoints
// (https://c2sp.org/tlog-checkpoint): text, signature lines, parsing.
#include "corridor/ledger/note.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "corridor/error.hpp"

namespace corridor::ledger {
namespace {

// U+2014 EM DASH and a space: how every signature line starts.
constexpr std::string_view k_signature_prefix = "\xE2\x80\x94 ";

// Decodes one UTF-8 code point at s[i], advancing i; -1 when malformed.
long next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int extra = 0;
  long cp = 0;
  if (b0 < 0x80) {
    ++i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    return -1;
  }
  if (i + static_cast<std::size_t>(extra) >= s.size()) return -1;
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr long minimum[] = {0, 0x80, 0x800, 0x10000};
  if (cp < minimum[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

bool is_unicode_space(long cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Note text: non-empty UTF-8 lines, each ending in a newline, none blank,
// no control characters besides the newlines.
std::string text_problem(std::string_view text) {
  if (text.empty() || text.back() != '\n') return "a note text must end with a newline";
  if (text.front() == '\n' || text.find("\n\n") != std::string_view::npos) return "a note text has no blank lines";
  for (std::size_t i = 0; i < text.size();) {
    const long cp = next_code_point(text, i);
    if (cp < 0) return "a note text must be UTF-8";
    if ((cp < 0x20 && cp != '\n') || cp == 0x7F) return "a note text has no control characters";
  }
  return {};
}

}  // namespace

bool valid_key_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size();) {
    const long cp = next_code_point(name, i);
    if (cp < 0x20 || cp == 0x7F || cp == '+' || is_unicode_space(cp)) return false;
  }
  return true;
}

std::string sign_note(const std::string& text, const NoteSigner& signer) {
  if (const auto problem = text_problem(text); !problem.empty()) throw InputError("note", problem);
  const auto signature = crypto::sign(text, signer.secret_key);
  std::array<std::uint8_t, 4 + signature.size()> blob{};
  std::copy(signer.key_id.begin(), signer.key_id.end(), blob.begin());
  std::copy(signature.begin(), signature.end(), blob.begin() + 4);
  return text + "\n" + std::string(k_signature_prefix) + signer.name + " " + crypto::base64(blob) + "\n";
}

Note parse_note(std::string_view note) {
  const auto split = note.rfind("\n\n");
  if (split == std::string_view::npos) throw FormatError("signed note: no blank line before the signatures");
  Note out;
  out.text = std::string(note.substr(0, split + 1));
  if (const auto problem = text_problem(out.text); !problem.empty()) throw FormatError("signed note: " + problem);
  auto rest = note.substr(split + 2);
  if (rest.empty()) throw FormatError("signed note: no signature lines");
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    if (eol == std::string_view::npos) throw FormatError("signed note: the last signature line has no newline");
    const auto line = rest.substr(0, eol);
    rest = rest.substr(eol + 1);
    if (!line.starts_with(k_signature_prefix)) {
      throw FormatError("signed note: a signature line must start with an em dash (U+2014) and a space");
    }
    const auto body = line.substr(k_signature_prefix.size());
    const auto space = body.find(' ');
    if (space == std::string_view::npos) throw FormatError("signed note: a signature line needs NAME SIGNATURE");
    NoteSignature sig;
    sig.name = std::string(body.substr(0, space));
    if (!valid_key_name(sig.name)) throw FormatError("signed note: invalid key name \"" + sig.name + "\"");
    const auto blob = crypto::from_base64(body.substr(space + 1));
    if (!blob || blob->size() < 5) throw FormatError("signed note: the signature of " + sig.name + " is not base64");
    std::copy(blob->begin(), blob->begin() + 4, sig.key_id.begin());
    sig.signature.assign(blob->begin() + 4, blob->end());
    out.signatures.push_back(std::move(sig));
  }
  if (out.signatures.size() > 100) throw FormatError("signed note: more than 100 signatures");
  return out;
}

bool verify_note(const Note& note, const NoteVerifier& key) {
  for (const auto& sig : note.signatures) {
    if (sig.name != key.name || sig.key_id != key.key_id) continue;
    // The first signature by this key decides, as in the Go reference.
    return crypto::verify(note.text, sig.signature, key.public_key);
  }
  return false;
}

std::string checkpoint_text(const Checkpoint& checkpoint) {
  return checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" + crypto::base64(checkpoint.root) + "\n";
}

Checkpoint parse_checkpoint(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    const auto eol = text.find('\n', start);
    if (eol == std::string_view::npos) throw FormatError("checkpoint: the last line has no newline");
    lines.push_back(text.substr(start, eol - start));
    start = eol + 1;
  }
  if (lines.size() < 3) throw FormatError("checkpoint: needs origin, tree size and root hash lines");
  Checkpoint out;
  out.origin = std::string(lines[0]);
  if (out.origin.empty()) throw FormatError("checkpoint: empty origin line");
  const auto size_line = lines[1];
  const auto [end, ec] = std::from_chars(size_line.data(), size_line.data() + size_line.size(), out.size);
  if (size_line.empty() || ec != std::errc{} || end != size_line.data() + size_line.size() ||
      (size_line.size() > 1 && size_line[0] == '0')) {
    throw FormatError("checkpoint: tree size \"" + std::string(size_line) + "\" is not a decimal number");
  }
  const auto root = crypto::from_base64(lines[2]);
  if (!root || root->size() != out.root.size()) {
    throw FormatError("checkpoint: root hash \"" + std::string(lines[2]) + "\" is not base64 of 32 bytes");
  }
  std::copy(root->begin(), root->end(), out.root.begin());
  return out;
}

SignedHead sign_head(const Checkpoint& checkpoint, const NoteSigner& signer) {
  return {checkpoint, sign_note(checkpoint_text(checkpoint), signer)};
}

SignedHead parse_head(std::string_view note) {
  const auto parsed = parse_note(note);
  return {parse_checkpoint(parsed.text), std::string(note)};
}

std::string head_problem(const SignedHead& head, const NoteVerifier& key) {
  if (head.checkpoint.origin != key.name) {
    return "the head is of log \"" + head.checkpoint.origin + "\", not of \"" + key.name + "\"";
  }
  if (!verify_note(parse_note(head.note), key)) {
    return "the head has no valid signature by the log key " + key.name + "+" + key_id_hex(key.key_id);
  }
  return {};
}

}  // namespace corridor::ledger

#pragma once
// Signed tree heads as C2SP signed notes (https://c2sp.org/signed-note)
// carrying a C2SP checkpoint (https://c2sp.org/tlog-checkpoint):
//
//   NAME\n
//   SIZE\n
//   BASE64(ROOT)\n
//   \n
//   — NAME BASE64(key ID || Ed25519 signature)\n
//
// The signature covers the note text (the first three lines, final newline
// included). key ID = the first 4 bytes of SHA-256(NAME || 0x0A || 0x01 ||
// public key), 0x01 being the signed-note signature type of Ed25519. Keys
// are written in the signed-note key encodings (as golang.org/x/mod/sumdb/note):
//   verifier key  NAME+KEYID+BASE64(0x01 || public key)          (NAME.vkey)
//   signer key    PRIVATE+KEY+NAME+KEYID+BASE64(0x01 || seed)    (NAME.logkey)
// with KEYID the key ID as 8 lowercase hex digits.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "corridor/ledger/merkle.hpp"

namespace corridor::ledger {

using KeyId = std::array<std::uint8_t, 4>;

// The public half: what anyone checking heads needs.
struct NoteVerifier {
  std::string name;
  KeyId key_id{};
  std::array<std::uint8_t, 32> public_key{};
};

// The log's signing key.
struct NoteSigner {
  std::string name;
  KeyId key_id{};
  crypto::Seed seed{};
  crypto::SecretKeyBytes secret_key{};  // libsodium's seed || public key
  [[nodiscard]] NoteVerifier verifier() const;
};

// True for a key name the spec allows: non-empty UTF-8 without Unicode
// spaces, control characters or '+'.
bool valid_key_name(std::string_view name);

KeyId note_key_id(std::string_view name, const std::array<std::uint8_t, 32>& public_key);
// The key ID as 8 lowercase hex digits, as key files write it.
std::string key_id_hex(const KeyId& id);

// A fresh Ed25519 key; throws InputError for an invalid name.
NoteSigner generate_signer(const std::string& name);
NoteSigner signer_from_seed(const std::string& name, const std::array<std::uint8_t, 32>& seed);

std::string format_verifier_key(const NoteVerifier& key);
std::string format_signer_key(const NoteSigner& key);
// Throw FormatError saying what is wrong (the key text is never echoed
// for signer keys).
NoteVerifier parse_verifier_key(std::string_view text);
NoteSigner parse_signer_key(std::string_view text);
// Read a key file (one line; surrounding white space ignored); throw
// IoError / FormatError naming the file.
NoteVerifier read_verifier_key(const std::filesystem::path& path);
NoteSigner read_signer_key(const std::filesystem::path& path);
// Writes the signer key with mode 0600, refusing to overwrite; IoError.
void write_signer_key(const NoteSigner& key, const std::filesystem::path& path);

struct NoteSignature {
  std::string name;
  KeyId key_id{};
  std::vector<std::uint8_t> signature;  // without the key ID
};

struct Note {
  std::string text;  // up to and including the newline before the blank line
  std::vector<NoteSignature> signatures;
};

// Throws InputError for a text that is not a note text (empty, no final
// newline, a blank line, control characters).
std::string sign_note(const std::string& text, const NoteSigner& signer);
// Splits at the last blank line; throws FormatError for malformed notes.
Note parse_note(std::string_view note);
// True when one of the note's signatures is by `key` (same name and key ID)
// and verifies over the text.
bool verify_note(const Note& note, const NoteVerifier& key);

// The checkpoint body of a signed tree head.
struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
};

std::string checkpoint_text(const Checkpoint& checkpoint);
// Throws FormatError unless the text is origin, decimal size without
// leading zeros, base64 of a 32-byte hash (extension lines are allowed).
Checkpoint parse_checkpoint(std::string_view text);

// A signed head as stored and printed: the checkpoint and its signed note.
struct SignedHead {
  Checkpoint checkpoint;
  std::string note;
};

SignedHead sign_head(const Checkpoint& checkpoint, const NoteSigner& signer);
// Parses a signed head; throws FormatError naming what is malformed.
SignedHead parse_head(std::string_view note);
// Empty when the head is of `key`'s log and signed by it; else why not.
std::string head_problem(const SignedHead& head, const NoteVerifier& key);

}  // namespace corridor::ledger

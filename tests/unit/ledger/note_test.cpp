// C2SP signed notes and checkpoints: the reference example byte for byte,
// key encodings, and notes that must not verify or parse.
#include "corridor/ledger/note.hpp"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "corridor/error.hpp"
#include "test_support.hpp"

namespace corridor::ledger {
namespace {

nlohmann::json note_vector() {
  std::ifstream in(testing::fixture("ledger/rfc6962-vectors.json"));
  return nlohmann::json::parse(in)["signed_note"];
}

const std::string k_dash = "\xE2\x80\x94";

TEST(SignedNote, ReproducesTheReferenceExampleByteForByte) {
  const auto v = note_vector();
  const auto signer = parse_signer_key(v["signer_key"].get<std::string>());
  const auto verifier = parse_verifier_key(v["verifier_key"].get<std::string>());
  EXPECT_EQ(signer.name, "PeterNeumann");
  EXPECT_EQ(signer.key_id, (KeyId{0xc7, 0x4f, 0x20, 0xa3}));
  EXPECT_EQ(format_signer_key(signer), v["signer_key"].get<std::string>());
  EXPECT_EQ(format_verifier_key(signer.verifier()), v["verifier_key"].get<std::string>());
  EXPECT_EQ(note_key_id(verifier.name, verifier.public_key), verifier.key_id);
  const auto note = sign_note(v["text"].get<std::string>(), signer);
  EXPECT_EQ(note, v["note"].get<std::string>());
  const auto parsed = parse_note(note);
  EXPECT_EQ(parsed.text, v["text"].get<std::string>());
  ASSERT_EQ(parsed.signatures.size(), 1u);
  EXPECT_TRUE(verify_note(parsed, verifier));
}

TEST(SignedNote, AlteredTextsSignaturesAndKeysDoNotVerify) {
  const auto v = note_vector();
  const auto verifier = parse_verifier_key(v["verifier_key"].get<std::string>());
  auto parsed = parse_note(v["note"].get<std::string>());
  auto text_changed = parsed;
  text_changed.text[3] = 'X';
  EXPECT_FALSE(verify_note(text_changed, verifier));
  auto sig_changed = parsed;
  sig_changed.signatures[0].signature[10] ^= 1;
  EXPECT_FALSE(verify_note(sig_changed, verifier));
  const auto other = generate_signer("PeterNeumann");
  EXPECT_FALSE(verify_note(parsed, other.verifier()));  // same name, other key: other key ID
  // An unknown key's signature is ignored; the note still verifies with the known one.
  const auto twice = parse_note(
      v["note"].get<std::string>() + k_dash + " Other " +
      std::string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") +
      "\n");
  EXPECT_EQ(twice.signatures.size(), 2u);
  EXPECT_TRUE(verify_note(twice, verifier));
}

TEST(SignedNote, MalformedNotesAndKeysAreRefused) {
  const auto signer = generate_signer("log.example/a");
  const auto good = sign_note("hello\n", signer);
  EXPECT_NO_THROW((void)parse_note(good));
  EXPECT_THROW((void)parse_note("hello\n"), FormatError);                             // no signatures
  EXPECT_THROW((void)parse_note("hello\n\n-- log AAAA\n"), FormatError);              // not an em dash
  EXPECT_THROW((void)parse_note("hello\n\n" + k_dash + " log !!!!\n"), FormatError);  // not base64
  EXPECT_THROW((void)parse_note(good.substr(0, good.size() - 1)), FormatError);       // no final newline
  EXPECT_THROW((void)sign_note("no newline", signer), InputError);
  EXPECT_THROW((void)sign_note("a\n\nb\n", signer), InputError);
  EXPECT_THROW((void)sign_note("bell\a\n", signer), InputError);
  EXPECT_FALSE(valid_key_name(""));
  EXPECT_FALSE(valid_key_name("a b"));
  EXPECT_FALSE(valid_key_name("a+b"));
  EXPECT_FALSE(
      valid_key_name("a\xC2\xA0"
                     "b"));  // U+00A0, a Unicode space
  EXPECT_FALSE(valid_key_name("\xFF"));
  EXPECT_TRUE(valid_key_name("corridor.example/ledger"));
  EXPECT_THROW((void)generate_signer("bad name"), InputError);
  const auto vkey = format_verifier_key(signer.verifier());
  EXPECT_NO_THROW((void)parse_verifier_key(vkey));
  EXPECT_THROW((void)parse_verifier_key(vkey.substr(0, vkey.size() - 2)), FormatError);
  auto wrong_id = vkey;
  wrong_id[vkey.find('+') + 1] = wrong_id[vkey.find('+') + 1] == '0' ? '1' : '0';
  EXPECT_THROW((void)parse_verifier_key(wrong_id), FormatError);
  EXPECT_THROW((void)parse_signer_key(vkey), FormatError);
  const auto skey = format_signer_key(signer);
  EXPECT_EQ(parse_signer_key(skey).verifier().public_key, signer.verifier().public_key);
}

TEST(Checkpoint, RoundTripsAndRefusesMalformedBodies) {
  Checkpoint c{"corridor.example/ledger", 42, leaf_hash("x")};
  const auto text = checkpoint_text(c);
  EXPECT_EQ(text.substr(0, 27), "corridor.example/ledger\n42\n");
  const auto back = parse_checkpoint(text);
  EXPECT_EQ(back.origin, c.origin);
  EXPECT_EQ(back.size, 42u);
  EXPECT_EQ(back.root, c.root);
  EXPECT_NO_THROW((void)parse_checkpoint(text + "extension line\n"));
  EXPECT_THROW((void)parse_checkpoint("log\n42\n"), FormatError);
  const auto root_line = crypto::base64(c.root) + "\n";
  EXPECT_NO_THROW((void)parse_checkpoint("log\n0\n" + root_line));
  EXPECT_THROW((void)parse_checkpoint("log\n042\n" + root_line), FormatError);
  EXPECT_THROW((void)parse_checkpoint("\n42\n" + root_line), FormatError);
  EXPECT_THROW((void)parse_checkpoint("log\n-1\nAAAA\n"), FormatError);
  EXPECT_THROW((void)parse_checkpoint("log\n1\nAAAA\n"), FormatError);  // not 32 bytes
}

TEST(SignedHead, IsCheckedAgainstTheLogKey) {
  const auto signer = generate_signer("corridor.example/ledger");
  const auto head = sign_head({signer.name, 7, leaf_hash("x")}, signer);
  const auto parsed = parse_head(head.note);
  EXPECT_EQ(parsed.checkpoint.size, 7u);
  EXPECT_EQ(head_problem(parsed, signer.verifier()), "");
  const auto other = generate_signer("corridor.example/ledger");
  EXPECT_NE(head_problem(parsed, other.verifier()), "");
  const auto foreign = sign_head({"elsewhere", 7, leaf_hash("x")}, generate_signer("elsewhere"));
  EXPECT_NE(head_problem(parse_head(foreign.note), signer.verifier()).find("not of"), std::string::npos);
  auto forged = head.note;
  forged.replace(forged.find("\n7\n"), 3, "\n8\n");
  EXPECT_NE(head_problem(parse_head(forged), signer.verifier()), "");
}

TEST(LogKeyFile, IsWrittenOwnerOnlyAndNeverOverwritten) {
  testing::TempDir dir;
  const auto signer = generate_signer("corridor.example/ledger");
  const auto path = dir / "log.logkey";
  write_signer_key(signer, path);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(read_signer_key(path).verifier().public_key, signer.verifier().public_key);
  EXPECT_THROW(write_signer_key(generate_signer("x"), path), IoError);
  EXPECT_THROW((void)read_signer_key(dir / "missing"), IoError);
}

}  // namespace
}  // namespace corridor::ledger

// Signed documents (JWS JSON serialization, EdDSA): round trips, every
// kind of tampering, and independent verification with OpenSSL 3.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "corridor/agree/jcs.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/error.hpp"
#include "test_support.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;
using testing::TempDir;

Json document(int version) {
  return {
      {"type", "corridor-agreement"}, {"version", version}, {"vehicles", 45}, {"note", "\u20ac 4.50"}, {"share", 0.25}};
}

class Jws : public ::testing::Test {
 protected:
  void SetUp() override {
    register_key(registry_, a_.public_key(), "Party A", std::nullopt);
    register_key(registry_, b_.public_key(), "Party B", std::nullopt);
  }
  SecretKey a_ = generate_key("A");
  SecretKey b_ = generate_key("B");
  Registry registry_;
};

std::string decode_text(const Json& member) {
  const auto bytes = crypto::from_base64url(member.get<std::string>());
  return {bytes->begin(), bytes->end()};
}

std::string encode_text(const std::string& s) { return crypto::base64url(s); }

TEST_F(Jws, SignAndVerifyRoundTrip) {
  auto doc = make_signed(document(1));
  EXPECT_EQ(decode_text(doc["payload"]), canonical_json(document(1)));
  EXPECT_EQ(canonical_json(payload_of(doc)), canonical_json(document(1)));
  EXPECT_TRUE(verify_signatures(doc, registry_).empty());
  add_signature(doc, a_);
  add_signature(doc, b_);
  add_signature(doc, a_);  // signing again replaces A's signature
  ASSERT_EQ(doc["signatures"].size(), 2u);
  const auto header = Json::parse(decode_text(doc["signatures"][0]["protected"]));
  EXPECT_EQ(header, Json({{"alg", "EdDSA"}, {"kid", b_.kid}, {"party", "B"}, {"version", 1}}));
  EXPECT_EQ(decode_text(doc["signatures"][0]["protected"]), canonical_json(header));
  const auto checks = verify_signatures(doc, registry_);
  ASSERT_EQ(checks.size(), 2u);
  for (const auto& c : checks) {
    EXPECT_TRUE(c.known_key);
    EXPECT_TRUE(c.valid) << c.problem;
    EXPECT_EQ(c.problem, "");
  }
  EXPECT_EQ(checks[1].party, "A");
  EXPECT_EQ(checks[1].kid, a_.kid);
  // The written and re-read file verifies the same.
  TempDir dir;
  write_signed(doc, dir / "signed.json");
  EXPECT_TRUE(verify_signatures(read_signed(dir / "signed.json"), registry_)[0].valid);
}

TEST_F(Jws, ForgedSignatureIsRejected) {
  auto doc = make_signed(document(1));
  add_signature(doc, a_);
  auto bytes = *crypto::from_base64url(doc["signatures"][0]["signature"].get<std::string>());
  bytes[10] ^= 0x01;
  doc["signatures"][0]["signature"] = crypto::base64url(bytes);
  const auto checks = verify_signatures(doc, registry_);
  EXPECT_FALSE(checks[0].valid);
  EXPECT_TRUE(checks[0].known_key);
  EXPECT_EQ(checks[0].problem, "signature does not match the content");
}

TEST_F(Jws, AlteredPayloadIsRejected) {
  auto doc = make_signed(document(1));
  add_signature(doc, a_);
  auto altered = document(1);
  altered["vehicles"] = 39;
  doc["payload"] = encode_text(canonical_json(altered));
  doc["document"] = altered;
  EXPECT_EQ(verify_signatures(doc, registry_)[0].problem, "signature does not match the content");
}

TEST_F(Jws, AlteredDocumentMemberIsRejected) {
  auto doc = make_signed(document(1));
  add_signature(doc, a_);
  doc["document"]["vehicles"] = 39;
  EXPECT_FALSE(document_matches_payload(doc));
  const auto checks = verify_signatures(doc, registry_);
  EXPECT_FALSE(checks[0].valid);
  EXPECT_EQ(checks[0].problem, "payload does not match the document shown");
  EXPECT_THROW(add_signature(doc, b_), InputError);
  // A number written differently is the same document.
  doc["document"]["vehicles"] = 45.0;
  EXPECT_TRUE(verify_signatures(doc, registry_)[0].valid);
}

TEST_F(Jws, UnknownKeyAndWrongPartyAreRejected) {
  auto doc = make_signed(document(1));
  add_signature(doc, generate_key("A"));
  const auto unknown = verify_signatures(doc, registry_)[0];
  EXPECT_FALSE(unknown.known_key);
  EXPECT_FALSE(unknown.valid);
  EXPECT_EQ(unknown.problem.rfind("signed by an unknown key", 0), 0u) << unknown.problem;
  // B's key claiming to speak for A.
  auto impostor = b_;
  impostor.party = "A";
  doc = make_signed(document(1));
  add_signature(doc, impostor);
  const auto check = verify_signatures(doc, registry_)[0];
  EXPECT_FALSE(check.valid);
  EXPECT_EQ(check.problem, "key " + b_.kid + " belongs to party B, not A");
}

TEST_F(Jws, SignatureCopiedOntoAnotherVersionIsRejected) {
  auto v1 = make_signed(document(1));
  add_signature(v1, a_);
  auto v2 = make_signed(document(2));
  v2["signatures"] = v1["signatures"];
  const auto check = verify_signatures(v2, registry_)[0];
  EXPECT_FALSE(check.valid);
  EXPECT_EQ(check.problem, "signature is for version 1, not this version 2");
}

TEST_F(Jws, HeaderThatIsNotEdDsaIsRejected) {
  auto doc = make_signed(document(1));
  add_signature(doc, a_);
  auto header = Json::parse(decode_text(doc["signatures"][0]["protected"]));
  header["alg"] = "none";
  doc["signatures"][0]["protected"] = encode_text(canonical_json(header));
  EXPECT_EQ(verify_signatures(doc, registry_)[0].problem, "protected header is not EdDSA (alg \"none\")");
  doc["signatures"][0]["protected"] = "%%%";
  EXPECT_EQ(verify_signatures(doc, registry_)[0].problem, "protected header is not base64url-encoded JSON");
}

TEST_F(Jws, PayloadMustBeCanonicalJson) {
  Json doc = {{"payload", encode_text(R"({"b":1, "a":2})")}, {"signatures", Json::array()}};
  EXPECT_THROW(payload_of(doc), InputError);
  EXPECT_THROW(payload_of(Json{{"signatures", Json::array()}}), InputError);
  doc["payload"] = "not base64url!";
  EXPECT_THROW(payload_of(doc), InputError);
}

// --- independent verification with OpenSSL 3 (RFC 8410 key encodings) ---

std::string pem(const char* label, const std::string& der_prefix_hex, const std::uint8_t* key, std::size_t size) {
  std::string der;
  for (std::size_t i = 0; i < der_prefix_hex.size(); i += 2) {
    der += static_cast<char>(std::stoi(der_prefix_hex.substr(i, 2), nullptr, 16));
  }
  der.append(reinterpret_cast<const char*>(key), size);
  const auto b64 = crypto::base64(crypto::bytes_of(der));
  std::string out = std::string("-----BEGIN ") + label + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + label + "-----\n";
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool have_openssl() { return std::system("openssl version > /dev/null 2>&1") == 0; }

// Runs openssl with the arguments (all paths in `dir`, no user input);
// returns its exit status and output.
std::pair<int, std::string> openssl(const TempDir& dir, const std::string& args) {
  const auto out = dir / "openssl.out";
  const int status = std::system(("openssl " + args + " > '" + out.string() + "' 2>&1").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out)};
}

TEST_F(Jws, OpenSslVerifiesOurSignature) {
  if (!have_openssl()) GTEST_SKIP() << "openssl not installed";
  TempDir dir;
  auto doc = make_signed(document(3));
  add_signature(doc, a_);
  const auto& signature = doc["signatures"][0];
  const auto input = signature["protected"].get<std::string>() + "." + doc["payload"].get<std::string>();
  const auto sig = *crypto::from_base64url(signature["signature"].get<std::string>());
  const auto pub = a_.public_key();
  // SubjectPublicKeyInfo for Ed25519 (RFC 8410 section 4).
  write_bytes(dir / "pub.pem", pem("PUBLIC KEY", "302a300506032b6570032100", pub.bytes.data(), pub.bytes.size()));
  write_bytes(dir / "input.bin", input);
  write_bytes(dir / "sig.bin", std::string(sig.begin(), sig.end()));
  const std::string verify = "pkeyutl -verify -pubin -inkey '" + (dir / "pub.pem").string() + "' -rawin -in '" +
                             (dir / "input.bin").string() + "' -sigfile '" + (dir / "sig.bin").string() + "'";
  const auto [status, output] = openssl(dir, verify);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("Signature Verified Successfully"), std::string::npos) << output;

  auto tampered = input;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  write_bytes(dir / "input.bin", tampered);
  const auto [bad_status, bad_output] = openssl(dir, verify);
  EXPECT_NE(bad_status, 0);
  EXPECT_EQ(bad_output.find("Signature Verified Successfully"), std::string::npos) << bad_output;
}

TEST_F(Jws, WeVerifyASignatureMadeByOpenSsl) {
  if (!have_openssl()) GTEST_SKIP() << "openssl not installed";
  TempDir dir;
  auto doc = make_signed(document(4));
  add_signature(doc, a_);  // for the protected header; its signature is replaced below
  const auto input = doc["signatures"][0]["protected"].get<std::string>() + "." + doc["payload"].get<std::string>();
  // PKCS #8 private key for Ed25519 (RFC 8410 section 7): the 32-byte seed.
  write_bytes(dir / "key.pem", pem("PRIVATE KEY", "302e020100300506032b657004220420", a_.bytes.data(), 32));
  write_bytes(dir / "input.bin", input);
  const auto [status, output] =
      openssl(dir, "pkeyutl -sign -inkey '" + (dir / "key.pem").string() + "' -rawin -in '" +
                       (dir / "input.bin").string() + "' -out '" + (dir / "sig.bin").string() + "'");
  ASSERT_EQ(status, 0) << output;
  const auto sig = slurp(dir / "sig.bin");
  ASSERT_EQ(sig.size(), 64u);
  doc["signatures"][0]["signature"] = encode_text(sig);
  const auto check = verify_signatures(doc, registry_)[0];
  EXPECT_TRUE(check.valid) << check.problem;
}

}  // namespace
}  // namespace corridor::agree

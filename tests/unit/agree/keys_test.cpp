// Ed25519 key files and the party registry.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "corridor/agree/keys.hpp"
#include "corridor/error.hpp"
#include "test_support.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;
using testing::TempDir;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Keys, KidIsTheStartOfTheSha256OfThePublicKey) {
  const auto key = generate_key("A");
  EXPECT_EQ(key.party, "A");
  ASSERT_EQ(key.kid.size(), 16u);
  EXPECT_EQ(key.kid.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(generate_key("A").kid, key.kid);
  EXPECT_EQ(key.public_key().kid, key.kid);
  EXPECT_TRUE(std::equal(key.bytes.begin() + 32, key.bytes.end(), key.public_key().bytes.begin()));
}

TEST(Keys, FilesRoundTripAndTheSecretIsPrivate) {
  TempDir dir;
  const auto key = generate_key("B");
  write_key_pair(key, dir / "b.key");
  struct stat st {};
  ASSERT_EQ(stat((dir / "b.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto secret = read_secret_key(dir / "b.key");
  EXPECT_EQ(secret.party, "B");
  EXPECT_EQ(secret.kid, key.kid);
  EXPECT_EQ(secret.bytes, key.bytes);
  const auto pub = read_public_key(dir / "b.pub");
  EXPECT_EQ(pub.kid, key.kid);
  EXPECT_EQ(pub.bytes, key.public_key().bytes);
  const auto text = Json::parse(std::ifstream(dir / "b.pub"));
  EXPECT_EQ(text["alg"], "EdDSA");
  EXPECT_EQ(text["crv"], "Ed25519");
  EXPECT_FALSE(text.contains("secret_key"));
}

TEST(Keys, RewritingNarrowsAWideSecretFile) {
  TempDir dir;
  std::ofstream(dir / "a.key") << "old";
  chmod((dir / "a.key").c_str(), 0644);
  write_key_pair(generate_key("A"), dir / "a.key");
  struct stat st {};
  ASSERT_EQ(stat((dir / "a.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Keys, FilesAreRfc8037Jwks) {
  TempDir dir;
  const auto key = generate_key("A");
  write_key_pair(key, dir / "a.key");
  const auto pub = Json::parse(std::ifstream(dir / "a.pub"));
  EXPECT_EQ(pub["kty"], "OKP");
  EXPECT_EQ(pub["crv"], "Ed25519");
  EXPECT_EQ(pub["alg"], "EdDSA");
  EXPECT_EQ(pub["kid"], key.kid);
  EXPECT_EQ(pub["party"], "A");
  EXPECT_EQ(pub["x"], crypto::base64url(key.public_key().bytes));
  EXPECT_FALSE(pub.contains("d"));
  const auto secret = Json::parse(std::ifstream(dir / "a.key"));
  EXPECT_EQ(crypto::from_base64url(secret["d"].get<std::string>())->size(), 32U);  // the seed
  EXPECT_EQ(read_secret_key(dir / "a.key").bytes, key.bytes);
  EXPECT_EQ(read_public_key(dir / "a.pub").bytes, key.public_key().bytes);
}

TEST(Keys, TheOlderFormIsStillRead) {
  TempDir dir;
  const auto key = generate_key("A");
  const Json old_secret = {{"party", "A"},
                           {"kid", key.kid},
                           {"alg", "EdDSA"},
                           {"crv", "Ed25519"},
                           {"secret_key", crypto::base64url(key.bytes)}};
  const Json old_public = {{"party", "A"},
                           {"kid", key.kid},
                           {"alg", "EdDSA"},
                           {"crv", "Ed25519"},
                           {"public_key", crypto::base64url(key.public_key().bytes)}};
  std::ofstream(dir / "old.key") << old_secret.dump();
  std::ofstream(dir / "old.pub") << old_public.dump();
  EXPECT_EQ(read_secret_key(dir / "old.key").bytes, key.bytes);
  EXPECT_EQ(read_public_key(dir / "old.pub").kid, key.kid);
  const Json old_registry = {{"parties", {{{"id", "A"}, {"name", "Party A"}, {"keys", {old_public}}}}}};
  const auto registry = registry_from_json(old_registry, "parties.json");
  ASSERT_NE(registry.find_key(key.kid), nullptr);
  EXPECT_EQ(registry.find_key(key.kid)->bytes, key.public_key().bytes);
}

TEST(Keys, AJwkFromAnotherToolNeedsNoKid) {
  const auto key = generate_key("A").public_key();
  const Json jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", crypto::base64url(key.bytes)}, {"party", "A"}};
  EXPECT_EQ(public_key_from_json(jwk, "a.jwk").kid, key.kid);
  auto other_alg = jwk;
  other_alg["alg"] = "Ed25519";  // RFC 9864's fully specified name
  EXPECT_EQ(public_key_from_json(other_alg, "a.jwk").kid, key.kid);
}

TEST(Registry, ExportsAJwkSet) {
  Registry registry;
  const auto a = generate_key("A"), m = generate_key("M");
  register_key(registry, a.public_key(), "Party A", std::nullopt);
  register_key(registry, m.public_key(), "Mediator", std::string("mediator"));
  const auto jwks = registry_jwks(registry);
  ASSERT_EQ(jwks["keys"].size(), 2U);
  EXPECT_EQ(jwks["keys"][1]["kid"], m.kid);
  EXPECT_EQ(jwks["keys"][1]["party"], "M");
  EXPECT_EQ(jwks["keys"][1]["use"], "sig");
  // The registry itself holds the same JWKs, and reads back.
  const auto doc = registry_to_json(registry);
  EXPECT_EQ(doc["parties"][0]["keys"][0], jwks["keys"][0]);
  EXPECT_EQ(registry_from_json(doc, "parties.json").find_key(a.kid)->party, "A");
  auto wrong = doc;
  wrong["parties"][0]["keys"][0]["party"] = "B";
  EXPECT_THROW(registry_from_json(wrong, "parties.json"), InputError);
}

TEST(Keys, DamagedFilesNameTheFileAndField) {
  TempDir dir;
  const auto key = generate_key("A");
  write_key_pair(key, dir / "a.key");
  auto secret = Json::parse(std::ifstream(dir / "a.key"));
  auto damaged = secret;
  damaged["d"] = "AAAA";
  std::ofstream(dir / "short.key") << damaged.dump();
  EXPECT_NE(error_of([&] { read_secret_key(dir / "short.key"); }).find("short.key: d: must be 32 bytes"),
            std::string::npos);
  damaged = secret;
  damaged["x"] = crypto::base64url(generate_key("A").public_key().bytes);
  std::ofstream(dir / "x.key") << damaged.dump();
  EXPECT_NE(error_of([&] { read_secret_key(dir / "x.key"); }).find("x.key: d: is damaged"), std::string::npos);
  damaged = secret;
  damaged["kty"] = "EC";
  std::ofstream(dir / "kty.key") << damaged.dump();
  EXPECT_NE(error_of([&] { read_secret_key(dir / "kty.key"); }).find("kty.key: kty: must be \"OKP\""),
            std::string::npos);
  std::ofstream(dir / "leak.pub") << secret.dump();
  EXPECT_NE(error_of([&] { read_public_key(dir / "leak.pub"); }).find("is a secret key"), std::string::npos);
  damaged = secret;
  damaged["kid"] = "0000000000000000";
  std::ofstream(dir / "kid.key") << damaged.dump();
  EXPECT_NE(error_of([&] { read_secret_key(dir / "kid.key"); }).find("kid.key: kid:"), std::string::npos);
  damaged = secret;
  damaged.erase("party");
  std::ofstream(dir / "party.key") << damaged.dump();
  EXPECT_NE(error_of([&] { read_secret_key(dir / "party.key"); }).find("party.key: party: missing"), std::string::npos);
  damaged = secret;
  damaged["alg"] = "RS256";
  std::ofstream(dir / "alg.key") << damaged.dump();
  EXPECT_NE(error_of([&] { read_secret_key(dir / "alg.key"); }).find("alg.key: alg: must be \"EdDSA\""),
            std::string::npos);
  std::ofstream(dir / "junk.pub") << "{not json";
  EXPECT_THROW(read_public_key(dir / "junk.pub"), InputError);
  EXPECT_THROW(read_public_key(dir / "missing.pub"), IoError);
}

TEST(Registry, RegisterWriteReadAndLookUp) {
  TempDir dir;
  const auto a = generate_key("A");
  const auto a2 = generate_key("A");
  const auto m = generate_key("M");
  Registry registry;
  EXPECT_TRUE(register_key(registry, a.public_key(), "Party A", std::nullopt));
  EXPECT_FALSE(register_key(registry, a.public_key(), "", std::nullopt));
  EXPECT_TRUE(register_key(registry, a2.public_key(), "Party A (new name)", std::nullopt));
  EXPECT_TRUE(register_key(registry, m.public_key(), "Mediator", std::string("mediator")));
  EXPECT_THROW(register_key(registry, generate_key("B").public_key(), "", std::nullopt), InputError);  // needs a name
  auto stolen = a.public_key();
  stolen.party = "B";
  EXPECT_THROW(register_key(registry, stolen, "Party B", std::nullopt), InputError);

  write_registry(registry, dir / "parties.json");
  const auto back = read_registry(dir / "parties.json");
  ASSERT_EQ(back.parties.size(), 2u);
  EXPECT_EQ(back.find_party("A")->name, "Party A (new name)");
  EXPECT_EQ(back.find_party("A")->keys.size(), 2u);
  EXPECT_EQ(back.find_party("M")->role, "mediator");
  ASSERT_NE(back.find_key(a2.kid), nullptr);
  EXPECT_EQ(back.find_key(a2.kid)->party, "A");
  EXPECT_EQ(back.find_key(m.kid)->bytes, m.public_key().bytes);
  EXPECT_EQ(back.find_key("ffffffffffffffff"), nullptr);
  EXPECT_EQ(back.find_party("Z"), nullptr);
}

TEST(Registry, ErrorsNameTheFileAndField) {
  TempDir dir;
  const auto a = generate_key("A");
  Json file = {
      {"parties", {{{"id", "A"}, {"name", "Party A"}, {"keys", {{{"kid", a.kid}, {"public_key", "not-a-key"}}}}}}}};
  std::ofstream(dir / "parties.json") << file.dump();
  EXPECT_NE(error_of([&] { read_registry(dir / "parties.json"); }).find("parties.json: parties[0].keys[0].public_key"),
            std::string::npos);
  file["parties"][0]["keys"] = Json::array();
  file["parties"].push_back({{"name", "nameless"}});
  std::ofstream(dir / "parties.json") << file.dump();
  EXPECT_NE(error_of([&] { read_registry(dir / "parties.json"); }).find("parties[1].id: missing"), std::string::npos);
  std::ofstream(dir / "parties.json") << "[]";
  EXPECT_THROW(read_registry(dir / "parties.json"), InputError);
}

}  // namespace
}  // namespace corridor::agree

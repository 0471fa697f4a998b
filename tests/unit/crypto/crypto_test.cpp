// The crypto module against published vectors: RFC 4648 (base64,
// base64url), FIPS 180-4 (SHA-256) and RFC 8032 section 7.1 (Ed25519).
#include <gtest/gtest.h>

#include "corridor/crypto/crypto.hpp"

namespace corridor::crypto {
namespace {

Bytes unhex(std::string_view text) { return from_hex(text).value(); }

// RFC 4648 section 10, in the URL-safe alphabet without padding.
TEST(Base64url, Rfc4648Vectors) {
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("foob"), "Zm9vYg");
  EXPECT_EQ(base64url("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url("\xfb\xff\xbf"), "-_-_");  // '+' and '/' in the standard alphabet
}

TEST(Base64url, RoundTripsEveryLength) {
  Bytes bytes;
  for (int n = 0; n < 200; ++n) {
    const auto text = base64url(bytes);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos) << text;
    const auto back = from_base64url(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, bytes);
    bytes.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

TEST(Base64url, RejectsOtherAlphabetsPaddingAndJunk) {
  EXPECT_FALSE(from_base64url("Zm9vYg==").has_value());  // padding
  EXPECT_FALSE(from_base64url("+/+/").has_value());      // standard alphabet
  EXPECT_FALSE(from_base64url("Zm9v Yg").has_value());
  EXPECT_FALSE(from_base64url("Z").has_value());   // not a whole byte
  EXPECT_FALSE(from_base64url("Zh").has_value());  // non-zero trailing bits
}

TEST(Base64, Rfc4648VectorsWithPadding) {
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("\xfb\xff\xbf"), "+/+/");
  EXPECT_EQ(from_base64("Zm9vYmE="), Bytes({'f', 'o', 'o', 'b', 'a'}));
  EXPECT_FALSE(from_base64("Zm9vYmE").has_value());  // the padding is required
  EXPECT_FALSE(from_base64("-_-_").has_value());
}

TEST(Hex, LowercaseOutEitherCaseIn) {
  EXPECT_EQ(hex(Bytes{0x00, 0xab, 0xff}), "00abff");
  EXPECT_EQ(from_hex("00ABff"), Bytes({0x00, 0xab, 0xff}));
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
  EXPECT_EQ(from_hex(""), Bytes());
}

TEST(Sha256, Fips180Vectors) {
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256().update("a").update("").update("bc").finish(), sha256("abc"));
}

// RFC 8032 section 7.1, TEST 1 (the empty message) and TEST 2.
TEST(Ed25519, Rfc8032Vectors) {
  struct Vector {
    const char* seed;
    const char* public_key;
    const char* message;
    const char* signature;
  };
  const Vector vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe"
       "24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302a"
       "eeb00d291612bb0c00"},
  };
  for (const auto& v : vectors) {
    Seed seed{};
    const auto seed_bytes = unhex(v.seed);
    std::copy(seed_bytes.begin(), seed_bytes.end(), seed.begin());
    const auto pair = key_pair_from_seed(seed);
    EXPECT_EQ(hex(pair.public_key), v.public_key);
    EXPECT_EQ(public_half(pair.secret_key), pair.public_key);
    const auto message = unhex(v.message);
    const auto signature = sign(message, pair.secret_key);
    EXPECT_EQ(hex(signature), v.signature);
    EXPECT_TRUE(verify(message, signature, pair.public_key));
    auto forged = signature;
    forged[0] ^= 1;
    EXPECT_FALSE(verify(message, forged, pair.public_key));
    EXPECT_FALSE(verify(message, ByteView(signature).first(63), pair.public_key));  // wrong length
  }
}

TEST(Random, TokensAreFreshAndUrlSafe) {
  const auto a = random_token(18), b = random_token(18);
  EXPECT_EQ(a.size(), 24U);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(random_hex(6).size(), 12U);
}

TEST(Wipe, ZeroesSecrets) {
  std::string secret = "hunter2";
  wipe(secret);
  EXPECT_EQ(secret, std::string(7, '\0'));
}

}  // namespace
}  // namespace corridor::crypto

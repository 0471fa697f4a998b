// RFC 8785 (JCS): the examples of the RFC, its number table, and refusals.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include <nlohmann/json.hpp>

#include "corridor/agree/jcs.hpp"
#include "corridor/error.hpp"

namespace corridor::agree {
namespace {

using Json = nlohmann::json;

std::string number(std::uint64_t bits) { return canonical_json(Json(std::bit_cast<double>(bits))); }

// RFC 8785 section 3.2.2, the sample object.
TEST(Jcs, Rfc8785SampleObject) {
  const auto input = Json::parse(R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })");
  const std::string expected =
      "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
      "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
  EXPECT_EQ(canonical_json(input), expected);
}

// RFC 8785 section 3.2.3: names sorted by UTF-16 code units, so the emoji
// (a surrogate pair, 0xD83D...) comes before U+FB33 although its code point
// is larger.
TEST(Jcs, Rfc8785SortsNamesByUtf16CodeUnits) {
  const auto input = Json::parse(R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })");
  const std::string expected = std::string("{") + "\"\\r\":\"Carriage Return\"," + "\"1\":\"One\"," + "\"\xc2\x80" +
                               "\":\"Control\"," + "\"\xc3\xb6" + "\":\"Latin Small Letter O With Diaeresis\"," +
                               "\"\xe2\x82\xac" + "\":\"Euro Sign\"," + "\"\xf0\x9f\x98\x80" +
                               "\":\"Emoji: Grinning Face\"," + "\"\xef\xac\xb3" +
                               "\":\"Hebrew Letter Dalet With Dagesh\"" + "}";
  EXPECT_EQ(canonical_json(input), expected);
}

// RFC 8785 appendix B: IEEE 754 values and their ECMAScript form.
TEST(Jcs, Rfc8785AppendixBNumbers) {
  const std::vector<std::pair<std::uint64_t, std::string>> table = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& [bits, text] : table) {
    SCOPED_TRACE(bits);
    EXPECT_EQ(number(bits), text);
  }
}

TEST(Jcs, EcmaScriptNumberForms) {
  EXPECT_EQ(canonical_json(Json(1e30)), "1e+30");
  EXPECT_EQ(canonical_json(Json(4.5)), "4.5");
  EXPECT_EQ(canonical_json(Json(0.002)), "0.002");
  EXPECT_EQ(canonical_json(Json(1e-7)), "1e-7");
  EXPECT_EQ(canonical_json(Json(1e-6)), "0.000001");
  EXPECT_EQ(canonical_json(Json(1e20)), "100000000000000000000");
  EXPECT_EQ(canonical_json(Json(1e21)), "1e+21");
  EXPECT_EQ(canonical_json(Json(333333333.3333333)), "333333333.3333333");
  EXPECT_EQ(canonical_json(Json(240.0)), "240");
  EXPECT_EQ(canonical_json(Json(-0.0)), "0");
  EXPECT_EQ(canonical_json(Json(-1.5e-9)), "-1.5e-9");
  EXPECT_EQ(canonical_json(Json(123.456)), "123.456");
  EXPECT_EQ(canonical_json(Json(std::int64_t{-42})), "-42");
  EXPECT_EQ(canonical_json(Json(std::uint64_t{9007199254740992})), "9007199254740992");
}

TEST(Jcs, DoublesRoundTripThroughTheirCanonicalForm) {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 20000; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const double value = std::bit_cast<double>(state);
    if (!std::isfinite(value)) continue;
    const auto text = canonical_json(Json(value));
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value == 0 ? 0.0 : value) << text;
  }
}

TEST(Jcs, EscapesOnlyWhatJsonRequires) {
  EXPECT_EQ(canonical_json(Json("\b\f\n\r\t\"\\")), "\"\\b\\f\\n\\r\\t\\\"\\\\\"");
  EXPECT_EQ(canonical_json(Json(std::string("\x01\x1f", 2))), "\"\\u0001\\u001f\"");
  EXPECT_EQ(canonical_json(Json("/<>&\x7f")), "\"/<>&\x7f\"");
  EXPECT_EQ(canonical_json(Json(std::string("a\0b", 3))), "\"a\\u0000b\"");
}

TEST(Jcs, NestedStructuresHaveNoWhiteSpace) {
  const auto input = Json::parse(R"({"b": [1, {"z": null, "a": [true]}], "a": {}, "c": []})");
  EXPECT_EQ(canonical_json(input), R"({"a":{},"b":[1,{"a":[true],"z":null}],"c":[]})");
}

TEST(Jcs, RefusesWhatItCannotRepresent) {
  EXPECT_THROW(canonical_json(Json(std::numeric_limits<double>::quiet_NaN())), InputError);
  EXPECT_THROW(canonical_json(Json(std::numeric_limits<double>::infinity())), InputError);
  EXPECT_THROW(canonical_json(Json(std::int64_t{9007199254740993})), InputError);
  EXPECT_THROW(canonical_json(Json(std::string("\xff"))), InputError);
  EXPECT_THROW(canonical_json(Json(std::string("\xc0\xaf"))), InputError);      // overlong '/'
  EXPECT_THROW(canonical_json(Json(std::string("\xed\xa0\x80"))), InputError);  // a lone surrogate
  Json bad = {{"corridors", Json::array({Json::object(), {{"people", std::nan("")}}})}};
  try {
    canonical_json(bad);
    FAIL() << "NaN accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "corridors[1].people");
  }
}

TEST(Jcs, ContentHashIsSha256OfTheCanonicalForm) {
  // SHA-256 of the two bytes "{}".
  EXPECT_EQ(content_hash(Json::object()), "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  EXPECT_EQ(content_hash(Json::parse(R"({"b": 1.0, "a": 2})")), content_hash(Json::parse(R"({"a":2,"b":1})")));
  EXPECT_NE(content_hash(Json::parse(R"({"a": 2})")), content_hash(Json::parse(R"({"a": 3})")));
}

}  // namespace
}  // namespace corridor::agree

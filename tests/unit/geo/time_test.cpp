#include "corridor/geo/time.hpp"

#include <filesystem>
#include <limits>

#include <gtest/gtest.h>

namespace corridor::geo {
namespace {

constexpr UnixSeconds k_march_5_0800z = unix_seconds(1646467200);  // 2022-03-05T08:00:00Z

const char* const k_not_rfc3339 = "not RFC 3339: expected YYYY-MM-DDTHH:MM:SS";

// The reason parse_rfc3339 gives for rejecting `text` ("" when it accepts it).
std::string rejection(std::string_view text) {
  std::string why;
  return parse_rfc3339(text, &why) ? std::string() : why;
}

TEST(ParseRfc3339, UtcDesignator) {
  const auto t = parse_rfc3339("2022-03-05T08:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc, k_march_5_0800z);
  EXPECT_EQ(t->offset_minutes, 0);
}

TEST(ParseRfc3339, PositiveOffsetIsSubtracted) {
  const auto t = parse_rfc3339("2022-03-05T10:00:00+02:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc, k_march_5_0800z);
  EXPECT_EQ(t->offset_minutes, 120);
}

TEST(ParseRfc3339, NegativeOffsetWithMinutesCrossesMidnight) {
  const auto t = parse_rfc3339("2022-03-04T22:30:00-09:30");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc, k_march_5_0800z);
  EXPECT_EQ(t->offset_minutes, -570);
}

TEST(ParseRfc3339, MinusZeroOffsetIsUtc) {
  const auto t = parse_rfc3339("2022-03-05T08:00:00-00:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc, k_march_5_0800z);
  EXPECT_EQ(t->offset_minutes, 0);
}

TEST(ParseRfc3339, FractionalSecondsAreTruncated) {
  EXPECT_EQ(parse_rfc3339("2022-03-05T08:00:00.999Z")->utc, k_march_5_0800z);
  EXPECT_EQ(parse_rfc3339("2022-03-05T08:00:59.5+00:00")->utc, k_march_5_0800z + Seconds(59));
  EXPECT_EQ(parse_rfc3339("2022-03-05T08:00:00.123456789Z")->utc, k_march_5_0800z);
}

TEST(ParseRfc3339, LowercaseSeparatorsAreAccepted) {
  EXPECT_EQ(parse_rfc3339("2022-03-05t08:00:00z")->utc, k_march_5_0800z);
}

TEST(FloorSeconds, WholeSecondsBelowOrNothingForAbsurdCounts) {
  EXPECT_EQ(floor_seconds(59.9), Seconds(59));
  EXPECT_EQ(floor_seconds(-0.5), Seconds(-1));
  EXPECT_EQ(floor_seconds(0), Seconds(0));
  EXPECT_FALSE(floor_seconds(1e300));
  EXPECT_FALSE(floor_seconds(-1e300));
  EXPECT_FALSE(floor_seconds(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(floor_seconds(std::numeric_limits<double>::infinity()));
}

TEST(ParseRfc3339, KnownInstants) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z")->utc, unix_seconds(0));
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59Z")->utc, unix_seconds(-1));
  EXPECT_EQ(parse_rfc3339("2000-03-01T00:00:00Z")->utc, unix_seconds(951868800));
  EXPECT_EQ(parse_rfc3339("2024-02-29T12:00:00Z")->utc, unix_seconds(1709208000));
  EXPECT_EQ(parse_rfc3339("1900-01-01T00:00:00Z")->utc, unix_seconds(-2208988800));
  EXPECT_EQ(parse_rfc3339("0001-01-01T00:00:00Z")->utc, unix_seconds(-62135596800));
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59Z")->utc, unix_seconds(253402300799));
}

TEST(ParseRfc3339, MissingOffset) {
  EXPECT_EQ(rejection("2022-03-05T09:00:00"), "missing UTC offset");
  EXPECT_EQ(rejection("2022-03-05T09:00:00.5"), "missing UTC offset");
}

TEST(ParseRfc3339, MalformedText) {
  for (const char* text :
       {"", "tomorrow", "2022-03-05", "2022-03-05T09:00Z", "2022-3-5T09:00:00Z", "2022-03-05 09:00:00Z",
        "20220305T090000Z", "2022-03-05T09:00:00.Z", "+2022-03-05T09:00:00Z", "2022-03-05T9:00:00Z"}) {
    EXPECT_EQ(rejection(text), k_not_rfc3339) << text;
  }
}

TEST(ParseRfc3339, MalformedOffset) {
  EXPECT_EQ(rejection("2022-03-05T09:00:00+0200"), "invalid UTC offset: expected Z or +HH:MM or -HH:MM");
  EXPECT_EQ(rejection("2022-03-05T09:00:00+02"), "invalid UTC offset: expected Z or +HH:MM or -HH:MM");
  EXPECT_EQ(rejection("2022-03-05T09:00:00 UTC"), "invalid UTC offset: expected Z or +HH:MM or -HH:MM");
  EXPECT_EQ(rejection("2022-03-05T09:00:00Zulu"), "unexpected text after the UTC offset");
  EXPECT_EQ(rejection("2022-03-05T09:00:00+02:00 "), "unexpected text after the UTC offset");
}

TEST(ParseRfc3339, OutOfRangeFields) {
  EXPECT_EQ(rejection("2022-13-01T00:00:00Z"), "month must be 01-12");
  EXPECT_EQ(rejection("2022-00-01T00:00:00Z"), "month must be 01-12");
  EXPECT_EQ(rejection("2022-04-31T00:00:00Z"), "day out of range for the month");
  EXPECT_EQ(rejection("2022-01-00T00:00:00Z"), "day out of range for the month");
  EXPECT_EQ(rejection("2022-01-32T00:00:00Z"), "day out of range for the month");
  EXPECT_EQ(rejection("2022-03-05T24:00:00Z"), "hour must be 00-23");
  EXPECT_EQ(rejection("2022-03-05T23:60:00Z"), "minute must be 00-59");
  EXPECT_EQ(rejection("2022-03-05T23:59:60Z"), "second must be 00-59");
}

TEST(ParseRfc3339, LeapYears) {
  EXPECT_EQ(rejection("2022-02-29T00:00:00Z"), "day out of range for the month");
  EXPECT_EQ(rejection("1900-02-29T00:00:00Z"), "day out of range for the month");
  EXPECT_EQ(rejection("2024-02-29T00:00:00Z"), "");
  EXPECT_EQ(rejection("2000-02-29T00:00:00Z"), "");
  EXPECT_EQ(rejection("2024-02-30T00:00:00Z"), "day out of range for the month");
}

TEST(ParseRfc3339, OffsetRange) {
  EXPECT_EQ(rejection("2022-03-05T09:00:00+18:00"), "");
  EXPECT_EQ(rejection("2022-03-05T09:00:00-18:00"), "");
  EXPECT_EQ(rejection("2022-03-05T09:00:00+18:01"), "UTC offset beyond 18:00");
  EXPECT_EQ(rejection("2022-03-05T09:00:00-19:00"), "UTC offset beyond 18:00");
  EXPECT_EQ(rejection("2022-03-05T09:00:00+02:60"), "UTC offset minutes must be 00-59");
}

TEST(ParseRfc3339, WhyIsOptional) { EXPECT_FALSE(parse_rfc3339("2022-03-05T09:00:00")); }

TEST(FormatUtc, KnownInstants) {
  EXPECT_EQ(format_utc(k_march_5_0800z), "2022-03-05T08:00:00Z");
  EXPECT_EQ(format_utc(unix_seconds(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(unix_seconds(-1)), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_utc(unix_seconds(951868800 - 1)), "2000-02-29T23:59:59Z");
  EXPECT_EQ(format_utc(unix_seconds(253402300799)), "9999-12-31T23:59:59Z");
}

TEST(FormatWithOffset, WritesLocalTimeAndOffset) {
  EXPECT_EQ(format_with_offset(k_march_5_0800z, 120), "2022-03-05T10:00:00+02:00");
  EXPECT_EQ(format_with_offset(k_march_5_0800z, -570), "2022-03-04T22:30:00-09:30");
  EXPECT_EQ(format_with_offset(k_march_5_0800z, 16 * 60), "2022-03-06T00:00:00+16:00");
  EXPECT_EQ(format_with_offset(k_march_5_0800z, 0), "2022-03-05T08:00:00Z");
  EXPECT_EQ(format_with_offset(unix_seconds(-1), 60), "1970-01-01T00:59:59+01:00");
}

TEST(FormatWithOffset, ExtremeInstantsDoNotOverflow) {
  EXPECT_FALSE(format_with_offset(std::numeric_limits<UnixSeconds>::max(), 18 * 60).empty());
  EXPECT_FALSE(format_with_offset(std::numeric_limits<UnixSeconds>::min(), -18 * 60).empty());
}

// 0000-01-01T00:20:01+12:00 is 11:40 on the last day of year -1 in UTC,
// which no four-digit year can write: refused, like its mirror past 9999.
TEST(ParseRfc3339, InstantsThatCannotBeWrittenBackAreRefused) {
  std::string why;
  EXPECT_FALSE(parse_rfc3339("0000-01-01T00:20:01+12:00", &why));
  EXPECT_EQ(why, "the instant in UTC lies outside the years 0000-9999");
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:59:59-00:01"));
  for (const char* edge :
       {"0000-01-01T00:00:00Z", "0000-01-01T12:00:00+12:00", "9999-12-31T23:59:59Z", "9999-12-31T12:00:00-11:59"}) {
    const auto t = parse_rfc3339(edge);
    ASSERT_TRUE(t) << edge;
    const auto again = parse_rfc3339(format_utc(t->utc));
    ASSERT_TRUE(again) << edge << " written as " << format_utc(t->utc);
    EXPECT_EQ(again->utc, t->utc);
    EXPECT_EQ(parse_rfc3339(format_with_offset(t->utc, t->offset_minutes))->utc, t->utc);
  }
}

TEST(Rfc3339, RoundTripsAcrossCenturies) {
  const UnixSeconds first = parse_rfc3339("1600-01-01T00:00:00Z")->utc;
  const UnixSeconds last = parse_rfc3339("2400-12-31T23:59:59Z")->utc;
  const Seconds step{86400 * 13 + 3671};  // walks through every month and time of day
  for (UnixSeconds t = first; t <= last; t += step) {
    const auto utc = parse_rfc3339(format_utc(t));
    ASSERT_TRUE(utc) << format_utc(t);
    ASSERT_EQ(utc->utc, t) << format_utc(t);
    for (const int offset : {-600, 330, 840}) {
      const auto local = parse_rfc3339(format_with_offset(t, offset));
      ASSERT_TRUE(local) << format_with_offset(t, offset);
      ASSERT_EQ(local->utc, t) << format_with_offset(t, offset);
      ASSERT_EQ(local->offset_minutes, offset);
    }
  }
}

class KnownTimeZone : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Berlin")) GTEST_SKIP() << "no tzdata installed";
  }
};

TEST_F(KnownTimeZone, AcceptsIanaNames) {
  EXPECT_TRUE(known_time_zone("Europe/Berlin"));
  EXPECT_TRUE(known_time_zone("Europe/Andorra"));
  EXPECT_TRUE(known_time_zone("America/Argentina/Buenos_Aires"));
  EXPECT_TRUE(known_time_zone("UTC"));
}

TEST_F(KnownTimeZone, RejectsUnknownNames) {
  EXPECT_FALSE(known_time_zone("Europe/Atlantis"));
  EXPECT_FALSE(known_time_zone("europe/berlin"));
  EXPECT_FALSE(known_time_zone(""));
}

TEST_F(KnownTimeZone, RejectsFoldersAndOtherFiles) {
  EXPECT_FALSE(known_time_zone("Europe"));
  EXPECT_FALSE(known_time_zone("Europe/"));
  EXPECT_FALSE(known_time_zone("zone.tab"));
  EXPECT_FALSE(known_time_zone("iso3166.tab"));
}

TEST_F(KnownTimeZone, RejectsImplausibleNames) {
  EXPECT_FALSE(known_time_zone("../zoneinfo/Europe/Berlin"));
  EXPECT_FALSE(known_time_zone("Europe/../Europe/Berlin"));
  EXPECT_FALSE(known_time_zone("/usr/share/zoneinfo/Europe/Berlin"));
  EXPECT_FALSE(known_time_zone("Europe//Berlin"));
  EXPECT_FALSE(known_time_zone("Europe/Berlin "));
  EXPECT_FALSE(known_time_zone("Europe/Berlin\n"));
  EXPECT_FALSE(known_time_zone(std::string_view("Europe/Berlin\0x", 15)));
}

}  // namespace
}  // namespace corridor::geo

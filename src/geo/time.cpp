#include "corridor/geo/time.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace corridor::geo {
namespace {

constexpr std::int64_t k_seconds_per_day = 86400;
constexpr int k_max_offset_minutes = 18 * 60;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil). Valid for every year an int64 can hold a day count of.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// The inverse of days_from_civil.
constexpr CivilDate civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;                           // [1, 31]
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;                            // [1, 12]
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(11017).year == 2000 && civil_from_days(11017).month == 3);

constexpr bool is_leap(int year) noexcept { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

constexpr int days_in_month(int year, int month) noexcept {
  constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[static_cast<std::size_t>(month - 1)];
}

// A cursor over the text being parsed.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool digits(std::size_t count, int& out) {
    if (text_.size() - pos_ < count) return false;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    out = value;
    return true;
  }

  bool literal(char a, char b = '\0') {
    if (done() || (text_[pos_] != a && (b == '\0' || text_[pos_] != b))) return false;
    ++pos_;
    return true;
  }

  // Skips ".digits"; false when a dot has no digit after it.
  bool fraction() {
    if (!literal('.')) return true;
    const std::size_t first = pos_;
    while (!done() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > first;
  }

  [[nodiscard]] bool done() const noexcept { return pos_ >= text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string two_digits(unsigned value) {
  std::array<char, 3> text{static_cast<char>('0' + value / 10 % 10), static_cast<char>('0' + value % 10), '\0'};
  return text.data();
}

// Splits t + shift_s into a civil date and the seconds of that day,
// without overflowing for any t.
std::string format_local(UnixSeconds instant, int shift_s) {
  const std::int64_t t = since_epoch(instant);
  std::int64_t days = t / k_seconds_per_day;
  std::int64_t secs = t % k_seconds_per_day;
  if (secs < 0) {
    secs += k_seconds_per_day;
    --days;
  }
  secs += shift_s;
  if (secs < 0) {
    secs += k_seconds_per_day;
    --days;
  } else if (secs >= k_seconds_per_day) {
    secs -= k_seconds_per_day;
    ++days;
  }
  const CivilDate date = civil_from_days(days);
  std::array<char, 32> year{};
  std::snprintf(year.data(), year.size(), "%04lld", static_cast<long long>(date.year));
  const auto sod = static_cast<unsigned>(secs);
  return std::string(year.data()) + '-' + two_digits(date.month) + '-' + two_digits(date.day) + 'T' +
         two_digits(sod / 3600) + ':' + two_digits(sod / 60 % 60) + ':' + two_digits(sod % 60);
}

}  // namespace

std::optional<ParsedTime> parse_rfc3339(std::string_view text, std::string* why) {
  const auto fail = [why](const char* reason) -> std::optional<ParsedTime> {
    if (why != nullptr) *why = reason;
    return std::nullopt;
  };
  Scanner in(text);
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!(in.digits(4, year) && in.literal('-') && in.digits(2, month) && in.literal('-') && in.digits(2, day) &&
        in.literal('T', 't') && in.digits(2, hour) && in.literal(':') && in.digits(2, minute) && in.literal(':') &&
        in.digits(2, second) && in.fraction())) {
    return fail("not RFC 3339: expected YYYY-MM-DDTHH:MM:SS");
  }
  if (in.done()) return fail("missing UTC offset");
  int offset = 0;
  if (!in.literal('Z', 'z')) {
    const bool negative = in.literal('-');
    int offset_hours = 0;
    int offset_minutes = 0;
    if (!((negative || in.literal('+')) && in.digits(2, offset_hours) && in.literal(':') &&
          in.digits(2, offset_minutes))) {
      return fail("invalid UTC offset: expected Z or +HH:MM or -HH:MM");
    }
    if (offset_minutes > 59) return fail("UTC offset minutes must be 00-59");
    offset = offset_hours * 60 + offset_minutes;
    if (offset > k_max_offset_minutes) return fail("UTC offset beyond 18:00");
    if (negative) offset = -offset;
  }
  if (!in.done()) return fail("unexpected text after the UTC offset");
  if (month < 1 || month > 12) return fail("month must be 01-12");
  if (day < 1 || day > days_in_month(year, month)) return fail("day out of range for the month");
  if (hour > 23) return fail("hour must be 00-23");
  if (minute > 59) return fail("minute must be 00-59");
  if (second > 59) return fail("second must be 00-59");

  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t local = days * k_seconds_per_day + hour * 3600 + minute * 60 + second;
  const std::int64_t utc = local - std::int64_t{offset} * 60;
  // Every instant read must be writable again as a four-digit UTC year.
  constexpr std::int64_t k_first = days_from_civil(0, 1, 1) * k_seconds_per_day;
  constexpr std::int64_t k_end = days_from_civil(10000, 1, 1) * k_seconds_per_day;
  if (utc < k_first || utc >= k_end) return fail("the instant in UTC lies outside the years 0000-9999");
  return ParsedTime{unix_seconds(utc), offset};
}

std::optional<Seconds> floor_seconds(double seconds) noexcept {
  constexpr double k_span = 10000.0 * 366 * k_seconds_per_day;
  if (!std::isfinite(seconds) || std::fabs(seconds) > k_span) return std::nullopt;
  return Seconds{static_cast<std::int64_t>(std::floor(seconds))};
}

std::string format_utc(UnixSeconds t) { return format_local(t, 0) + 'Z'; }

std::string format_with_offset(UnixSeconds t, int offset_minutes) {
  if (offset_minutes == 0) return format_utc(t);
  const auto magnitude = static_cast<unsigned>(offset_minutes < 0 ? -offset_minutes : offset_minutes);
  return format_local(t, offset_minutes * 60) + (offset_minutes < 0 ? '-' : '+') + two_digits(magnitude / 60) + ':' +
         two_digits(magnitude % 60);
}

bool known_time_zone(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.back() == '/' || name.find("..") != std::string_view::npos ||
      name.find("//") != std::string_view::npos) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '+' || c == '-' || c == '/';
    if (!ok) return false;
  }
  const std::filesystem::path file = std::filesystem::path("/usr/share/zoneinfo") / std::string(name);
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) return false;
  // Every compiled zone starts with the TZif magic; this rejects the tables
  // (zone.tab, iso3166.tab...) that share the folder.
  std::ifstream in(file, std::ios::binary);
  std::array<char, 4> magic{};
  return in.read(magic.data(), magic.size()) && std::string_view(magic.data(), magic.size()) == "TZif";
}

}  // namespace corridor::geo

namespace corridor::geo {

std::string format_in_zone(UnixSeconds t, const std::string& zone) {
  if (!known_time_zone(zone)) return format_utc(t);
  // The C library resolves zones through TZ; guard the process-wide setting.
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  const char* previous = std::getenv("TZ");
  const std::string saved = previous ? previous : "";
  setenv("TZ", zone.c_str(), 1);
  tzset();
  const auto tt = static_cast<std::time_t>(since_epoch(t));
  std::tm local{};
  localtime_r(&tt, &local);
  if (previous)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
  return format_with_offset(t, static_cast<int>(local.tm_gmtoff / 60));
}

}  // namespace corridor::geo

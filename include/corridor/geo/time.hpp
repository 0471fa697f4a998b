#pragma once
// Instants as seconds since the Unix epoch (UTC), parsed from and printed as
// RFC 3339. A scenario's times must carry an explicit UTC offset ("Z" or
// "+02:00"): a bare local time is ambiguous, which is exactly how ceasefire
// windows announced in one capital's time get observed in another's.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace corridor::geo {

// An instant, to the second (std::chrono's system clock counts Unix time);
// it cannot be mixed up with the planner's milliseconds or a duration:
// `instant - instant` is a std::chrono::seconds, and `.count()` or
// unix_seconds() are the only ways in and out of bare integers.
using UnixSeconds = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

constexpr UnixSeconds unix_seconds(std::int64_t since_epoch) noexcept { return UnixSeconds{Seconds{since_epoch}}; }
constexpr std::int64_t since_epoch(UnixSeconds t) noexcept { return t.time_since_epoch().count(); }

// The whole seconds at or below a count of seconds written as a number (a
// plan's times_s); nullopt when it is not finite or spans more than the
// years 0000-9999.
std::optional<Seconds> floor_seconds(double seconds) noexcept;

struct ParsedTime {
  UnixSeconds utc{};       // the instant
  int offset_minutes = 0;  // the offset it was written with
};

// Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)". Returns nullopt when
// the text is not RFC 3339 or lacks an offset; `why` then says what is wrong.
std::optional<ParsedTime> parse_rfc3339(std::string_view text, std::string* why = nullptr);

// "2022-03-05T08:00:00Z"
std::string format_utc(UnixSeconds t);

// The instant written with the given offset: "2022-03-05T10:00:00+02:00"
// (offset 0 is written "Z", as format_utc does).
std::string format_with_offset(UnixSeconds t, int offset_minutes);

// The instant as local time in an IANA zone, with that zone's offset then
// (daylight saving included): "2022-03-05T10:00:00+01:00". Uses the
// system's tz database (Debian: tzdata); falls back to UTC for an unknown zone.
std::string format_in_zone(UnixSeconds t, const std::string& zone);

// True when an IANA time zone of that name exists on this system.
bool known_time_zone(std::string_view name);

}  // namespace corridor::geo

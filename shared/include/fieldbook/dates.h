// Dates and times, the one module for both sides (built on std::chrono's civil calendar): civil
// days (days since 1970-01-01, UTC), dates written "YYYY-MM-DD" (parsed with validation: a real
// calendar date, four-digit year), day arithmetic, Unix milliseconds <-> days, and ISO-8601 UTC
// timestamps ("2026-11-23T08:15:00Z"). The device's local time (its date today, a local time of
// day) goes through the C library's zone rules (localtime_r / mktime), as the rest of the
// product does.
//
// Thread safety: pure functions; call from any thread (the local-time ones read the process's
// time zone, which nobody changes while it runs).
#ifndef FIELDBOOK_DATES_H_
#define FIELDBOOK_DATES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fieldbook {

inline constexpr int64_t kMsPerDay = 86400000;

// A calendar date.
struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};

// Days since 1970-01-01 of a date (fields out of range roll over, as std::chrono does).
int32_t DaysFromCivil(int year, unsigned month, unsigned day);
// The calendar date of day `days` since 1970-01-01.
CivilDate CivilFromDays(int64_t days);
// Whether year-month-day is a real calendar date (leap years counted).
bool IsCivilDate(int year, int month, int day);

// "YYYY-MM-DD" exactly (ten characters, digits where digits belong, a real calendar date, years
// 0000..9999): the day since 1970-01-01, else nullopt.
std::optional<int32_t> ParseDate(std::string_view text);
// A date field of the product: ParseDate succeeds and the year is 1900 or later.
bool IsValidDate(std::string_view text);
// The date at the start of a date or of an ISO-8601 timestamp ("2026-11-23",
// "2026-11-23T08:15:00Z"): the day since 1970-01-01, else nullopt. What follows the date is not
// read (a timestamp's day is its UTC date as written).
std::optional<int32_t> ParseDay(std::string_view text);
// "YYYY-MM-DD" of a day since 1970-01-01.
std::string FormatDate(int64_t day);
inline std::string FormatDay(int32_t day) { return FormatDate(day); }

// `date` moved by `days` (negative: back); "" when `date` is not a date (ParseDate).
std::string AddDays(std::string_view date, int64_t days);
// Days from `a` to `b` (b - a) for two dates (the date at the start of each, as ParseDay reads
// them); 0 when either is not one.
int64_t DaysBetween(std::string_view a, std::string_view b);

// The UTC day of a Unix time in milliseconds (rounded down: before 1970 too), and the first
// millisecond of a day.
int32_t DayOfMs(int64_t unix_ms);
inline int64_t MsOfDay(int32_t day) { return static_cast<int64_t>(day) * kMsPerDay; }

// "2026-11-23T08:15:00Z" of a Unix time in milliseconds (the milliseconds dropped).
std::string FormatIsoUtc(int64_t unix_ms);
// "2026-11-23T08:15:00.042Z": with the milliseconds.
std::string FormatIsoUtcMs(int64_t unix_ms);
// "20261123T081500Z": for file names (backups, recovery copies).
std::string FormatCompactUtc(int64_t unix_ms);
// "2026-11-23 08:15" in UTC.
std::string FormatUtcMinute(int64_t unix_ms);
// A date "YYYY-MM-DD" (its midnight) or a UTC time "YYYY-MM-DDTHH:MM:SSZ" exactly, from 1970 on:
// Unix milliseconds, else nullopt (2026-02-31 and 25:00 are refused, not rolled over).
std::optional<int64_t> ParseIsoUtc(std::string_view text);
// A time as people and other programs write it: a date alone (midday local time, so the date
// stays the same in UTC almost everywhere), "YYYY-MM-DD[T| ]HH:MM[:SS[.fff]]" in the device's
// local time, or the same followed by "Z" or an offset "+08:00" / "+0800" / "-05". Unix
// milliseconds (whole seconds), else nullopt.
std::optional<int64_t> ParseTimestamp(std::string_view text);

// The device's local date "YYYY-MM-DD" at a Unix time (its "today" for NowMs()).
std::string LocalDate(int64_t unix_ms);
// "2026-11-23 16:15": the device's local date and time to the minute.
std::string LocalDateTimeMinute(int64_t unix_ms);
// The local date of a UTC timestamp "YYYY-MM-DDTHH:MM:SS..." ; its first ten characters when it
// is not one.
std::string LocalDateOfIso(std::string_view iso_utc);
// "2026-11-23 16:15" local of a UTC timestamp "YYYY-MM-DDTHH:MM..."; the text as it is when it
// is not one.
std::string LocalMinuteOfIso(std::string_view iso_utc);
// "2026-11-23 08:15 UTC" of a UTC timestamp "YYYY-MM-DDTHH:MM..."; the text as it is when it is
// not one.
std::string UtcMinuteOfIso(std::string_view iso_utc);
// The device's offset from UTC at a Unix time, in milliseconds (UTC+8: 28,800,000).
int64_t LocalUtcOffsetMs(int64_t unix_ms);

}  // namespace fieldbook

#endif  // FIELDBOOK_DATES_H_

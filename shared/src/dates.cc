#include "fieldbook/dates.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace fieldbook {

namespace {

namespace chr = std::chrono;

// `n` digits of `text` from `at` as a number; -1 when any is not a digit or the text is short.
int Digits(std::string_view text, size_t at, size_t n) {
  if (at + n > text.size()) return -1;
  int out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    out = out * 10 + (text[i] - '0');
  }
  return out;
}

// The date "YYYY-MM-DD" at the start of `text`, validated.
std::optional<chr::year_month_day> DatePrefix(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const int y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (y < 0 || m < 0 || d < 0 || !IsCivilDate(y, m, d)) return std::nullopt;
  return chr::year_month_day{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                             chr::day{static_cast<unsigned>(d)}};
}

int32_t ToDays(const chr::year_month_day& ymd) {
  return static_cast<int32_t>(chr::sys_days{ymd}.time_since_epoch().count());
}

// The UTC calendar fields of a Unix time in milliseconds.
struct UtcParts {
  CivilDate date;
  int hour, minute, second, ms;
};

UtcParts SplitUtc(int64_t unix_ms) {
  const chr::sys_time<chr::milliseconds> t{chr::milliseconds{unix_ms}};
  const chr::sys_days day = chr::floor<chr::days>(t);
  const chr::hh_mm_ss<chr::milliseconds> hms{t - day};
  const CivilDate date = CivilFromDays(day.time_since_epoch().count());
  return UtcParts{date, static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                  static_cast<int>(hms.subseconds().count())};
}

// unix_ms's UTC time printed by `format`, which takes the year, month, day, hour, minute, second
// and millisecond in this order and may stop before the last ones.
std::string FormatUtc(int64_t unix_ms, const char* format) {
  const UtcParts p = SplitUtc(unix_ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, format, p.date.year, p.date.month, p.date.day, p.hour, p.minute,
                p.second, p.ms);
  return buf;
}

std::tm LocalTm(int64_t unix_ms) {
  const std::time_t secs =
      static_cast<std::time_t>(chr::floor<chr::seconds>(chr::milliseconds{unix_ms}).count());
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm;
}

// "YYYY-MM-DDTHH:MM" (and ":SS" when `with_seconds`) at the start of `text` as UTC, validated.
std::optional<int64_t> IsoPrefixMs(std::string_view text, bool with_seconds) {
  const size_t need = with_seconds ? 19 : 16;
  if (text.size() < need || text[10] != 'T' || text[13] != ':') return std::nullopt;
  if (with_seconds && text[16] != ':') return std::nullopt;
  const std::optional<chr::year_month_day> ymd = DatePrefix(text);
  const int h = Digits(text, 11, 2), mi = Digits(text, 14, 2);
  const int s = with_seconds ? Digits(text, 17, 2) : 0;
  if (!ymd || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return std::nullopt;
  return (static_cast<int64_t>(ToDays(*ymd)) * 86400 + h * 3600 + mi * 60 + s) * 1000;
}

}  // namespace

int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const chr::year_month_day ymd{chr::year{year}, chr::month{month}, chr::day{day}};
  // sys_days of a year_month_day with an out-of-range day counts on from the month's start.
  return static_cast<int32_t>(
      (chr::sys_days{ymd.year() / ymd.month() / 1} + chr::days{static_cast<int>(day) - 1})
          .time_since_epoch()
          .count());
}

CivilDate CivilFromDays(int64_t days) {
  const chr::year_month_day ymd{chr::sys_days{chr::days{days}}};
  return CivilDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                   static_cast<unsigned>(ymd.day())};
}

bool IsCivilDate(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  return chr::year_month_day{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                             chr::day{static_cast<unsigned>(day)}}
      .ok();
}

std::optional<int32_t> ParseDate(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return ParseDay(text);
}

bool IsValidDate(std::string_view text) {
  return ParseDate(text).has_value() && Digits(text, 0, 4) >= 1900;
}

std::optional<int32_t> ParseDay(std::string_view text) {
  const std::optional<chr::year_month_day> ymd = DatePrefix(text);
  if (!ymd) return std::nullopt;
  return ToDays(*ymd);
}

std::string FormatDate(int64_t day) {
  const CivilDate c = CivilFromDays(day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::string AddDays(std::string_view date, int64_t days) {
  const std::optional<int32_t> day = ParseDate(date);
  if (!day) return "";
  return FormatDate(*day + days);
}

int64_t DaysBetween(std::string_view a, std::string_view b) {
  const std::optional<int32_t> da = ParseDay(a), db = ParseDay(b);
  if (!da || !db) return 0;
  return static_cast<int64_t>(*db) - *da;
}

int32_t DayOfMs(int64_t unix_ms) {
  return static_cast<int32_t>(chr::floor<chr::days>(chr::milliseconds{unix_ms}).count());
}

std::string FormatIsoUtc(int64_t unix_ms) {
  return FormatUtc(unix_ms, "%04d-%02u-%02uT%02d:%02d:%02dZ");
}

std::string FormatIsoUtcMs(int64_t unix_ms) {
  return FormatUtc(unix_ms, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ");
}

std::string FormatCompactUtc(int64_t unix_ms) {
  return FormatUtc(unix_ms, "%04d%02u%02uT%02d%02d%02dZ");
}

std::string FormatUtcMinute(int64_t unix_ms) {
  return FormatUtc(unix_ms, "%04d-%02u-%02u %02d:%02d");
}

std::optional<int64_t> ParseIsoUtc(std::string_view text) {
  std::optional<int64_t> ms;
  if (text.size() == 10) {
    if (const std::optional<int32_t> day = ParseDate(text)) ms = MsOfDay(*day);
  } else if (text.size() == 20 && text[19] == 'Z') {
    ms = IsoPrefixMs(text, true);
  }
  if (!ms || *ms < 0 || Digits(text, 0, 4) > 9999) return std::nullopt;
  return ms;
}

std::optional<int64_t> ParseTimestamp(std::string_view raw) {
  const char* ws = " \t\r\n";
  const size_t first = raw.find_first_not_of(ws);
  if (first == std::string_view::npos) return std::nullopt;
  const std::string_view text = raw.substr(first, raw.find_last_not_of(ws) - first + 1);
  if (!IsValidDate(text.substr(0, 10))) return std::nullopt;
  std::tm tm{};
  tm.tm_year = Digits(text, 0, 4) - 1900;
  tm.tm_mon = Digits(text, 5, 2) - 1;
  tm.tm_mday = Digits(text, 8, 2);
  auto two = [&](size_t at, int max, int* out) {
    const int v = Digits(text, at, 2);
    if (v < 0 || v > max) return false;
    *out = v;
    return true;
  };
  size_t i = 10;
  if (i == text.size()) {
    tm.tm_hour = 12;  // a date alone: midday, so the day stays the same in UTC almost everywhere
  } else {
    if (text[i] != 'T' && text[i] != ' ') return std::nullopt;
    if (!two(i + 1, 23, &tm.tm_hour) || i + 3 >= text.size() || text[i + 3] != ':' ||
        !two(i + 4, 59, &tm.tm_min)) {
      return std::nullopt;
    }
    i += 6;
    if (i < text.size() && text[i] == ':') {
      if (!two(i + 1, 60, &tm.tm_sec)) return std::nullopt;
      i += 3;
      if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
      }
    }
  }
  // The fields as UTC, then moved by the zone.
  const int64_t as_utc =
      static_cast<int64_t>(DaysFromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                                         static_cast<unsigned>(tm.tm_mday))) *
          86400 +
      tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  int64_t secs = 0;
  if (i == text.size()) {
    tm.tm_isdst = -1;
    const std::time_t t = mktime(&tm);  // the device's local time
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    secs = static_cast<int64_t>(t);
  } else if (text[i] == 'Z' && i + 1 == text.size()) {
    secs = as_utc;
  } else if (text[i] == '+' || text[i] == '-') {
    const int sign = text[i] == '+' ? 1 : -1;
    int hh = 0, mm = 0;
    if (!two(i + 1, 14, &hh)) return std::nullopt;
    size_t j = i + 3;
    if (j < text.size() && text[j] == ':') ++j;
    if (!two(j, 59, &mm) || j + 2 != text.size()) return std::nullopt;
    secs = as_utc - sign * (hh * 3600 + mm * 60);
  } else {
    return std::nullopt;
  }
  return secs * 1000;
}

std::string LocalDate(int64_t unix_ms) {
  const std::tm tm = LocalTm(unix_ms);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::string LocalDateTimeMinute(int64_t unix_ms) {
  const std::tm tm = LocalTm(unix_ms);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min);
  return buf;
}

std::string LocalDateOfIso(std::string_view iso_utc) {
  const std::optional<int64_t> ms = IsoPrefixMs(iso_utc, true);
  if (!ms) return std::string(iso_utc.substr(0, 10));
  return LocalDate(*ms);
}

std::string LocalMinuteOfIso(std::string_view iso_utc) {
  const std::optional<int64_t> ms = IsoPrefixMs(iso_utc, false);
  if (!ms) return std::string(iso_utc);
  return LocalDateTimeMinute(*ms);
}

std::string UtcMinuteOfIso(std::string_view iso_utc) {
  const std::optional<int64_t> ms = IsoPrefixMs(iso_utc, false);
  if (!ms) return std::string(iso_utc);
  return FormatUtcMinute(*ms) + " UTC";
}

int64_t LocalUtcOffsetMs(int64_t unix_ms) {
  return static_cast<int64_t>(LocalTm(unix_ms).tm_gmtoff) * 1000;
}

}  // namespace fieldbook

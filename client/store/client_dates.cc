#include "store/client_dates.h"

#include <cstdio>
#include <ctime>
#include <string_view>

#include "store/rows.h"

namespace fieldbook::client {

using internal::ParseInt;
using internal::Trim;

bool IsValidDate(const std::string& date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  int64_t y = 0, m = 0, d = 0;
  if (!ParseInt(std::string_view(date).substr(0, 4), &y) ||
      !ParseInt(std::string_view(date).substr(5, 2), &m) ||
      !ParseInt(std::string_view(date).substr(8, 2), &d)) {
    return false;
  }
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (date[i] < '0' || date[i] > '9') return false;
  }
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

std::string FormatUtc(int64_t unix_ms) {
  const time_t secs = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::string> NormalizeTime(const std::string& raw) {
  const std::string text = Trim(raw);
  if (text.size() < 10 || !IsValidDate(text.substr(0, 10))) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(8, 2));
  size_t i = 10;
  auto two = [&](size_t at, int64_t max, int* out) {
    int64_t v = 0;
    if (at + 2 > text.size() || !ParseInt(std::string_view(text).substr(at, 2), &v) || v < 0 ||
        v > max) {
      return false;
    }
    *out = static_cast<int>(v);
    return true;
  };
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
  time_t secs = 0;
  if (i == text.size()) {
    tm.tm_isdst = -1;
    secs = mktime(&tm);  // the device's local time
  } else if (text[i] == 'Z' && i + 1 == text.size()) {
    secs = timegm(&tm);
  } else if (text[i] == '+' || text[i] == '-') {
    const int sign = text[i] == '+' ? 1 : -1;
    int hh = 0, mm = 0;
    if (!two(i + 1, 14, &hh)) return std::nullopt;
    size_t j = i + 3;
    if (j < text.size() && text[j] == ':') ++j;
    if (!two(j, 59, &mm) || j + 2 != text.size()) return std::nullopt;
    secs = timegm(&tm) - sign * (hh * 3600 + mm * 60);
  } else {
    return std::nullopt;
  }
  if (secs == static_cast<time_t>(-1)) return std::nullopt;
  return FormatUtc(static_cast<int64_t>(secs) * 1000);
}

std::string LocalDate(int64_t unix_ms) {
  const time_t secs = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The local calendar date of an ISO-8601 UTC time "YYYY-MM-DDTHH:MM:SSZ".
std::string LocalDateOf(const std::string& utc) {
  std::tm tm{};
  if (utc.size() < 19 ||
      std::sscanf(utc.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return utc.substr(0, 10);
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const time_t secs = timegm(&tm);
  std::tm local{};
  localtime_r(&secs, &local);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &local);
  return buf;
}

// Days between two dates as the calendar counts them (b - a).
int64_t DaysBetween(const std::string& a, const std::string& b) {
  auto days = [](const std::string& d) -> int64_t {
    int64_t y = 0, m = 0, day = 0;
    if (!ParseInt(std::string_view(d).substr(0, 4), &y) ||
        !ParseInt(std::string_view(d).substr(5, 2), &m) ||
        !ParseInt(std::string_view(d).substr(8, 2), &day)) {
      return 0;
    }
    // Days from civil (Howard Hinnant's algorithm).
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  };
  if (a.size() < 10 || b.size() < 10) return 0;
  return days(b) - days(a);
}

}  // namespace fieldbook::client

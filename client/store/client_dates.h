// The client's date helpers, until the shared dates module (fieldbook/dates.h) replaces them.
// Dates are YYYY-MM-DD (the rep's local calendar); timestamps are ISO-8601 UTC
// ("2026-11-23T09:15:00Z").
//
// Thread safety: pure functions (the local-time ones read the process's time zone).
#ifndef FIELDBOOK_CLIENT_STORE_CLIENT_DATES_H_
#define FIELDBOOK_CLIENT_STORE_CLIENT_DATES_H_

#include <cstdint>
#include <optional>
#include <string>

namespace fieldbook::client {

// Checks a calendar date "YYYY-MM-DD".
bool IsValidDate(const std::string& date);
// Normalises a time to ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ". Accepts "YYYY-MM-DD[T ]HH:MM[:SS]"
// followed by "Z", "+HH:MM", "-HH:MM" or nothing (local time); nullopt when it cannot be read.
std::optional<std::string> NormalizeTime(const std::string& text);
// "2026-11-23T09:15:00Z" for a Unix time in milliseconds.
std::string FormatUtc(int64_t unix_ms);
// The device's local date at a Unix time in milliseconds.
std::string LocalDate(int64_t unix_ms);
// The local calendar date of an ISO-8601 UTC time "YYYY-MM-DDTHH:MM:SSZ".
std::string LocalDateOf(const std::string& utc);
// Days between two dates as the calendar counts them (b - a); 0 when either is not one.
int64_t DaysBetween(const std::string& a, const std::string& b);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_CLIENT_DATES_H_

// The dates module: civil days, validated dates, day arithmetic, ms <-> days, ISO timestamps.
#include "fieldbook/dates.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace fieldbook {
namespace {

// Runs the body with the process's zone set to `tz`, restoring it after.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old, had_ = true;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (had_) {
      setenv("TZ", old_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::string old_;
  bool had_ = false;
};

TEST(DatesTest, CivilDaysRoundTripOverTwoCenturyTurns) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(2026, 11, 23), 20780);
  // Every day from 1896 to 2104 (1900, 2000 and 2100 included) maps to a real date and back, one
  // day after the other.
  int32_t expected = DaysFromCivil(1896, 1, 1);
  for (int y = 1896; y < 2105; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      for (unsigned d = 1; d <= 31; ++d) {
        if (!IsCivilDate(y, static_cast<int>(m), static_cast<int>(d))) continue;
        ASSERT_EQ(DaysFromCivil(y, m, d), expected) << y << "-" << m << "-" << d;
        const CivilDate c = CivilFromDays(expected);
        ASSERT_EQ(c.year, y);
        ASSERT_EQ(c.month, m);
        ASSERT_EQ(c.day, d);
        ++expected;
      }
    }
  }
  EXPECT_EQ(expected, DaysFromCivil(2105, 1, 1));
  // A day past the month's end counts on into the next month.
  EXPECT_EQ(DaysFromCivil(2026, 2, 31), DaysFromCivil(2026, 3, 3));
}

TEST(DatesTest, LeapYearsFollowTheGregorianRules) {
  EXPECT_TRUE(IsCivilDate(2024, 2, 29));
  EXPECT_FALSE(IsCivilDate(2026, 2, 29));
  EXPECT_FALSE(IsCivilDate(1900, 2, 29));  // divisible by 100
  EXPECT_TRUE(IsCivilDate(2000, 2, 29));   // ... but by 400
  EXPECT_FALSE(IsCivilDate(2100, 2, 29));
  EXPECT_EQ(FormatDate(*ParseDate("2024-02-28") + 1), "2024-02-29");
  EXPECT_EQ(FormatDate(*ParseDate("2026-02-28") + 1), "2026-03-01");
  EXPECT_EQ(AddDays("2000-02-28", 1), "2000-02-29");
  EXPECT_EQ(AddDays("2100-02-28", 1), "2100-03-01");
}

TEST(DatesTest, InvalidDatesAreRefused) {
  for (const char* bad :
       {"", "2026-1-01", "2026-01-1", "2026/01/01", "2026-13-01", "2026-00-10", "2026-04-31",
        "2026-02-29", "2026-01-00", "2026-01-32", "20260101", "2026-01-01 ", " 2026-01-01",
        "２０２６-01-01", "2026-0a-01", "-026-01-01", "2026-01-+1", "2026-+1-01"}) {
    EXPECT_FALSE(ParseDate(bad).has_value()) << bad;
    EXPECT_FALSE(IsValidDate(bad)) << bad;
    EXPECT_EQ(AddDays(bad, 1), "") << bad;
  }
  EXPECT_TRUE(ParseDate("2026-04-30").has_value());
  EXPECT_TRUE(ParseDate("2026-12-31").has_value());
}

TEST(DatesTest, BoundsOfTheYears) {
  EXPECT_EQ(FormatDate(*ParseDate("0000-01-01")), "0000-01-01");
  EXPECT_EQ(FormatDate(*ParseDate("9999-12-31")), "9999-12-31");
  EXPECT_EQ(*ParseDate("9999-12-31") + 1, DaysFromCivil(10000, 1, 1));
  // A product date field starts in 1900.
  EXPECT_FALSE(IsValidDate("1899-12-31"));
  EXPECT_TRUE(IsValidDate("1900-01-01"));
  EXPECT_TRUE(IsValidDate("9999-12-31"));
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(-719468), "0000-03-01");
}

TEST(DatesTest, ParseDayReadsTheDateOfATimestamp) {
  EXPECT_EQ(*ParseDay("1970-01-01"), 0);
  EXPECT_EQ(*ParseDay("2026-11-23T08:15:00Z"), *ParseDate("2026-11-23"));
  EXPECT_EQ(*ParseDay("2026-11-23 23:59"), *ParseDate("2026-11-23"));
  EXPECT_FALSE(ParseDay("2026-11-31T08:15:00Z").has_value());
  EXPECT_FALSE(ParseDay("23/11/2026").has_value());
  EXPECT_FALSE(ParseDate("2026-11-23T08:15:00Z").has_value());  // a date is only a date
}

TEST(DatesTest, DayArithmetic) {
  EXPECT_EQ(AddDays("2026-12-31", 1), "2027-01-01");
  EXPECT_EQ(AddDays("2027-01-01", -1), "2026-12-31");
  EXPECT_EQ(AddDays("2026-11-23", 365 * 400 + 97), "2426-11-23");
  EXPECT_EQ(DaysBetween("2026-11-01", "2026-11-23"), 22);
  EXPECT_EQ(DaysBetween("2026-11-23", "2026-11-01"), -22);
  EXPECT_EQ(DaysBetween("2024-01-01", "2025-01-01"), 366);
  EXPECT_EQ(DaysBetween("2026-11-01T23:00:00Z", "2026-11-02"), 1);
  EXPECT_EQ(DaysBetween("garbage", "2026-11-02"), 0);
}

TEST(DatesTest, MillisecondsAndDays) {
  EXPECT_EQ(DayOfMs(0), 0);
  EXPECT_EQ(DayOfMs(kMsPerDay - 1), 0);
  EXPECT_EQ(DayOfMs(kMsPerDay), 1);
  EXPECT_EQ(DayOfMs(-1), -1);  // rounded down before 1970 too
  EXPECT_EQ(MsOfDay(20415), int64_t{20415} * 86400000);
  EXPECT_EQ(DayOfMs(MsOfDay(20415) + 5), 20415);
}

TEST(DatesTest, IsoTimestampsFormatAndParse) {
  const int64_t ms = MsOfDay(*ParseDate("2026-11-23")) + ((8 * 60 + 15) * 60 + 7) * 1000 + 42;
  EXPECT_EQ(FormatIsoUtc(ms), "2026-11-23T08:15:07Z");
  EXPECT_EQ(FormatIsoUtcMs(ms), "2026-11-23T08:15:07.042Z");
  EXPECT_EQ(FormatCompactUtc(ms), "20261123T081507Z");
  EXPECT_EQ(FormatUtcMinute(ms), "2026-11-23 08:15");
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtcMs(-1), "1969-12-31T23:59:59.999Z");

  EXPECT_EQ(*ParseIsoUtc("2026-11-23T08:15:07Z"), ms - 42);
  EXPECT_EQ(*ParseIsoUtc("2026-11-23"), MsOfDay(*ParseDate("2026-11-23")));
  EXPECT_EQ(*ParseIsoUtc("1970-01-01"), 0);
  for (const char* bad : {"2026-02-31", "2026-11-23T24:00:00Z", "2026-11-23T08:60:00Z",
                          "2026-11-23T08:15:07", "2026-11-23T08:15:07+08", "1969-12-31",
                          "2026-11-23 08:15:07Z", "2026-11-23T8:15:07Z", ""}) {
    EXPECT_FALSE(ParseIsoUtc(bad).has_value()) << bad;
  }
}

TEST(DatesTest, TimestampsAsPeopleWriteThem) {
  ScopedTimeZone tz("CST-8");  // UTC+8, no daylight saving (a POSIX zone: no tzdata needed)
  const int64_t utc = *ParseIsoUtc("2026-11-23T08:15:00Z");
  EXPECT_EQ(*ParseTimestamp("2026-11-23T08:15:00Z"), utc);
  EXPECT_EQ(*ParseTimestamp("2026-11-23T16:15:00+08:00"), utc);
  EXPECT_EQ(*ParseTimestamp("2026-11-23T16:15:00+0800"), utc);
  EXPECT_EQ(*ParseTimestamp("2026-11-23T03:15-05:00"), utc);
  EXPECT_EQ(*ParseTimestamp(" 2026-11-23 16:15 "), utc);  // local time
  EXPECT_EQ(*ParseTimestamp("2026-11-23T16:15:00.250"), utc);
  EXPECT_EQ(*ParseTimestamp("2026-11-23"), *ParseIsoUtc("2026-11-23T04:00:00Z"));  // midday
  for (const char* bad : {"2026-02-30", "2026-11-23T25:00", "2026-11-23T08:15:00+08",
                          "2026-11-23X08:15", "1899-12-31", "2026-11-23T08:15Q", ""}) {
    EXPECT_FALSE(ParseTimestamp(bad).has_value()) << bad;
  }
}

TEST(DatesTest, LocalDatesFollowTheZone) {
  const int64_t utc = *ParseIsoUtc("2026-11-23T20:30:00Z");
  {
    ScopedTimeZone tz("CST-8");
    EXPECT_EQ(LocalDate(utc), "2026-11-24");
    EXPECT_EQ(LocalDateTimeMinute(utc), "2026-11-24 04:30");
    EXPECT_EQ(LocalDateOfIso("2026-11-23T20:30:00Z"), "2026-11-24");
    EXPECT_EQ(LocalMinuteOfIso("2026-11-23T20:30:00Z"), "2026-11-24 04:30");
    EXPECT_EQ(LocalUtcOffsetMs(utc), 8 * 3600 * 1000);
  }
  {
    ScopedTimeZone tz("UTC0");
    EXPECT_EQ(LocalDate(utc), "2026-11-23");
    EXPECT_EQ(LocalUtcOffsetMs(utc), 0);
  }
  // Not a timestamp: the date part, or the text as it is.
  EXPECT_EQ(LocalDateOfIso("2026-11-23"), "2026-11-23");
  EXPECT_EQ(LocalMinuteOfIso("yesterday"), "yesterday");
}

TEST(DatesTest, UtcMinutesOfTimestampsIgnoreTheZone) {
  ScopedTimeZone tz("CST-8");
  EXPECT_EQ(UtcMinuteOfIso("2026-11-23T20:30:59Z"), "2026-11-23 20:30 UTC");
  EXPECT_EQ(UtcMinuteOfIso("2026-11-23T20:30:00.042Z"), "2026-11-23 20:30 UTC");
  EXPECT_EQ(UtcMinuteOfIso("2026-11-23T20:30"), "2026-11-23 20:30 UTC");
  // Not a timestamp (or not a real time): the text as it is.
  for (const char* text : {"", "yesterday", "2026-11-23", "2026-11-23 20:30", "2026-02-31T10:00Z",
                           "2026-11-23T24:00:00Z"}) {
    EXPECT_EQ(UtcMinuteOfIso(text), text);
  }
}

}  // namespace
}  // namespace fieldbook

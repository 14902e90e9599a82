// Money (client/store/money.h) and the time texts a rep types, read by the shared dates module as
// the store reads them (fieldbook/dates.h).
#include "store/money.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "fieldbook/dates.h"

namespace fieldbook::testing {
namespace {

// A typed time as the store keeps it (Facts::LogVisit): ISO-8601 UTC, nullopt when unreadable.
std::optional<std::string> Normalized(const std::string& text) {
  const std::optional<int64_t> ms = ParseTimestamp(text);
  if (!ms) return std::nullopt;
  return FormatIsoUtc(*ms);
}

TEST(ClientTextTest, DatesTimesAndMoney) {
  EXPECT_TRUE(IsValidDate("2028-02-29"));
  EXPECT_FALSE(IsValidDate("2026-02-29"));
  EXPECT_FALSE(IsValidDate("2026-1-05"));
  EXPECT_FALSE(IsValidDate("2026-11-2x"));
  EXPECT_EQ(Normalized("2026-11-23T09:30:15Z"), "2026-11-23T09:30:15Z");
  EXPECT_EQ(Normalized("2026-11-23 09:30-05:00"), "2026-11-23T14:30:00Z");
  EXPECT_EQ(Normalized("2026-11-23T09:30:15.250+0800"), "2026-11-23T01:30:15Z");
  EXPECT_FALSE(Normalized("2026-11-23T25:00Z").has_value());
  EXPECT_FALSE(Normalized("noon").has_value());
  EXPECT_EQ(client::ParseYuan("128.5"), 12850);
  EXPECT_EQ(client::ParseYuan("12"), 1200);
  EXPECT_EQ(client::ParseYuan("0.05"), 5);
  EXPECT_FALSE(client::ParseYuan("1.234").has_value());
  EXPECT_FALSE(client::ParseYuan("-3").has_value());
  EXPECT_FALSE(client::ParseYuan("3.").has_value());
  EXPECT_EQ(client::FormatYuan(71390), "713.90");
  EXPECT_EQ(client::FormatYuan(5), "0.05");
}

}  // namespace
}  // namespace fieldbook::testing

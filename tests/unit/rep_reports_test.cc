// RepReports: reading back the server's reports as kept on the device, with every field checked
// and sizes bounded. Fetching them from the real server is in
// tests/integration/report_integration_test.cc.
#include "sync/rep_reports.h"

#include <gtest/gtest.h>

#include <string>

namespace fieldbook::client {
namespace {

// As FetchServerReports keeps it: the server's two answers side by side.
constexpr const char* kCopy = R"({
  "movement": {"rep": "rep-a", "from_run": 3, "to_run": 4, "from_today": "2026-11-22",
               "to_today": "2026-11-23",
               "cells": [{"from": "B", "to": "A", "customers": 2},
                         {"from": "-", "to": "C", "customers": 1}]},
  "portfolio": {"rep": "rep-a", "today": "2026-11-23", "window_days": 365,
                "reps": [{"rep": "rep-a", "name": "张伟", "customers": 3,
                          "tiers": {"A": 2, "C": 1}, "follow_ups_due": 1,
                          "follow_ups_overdue": 2, "visits_due": 0, "visits_overdue": 4,
                          "revenue_cents": 4200100}]}})";

TEST(RepReportsTest, ReadsTheKeptCopy) {
  auto r = ParseServerReports(kCopy);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->movement);
  EXPECT_EQ(r->movement->from_run, 3);
  EXPECT_EQ(r->movement->to_run, 4);
  EXPECT_EQ(r->movement->from_day, "2026-11-22");
  EXPECT_EQ(r->movement->to_day, "2026-11-23");
  ASSERT_EQ(r->movement->cells.size(), 2u);
  EXPECT_EQ(r->movement->cells[0].from, "B");
  EXPECT_EQ(r->movement->cells[0].to, "A");
  EXPECT_EQ(r->movement->cells[0].customers, 2);
  EXPECT_EQ(r->movement->cells[1].from, "-");
  ASSERT_TRUE(r->portfolio);
  const RepPortfolio& p = *r->portfolio;
  EXPECT_EQ(p.rep_id, "rep-a");
  EXPECT_EQ(p.rep_name, "张伟");
  EXPECT_EQ(p.today, "2026-11-23");
  EXPECT_EQ(p.window_days, 365);
  EXPECT_EQ(p.customers, 3);
  ASSERT_EQ(p.tiers.size(), 2u);
  EXPECT_EQ(p.tiers[0], (std::pair<std::string, int64_t>("A", 2)));
  EXPECT_EQ(p.follow_ups_due, 1);
  EXPECT_EQ(p.follow_ups_overdue, 2);
  EXPECT_EQ(p.visits_due, 0);
  EXPECT_EQ(p.visits_overdue, 4);
  EXPECT_EQ(p.revenue_cents, 4200100);
}

TEST(RepReportsTest, NoRunYetAndNoPortfolioRowAreNotErrors) {
  auto r = ParseServerReports(
      R"({"movement": null, "portfolio": {"today": "2026-11-23", "window_days": 365,
          "reps": []}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->movement);
  EXPECT_FALSE(r->portfolio);
  // The first run: nobody was graded before it.
  auto first = ParseServerReports(
      R"({"movement": {"from_run": 0, "to_run": 1, "from_today": null, "to_today": "2026-11-23",
          "cells": []}, "portfolio": {"today": "2026-11-23", "window_days": 365, "reps": []}})");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->movement->from_day, "");
}

TEST(RepReportsTest, AnythingMalformedIsCorruptAndNamesTheField) {
  struct Case {
    std::string json;
    std::string names;
  };
  const std::string portfolio =
      R"("portfolio": {"today": "2026-11-23", "window_days": 365, "reps": []})";
  std::string many_cells =
      R"({"movement": {"from_run": 1, "to_run": 2, "to_today": "x", "cells": [)";
  for (int i = 0; i < 1001; ++i) {
    many_cells += std::string(i ? "," : "") + R"({"from": "A", "to": "B", "customers": 1})";
  }
  many_cells += "]}, " + portfolio + "}";
  const Case cases[] = {
      {"not json", "not a JSON object"},
      {"[1, 2]", "not a JSON object"},
      {"{" + portfolio + "}", "no movement"},
      {R"({"movement": null})", "no portfolio"},
      {R"({"movement": 7, )" + portfolio + "}", "movement must be an object"},
      {R"({"movement": {"from_run": 1, "to_run": 2, "to_today": "x", "cells": [
           {"from": "A", "to": "B", "customers": -1}]}, )" +
           portfolio + "}",
       "movement.cells[].customers"},
      {R"({"movement": {"from_run": "1", "to_run": 2, "to_today": "x", "cells": []}, )" +
           portfolio + "}",
       "movement.from_run"},
      {many_cells, "movement.cells must be a list of at most 1000"},
      {R"({"movement": null, "portfolio": {"today": "2026-11-23", "window_days": 365,
           "reps": [{"rep": "r", "name": "n", "customers": 1, "tiers": {"A": "x"},
           "follow_ups_due": 0, "follow_ups_overdue": 0, "visits_due": 0, "visits_overdue": 0,
           "revenue_cents": 0}]}})",
       "tiers must map tiers to counts"},
      {R"({"movement": null, "portfolio": {"today": "2026-11-23", "window_days": 365,
           "reps": [{"rep": "r", "name": "n"}]}})",
       "portfolio.reps[0].customers"},
  };
  for (const Case& c : cases) {
    auto r = ParseServerReports(c.json);
    ASSERT_FALSE(r.ok()) << c.json.substr(0, 80);
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << c.json.substr(0, 80);
    EXPECT_NE(r.status().message().find(c.names), std::string::npos)
        << r.status().message() << " should name " << c.names;
  }
}

TEST(RepReportsTest, FetchingNeedsADate) {
  auto http = HttpClient::Create("http://127.0.0.1:9");
  ASSERT_TRUE(http.ok());
  auto r = FetchServerReports(**http, "fbt_x", "2026-11-23&rep=rep-b");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fieldbook::client

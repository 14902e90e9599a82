// The reports view and provisional grades in the desktop app, headless, driven by ImGui input:
// the tier chart from the replica (offline), the server's tier migration and portfolio fetched
// after a sync and kept for offline use, the at-risk list opening a customer, and a visit logged
// in the app marking that customer's grade provisional. Screenshots go to
// FIELDBOOK_GUI_SCREENSHOT_DIR.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>

#include "gui_fixture.h"
#include "headless.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "view_model.h"

namespace fieldbook::testing {
namespace {

using app::HeadlessApp;
using app::Lang;
using app::ViewModel;

// What the server's /v1/reports answer for kRep, as client::FetchServerReports keeps it.
constexpr const char* kServerReports = R"({
  "movement": {"rep": "rep-zhang-wei", "from_run": 3, "to_run": 4, "from_today": "2026-11-22",
               "to_today": "2026-11-23",
               "cells": [{"from": "A", "to": "A", "customers": 1},
                         {"from": "B", "to": "A", "customers": 2},
                         {"from": "B", "to": "C", "customers": 1},
                         {"from": "C", "to": "B", "customers": 1},
                         {"from": "-", "to": "D", "customers": 1}]},
  "portfolio": {"rep": "rep-zhang-wei", "today": "2026-11-23", "window_days": 365,
                "reps": [{"rep": "rep-zhang-wei", "name": "张伟 Zhang Wei", "customers": 29,
                          "tiers": {"A": 1, "B": 4, "C": 5, "D": 1, "not graded": 18},
                          "follow_ups_due": 1, "follow_ups_overdue": 1, "visits_due": 0,
                          "visits_overdue": 1, "revenue_cents": 511050}]}})";

class ReportsGuiTest : public AppFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenHub());
    // Two customers the grading job found slipping away.
    Grade(kShuntong, "C", "churned", 0.91, "churned: no order for 140 days, 4.7x its rhythm");
    Grade(kPearlRiver, "D", "at_risk", 0.72, "at risk: no order for 75 days, 2.5x its rhythm");
    ASSERT_NO_FATAL_FAILURE(SetUpDevice());
  }

  void Grade(const char* id, const char* tier, const char* lifecycle, double risk,
             const std::string& why) {
    auto r = hub_->Write("customers", id,
                         {{"grade_tier", Value(std::string(tier))},
                          {"grade_lifecycle", Value(std::string(lifecycle))},
                          {"grade_churn_risk", Value(risk)},
                          {"grade_reasons", Value(R"({"rules_version":0,"reasons":[)"
                                                  R"({"rule":"lifecycle","detail":")" +
                                                  why + R"("}]})")},
                          {"graded_at", Value(std::string("2026-11-22"))}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // Starts the app; its syncs fetch kServerReports, or fail as offline while !server_up_.
  void Start(Lang lang) {
    std::atomic<bool>& server_up = server_up_;
    std::atomic<int>& fetches = fetches_;
    app::ReportsFetcher reports = [&server_up, &fetches](
                                      const client::ClientSettings&,
                                      const std::string& today) -> Result<std::string> {
      ++fetches;
      EXPECT_EQ(today, "2026-11-23");
      if (!server_up) {
        return Status::Unavailable("cannot reach http://fieldbook.test: no route to host");
      }
      return std::string(kServerReports);
    };
    AppFixture::Start(lang, {}, {}, std::move(reports));
  }

  float BarHeight(const std::string& tier) {
    auto r = app_->Find("reports.bar:" + tier);
    EXPECT_TRUE(r) << "no bar for '" << tier << "'; on screen: " << app_->probe().Names();
    return r ? r->y1 - r->y0 : -1;
  }

  std::atomic<bool> server_up_{true};
  std::atomic<int> fetches_{0};
};

TEST_F(ReportsGuiTest, TiersOfflineThenTheServersReportsAfterASyncKeptForOfflineUse) {
  Start(Lang::kEnglish);
  ClickOrFail("tab.reports");
  ASSERT_EQ(app_->ui().tab(), app::AppUi::Tab::kReports);

  // From the replica, before any contact with the server: 鑫达 A; the seed's B x4 and C x4 plus
  // 顺通 C; Pearl River D; 18 not graded. In the rules' order, not graded last.
  const app::Reports& r = *Snap()->reports;
  std::string tiers;
  for (const app::TierBar& b : r.tiers) {
    tiers += (b.tier.empty() ? "-" : b.tier) + ":" + std::to_string(b.customers) + " ";
  }
  EXPECT_EQ(tiers, "A:1 B:4 C:5 D:1 -:18 ");
  EXPECT_FALSE(r.server_fetched);
  EXPECT_FALSE(r.migration);
  EXPECT_EQ(fetches_, 0);
  // The bars are as tall as their counts: 18 is the full height, 5 / 18 and 4 / 18 of it.
  const float full = BarHeight("");
  ASSERT_GT(full, 100.0f);
  EXPECT_NEAR(BarHeight("C") / full, 5.0 / 18, 0.02);
  EXPECT_NEAR(BarHeight("B") / full, 4.0 / 18, 0.02);
  EXPECT_NEAR(BarHeight("A"), BarHeight("D"), 0.5);
  EXPECT_FALSE(app_->Find("reports.cell:B>A"));

  // At risk, riskiest first, with the reasons.
  ASSERT_EQ(r.at_risk.size(), 2u);
  EXPECT_EQ(r.at_risk[0].customer_id, kShuntong);
  EXPECT_EQ(r.at_risk[0].reasons, "churned: no order for 140 days, 4.7x its rhythm");
  EXPECT_EQ(r.at_risk[1].customer_id, kPearlRiver);
  EXPECT_TRUE(app_->Find("reports.risk:" + std::string(kPearlRiver)));

  // A sync brings the server's reports along.
  ClickOrFail("status.sync");
  ASSERT_FALSE(Snap()->status.sync_failed) << Snap()->status.sync_message;
  EXPECT_EQ(fetches_, 1);
  {
    const app::Reports& after = *Snap()->reports;
    EXPECT_TRUE(after.server_fetched);
    EXPECT_EQ(after.server_as_of, "2026-11-23 09:00");
    ASSERT_TRUE(after.migration);
    EXPECT_EQ(after.migration->to_run, 4);
    EXPECT_EQ(after.migration->cells.size(), 5u);
    ASSERT_TRUE(after.portfolio);
    EXPECT_EQ(after.portfolio->revenue_cents, 511050);
    EXPECT_EQ(after.portfolio->visits_overdue, 1);
    EXPECT_TRUE(after.server_error.ok()) << after.server_error.message();
  }
  // The migration grid has a cell for every pair, empty ones too, and the portfolio its revenue.
  for (const char* cell : {"reports.cell:B>A", "reports.cell:A>A", "reports.cell:->D",
                           "reports.cell:A>C", "reports.cell:C>B"}) {
    EXPECT_TRUE(app_->Find(cell)) << cell << "; on screen: " << app_->probe().Names();
  }
  // Rows in tier order: A above B above C above "new" (-).
  EXPECT_LT(app_->Find("reports.cell:A>A")->y0, app_->Find("reports.cell:B>A")->y0);
  EXPECT_LT(app_->Find("reports.cell:C>B")->y0, app_->Find("reports.cell:->D")->y0);
  Screenshot("en-08-reports.png");

  // No signal: "Update from server" fails, says why, and the copy stays on screen.
  server_up_ = false;
  ClickOrFail("reports.refresh");
  EXPECT_EQ(fetches_, 2);
  EXPECT_NE(Snap()->reports->server_error.message().find("cannot reach"), std::string::npos);
  EXPECT_TRUE(Snap()->reports->migration);
  EXPECT_TRUE(app_->Find("reports.cell:B>A"));

  // A customer at risk opens on the customers tab.
  ClickOrFail("reports.risk:" + std::string(kShuntong));
  EXPECT_EQ(app_->ui().tab(), app::AppUi::Tab::kCustomers);
  EXPECT_EQ(Snap()->customer->id, kShuntong);

  // The copy outlives the app: restarted with no signal, the view still shows it.
  Stop();
  Start(Lang::kChinese);
  ClickOrFail("tab.reports");
  EXPECT_TRUE(Snap()->reports->server_fetched);
  EXPECT_EQ(Snap()->reports->server_as_of, "2026-11-23 09:00");
  EXPECT_TRUE(Snap()->reports->portfolio);
  EXPECT_TRUE(app_->Find("reports.portfolio.revenue"));
  Screenshot("zh-08-reports.png");
}

TEST_F(ReportsGuiTest, AVisitLoggedInTheAppMarksTheGradeProvisional) {
  Start(Lang::kEnglish);
  ClickOrFail("list.row:" + std::string(kXinda));
  ASSERT_EQ(Snap()->customer->tier, "A");
  EXPECT_FALSE(Snap()->customer->grade_provisional);
  EXPECT_FALSE(app_->Find("customer.grade.provisional"));

  ASSERT_NO_FATAL_FAILURE(LogVisitHere("brake pads delivered"));

  // A visit changes none of what the server graded: still A, now marked provisional, with the
  // device's note first and the server's reasons kept.
  const app::CustomerDetail& d = *Snap()->customer;
  EXPECT_TRUE(d.grade_provisional);
  EXPECT_EQ(d.tier, "A");
  EXPECT_EQ(d.server_tier, "A");
  EXPECT_EQ(d.graded_at, "2026-11-22T18:00:00Z");  // the server grade it is based on
  EXPECT_EQ(d.grade_computed_at, "2026-11-23T09:00:00Z");
  ASSERT_FALSE(d.grade_reasons.empty());
  std::vector<std::string> lines;
  for (const GradeReason& r : d.grade_reasons) lines.push_back(ReasonLine(Lang::kEnglish, r));
  EXPECT_EQ(lines[0].rfind("provisional: computed on this device", 0), 0u) << lines[0];
  // The server's reasons, written before reasons had codes, are shown as they are.
  EXPECT_NE(std::find(lines.begin(), lines.end(), "tier: RFM 5-4-5 -> A"), lines.end());
  EXPECT_TRUE(app_->Find("customer.grade.provisional")) << app_->probe().Names();
  Screenshot("en-03c-provisional-grade.png");
  // The reports count it as provisional.
  ClickOrFail("tab.reports");
  for (const app::TierBar& b : Snap()->reports->tiers) {
    EXPECT_EQ(b.provisional, b.tier == "A" ? 1 : 0) << b.tier;
  }
}

}  // namespace
}  // namespace fieldbook::testing

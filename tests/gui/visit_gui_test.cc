// The rep's workspace in the desktop app (issue #18), headless and through real ImGui input: a
// visit as two moments — check in at the garage with a location, close the app, open it again
// (the visit is still in progress, in the status bar and in the form), check out — and care: a
// contact's birthday in the plan, and a care task scheduled from it with one click.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "fieldbook/sqlite_db.h"
#include "gui_fixture.h"
#include "headless.h"
#include "support/sync_fixture.h"
#include "view_model.h"

namespace fieldbook::testing {
namespace {

using app::Lang;

class VisitGuiTest : public AppFixture {};

TEST_F(VisitGuiTest, CheckInRestartTheAppThenCheckOut) {
  Start(Lang::kEnglish);
  ClickOrFail("list.row:" + std::string(kXinda));
  ClickOrFail("customer.log_visit");
  ASSERT_TRUE(app_->ui().visit_form().visible);
  EXPECT_FALSE(app_->Find("visit.in_progress"));
  // At the door: 0.0009 degrees north of the garage's stored location (about 100 m).
  ClickOrFail("visit.with_location");
  ClickOrFail("visit.lat");
  app_->Type("23.1330");
  ClickOrFail("visit.lon");
  app_->Type("113.3312");
  ClickOrFail("visit.notes");  // leaves the number fields
  ClickOrFail("visit.start");
  ASSERT_FALSE(app_->ui().visit_form().visible) << app_->ui().visit_form().error;
  ASSERT_TRUE(Snap()->last_visit.ok) << Snap()->last_visit.error.message();
  ASSERT_EQ(Snap()->plan->in_progress.size(), 1u);
  EXPECT_EQ(Snap()->plan->in_progress[0].customer_id, kXinda);
  EXPECT_EQ(Snap()->plan->in_progress[0].location_check, "verified");
  ASSERT_TRUE(Snap()->plan->in_progress[0].distance_m);
  EXPECT_NEAR(*Snap()->plan->in_progress[0].distance_m, 100.1, 1.0);
  EXPECT_TRUE(app_->Find("status.visit"));
  Screenshot("en-visit-in-progress.png");

  // The app closes; forty minutes later it opens again: the visit is still in progress.
  Stop();
  clock_.Advance(40 * 60 * 1000);
  Start(Lang::kEnglish);
  ASSERT_EQ(Snap()->plan->in_progress.size(), 1u);
  EXPECT_TRUE(app_->Find("status.visit"));
  ClickOrFail("list.row:" + std::string(kXinda));
  ClickOrFail("customer.log_visit");
  ASSERT_TRUE(app_->ui().visit_form().visible);
  EXPECT_TRUE(app_->Find("visit.in_progress"));
  EXPECT_FALSE(app_->Find("visit.start"));
  ClickOrFail("visit.notes");
  const std::string notes = "换了刹车片 - brakes done";
  app_->Type(notes);
  ClickOrFail("visit.in_7_days");
  ClickOrFail("visit.checkout");
  ASSERT_FALSE(app_->ui().visit_form().visible) << app_->ui().visit_form().error;
  ASSERT_TRUE(Snap()->last_visit.ok) << Snap()->last_visit.error.message();
  const std::string visit_id = Snap()->last_visit.visit_id;
  EXPECT_TRUE(Snap()->plan->in_progress.empty());
  EXPECT_FALSE(app_->Find("status.visit"));
  Stop();

  // On disk: one visit, from the check-in's time to the check-out's, with its location check.
  auto db = Db::Open(replica_path_, DbOptions{.read_only = true, .create = false});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto column = [&](const char* name) {
    return QueryValue(**db, std::string("SELECT ") + name + " FROM visits WHERE id = ?",
                      {Value(visit_id)});
  };
  auto text = [](const char* t) { return Value(std::string(t)); };
  EXPECT_EQ(column("customer_id"), text(kXinda));
  EXPECT_EQ(column("check_in"), text("2026-11-23T09:00:00Z"));
  EXPECT_EQ(column("check_out"), text("2026-11-23T09:40:00Z"));
  EXPECT_EQ(column("notes"), Value(notes));
  EXPECT_EQ(column("next_follow_up"), text("2026-11-30"));
  EXPECT_EQ(column("lat"), Value(23.133));
  EXPECT_EQ(column("location_check"), text("verified"));
}

TEST_F(VisitGuiTest, ABirthdayInThePlanBecomesACareTaskWithOneClick) {
  // The hub learns 王师傅's birthday (the day after tomorrow); the app's Sync brings it.
  const std::string contact = "k0000000000000000000000000000001";
  ASSERT_TRUE(
      hub_->Write("contacts", contact, {{"birthday", Value(std::string("1978-11-25"))}}).ok());
  Start(Lang::kEnglish);
  ClickOrFail("status.sync");
  ASSERT_TRUE(app_->Settle());
  ClickOrFail("tab.plan");
  const std::string key = std::string(kXinda) + ":" + contact;
  ASSERT_FALSE(Snap()->plan->care.empty());
  EXPECT_EQ(Snap()->plan->care_days, 7);
  EXPECT_NE(Snap()->plan->care[0].reason.find("on 2026-11-25, in 2 days"), std::string::npos)
      << Snap()->plan->care[0].reason;
  // Care is below the day's plan: scroll down to it.
  ASSERT_TRUE(app_->Scroll("plan.open:" + std::string(kShuntong), -10.0f));
  for (int i = 0; i < 20 && !app_->Find("plan.care:" + key); ++i) app_->Wheel(-10.0f);
  Screenshot("en-plan-care.png");
  ClickOrFail("plan.care:" + key);
  ASSERT_TRUE(app_->Settle());
  // The birthday is now a care task, with its Done button.
  ASSERT_EQ(Snap()->plan->care.size(), 1u);
  EXPECT_FALSE(Snap()->plan->care[0].birthday);
  EXPECT_FALSE(app_->Find("plan.care:" + key));
  EXPECT_TRUE(app_->Find("plan.done:" + Snap()->plan->care[0].task_id));
  EXPECT_NE(Snap()->plan->care[0].reason.find("birthday task"), std::string::npos);
}

TEST_F(VisitGuiTest, TheCustomerListFiltersOnAPreference) {
  // Two garages pay monthly (月结), one cash (现结); the app's Sync brings the preferences.
  const std::pair<const char*, const char*> prefs[] = {
      {kXinda, "月结"}, {kShuntong, "月结"}, {kXinlong, "现结"}};
  int n = 0;
  for (const auto& [customer, value] : prefs) {
    ASSERT_TRUE(hub_->Write("customer_preferences", "p" + std::to_string(++n),
                            {{"customer_id", Value(std::string(customer))},
                             {"kind", Value(std::string("payment_terms"))},
                             {"value", Value(std::string(value))}})
                    .ok());
  }
  Start(Lang::kChinese);
  ClickOrFail("status.sync");
  ASSERT_TRUE(app_->Settle());
  ClickOrFail("list.filter.pref");
  ClickOrFail("option:payment_terms");
  ClickOrFail("list.filter.pref_value");
  app_->Type("月结");
  ASSERT_EQ(Snap()->filter.pref_kind, "payment_terms");
  ASSERT_EQ(Snap()->filter.pref_value, "月结");
  ASSERT_EQ(Snap()->customers->rows.size(), 2u);
  std::set<std::string> ids;
  for (const app::CustomerRow& r : Snap()->customers->rows) ids.insert(r.id);
  EXPECT_EQ(ids, (std::set<std::string>{kXinda, kShuntong}));
  Screenshot("zh-list-preference.png");
  // With a search as well: only the hits that have the preference.
  ClickOrFail("list.search");
  app_->Type("鑫");
  ASSERT_EQ(Snap()->customers->rows.size(), 1u);
  EXPECT_EQ(Snap()->customers->rows[0].id, kXinda);
}

}  // namespace
}  // namespace fieldbook::testing

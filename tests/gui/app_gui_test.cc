// The desktop app end to end, headless: a replica synced from an in-process hub, the real view
// model and data source, and the UI driven with ImGui input (mouse moves and clicks, typed
// characters, keys) over successive frames. Assertions are on the replica and the hub afterwards;
// screenshots of the main screens go to FIELDBOOK_GUI_SCREENSHOT_DIR.
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

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

class AppGuiTest : public AppFixture {
 protected:
  void Erase(size_t characters) {
    for (size_t i = 0; i < characters; ++i) app_->Press(ImGuiKey_Backspace);
  }
};

TEST_F(AppGuiTest, SearchPickLogAVisitAndItIsCapturedForTheNextPush) {
  Start(Lang::kChinese);
  ASSERT_EQ(Snap()->today, "2026-11-23");
  EXPECT_EQ(Snap()->customers->rows.size(), 29u);
  EXPECT_EQ(Snap()->status.pending_changes, 0);
  Screenshot("zh-01-customers.png");

  // Latin search.
  ClickOrFail("list.search");
  app_->Type("Golden");
  ASSERT_EQ(Snap()->filter.text, "Golden");
  ASSERT_EQ(Snap()->customers->rows.size(), 1u);
  EXPECT_EQ(Snap()->customers->rows[0].id, kGoldenWrench);
  EXPECT_TRUE(app_->Find("list.row:" + std::string(kGoldenWrench)));
  EXPECT_FALSE(app_->Find("list.row:" + std::string(kXinda)));

  // Chinese search: 鑫达 finds 鑫达汽修, not 鑫隆轮胎店.
  Erase(6);
  ASSERT_EQ(Snap()->filter.text, "");
  EXPECT_EQ(Snap()->customers->rows.size(), 29u);
  app_->Type("鑫达");
  ASSERT_EQ(Snap()->filter.text, "鑫达");
  ASSERT_EQ(Snap()->customers->rows.size(), 1u);
  EXPECT_EQ(Snap()->customers->rows[0].id, kXinda);
  Screenshot("zh-02-search.png");

  // Pick it: its page, with the grade's reasons.
  ClickOrFail("list.row:" + std::string(kXinda));
  ASSERT_EQ(Snap()->selected_id, kXinda);
  ASSERT_EQ(Snap()->customer->id, kXinda);
  EXPECT_EQ(Snap()->customer->tier, "A");
  EXPECT_EQ(Snap()->customer->grade_reasons.size(), 3u);
  EXPECT_EQ(Snap()->customer->visits.size(), 2u);
  EXPECT_EQ(Snap()->customer->owner_name, "张伟 Zhang Wei");
  Screenshot("zh-03-customer.png");
  ClickOrFail("customer.tab.visits");
  Screenshot("zh-03b-customer-visits.png");

  // Log a visit: notes in Chinese and Latin, follow-up in a week, checked in now.
  ClickOrFail("customer.log_visit");
  ASSERT_TRUE(app_->ui().visit_form().visible);
  ClickOrFail("visit.notes");
  const std::string notes = "换了机油滤芯，下周送刹车片 - checked stock";
  app_->Type(notes);
  ClickOrFail("visit.in_7_days");
  ClickOrFail("visit.check_in");
  ClickOrFail("visit.purpose");
  ClickOrFail("option:delivery");
  ClickOrFail("visit.outcome");
  ClickOrFail("option:ordered");
  EXPECT_EQ(app_->ui().visit_form().f.follow_up, "2026-11-30");
  EXPECT_EQ(app_->ui().visit_form().f.notes, notes);
  Screenshot("zh-04-log-visit.png");
  ClickOrFail("visit.submit");
  ASSERT_FALSE(app_->ui().visit_form().visible) << app_->ui().visit_form().error;
  ASSERT_TRUE(Snap()->last_visit.ok) << Snap()->last_visit.error.message();
  const std::string visit_id = Snap()->last_visit.visit_id;
  ASSERT_FALSE(visit_id.empty());

  // The page and the status bar show it at once.
  ASSERT_EQ(Snap()->customer->visits.size(), 3u);
  EXPECT_EQ(Snap()->customer->visits[0].notes, notes);
  EXPECT_EQ(Snap()->status.pending_changes, 1);

  ClickOrFail("tab.plan");
  Screenshot("zh-05-plan.png");
  Stop();

  // On disk: the visit row, and its capture in the outbox, waiting for the next push.
  auto db = Db::Open(replica_path_, DbOptions{.read_only = true, .create = false});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto stmt = (*db)->Prepare(
      "SELECT customer_id, rep_id, notes, next_follow_up, check_in, purpose, outcome "
      "FROM visits WHERE id = ?1");
  ASSERT_TRUE(stmt.ok());
  (*stmt)->Bind(1, visit_id);
  auto row = (*stmt)->Step();
  ASSERT_TRUE(row.ok() && *row) << "no visit row " << visit_id;
  EXPECT_EQ((*stmt)->Text(0), kXinda);
  EXPECT_EQ((*stmt)->Text(1), kRep);
  EXPECT_EQ((*stmt)->Text(2), notes);
  EXPECT_EQ((*stmt)->Text(3), "2026-11-30");
  EXPECT_EQ((*stmt)->Text(4), "2026-11-23T09:00:00Z");
  EXPECT_EQ((*stmt)->Text(5), "delivery");
  EXPECT_EQ((*stmt)->Text(6), "ordered");
  (*stmt)->Reset();

  auto outbox = (*db)->Prepare("SELECT count(*) FROM fb_outbox WHERE row_id = ?1");
  ASSERT_TRUE(outbox.ok());
  (*outbox)->Bind(1, visit_id);
  ASSERT_TRUE(*(*outbox)->Step());
  EXPECT_EQ((*outbox)->Int(0), 1);
  (*outbox)->Reset();
  auto all = (*db)->Prepare("SELECT count(*) FROM fb_outbox");
  ASSERT_TRUE(all.ok());
  ASSERT_TRUE(*(*all)->Step());
  EXPECT_EQ((*all)->Int(0), 1) << "only the visit waits to be pushed";
  (*all)->Reset();
}

TEST_F(AppGuiTest, SyncButtonPushesTheVisitAndShowsOfflineWithoutSignal) {
  Start(Lang::kEnglish);
  LogVisitThroughUi(kPearlRiver, "Fleet manager wants a quote for 40 filters");
  const std::string visit_id = Snap()->last_visit.visit_id;
  EXPECT_EQ(Snap()->status.pending_changes, 1);
  EXPECT_EQ(Snap()->status.connectivity, app::Connectivity::kUnknown);

  // No signal: the visit stays on the device and the status bar says offline.
  transport_->online = false;
  ClickOrFail("status.sync");
  EXPECT_EQ(Snap()->status.connectivity, app::Connectivity::kOffline);
  EXPECT_TRUE(Snap()->status.sync_failed);
  EXPECT_NE(Snap()->status.sync_message.find("cannot reach"), std::string::npos);
  EXPECT_EQ(Snap()->status.pending_changes, 1);
  Screenshot("en-07-offline.png");

  // Signal again: one press sends it.
  transport_->online = true;
  ClickOrFail("status.sync");
  EXPECT_EQ(Snap()->status.connectivity, app::Connectivity::kOnline);
  EXPECT_FALSE(Snap()->status.sync_failed) << Snap()->status.sync_message;
  EXPECT_TRUE(Snap()->status.synced);
  EXPECT_EQ(Snap()->status.last_summary.pushed, 1u);
  EXPECT_EQ(Snap()->status.pending_changes, 0);
  EXPECT_FALSE(Snap()->status.last_sync.empty());
  Stop();

  auto notes = hub_->db().Prepare("SELECT notes FROM visits WHERE id = ?1");
  ASSERT_TRUE(notes.ok());
  (*notes)->Bind(1, visit_id);
  ASSERT_TRUE(*(*notes)->Step()) << "the hub has no visit " << visit_id;
  EXPECT_EQ((*notes)->Text(0), "Fleet manager wants a quote for 40 filters");
  (*notes)->Reset();
}

TEST_F(AppGuiTest, PlanShowsOverdueAndDueFollowUpsAndMarksATaskDone) {
  Start(Lang::kEnglish);
  Screenshot("en-01-customers.png");
  ClickOrFail("tab.plan");
  const app::Plan& plan = *Snap()->plan;
  ASSERT_GE(plan.items.size(), 3u);
  EXPECT_EQ(plan.items[0].kind, app::PlanItem::Kind::kOverdue);
  bool overdue_task = false, due_task = false, suggested = false;
  for (const app::PlanItem& item : plan.items) {
    overdue_task |= item.task_id == kOverdueTask && item.kind == app::PlanItem::Kind::kOverdue;
    due_task |= item.task_id == kDueTask && item.kind == app::PlanItem::Kind::kDue;
    suggested |= item.kind == app::PlanItem::Kind::kSuggested && !item.reason.empty();
  }
  EXPECT_TRUE(overdue_task);
  EXPECT_TRUE(due_task);
  EXPECT_TRUE(suggested);
  Screenshot("en-05-plan.png");

  ClickOrFail("plan.done:" + std::string(kOverdueTask));
  for (const app::PlanItem& item : Snap()->plan->items) EXPECT_NE(item.task_id, kOverdueTask);
  EXPECT_EQ(Snap()->status.pending_changes, 1);

  // A plan line opens the customer's page on the customers tab.
  ClickOrFail("plan.open:" + std::string(kShuntong));
  EXPECT_EQ(app_->ui().tab(), app::AppUi::Tab::kCustomers);
  EXPECT_EQ(Snap()->customer->id, kShuntong);
  ClickOrFail("customer.tab.tasks");
  Screenshot("en-03-customer-tasks.png");
  Stop();

  auto db = Db::Open(replica_path_, DbOptions{.read_only = true, .create = false});
  ASSERT_TRUE(db.ok());
  auto stmt = (*db)->Prepare("SELECT status FROM tasks WHERE id = ?1");
  ASSERT_TRUE(stmt.ok());
  (*stmt)->Bind(1, kOverdueTask);
  ASSERT_TRUE(*(*stmt)->Step());
  EXPECT_EQ((*stmt)->Text(0), "done");
  (*stmt)->Reset();
}

TEST_F(AppGuiTest, FiltersNarrowTheList) {
  Start(Lang::kEnglish);
  ClickOrFail("list.filter.overdue");
  ASSERT_TRUE(Snap()->filter.overdue_only);
  // 鑫达 (a visit's follow-up on 11-20) and Golden Wrench (a task due 11-21).
  ASSERT_EQ(Snap()->customers->rows.size(), 2u);
  for (const app::CustomerRow& row : Snap()->customers->rows) EXPECT_TRUE(row.overdue);
  ClickOrFail("list.filter.overdue");
  EXPECT_EQ(Snap()->customers->rows.size(), 29u);

  // The type combo: open it, pick "Dealer": only 顺通汽配.
  ClickOrFail("list.filter.type");
  ClickOrFail("option:dealer");
  ASSERT_EQ(Snap()->filter.type, "dealer");
  ASSERT_EQ(Snap()->customers->rows.size(), 1u);
  EXPECT_EQ(Snap()->customers->rows[0].id, kShuntong);

  // With a tier as well: nothing.
  ClickOrFail("list.filter.tier");
  ClickOrFail("option:A");
  EXPECT_EQ(Snap()->customers->rows.size(), 0u);
  ClickOrFail("list.filter.type");
  ClickOrFail("option:");
  ASSERT_EQ(Snap()->customers->rows.size(), 1u);
  EXPECT_EQ(Snap()->customers->rows[0].id, kXinda);
}

TEST_F(AppGuiTest, RefusedChangesAppearInTheReviewPanelWithTheServersReason) {
  // The server refuses visits for 顺通汽配: it moved to another rep.
  transport_->gate = [](const TableInfo& table, RowChange& change) {
    GateDecision d;
    if (table.name == "visits") {
      d.apply = false;
      d.report = RowRejection{"visits",
                              change.row_id,
                              "out_of_scope",
                              "顺通汽配 now belongs to 李娜 Li Na; ask your manager",
                              {},
                              0};
    }
    return d;
  };
  Start(Lang::kChinese);
  LogVisitThroughUi(kShuntong, "样品已送到");
  ClickOrFail("status.sync");
  EXPECT_EQ(Snap()->status.pending_changes, 0);
  EXPECT_EQ(Snap()->status.last_summary.rejected, 1u);
  ASSERT_EQ(Snap()->review->size(), 1u);
  EXPECT_EQ((*Snap()->review)[0].codes, std::vector<std::string>{"out_of_scope"});
  ClickOrFail("tab.review");
  EXPECT_EQ(app_->ui().tab(), app::AppUi::Tab::kReview);
  Screenshot("zh-06-review.png");
}

TEST_F(AppGuiTest, WritesByAnotherProgramShowUpWithoutARestart) {
  app::ViewModelOptions options;
  options.refresh_every = std::chrono::milliseconds(50);
  Start(Lang::kEnglish, options);
  ASSERT_EQ(Snap()->customers->rows.size(), 29u);
  {
    // fieldbook-cli customer add, on its own connection to the same file.
    auto store = client::ClientStore::Open(replica_path_, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto id = (*store)->customers().Add({{"name", "金轮汽修"}, {"city", "佛山"}});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (Snap()->customers->rows.size() != 30 && std::chrono::steady_clock::now() < deadline) {
    app_->Frame();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(Snap()->customers->rows.size(), 30u);
  EXPECT_EQ(Snap()->status.pending_changes, 1);
}

TEST_F(AppGuiTest, EnglishCustomerPage) {
  Start(Lang::kEnglish);
  ClickOrFail("list.row:" + std::string(kXinda));
  Screenshot("en-03-customer.png");
  ClickOrFail("customer.log_visit");
  Screenshot("en-04-log-visit.png");
  ClickOrFail("visit.cancel");
  EXPECT_FALSE(app_->ui().visit_form().visible);
}

}  // namespace
}  // namespace fieldbook::testing

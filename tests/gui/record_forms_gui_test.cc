// The small forms of a customer's page in the desktop app (issue #18), headless and driven by real
// ImGui input: add and edit a contact, add a task and complete it, record feedback, and release a
// customer to the public pool with a reason — each refused with a sentence when a required field
// is empty, and saved to the replica for the next sync.
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gui_fixture.h"
#include "headless.h"

namespace fieldbook::testing {
namespace {

using app::Lang;

constexpr const char* kLiNa = "k0000000000000000000000000000002";  // 鑫达汽修's buyer

class RecordFormsGuiTest : public AppFixture {
 protected:
  void Open(const std::string& customer_id) {
    ClickOrFail("list.row:" + customer_id);
    ASSERT_EQ(Snap()->customer->id, customer_id);
  }
  void Fill(const std::string& anchor, const std::string& text) {
    ClickOrFail(anchor);
    app_->Type(text);
  }
  // Saves the form `prefix` and checks it closed.
  void SaveOrFail(const std::string& prefix) {
    ClickOrFail(prefix + ".submit");
    ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
    EXPECT_FALSE(app_->Find(prefix + ".submit")) << prefix << " did not close";
  }
};

TEST_F(RecordFormsGuiTest, AContactIsAddedAndAnotherEdited) {
  Start(Lang::kEnglish);
  ASSERT_NO_FATAL_FAILURE(Open(kXinda));
  ASSERT_EQ(Snap()->customer->contacts.size(), 2u);
  ClickOrFail("customer.add_contact");
  ClickOrFail("contact_form.submit");  // no name
  EXPECT_TRUE(app_->Find("contact_form.submit"));
  Fill("contact_form.name", "赵会计");
  Fill("contact_form.title", "会计 accountant");
  Fill("contact_form.phone", "137-1111-2222");
  Fill("contact_form.birthday", "1985-02-30");
  ClickOrFail("contact_form.submit");  // not a day of the calendar
  EXPECT_TRUE(app_->Find("contact_form.submit"));
  EXPECT_EQ(Snap()->customer->contacts.size(), 2u);
  ClickOrFail("contact_form.birthday");
  for (int i = 0; i < 2; ++i) app_->Press(ImGuiKey_Backspace);
  app_->Type("28");
  ASSERT_NO_FATAL_FAILURE(SaveOrFail("contact_form"));
  ASSERT_EQ(Snap()->customer->contacts.size(), 3u);
  bool added = false;
  const auto added_snap = Snap();
  for (const app::ContactRow& c : added_snap->customer->contacts) {
    if (c.id == added_snap->last_form.id) {
      added = c.name == "赵会计" && c.phone == "137-1111-2222" && c.birthday == "1985-02-28";
    }
  }
  EXPECT_TRUE(added);

  ClickOrFail("customer.tab.contacts");
  ClickOrFail("contact.edit:" + std::string(kLiNa));
  Fill("contact_form.wechat", "lina_buyer");
  ASSERT_NO_FATAL_FAILURE(SaveOrFail("contact_form"));
  bool edited = false;
  const auto edited_snap = Snap();
  for (const app::ContactRow& c : edited_snap->customer->contacts) {
    if (c.id == kLiNa) edited = c.wechat == "lina_buyer" && c.phone == "139-0000-5678";
  }
  EXPECT_TRUE(edited);
  Screenshot("en-13-contacts.png");
}

TEST_F(RecordFormsGuiTest, ATaskIsAddedForNextWeekAndCompleted) {
  Start(Lang::kChinese);
  ASSERT_NO_FATAL_FAILURE(Open(kPearlRiver));
  ASSERT_TRUE(Snap()->customer->tasks.empty());
  ClickOrFail("customer.add_task");
  ClickOrFail("task_form.submit");  // no title
  EXPECT_TRUE(app_->Find("task_form.submit"));
  Fill("task_form.title", "送机油样品 bring oil samples");
  ClickOrFail("task_form.in_7_days");
  Screenshot("zh-13b-task-form.png");
  ASSERT_NO_FATAL_FAILURE(SaveOrFail("task_form"));
  ASSERT_EQ(Snap()->customer->tasks.size(), 1u);
  const app::TaskRow t = Snap()->customer->tasks[0];
  EXPECT_EQ(t.id, Snap()->last_form.id);
  EXPECT_EQ(t.due_date, "2026-11-30");
  EXPECT_EQ(t.kind, "visit");
  EXPECT_EQ(t.status, "open");

  ClickOrFail("customer.tab.tasks");
  ClickOrFail("task.done:" + t.id);
  EXPECT_TRUE(Snap()->customer->tasks.empty()) << "done: no longer open";
  EXPECT_GT(Snap()->status.pending_changes, 0);
}

TEST_F(RecordFormsGuiTest, FeedbackIsRecordedWithItsScore) {
  Start(Lang::kEnglish);
  ASSERT_NO_FATAL_FAILURE(Open(kXinda));
  const size_t before = Snap()->customer->feedback.size();
  ClickOrFail("customer.add_feedback");
  ClickOrFail("feedback_form.submit");  // neither a score nor words
  EXPECT_TRUE(app_->Find("feedback_form.submit"));
  ClickOrFail("feedback_form.score:2");
  Fill("feedback_form.complaint", "刹车片有异响 squeaky brake pads");
  ASSERT_NO_FATAL_FAILURE(SaveOrFail("feedback_form"));
  ASSERT_EQ(Snap()->customer->feedback.size(), before + 1);
  const auto snap = Snap();
  const app::FeedbackRow& f = snap->customer->feedback[0];
  EXPECT_EQ(f.id, Snap()->last_form.id);
  EXPECT_EQ(f.satisfaction, 2);
  EXPECT_EQ(f.complaint, "刹车片有异响 squeaky brake pads");
}

TEST_F(RecordFormsGuiTest, ACustomerIsReleasedToThePoolWithAReasonAtTheNextSync) {
  Start(Lang::kChinese);
  ASSERT_NO_FATAL_FAILURE(Open(kXinlong));
  ClickOrFail("customer.release");
  ClickOrFail("release.submit");  // no reason
  EXPECT_TRUE(app_->Find("release.submit"));
  EXPECT_TRUE(Snap()->pool->requests.empty());
  Fill("release.reason", "店已关门 closed for good");
  Screenshot("zh-13c-release.png");
  ASSERT_NO_FATAL_FAILURE(SaveOrFail("release"));
  ASSERT_EQ(Snap()->pool->requests.size(), 1u);
  const auto snap = Snap();
  const app::PoolRequestRow& r = snap->pool->requests[0];
  EXPECT_FALSE(r.claim);
  EXPECT_EQ(r.customer_id, kXinlong);
  EXPECT_EQ(r.status, "pending");
  EXPECT_EQ(r.request_id, Snap()->last_form.id);
  ClickOrFail("tab.pool");
  EXPECT_TRUE(app_->Find("pool.request:" + r.request_id));

  // A second release of the same customer waits for the first: refused with the store's reason.
  ClickOrFail("tab.customers");
  ClickOrFail("customer.release");
  ClickOrFail("release.submit");  // the saved reason was cleared: none given
  EXPECT_TRUE(app_->Find("release.submit"));
  Fill("release.reason", "again");
  ClickOrFail("release.submit");
  EXPECT_FALSE(Snap()->last_form.ok);
  EXPECT_TRUE(app_->Find("release.submit")) << "the form stays open with the reason";
  EXPECT_EQ(Snap()->pool->requests.size(), 1u);
  // The store's reason in the UI's language (its phrase), the English kept for logs.
  EXPECT_EQ(app_->ui().customer().release_dialog.error,
            std::string("退回 鑫隆轮胎店（") + kXinlong + "）已在等待下次同步");
  EXPECT_EQ(Snap()->last_form.error.message(), std::string("the release of 鑫隆轮胎店 (") +
                                                   kXinlong + ") already waits for the next sync");
}

TEST_F(RecordFormsGuiTest, AStoreErrorInTheStatusBarReadsInTheUisLanguage) {
  // Completing a task that is already done (a second click that raced the first): the status
  // bar says what failed and why in Chinese, from the Status's phrase, not the store's English.
  Start(Lang::kChinese);
  ASSERT_TRUE(Snap()->error.empty()) << Snap()->error;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(vm_->intents().Post(app::CompleteTask{kDueTask}));
    ASSERT_TRUE(vm_->WaitIdle(std::chrono::seconds(10)));
  }
  EXPECT_NE(Snap()->error.find("cannot complete the task: task"), std::string::npos)
      << Snap()->error;
  app_->Frame();
  const std::string said = std::string("status.error:无法完成任务：任务 ") + kDueTask + " 已经完成";
  EXPECT_TRUE(app_->Find(said)) << app_->probe().Names();

  // The same replica in English reads the English.
  Stop();
  Start(Lang::kEnglish);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(vm_->intents().Post(app::CompleteTask{kOverdueTask}));
    ASSERT_TRUE(vm_->WaitIdle(std::chrono::seconds(10)));
  }
  app_->Frame();
  EXPECT_TRUE(app_->Find(std::string("status.error:cannot complete the task: task ") +
                         kOverdueTask + " is already done"))
      << app_->probe().Names();
}

TEST_F(RecordFormsGuiTest, TheActionsOfACustomersPageWrapOnNarrowWindows) {
  const char* actions[] = {"customer.new_order",   "customer.add_task", "customer.add_feedback",
                           "customer.add_contact", "customer.edit",     "customer.release",
                           "customer.new"};
  // A tablet (the page beside the list) and a phone (the page alone), in Chinese and English.
  for (const auto& [width, lang] :
       {std::pair{800, Lang::kEnglish}, std::pair{400, Lang::kChinese}}) {
    SCOPED_TRACE(width);
    width_ = width;
    Start(lang);
    ASSERT_NO_FATAL_FAILURE(Open(kXinda));
    app_->Frame();
    std::set<float> lines;
    std::vector<app::WidgetRect> seen;
    for (const char* a : actions) {
      const std::optional<app::WidgetRect> r = app_->Find(a);
      ASSERT_TRUE(r) << a;
      EXPECT_GE(r->x0, 0.0f) << a;
      EXPECT_LE(r->x1, static_cast<float>(width)) << a << " runs off the window";
      for (const app::WidgetRect& o : seen) {
        EXPECT_FALSE(std::min(r->x1, o.x1) > std::max(r->x0, o.x0) + 1 &&
                     std::min(r->y1, o.y1) > std::max(r->y0, o.y0) + 1)
            << a << " overlaps another action";
      }
      seen.push_back(*r);
      lines.insert(r->y0);
    }
    EXPECT_GT(lines.size(), 1u) << "the actions did not wrap";
    Screenshot("actions-" + std::to_string(width) + ".png");
    // The last one, on a line of its own, still opens its form.
    ClickOrFail("customer.new");
    EXPECT_TRUE(app_->ui().customer().customer_form.visible);
    Stop();
  }
}

}  // namespace
}  // namespace fieldbook::testing

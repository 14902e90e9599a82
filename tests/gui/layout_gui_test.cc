// The app's layout and navigation (issue #19): from a phone's 360 px to full HD every screen's
// widgets stay inside the window and never overlap, touch widths get targets at least 44 px
// tall, narrow widths stack the list and the customer's page; screenshots of every screen in both
// languages at three widths. And switching tabs after a screen opened a customer. And a word walk
// of the Chinese app: every text drawn on every screen of the tour (at three widths), on each of a
// customer's tabs and in each form and dialog holds no English word (support/english_words.h;
// what SeedHub wrote in English is the rep's data, not the app's words).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "drawn_text.h"
#include "gui_fixture.h"
#include "support/english_words.h"
#include "tab_walk.h"

namespace fieldbook::testing {
namespace {

using app::AppUi;
using app::Lang;

// What SeedHub (gui_fixture.cc) wrote in English or pinyin: the rep's data, not the app's words
// (names, tags, notes, titles, and grade reasons stored as text before they were codes, which
// are shown as they are).
constexpr const char* kDataTexts[] = {"Golden Wrench Garage",
                                      "Pearl River Motors",
                                      "Xinda Auto Repair",
                                      "Shuntong Auto Parts",
                                      "Xinlong Tyres",
                                      "Mr. Chen",
                                      "Ms. Liang",
                                      "张伟 Zhang Wei",
                                      "广州天河 Guangzhou Tianhe",
                                      "brakes,filters",
                                      "老板 owner",
                                      "采购 buyer",
                                      "quoted Castrol 5W-30",
                                      "checked stock, reorder filters next month",
                                      "MANN filters",
                                      "confirm the oil quote",
                                      "Bring brake pad samples",
                                      "delivery one day late",
                                      "wang_xinda",
                                      "last order 6 days ago (<= 30 days scores 5)",
                                      "9 orders in 180 days (scores 4)"};

// The words of kDataTexts.
std::set<std::string> DataWords() {
  std::set<std::string> out;
  for (const char* text : kDataTexts) {
    for (std::string& w : EnglishWords(text)) out.insert(std::move(w));
  }
  return out;
}

class LayoutGuiTest : public AppFixture {
 protected:
  // The last frame in Chinese: no run of text it drew holds an English word. `where` names the
  // screen for failure messages.
  void CheckNoEnglish(const std::string& where) {
    static const std::set<std::string> data_words = DataWords();
    const std::vector<std::string> drawn = DrawnText();
    ASSERT_GT(drawn.size(), 3u) << where;
    for (const std::string& run : drawn) {
      const std::vector<std::string> words = EnglishWords(run, data_words);
      EXPECT_TRUE(words.empty()) << where << ": \"" << words.front() << "\" in: " << run;
    }
    ++screens_walked_;
  }

  // Checks the last frame's widgets; `where` names the screen for failure messages.
  void CheckWidgets(const std::string& where) {
    const bool touch = width_ < app::ui::kTouchWidth;
    const auto& rects = app_->probe().rects();
    ASSERT_GT(rects.size(), 3u) << where;
    std::vector<std::pair<std::string, app::WidgetRect>> targets;
    std::vector<float> row_heights;
    for (const auto& [name, r] : rects) {
      // Inside the window.
      EXPECT_GE(r.x0, -0.5f) << where << ": " << name;
      EXPECT_LE(r.x1, static_cast<float>(width_) + 0.5f) << where << ": " << name;
      EXPECT_GE(r.y0, -0.5f) << where << ": " << name;
      EXPECT_LE(r.y1, static_cast<float>(height_) + 0.5f) << where << ": " << name;
      if (name.rfind("option:", 0) == 0) continue;  // an open popup lies over the page
      // A row's tier mark lies on its row (the row is one target spanning its columns).
      if (name.rfind("list.row.provisional:", 0) == 0) continue;
      targets.emplace_back(name, r);
      if (name.rfind("list.row:", 0) == 0) row_heights.push_back(r.y1 - r.y0);
      const bool button = name.rfind("tab.", 0) == 0 || name == "list.search" ||
                          name.rfind("list.filter.", 0) == 0 || name == "status.sync" ||
                          name == "customer.back" || name.rfind("customer.tab.", 0) == 0;
      if (touch && button) {
        EXPECT_GE(r.y1 - r.y0, app::ui::kTouchTarget - 0.5f) << where << ": " << name;
      }
    }
    // Rows: every one but those cut by the list's edges (the smallest two) is a touch target.
    std::sort(row_heights.begin(), row_heights.end());
    if (touch && row_heights.size() > 2) {
      EXPECT_GE(row_heights[2], app::ui::kTouchTarget - 0.5f) << where;
    }
    // No two widgets overlap (more than a pixel's sliver).
    for (size_t i = 0; i < targets.size(); ++i) {
      for (size_t j = i + 1; j < targets.size(); ++j) {
        const app::WidgetRect& a = targets[i].second;
        const app::WidgetRect& b = targets[j].second;
        const float w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
        const float h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
        EXPECT_FALSE(w > 1 && h > 1)
            << where << ": " << targets[i].first << " overlaps " << targets[j].first;
      }
    }
  }

  // Every screen at this width and language: checked and saved as <lang>-<width>-<screen>.png.
  void TourScreens(Lang lang) {
    const std::string prefix =
        std::string(lang == Lang::kChinese ? "zh" : "en") + "-" + std::to_string(width_) + "-";
    transport_->online = true;
    Start(lang);
    const bool narrow = width_ < app::ui::kNarrowWidth;
    auto check = [&](const std::string& screen) {
      app_->Frame();
      ASSERT_NO_FATAL_FAILURE(CheckWidgets(prefix + screen));
      if (lang == Lang::kChinese) {
        ASSERT_NO_FATAL_FAILURE(CheckNoEnglish(prefix + screen));
      } else {
        // The reader reads what was drawn: the English screen has English words.
        size_t english = 0;
        for (const std::string& run : DrawnText()) english += EnglishWords(run).empty() ? 0 : 1;
        EXPECT_GT(english, 3u) << prefix + screen;
      }
      ASSERT_NO_FATAL_FAILURE(Screenshot("layout-" + prefix + screen + ".png"));
    };
    check("customers");
    ClickOrFail("list.filter.tier");
    check("customers-filter");
    ClickOrFail("option:");  // "Any": the filter stays as it was
    ClickOrFail("list.row:" + std::string(kXinda));
    ASSERT_EQ(Snap()->customer->id, kXinda);
    if (narrow) {
      // Stacked: the page alone, and the way back to the list.
      EXPECT_TRUE(app_->ui().showing_customer());
      EXPECT_FALSE(app_->Find("list.search"));
      EXPECT_TRUE(app_->Find("customer.back"));
    } else {
      EXPECT_TRUE(app_->Find("list.search"));
    }
    check("customer");
    ClickOrFail("customer.tab.visits");
    check("customer-visits");
    if (narrow) {
      ClickOrFail("customer.back");
      EXPECT_TRUE(app_->Find("list.search"));
      EXPECT_FALSE(app_->Find("customer.back"));
    }
    ClickOrFail("tab.plan");
    check("plan");
    ClickOrFail("tab.reports");
    check("reports");
    ClickOrFail("tab.pool");
    check("pool");
    ClickOrFail("tab.review");
    check("review");
    // Offline: the status bar's warning fits too.
    transport_->online = false;
    ClickOrFail("status.sync");
    ASSERT_TRUE(Snap()->status.sync_failed);
    check("offline");
    Stop();
  }

  void TourBothLanguages(int width, int height) {
    width_ = width;
    height_ = height;
    ASSERT_NO_FATAL_FAILURE(TourScreens(Lang::kEnglish));
    ASSERT_NO_FATAL_FAILURE(TourScreens(Lang::kChinese));
    EXPECT_EQ(screens_walked_, 9);
  }

  int screens_walked_ = 0;
};

TEST_F(LayoutGuiTest, TheFirstClickOnAnotherTabSwitchesAfterThePlanOpenedACustomer) {
  Start(Lang::kEnglish);
  ClickOrFail("tab.plan");
  ASSERT_EQ(app_->ui().tab(), AppUi::Tab::kPlan);
  ClickOrFail("plan.open:" + std::string(kShuntong));
  ASSERT_EQ(app_->ui().tab(), AppUi::Tab::kCustomers);
  ASSERT_EQ(Snap()->customer->id, kShuntong);
  // Each first click switches, and the page stays switched over later frames.
  const std::pair<const char*, AppUi::Tab> tabs[] = {{"tab.reports", AppUi::Tab::kReports},
                                                     {"tab.customers", AppUi::Tab::kCustomers},
                                                     {"tab.pool", AppUi::Tab::kPool},
                                                     {"tab.plan", AppUi::Tab::kPlan}};
  for (const auto& [anchor, tab] : tabs) {
    ClickOrFail(anchor);
    for (int i = 0; i < 5; ++i) app_->Frame();
    EXPECT_EQ(app_->ui().tab(), tab) << anchor;
  }
  // Again right after a plan line opened a customer: the review tab.
  ClickOrFail("plan.open:" + std::string(kShuntong));
  ASSERT_EQ(app_->ui().tab(), AppUi::Tab::kCustomers);
  ClickOrFail("tab.review");
  for (int i = 0; i < 5; ++i) app_->Frame();
  EXPECT_EQ(app_->ui().tab(), AppUi::Tab::kReview);
}

// A tap (a touch screen, or a click that comes with the motion that brought the pointer there)
// delivers the motion, the press and the release together between two frames. Before the app fed
// them to ImGui one step per frame (mouse_input.h), ImGui saw the new position and the press in
// the same frame while the previous frame hovered the list row under the old position, and the
// first tap on another tab after a plan line opened a customer was dropped.
TEST_F(LayoutGuiTest, TheFirstTapOnAnotherTabSwitchesAfterThePlanOpenedACustomer) {
  Start(Lang::kEnglish);
  ASSERT_TRUE(app_->Tap("tab.plan"));
  ASSERT_EQ(app_->ui().tab(), AppUi::Tab::kPlan);
  ASSERT_TRUE(app_->Tap("plan.open:" + std::string(kShuntong)));
  ASSERT_EQ(app_->ui().tab(), AppUi::Tab::kCustomers);
  ASSERT_EQ(Snap()->customer->id, kShuntong);
  for (const auto& [anchor, tab] : kTabWalk) {
    ASSERT_TRUE(app_->Tap(anchor)) << anchor;
    for (int i = 0; i < 5; ++i) app_->Frame();
    EXPECT_EQ(app_->ui().tab(), tab) << anchor;
    // No tap reached a list hidden behind the tabs: the customer is the one the plan opened.
    EXPECT_EQ(Snap()->selected_id, kShuntong) << anchor;
  }
}

TEST_F(LayoutGuiTest, EveryScreenFitsAPhoneAt360PxInBothLanguages) { TourBothLanguages(360, 740); }

TEST_F(LayoutGuiTest, EveryScreenFitsATabletAt768PxInBothLanguages) {
  TourBothLanguages(768, 1024);
}

TEST_F(LayoutGuiTest, EveryScreenFitsFullHdInBothLanguages) { TourBothLanguages(1920, 1080); }

// The screens the layout tour does not open, in Chinese: each tab of a customer's page, each form
// and dialog (opened, read, cancelled: nothing is written), each filter of the list.
TEST_F(LayoutGuiTest, EveryTabFormAndFilterInChineseDrawsNoEnglishWord) {
  Start(Lang::kChinese);
  for (const char* filter :
       {"list.filter.tier", "list.filter.stage", "list.filter.type", "list.filter.region"}) {
    ClickOrFail(filter);
    ASSERT_NO_FATAL_FAILURE(CheckNoEnglish(filter));
    ClickOrFail("option:");  // "Any": the filter stays as it was
  }
  ClickOrFail("list.row:" + std::string(kXinda));
  for (const char* tab : {"contacts", "visits", "orders", "tasks", "feedback", "preferences"}) {
    ClickOrFail(std::string("customer.tab.") + tab);
    ASSERT_NO_FATAL_FAILURE(CheckNoEnglish(tab));
  }
  ClickOrFail("customer.tab.profile");
  ASSERT_NO_FATAL_FAILURE(CheckNoEnglish("profile"));
  const std::pair<const char*, const char*> forms[] = {
      {"customer.log_visit", "visit.cancel"},
      {"customer.new_order", "order.cancel"},
      {"customer.add_task", "task_form.cancel"},
      {"customer.add_feedback", "feedback_form.cancel"},
      {"customer.add_contact", "contact_form.cancel"},
      {"customer.edit", "customer_form.cancel"},
      {"customer.release", "release.cancel"},
      {"customer.new", "customer_form.cancel"}};
  for (const auto& [open, cancel] : forms) {
    ClickOrFail(open);
    ASSERT_NO_FATAL_FAILURE(CheckNoEnglish(open));
    ClickOrFail(cancel);
  }
  ClickOrFail("customer.tab.preferences");
  ClickOrFail("customer.add_preference");
  ASSERT_NO_FATAL_FAILURE(CheckNoEnglish("customer.add_preference"));
  ClickOrFail("preference_form.cancel");
  EXPECT_EQ(screens_walked_, 20);
}

}  // namespace
}  // namespace fieldbook::testing

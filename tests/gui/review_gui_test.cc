// The review panel of the desktop app (issue #19), headless and driven by real ImGui input, in
// both languages: a visit the hub refuses shows as one entry titled with the garage's name and
// the kind of record, what the code means and the values the rep entered in words (not the
// bookkeeping columns); the rep types a note and dismisses it; the entry leaves the list and the
// dismissal, with the note, reaches the hub at the next sync.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fieldbook/sqlite_db.h"
#include "gui_fixture.h"
#include "headless.h"
#include "store/review.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

using app::Lang;

class ReviewGuiTest : public AppFixture, public ::testing::WithParamInterface<Lang> {};

TEST_P(ReviewGuiTest, ARefusedVisitIsOneEntryInWordsAndTheRepDismissesItWithANote) {
  const Lang lang = GetParam();
  const bool zh = lang == Lang::kChinese;
  // The hub refuses visits for 顺通汽配: it moved to another rep.
  transport_->gate = [](const TableInfo& table, RowChange& change) {
    GateDecision d;
    if (table.name == "visits") {
      d.apply = false;
      d.report = RowRejection{"visits", change.row_id, "out_of_scope", "not assigned", {}, 0};
    }
    return d;
  };
  Start(lang);
  LogVisitThroughUi(kShuntong, "样品已送到");
  ClickOrFail("status.sync");
  ASSERT_TRUE(app_->Settle());
  ASSERT_EQ(Snap()->review->size(), 1u);
  const client::ReviewEntry e = (*Snap()->review)[0];
  EXPECT_EQ(e.customer_id, kShuntong);
  EXPECT_EQ(e.customer_name, "顺通汽配");
  EXPECT_TRUE(e.new_record);
  EXPECT_EQ(client::ReviewTitle(lang, e), zh ? "顺通汽配的新拜访" : "顺通汽配 · new visit");
  EXPECT_EQ(client::ReviewCodeText(lang, "out_of_scope"),
            zh ? "不是您负责的客户" : "not one of your garages");
  // What the rep entered, in words; not the customer, the rep, nor empty fields.
  std::vector<std::string> lines;
  for (const client::ReviewChange& c : e.changes)
    lines.push_back(client::ReviewChangeText(lang, c));
  EXPECT_NE(std::find(lines.begin(), lines.end(), zh ? "备注为 样品已送到" : "Notes: 样品已送到"),
            lines.end())
      << ::testing::PrintToString(lines);
  for (const client::ReviewChange& c : e.changes) {
    EXPECT_NE(c.column, "customer_id");
    EXPECT_NE(c.column, "rep_id");
    EXPECT_FALSE(c.refused.empty()) << c.column;
  }

  ClickOrFail("tab.review");
  EXPECT_TRUE(app_->Find("review.entry:0"));
  Screenshot(zh ? "zh-06-review-entry.png" : "en-06-review-entry.png");
  ClickOrFail("review.note:0");
  app_->Type(zh ? "已当面和主管说明" : "told my manager in person");
  ClickOrFail("review.dismiss:0");
  ASSERT_TRUE(app_->Settle());
  ASSERT_TRUE(Snap()->last_form.ok) << Snap()->last_form.error.message();
  EXPECT_TRUE(Snap()->review->empty());
  EXPECT_FALSE(app_->Find("review.entry:0"));
  EXPECT_TRUE(app_->Find("review.message"));
  Screenshot(zh ? "zh-06-review-dismissed.png" : "en-06-review-dismissed.png");

  // The next sync carries the dismissal to the hub, in the rep's name, with the note.
  ClickOrFail("status.sync");
  ASSERT_TRUE(app_->Settle());
  EXPECT_EQ(Snap()->status.pending_changes, 0);
  EXPECT_TRUE(Snap()->review->empty()) << "the dismissal itself was refused";
  const std::string id = Snap()->last_form.id;
  ASSERT_FALSE(id.empty());
  auto hub_row = [&](const char* column) {
    return QueryValue(hub_->db(),
                      std::string("SELECT ") + column + " FROM review_dismissals WHERE id = ?",
                      {Value(id)});
  };
  EXPECT_EQ(hub_row("customer_id"), Value(std::string(kShuntong)));
  EXPECT_EQ(hub_row("tbl"), Value(std::string("visits")));
  EXPECT_EQ(hub_row("row_id"), Value(e.row_id));
  EXPECT_EQ(hub_row("code"), Value(std::string("out_of_scope")));
  EXPECT_EQ(hub_row("note"),
            Value(std::string(zh ? "已当面和主管说明" : "told my manager in person")));
  EXPECT_NE(std::get<std::string>(hub_row("refused")).find("样品已送到"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(BothLanguages, ReviewGuiTest,
                         ::testing::Values(Lang::kEnglish, Lang::kChinese),
                         [](const ::testing::TestParamInfo<Lang>& p) {
                           return p.param == Lang::kChinese ? "Chinese" : "English";
                         });

}  // namespace
}  // namespace fieldbook::testing

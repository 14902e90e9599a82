// ReviewList (client/store/review.h, issue #19): the device's review list as the rep reads it —
// one entry per record however many refusals it had, the garage's name kept after the garage left
// the device, only the values that did not reach the hub (the newest of each), the value the
// device holds now beside a refused one, and the rep's dismissal recorded as a review_dismissals
// row for the next push.
#include "store/review.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fieldbook/sqlite_db.h"
#include "support/client_store_fixture.h"

namespace fieldbook::testing {
namespace {

using client::Lang;
using client::ReviewChange;
using client::ReviewEntry;
using client::ReviewList;

class ReviewTest : public ClientStoreTest {
 protected:
  Replica& replica() { return store_->replica(); }
  std::vector<ReviewEntry> Entries(bool all = false) {
    auto list = ReviewList(replica()).Entries(all);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<ReviewEntry>{};
  }
  // Pushes what is pending; the hub refuses every row of `table` with `code` (and accepts the
  // rest).
  void PushRefusing(const std::string& table, const std::string& code) {
    auto push = replica().PreparePush();
    ASSERT_TRUE(push.ok() && push->has_value()) << push.status().ToString();
    PushResult ack;
    ack.set_id = (*push)->set_id;
    for (size_t i = 0; i < (*push)->rows.size(); ++i) {
      const RowChange& rc = (*push)->rows[i];
      if (rc.table != table) continue;
      ack.rejections.push_back(RowRejection{rc.table,
                                            rc.row_id,
                                            code,
                                            "the hub's words for " + code,
                                            {},
                                            static_cast<uint32_t>(i + 1)});
    }
    ASSERT_TRUE(replica().AcknowledgePush(ack).ok());
  }
  int64_t Count(const std::string& sql) {
    return std::get<int64_t>(QueryValue(replica().db(), sql));
  }
  static std::vector<std::string> Lines(Lang lang, const ReviewEntry& e) {
    std::vector<std::string> out;
    for (const ReviewChange& c : e.changes) out.push_back(client::ReviewChangeText(lang, c));
    return out;
  }
};

TEST_F(ReviewTest, ARecordRefusedAtSeveralSyncsIsOneEntryWithTheNewestValuesInWords) {
  const std::string x = AddCustomer({{"name", "张记汽修"}, {"phone", "020-5555-0001"}});
  PushRefusing("none", "");
  // Three edits of the phone and the notes, refused at two syncs (the first in two layers).
  ASSERT_TRUE(store_->customers().Edit(x, {{"phone", std::string("137-0000-0001")}}).ok());
  ASSERT_TRUE(
      store_->customers()
          .Edit(x, {{"phone", std::string("137-0000-0002")}, {"notes", std::string("月结")}})
          .ok());
  PushRefusing("customers", "read_only_column");
  ASSERT_TRUE(store_->customers().Edit(x, {{"phone", std::string("137-0000-0003")}}).ok());
  PushRefusing("customers", "constraint");
  ASSERT_GE(Count("SELECT count(*) FROM fb_rejections"), 3);

  std::vector<ReviewEntry> list = Entries();
  ASSERT_EQ(list.size(), 1u);
  const ReviewEntry& e = list[0];
  EXPECT_EQ(e.customer_id, x);
  EXPECT_EQ(e.customer_name, "张记汽修");
  EXPECT_FALSE(e.new_record);
  EXPECT_EQ(e.codes, (std::vector<std::string>{"read_only_column", "constraint"}));
  EXPECT_EQ(e.items.size(), static_cast<size_t>(Count("SELECT count(*) FROM fb_rejections")));
  // Only the refused columns, each with its newest value (the name was never refused).
  ASSERT_EQ(e.changes.size(), 2u);
  EXPECT_EQ(e.changes[0].column, "phone");
  EXPECT_EQ(e.changes[0].refused, "137-0000-0003");
  EXPECT_FALSE(e.changes[0].before) << "the device still holds the refused value";
  EXPECT_EQ(e.changes[1].column, "notes");
  EXPECT_EQ(client::ReviewTitle(Lang::kChinese, e), "张记汽修的客户资料");
  EXPECT_EQ(client::ReviewTitle(Lang::kEnglish, e), "张记汽修 · customer details");
  EXPECT_EQ(Lines(Lang::kChinese, e),
            (std::vector<std::string>{"电话为 137-0000-0003", "备注为 月结"}));

  // The hub's value comes back (a pull of a newer version): the entry shows old -> refused.
  ChangeSet page;
  page.replica_id = "hub";
  page.cursor = 50;
  const uint32_t other = page.OriginIndex("other-device");
  page.rows.push_back({"customers",
                       x,
                       {ColumnChange{"phone", Value(std::string("020-5555-0001")),
                                     Hlc::FromParts(wall_.NowMs() + 60000, 0), other}}});
  ASSERT_TRUE(replica().ApplyPull(page).ok());
  list = Entries();
  ASSERT_EQ(list.size(), 1u);
  ASSERT_TRUE(list[0].changes[0].before);
  EXPECT_EQ(Lines(Lang::kEnglish, list[0])[0], "Phone: 020-5555-0001 → 137-0000-0003");
  EXPECT_EQ(Lines(Lang::kChinese, list[0])[0], "电话：由 020-5555-0001 改为 137-0000-0003");
  EXPECT_EQ(client::ReviewCodeText(Lang::kChinese, "constraint"), "有数值不符合规则");
  EXPECT_EQ(client::ReviewCodeText(Lang::kEnglish, "no_such_code"), "no_such_code");
}

TEST_F(ReviewTest, ANewRecordListsWhatTheRepEnteredAndKeepsTheGaragesNameAfterItLeaves) {
  const std::string x = AddCustomer({{"name", "顺通汽配"}});
  PushRefusing("none", "");
  const std::string v = Visit(x, "2026-11-23T09:00:00Z", "样品已送到");
  PushRefusing("visits", "out_of_scope");
  // The garage leaves the device (evicted): the entry still names it.
  ChangeSet page;
  page.replica_id = "hub";
  page.cursor = 60;
  page.evicted_customers.push_back(x);
  ASSERT_TRUE(replica().ApplyPull(page).ok());
  ASSERT_EQ(Count("SELECT count(*) FROM customers"), 0);

  std::vector<ReviewEntry> list = Entries();
  ASSERT_EQ(list.size(), 1u);
  const ReviewEntry& e = list[0];
  EXPECT_EQ(e.table, "visits");
  EXPECT_EQ(e.row_id, v);
  EXPECT_TRUE(e.new_record);
  EXPECT_EQ(e.customer_name, "顺通汽配");
  EXPECT_EQ(client::ReviewTitle(Lang::kChinese, e), "顺通汽配的新拜访");
  std::vector<std::string> columns;
  for (const ReviewChange& c : e.changes) {
    columns.push_back(c.column);
    EXPECT_FALSE(c.refused.empty()) << c.column;  // no empty fields of the new record
  }
  EXPECT_EQ(std::count(columns.begin(), columns.end(), "notes"), 1);
  EXPECT_EQ(std::count(columns.begin(), columns.end(), "check_in"), 1);
  for (const char* bookkeeping : {"customer_id", "rep_id", "voids_id"}) {
    EXPECT_EQ(std::count(columns.begin(), columns.end(), bookkeeping), 0) << bookkeeping;
  }
}

TEST_F(ReviewTest, TheRepDismissesAnEntryAndTheDismissalWaitsToBePushedForTheManager) {
  const std::string x = AddCustomer({{"name", "鑫达汽修"}});
  PushRefusing("none", "");
  Visit(x, "2026-11-23T09:00:00Z", "first");
  Visit(x, "2026-11-23T10:00:00Z", "second");
  PushRefusing("visits", "immutable_fact");
  std::vector<ReviewEntry> list = Entries();
  ASSERT_EQ(list.size(), 2u);  // two records, two entries

  ReviewList review(replica());
  const std::string long_note(501, 'x');
  EXPECT_EQ(review.Dismiss(list[0].id, long_note, "rep-a", "2026-11-23T11:00:00Z").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(review.Dismiss(999, "", "rep-a", "2026-11-23T11:00:00Z").status().code(),
            StatusCode::kNotFound);
  auto id = review.Dismiss(list[0].id, "  客户当面确认过了 ", "rep-a", "2026-11-23T11:00:00Z");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_FALSE(id->empty());
  // Once only.
  EXPECT_EQ(review.Dismiss(list[0].id, "", "rep-a", "2026-11-23T11:00:00Z").status().code(),
            StatusCode::kNotFound);

  list = Entries();
  ASSERT_EQ(list.size(), 1u);
  std::vector<ReviewEntry> all = Entries(/*all=*/true);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(all[1].resolved);
  EXPECT_EQ(all[1].outcome, "dismissed by the rep: 客户当面确认过了");

  auto row = [&](const char* column) {
    return QueryValue(replica().db(),
                      std::string("SELECT ") + column + " FROM review_dismissals WHERE id = ?",
                      {Value(*id)});
  };
  EXPECT_EQ(row("customer_id"), Value(x));
  EXPECT_EQ(row("rep_id"), Value(std::string("rep-a")));
  EXPECT_EQ(row("tbl"), Value(std::string("visits")));
  EXPECT_EQ(row("code"), Value(std::string("immutable_fact")));
  EXPECT_EQ(row("note"), Value(std::string("客户当面确认过了")));
  EXPECT_EQ(row("dismissed_at"), Value(std::string("2026-11-23T11:00:00Z")));
  EXPECT_NE(std::get<std::string>(row("refused")).find("first"), std::string::npos);
  // It goes with the next push like any row.
  auto push = replica().PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  bool carried = false;
  for (const RowChange& rc : (*push)->rows) carried = carried || rc.row_id == *id;
  EXPECT_TRUE(carried);
  // A dismissal the hub refuses is kept, settled: it asks for no dismissal of its own.
  PushResult ack;
  ack.set_id = (*push)->set_id;
  for (size_t i = 0; i < (*push)->rows.size(); ++i) {
    if ((*push)->rows[i].table != "review_dismissals") continue;
    ack.rejections.push_back(RowRejection{
        "review_dismissals", *id, "out_of_scope", "not yours", {}, static_cast<uint32_t>(i + 1)});
  }
  ASSERT_TRUE(replica().AcknowledgePush(ack).ok());
  EXPECT_EQ(Entries().size(), 1u);
  EXPECT_EQ(Entries(/*all=*/true).size(), 3u);
}

}  // namespace
}  // namespace fieldbook::testing

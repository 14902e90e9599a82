// ServerStore's compaction pieces used by the nightly job (issue #8): the history floor, trimming
// scope events (keeping what the push gate needs), trimming stored push answers, and a final pull
// page that brings the cursor up to the latest sequence.
#include <gtest/gtest.h>

#include <limits>

#include "store/server_store.h"
#include "support/server_store_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::QueryValue;
using fieldbook::testing::S;

class CompactionTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    ASSERT_FALSE(AddRep("rep-a", "A").empty());
    ASSERT_FALSE(AddRep("rep-b", "B").empty());
  }
  ColumnChange Col(const char* name, Value v, Hlc at) { return ColumnChange{name, v, at, 0}; }
  int64_t Count(const std::string& sql) {
    return std::get<int64_t>(QueryValue(store_->sql(), sql));
  }

  Principal rep_a_{"rep-a", "A", "rep"};
};

TEST_F(CompactionTest, TheFloorOnlyRises) {
  EXPECT_EQ(*store_->RaiseHistoryFloor(50), 50u);
  EXPECT_EQ(*store_->RaiseHistoryFloor(20), 50u);
  EXPECT_EQ(*store_->HistoryFloor(), 50u);
}

TEST_F(CompactionTest, TrimmingKeepsTheLatestRemovalOfACustomerTheRepNoLongerHolds) {
  const Hlc before_move = Hlc::FromParts(wall_.NowMs(), 0);
  wall_.Advance(1000);
  for (const char* id : {"c1", "c2", "c3"}) {
    ASSERT_TRUE(
        store_->Write({RowWrite{"customers", id, {{"name", S(id)}, {"owner_rep_id", S("rep-a")}}}})
            .ok());
  }
  wall_.Advance(1000);
  ASSERT_TRUE(store_->ReassignCustomer("c1", "rep-b", "test").ok());  // a: removed, b: added
  ASSERT_TRUE(store_->ReassignCustomer("c2", "rep-b", "test").ok());
  ASSERT_TRUE(store_->ReassignCustomer("c2", "rep-a", "test").ok());  // back: a holds c2 again
  wall_.Advance(1000);
  const Hlc after_move = Hlc::FromParts(wall_.NowMs(), 0);
  const int64_t events = Count("SELECT count(*) FROM srv_scope_events");
  ASSERT_EQ(events, 9);  // 3 added, then (removed, added) for each of the three moves

  const uint64_t bound = *store_->hub().LatestSeq() + 1;
  ASSERT_EQ(*store_->RaiseHistoryFloor(bound), bound);
  ScopeTrim trim;
  size_t forgotten = 0, kept = 0, calls = 0;
  while (!trim.done) {  // two events per transaction
    auto next = store_->TrimScopeEvents(trim.scanned_to, bound, 2);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    trim = *next;
    forgotten += trim.forgotten;
    kept += trim.kept;
    ASSERT_LT(++calls, 20u);
  }
  // Kept: rep-a's removal of c1 and rep-b's removal of c2 (neither holds that customer now).
  // rep-a's removal of c2 goes: rep-a holds c2 again.
  EXPECT_EQ(kept, 2u);
  EXPECT_EQ(forgotten, static_cast<size_t>(events) - 2);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_scope_events WHERE rep_id = 'rep-a' AND customer_id = "
                  "'c1' AND kind = 'removed'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_scope_events WHERE rep_id = 'rep-b' AND customer_id = "
                  "'c2' AND kind = 'removed'"),
            1);

  // So a device of rep-a offline since before the move still lands its visit to c1, and a field
  // edit it made after the move still goes to the conflict list instead of being refused.
  auto result = store_->ApplyRepPush(
      rep_a_, Push("late-set", {{"visits",
                                 "v-offline",
                                 {Col("customer_id", S("c1"), before_move),
                                  Col("rep_id", S("rep-a"), before_move),
                                  Col("notes", S("visited before the move"), before_move)}},
                                {"customers", "c1", {Col("notes", S("late edit"), after_move)}}}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(Count("SELECT count(*) FROM visits WHERE id = 'v-offline'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM srv_conflicts WHERE customer_id = 'c1'"), 1);
  ASSERT_EQ(result->rejections.size(), 1u);
  EXPECT_EQ(result->rejections[0].code, "reassigned");
}

TEST_F(CompactionTest, TrimsPushAnswersOlderThanTheHorizonInBatches) {
  for (int i = 0; i < 5; ++i) {
    const Hlc at = Hlc::FromParts(wall_.NowMs(), 0);
    const std::string id = "c" + std::to_string(i);
    auto r = store_->ApplyRepPush(
        rep_a_,
        Push("set-" + std::to_string(i),
             {{"customers", id, {Col("name", S("x"), at), Col("owner_rep_id", S("rep-a"), at)}}}));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    StampAnswerNow("set-" + std::to_string(i));
    wall_.Advance(60000);
  }
  const uint64_t cutoff = wall_.NowMs() - 2 * 60000;  // the last two are newer
  size_t total = 0;
  for (size_t n = 2; n == 2;) {
    auto trimmed = store_->TrimAppliedSets(cutoff, 2);
    ASSERT_TRUE(trimmed.ok());
    n = *trimmed;
    total += n;
  }
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(Count("SELECT count(*) FROM fb_applied_sets"), 2);
  // A retried set whose answer was forgotten is applied again, changing nothing.
  const std::string before = std::get<std::string>(
      QueryValue(store_->sql(), "SELECT name FROM customers WHERE id = 'c0'"));
  auto again = store_->ApplyRepPush(
      rep_a_,
      Push("set-0", {{"customers",
                      "c0",
                      {Col("name", S("x"), Hlc::FromParts(1795392000000, 0)),
                       Col("owner_rep_id", S("rep-a"), Hlc::FromParts(1795392000000, 0))}}}));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(std::get<std::string>(
                QueryValue(store_->sql(), "SELECT name FROM customers WHERE id = 'c0'")),
            before);
}

// A cutoff past every time (a caller's "every answer": the largest uint64_t) forgets every
// answer on both backends: not wrapped negative by SQLite's bind (trimming nothing), not refused by
// PostgreSQL's to_timestamp.
TEST_F(CompactionTest, ACutoffPastEveryTimeTrimsEveryAnswer) {
  int sets = 0;
  for (uint64_t cutoff :
       {uint64_t{std::numeric_limits<int64_t>::max()} + 1, std::numeric_limits<uint64_t>::max()}) {
    for (int i = 0; i < 2; ++i, ++sets) {
      const Hlc at = Hlc::FromParts(wall_.NowMs(), 0);
      const std::string set = "set-" + std::to_string(sets);
      auto r = store_->ApplyRepPush(
          rep_a_, Push(set, {{"customers",
                              "c" + std::to_string(sets),
                              {Col("name", S("x"), at), Col("owner_rep_id", S("rep-a"), at)}}}));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      StampAnswerNow(set);
    }
    auto trimmed = store_->TrimAppliedSets(cutoff, 100);
    ASSERT_TRUE(trimmed.ok()) << cutoff << ": " << trimmed.status().ToString();
    EXPECT_EQ(*trimmed, 2u) << cutoff;
    EXPECT_EQ(Count("SELECT count(*) FROM fb_applied_sets"), 0) << cutoff;
  }
}

TEST_F(CompactionTest, AFinalPageBringsTheCursorUpToTheLatestSequence) {
  ASSERT_TRUE(
      store_
          ->Write({RowWrite{"customers", "ca", {{"name", S("A's")}, {"owner_rep_id", S("rep-a")}}}})
          .ok());
  // The newest sequence numbers are rep-b's scope events, which rep-a's pull never sees.
  ASSERT_TRUE(
      store_
          ->Write({RowWrite{"customers", "cb", {{"name", S("B's")}, {"owner_rep_id", S("rep-b")}}}})
          .ok());
  ASSERT_TRUE(store_->ReassignCustomer("cb", "rep-a", "test").ok());
  ASSERT_TRUE(store_->ReassignCustomer("cb", "rep-b", "test").ok());
  const uint64_t latest = *store_->hub().LatestSeq();
  uint64_t cursor = 0;
  for (int i = 0; i < 20; ++i) {
    auto page = store_->PullForRep("rep-a", cursor, 1);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_GE(page->changes.cursor, cursor);
    cursor = page->changes.cursor;
    if (!page->more) break;
  }
  EXPECT_EQ(cursor, latest);
  // So a device rebuilt after the floor was raised to the latest sequence is not behind it.
  ASSERT_EQ(*store_->RaiseHistoryFloor(latest), latest);
  EXPECT_GE(cursor, *store_->HistoryFloor());
}

}  // namespace
}  // namespace fieldbook::server

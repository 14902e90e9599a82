// Outbox history (outbox_history.h) and the layered push (replica.cc): a value replaced while it
// waited to be pushed still goes out, as an older version of the row, and leaves with the ack.
#include "outbox_history.h"

#include <gtest/gtest.h>

#include "fieldbook/replica.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

using testing::Exec;
using testing::FakeWallClock;
using testing::I;
using testing::QueryValue;
using testing::S;

const ColumnChange* Find(const RowChange& row, const std::string& column) {
  for (const ColumnChange& c : row.columns) {
    if (c.column == column) return &c;
  }
  return nullptr;
}

TEST(OutboxHistory, EveryUnpushedVersionGoesOutOldestLayerFirst) {
  testing::TempDir dir;
  FakeWallClock wall;
  auto r = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(r.ok());
  Replica& rep = **r;
  ASSERT_TRUE(Exec(rep.db(),
                   "INSERT INTO customers (id, name, city, notes) VALUES "
                   "('c1', 'A', 'X', 'first')")
                  .ok());
  wall.Advance(100);
  ASSERT_TRUE(Exec(rep.db(), "UPDATE customers SET notes = 'second' WHERE id = 'c1'").ok());
  wall.Advance(100);
  ASSERT_TRUE(
      Exec(rep.db(), "UPDATE customers SET notes = 'third', phone = '1' WHERE id = 'c1'").ok());
  // Columns an update does not name keep nothing; a named one re-entered unchanged is an edit
  // and keeps the version it replaces (the insert's), like a changed one.
  ASSERT_TRUE(Exec(rep.db(), "UPDATE customers SET city = 'X' WHERE id = 'c1'").ok());
  EXPECT_EQ(QueryValue(rep.db(), "SELECT count(*) FROM fb_superseded"), I(3));

  auto push = rep.PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  const ChangeSet& set = **push;
  ASSERT_EQ(set.rows.size(), 3u);
  // Layer 0: the insert whole, with the first notes.
  EXPECT_EQ(Find(set.rows[0], "name")->value, S("A"));
  EXPECT_EQ(Find(set.rows[0], "notes")->value, S("first"));
  EXPECT_EQ(Find(set.rows[0], "phone")->value, S("1"));  // its only version
  EXPECT_EQ(set.rows[1].columns.size(), 2u);
  EXPECT_EQ(Find(set.rows[1], "notes")->value, S("second"));
  EXPECT_EQ(Find(set.rows[1], "city")->value, S("X"));  // re-entered after the insert
  EXPECT_LT(Find(set.rows[0], "city")->hlc, Find(set.rows[1], "city")->hlc);
  EXPECT_EQ(set.rows[2].columns.size(), 1u);
  EXPECT_EQ(Find(set.rows[2], "notes")->value, S("third"));
  EXPECT_LT(Find(set.rows[0], "notes")->hlc, Find(set.rows[1], "notes")->hlc);
  EXPECT_LT(Find(set.rows[1], "notes")->hlc, Find(set.rows[2], "notes")->hlc);
  EXPECT_EQ(Find(set.rows[0], "name")->hlc, Find(set.rows[0], "notes")->hlc);

  // A retry is the same set; an edit while it is in flight keeps nothing of the flying values.
  ASSERT_TRUE(Exec(rep.db(), "UPDATE customers SET notes = 'fourth' WHERE id = 'c1'").ok());
  EXPECT_EQ(QueryValue(rep.db(), "SELECT count(*) FROM fb_superseded WHERE set_id IS NULL"), I(0));
  auto again = rep.PreparePush();
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ(**again, set);

  PushResult ack;
  ack.set_id = set.set_id;
  ack.rows_accepted = 3;
  ASSERT_TRUE(rep.AcknowledgePush(ack).ok());
  EXPECT_EQ(QueryValue(rep.db(), "SELECT count(*) FROM fb_superseded"), I(0));
  auto next = rep.PreparePush();
  ASSERT_TRUE(next.ok() && next->has_value());
  ASSERT_EQ((*next)->rows.size(), 1u);
  EXPECT_EQ(Find((*next)->rows[0], "notes")->value, S("fourth"));
}

TEST(OutboxHistory, AReassignmentRejectionKeepsOnlyTheHeldColumnsOnTheReviewList) {
  testing::TempDir dir;
  FakeWallClock wall;
  auto r = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(r.ok());
  Replica& rep = **r;
  ASSERT_TRUE(Exec(rep.db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  wall.Advance(10);
  ASSERT_TRUE(Exec(rep.db(), "UPDATE customers SET notes = 'n1' WHERE id = 'c1'").ok());
  wall.Advance(10);
  ASSERT_TRUE(
      Exec(rep.db(), "UPDATE customers SET notes = 'n2', phone = '5' WHERE id = 'c1'").ok());
  auto push = rep.PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  ASSERT_EQ((*push)->rows.size(), 2u);
  PushResult ack;
  ack.set_id = (*push)->set_id;
  RowRejection held;
  held.table = "customers";
  held.row_id = "c1";
  held.code = "reassigned";
  held.reason = "moved";
  held.columns = {"notes"};
  held.row_index = 2;  // the second layer: notes n2 was made after the move
  ack.rejections.push_back(held);
  ASSERT_TRUE(rep.AcknowledgePush(ack).ok());
  auto review = rep.ReviewList();
  ASSERT_TRUE(review.ok());
  ASSERT_EQ(review->size(), 1u);
  EXPECT_EQ((*review)[0].payload_json, R"({"notes":"n2"})");
  auto edits = rep.HeldEdits();
  ASSERT_TRUE(edits.ok());
  ASSERT_EQ(edits->size(), 1u);
  EXPECT_EQ((*edits)[0].column, "notes");
  EXPECT_EQ((*edits)[0].hlc, Find((*push)->rows[1], "notes")->hlc);
  // Still waiting, then applied by a manager.
  EXPECT_EQ(*rep.RecordHeldEditStatus(*edits, {"open"}), 0u);
  EXPECT_EQ(rep.ReviewList()->size(), 1u);
  EXPECT_FALSE(rep.RecordHeldEditStatus(*edits, {}).ok());
  EXPECT_EQ(*rep.RecordHeldEditStatus(*edits, {"applied"}), 1u);
  EXPECT_TRUE(rep.ReviewList()->empty());
  auto all = rep.ReviewList(/*include_resolved=*/true);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_TRUE((*all)[0].resolved);
  EXPECT_EQ((*all)[0].outcome, "applied by a manager");
  EXPECT_TRUE(rep.HeldEdits()->empty());
}

// A value re-entered unchanged is an edit of its own (docs/sync.md, "Capture"), so the version it
// replaces is kept like a changed one: re-entered before a reassignment and again after it (the
// property test's seed 5), the push carries both stamps, and the hub can merge the earlier one
// and hold only the later one. Before, the earlier stamps were folded into the newest and lost.
TEST(OutboxHistory, AReEnteredValueKeepsTheVersionItReplaces) {
  testing::TempDir dir;
  FakeWallClock wall;
  auto r = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(r.ok());
  Replica& rep = **r;
  ASSERT_TRUE(Exec(rep.db(),
                   "INSERT INTO customers (id, name, relationship) VALUES ('c1', 'A', 'existing')")
                  .ok());
  auto first = rep.PreparePush();
  ASSERT_TRUE(first.ok() && first->has_value());
  PushResult ack;
  ack.set_id = (*first)->set_id;
  ASSERT_TRUE(rep.AcknowledgePush(ack).ok());

  // Three explicit writes of the value the row already holds, then one that changes the phone.
  for (int i = 0; i < 3; ++i) {
    wall.Advance(10);
    ASSERT_TRUE(
        Exec(rep.db(), "UPDATE customers SET relationship = 'existing' WHERE id = 'c1'").ok());
  }
  wall.Advance(10);
  ASSERT_TRUE(Exec(rep.db(), "UPDATE customers SET phone = '7' WHERE id = 'c1'").ok());
  // The phone write names only the phone: the relationship keeps nothing more.
  EXPECT_EQ(
      QueryValue(rep.db(),
                 "SELECT count(*) FROM fb_superseded WHERE col = " +
                     std::to_string(rep.catalog().Find("customers")->ColumnIndex("relationship"))),
      I(2));
  auto push = rep.PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  const ChangeSet& set = **push;
  ASSERT_EQ(set.rows.size(), 3u);
  std::vector<Hlc> stamps;
  for (const RowChange& row : set.rows) {
    const ColumnChange* c = Find(row, "relationship");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->value, S("existing"));
    stamps.push_back(c->hlc);
  }
  EXPECT_LT(stamps[0], stamps[1]);
  EXPECT_LT(stamps[1], stamps[2]);
  EXPECT_NE(Find(set.rows[0], "phone"), nullptr);  // its only version, in the first layer
  EXPECT_EQ(Find(set.rows[2], "phone"), nullptr);

  // Written with capture suspended (a pull, an acknowledgement), nothing is kept.
  PushResult done;
  done.set_id = set.set_id;
  ASSERT_TRUE(rep.AcknowledgePush(done).ok());
  EXPECT_EQ(QueryValue(rep.db(), "SELECT count(*) FROM fb_superseded"), I(0));
}

TEST(OutboxHistory, FactsHaveNoTrigger) {
  testing::TempDir dir;
  FakeWallClock wall;
  auto r = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(r.ok());
  for (const TableInfo& t : (*r)->catalog().tables()) {
    EXPECT_EQ(OutboxHistoryTriggerSql(t).empty(), t.is_fact()) << t.name;
  }
}

}  // namespace
}  // namespace fieldbook

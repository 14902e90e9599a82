// Sync between replicas and the hub, in process, through the real codec.
#include "fieldbook/hub.h"

#include <gtest/gtest.h>

#include "fieldbook/canonical_export.h"
#include "fieldbook/duplicate_detector.h"
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
using testing::SyncOnce;

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = Hub::Open(dir_.File("hub.db"), wall_);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    hub_ = std::move(*h);
    a_ = OpenReplica("rep-a");
    b_ = OpenReplica("rep-b");
  }
  std::unique_ptr<Replica> OpenReplica(const std::string& id) {
    ReplicaOptions o;
    o.replica_id = id;
    auto r = Replica::Open(dir_.File(id + ".db"), wall_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : nullptr;
  }
  std::string Export(Db& db, const Catalog& c) {
    auto e = CanonicalExport(db, c);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : "";
  }
  void Sync(Replica& r) { ASSERT_TRUE(SyncOnce(r, *hub_).ok()); }
  void ExpectConverged() {
    const std::string hub = Export(hub_->db(), hub_->catalog());
    EXPECT_EQ(Export(a_->db(), a_->catalog()), hub);
    EXPECT_EQ(Export(b_->db(), b_->catalog()), hub);
  }

  testing::TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<Replica> a_, b_;
};

TEST_F(HubTest, ACustomerCreatedOfflineReachesTheOtherReplica) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name, city, phone) VALUES (?, ?, ?, ?)",
                   {S("c1"), S("鑫达汽修"), S("广州"), S("13800138000")})
                  .ok());
  Sync(*a_);
  Sync(*b_);
  EXPECT_EQ(QueryValue(b_->db(), "SELECT name FROM customers WHERE id = 'c1'"), S("鑫达汽修"));
  EXPECT_EQ(*a_->PendingWriteCount(), 0);
  Sync(*a_);
  ExpectConverged();
}

TEST_F(HubTest, EditsToDifferentFieldsOfOneCustomerBothSurvive) {
  ASSERT_TRUE(
      Exec(a_->db(), "INSERT INTO customers (id, name, city) VALUES ('c1', 'A', 'X')").ok());
  Sync(*a_);
  Sync(*b_);
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET phone = '111' WHERE id = 'c1'").ok());
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(b_->db(), "UPDATE customers SET notes = 'likes Bosch' WHERE id = 'c1'").ok());
  Sync(*b_);
  Sync(*a_);
  Sync(*b_);
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT phone || '|' || notes FROM customers"),
            S("111|likes Bosch"));
  ExpectConverged();
}

TEST_F(HubTest, TheLaterEditOfOneFieldWinsWhicheverSyncsFirst) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  Sync(*a_);
  Sync(*b_);
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET name = 'from A' WHERE id = 'c1'").ok());
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(b_->db(), "UPDATE customers SET name = 'from B (later)' WHERE id = 'c1'").ok());
  Sync(*b_);  // the later edit reaches the hub first...
  Sync(*a_);  // ...and A's older edit, pushed afterwards, does not overwrite it
  Sync(*b_);
  EXPECT_EQ(QueryValue(a_->db(), "SELECT name FROM customers"), S("from B (later)"));
  ExpectConverged();
}

TEST_F(HubTest, AnEqualTimestampIsBrokenByReplicaId) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  Sync(*a_);
  Sync(*b_);
  wall_.Advance(1000);  // both edit in the same millisecond
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET name = 'a' WHERE id = 'c1'").ok());
  ASSERT_TRUE(Exec(b_->db(), "UPDATE customers SET name = 'b' WHERE id = 'c1'").ok());
  Sync(*a_);
  Sync(*b_);
  Sync(*a_);
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT name FROM customers"), S("b"));  // "rep-b" > "rep-a"
  ExpectConverged();
}

TEST_F(HubTest, ALocalEditNewerThanAPulledChangeIsKeptAndWins) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  Sync(*a_);
  Sync(*b_);
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(b_->db(), "UPDATE customers SET name = 'older' WHERE id = 'c1'").ok());
  Sync(*b_);
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET name = 'newer' WHERE id = 'c1'").ok());
  // Pull only: the hub's older value must not overwrite A's unpushed newer edit.
  auto page = hub_->Pull(a_->cursor(), 0);
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(a_->ApplyPull(page->changes).ok());
  EXPECT_EQ(QueryValue(a_->db(), "SELECT name FROM customers"), S("newer"));
  Sync(*a_);
  Sync(*b_);
  ExpectConverged();
  EXPECT_EQ(QueryValue(b_->db(), "SELECT name FROM customers"), S("newer"));
}

TEST_F(HubTest, DeleteWinsAgainstAConcurrentEditWhichIsKeptInTheTombstone) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  Sync(*a_);
  Sync(*b_);
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET deleted = 1 WHERE id = 'c1'").ok());
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(b_->db(), "UPDATE customers SET notes = 'late note' WHERE id = 'c1'").ok());
  Sync(*b_);
  Sync(*a_);
  Sync(*b_);
  EXPECT_EQ(QueryValue(b_->db(), "SELECT deleted || '|' || notes FROM customers"),
            S("1|late note"));
  ExpectConverged();
  // Restoring is an ordinary, later edit of the tombstone column.
  wall_.Advance(1000);
  ASSERT_TRUE(Exec(b_->db(), "UPDATE customers SET deleted = 0 WHERE id = 'c1'").ok());
  Sync(*b_);
  Sync(*a_);
  EXPECT_EQ(QueryValue(a_->db(), "SELECT deleted FROM customers"), I(0));
}

TEST_F(HubTest, ARetriedPushChangesNothingAndGetsTheSameAnswer) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  auto push = a_->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  auto first = hub_->ApplyPush(**push);
  ASSERT_TRUE(first.ok());
  const uint64_t seq = *hub_->LatestSeq();
  // The acknowledgement was lost: the replica sends the very same set again.
  auto again = a_->PreparePush();
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->set_id, (*push)->set_id);
  EXPECT_EQ((*again)->rows, (*push)->rows);
  auto second = hub_->ApplyPush(**again);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(*hub_->LatestSeq(), seq);
  ASSERT_TRUE(a_->AcknowledgePush(*second).ok());
  EXPECT_EQ(*a_->PendingWriteCount(), 0);
  EXPECT_FALSE(a_->AcknowledgePush(*second).ok());  // nothing pending under that id any more
}

TEST_F(HubTest, AnotherReplicaCannotReuseASetId) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  auto push = a_->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  ASSERT_TRUE(hub_->ApplyPush(**push).ok());
  ChangeSet forged = **push;
  forged.replica_id = "rep-b";
  forged.origins = {"rep-b"};
  auto r = hub_->ApplyPush(forged);
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
}

TEST_F(HubTest, RefusedRowsAreReportedWhileTheRestOfTheSetIsApplied) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  ASSERT_TRUE(
      Exec(a_->db(), "INSERT INTO visits (id, customer_id, notes) VALUES ('v1', 'c1', 'first')")
          .ok());
  Sync(*a_);
  // B forges an edit of A's recorded visit and claims another replica's origin.
  ChangeSet set;
  set.set_id = "forged-1";
  set.replica_id = "rep-b";
  const uint32_t self = set.OriginIndex("rep-b");
  const uint32_t other = set.OriginIndex("rep-a");
  wall_.Advance(1000);
  const Hlc now = Hlc::FromParts(wall_.NowMs(), 0);
  set.rows.push_back({"visits", "v1", {{"notes", S("rewritten"), now, self}}});
  set.rows.push_back({"customers", "c1", {{"name", S("spoofed"), now, other}}});
  set.rows.push_back({"feedback", "f1", {{"satisfaction", I(9), now, self}}});
  set.rows.push_back({"customers", "c2", {{"name", S("new garage"), now, self}}});
  set.rows.push_back({"nonsense", "n1", {{"x", I(1), now, self}}});
  auto result = hub_->ApplyPush(set);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows_accepted, 1u);
  ASSERT_EQ(result->rejections.size(), 4u);
  EXPECT_EQ(result->rejections[0].code, "immutable_fact");
  EXPECT_EQ(result->rejections[1].code, "foreign_origin");
  EXPECT_EQ(result->rejections[2].code, "constraint");
  EXPECT_EQ(result->rejections[3].code, "unknown_table");
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT notes FROM visits WHERE id = 'v1'"), S("first"));
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT name FROM customers WHERE id = 'c1'"), S("A"));
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT name FROM customers WHERE id = 'c2'"), S("new garage"));
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT count(*) FROM feedback"), I(0));
}

TEST_F(HubTest, ARejectedRowGoesToTheRepsReviewListWithTheReason) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c2', 'B')").ok());
  RowGate gate = [](const TableInfo&, RowChange& rc) -> GateDecision {
    if (rc.row_id == "c2") {
      return GateDecision{
          false, RowRejection{"customers", "c2", "out_of_scope", "c2 is not yours", {}, 0}};
    }
    return GateDecision{};
  };
  auto push = a_->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  PushOptions options;
  options.gate = &gate;
  auto result = hub_->ApplyPush(**push, options);
  ASSERT_TRUE(result.ok());
  ASSERT_TRUE(a_->AcknowledgePush(*result).ok());
  auto review = a_->ReviewList();
  ASSERT_TRUE(review.ok());
  ASSERT_EQ(review->size(), 1u);
  EXPECT_EQ((*review)[0].row_id, "c2");
  EXPECT_EQ((*review)[0].code, "out_of_scope");
  EXPECT_EQ((*review)[0].reason, "c2 is not yours");
  EXPECT_NE((*review)[0].payload_json.find("\"name\":\"B\""), std::string::npos);
  EXPECT_EQ(*a_->PendingWriteCount(), 0);  // never wedged: the queue moved on
  EXPECT_EQ(QueryValue(a_->db(), "SELECT name FROM customers WHERE id = 'c2'"), S("B"));
}

TEST_F(HubTest, AFarFutureClockIsRestampedAndCannotWinLaterEdits) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  Sync(*a_);
  Sync(*b_);
  // A's laptop is set to next year.
  FakeWallClock next_year(wall_.NowMs() + 365ull * 24 * 3600 * 1000);
  ReplicaOptions o;
  auto skewed = Replica::Open(dir_.File("rep-a.db"), next_year, o);
  ASSERT_TRUE(skewed.ok());
  a_.reset();
  a_ = std::move(*skewed);
  ASSERT_TRUE(Exec(a_->db(), "UPDATE customers SET name = 'from the future' WHERE id = 'c1'").ok());
  auto push = a_->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  auto result = hub_->ApplyPush(**push);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->restamps.size(), 1u);
  EXPECT_LE(result->restamps[0].hlc.physical_ms(), wall_.NowMs() + 1);
  ASSERT_TRUE(a_->AcknowledgePush(*result).ok());
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT name FROM customers"), S("from the future"));
  // A later edit by B, made with a correct clock, wins.
  wall_.Advance(60'000);
  ASSERT_TRUE(Exec(b_->db(), "UPDATE customers SET name = 'B fixed it' WHERE id = 'c1'").ok());
  Sync(*b_);
  Sync(*a_);
  EXPECT_EQ(QueryValue(a_->db(), "SELECT name FROM customers"), S("B fixed it"));
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT name FROM customers"), S("B fixed it"));
}

TEST_F(HubTest, PullsComeInBoundedPagesAndTheCursorOnlyMovesForward) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES (?, 'x')",
                     {S(("c" + std::to_string(i)).c_str())})
                    .ok());
  }
  Sync(*a_);
  auto p1 = hub_->Pull(0, 3);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->changes.rows.size(), 3u);
  EXPECT_TRUE(p1->more);
  auto p2 = hub_->Pull(p1->changes.cursor, 3);
  auto p3 = hub_->Pull(p2->changes.cursor, 3);
  ASSERT_TRUE(p2.ok() && p3.ok());
  EXPECT_EQ(p3->changes.rows.size(), 1u);
  EXPECT_FALSE(p3->more);
  ASSERT_TRUE(b_->ApplyPull(p1->changes).ok());
  ASSERT_TRUE(b_->ApplyPull(p3->changes).ok());
  ASSERT_TRUE(b_->ApplyPull(p2->changes).ok());  // a stale page delivered late
  EXPECT_EQ(b_->cursor(), p3->changes.cursor);
  EXPECT_EQ(QueryValue(b_->db(), "SELECT count(*) FROM customers"), I(7));
}

TEST_F(HubTest, TheSameGarageCreatedTwiceOfflineIsFlaggedNotMerged) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name, city, phone) VALUES (?, ?, ?, ?)",
                   {S("ca"), S("鑫达汽修"), S("广州"), S("+86 138-0013-8000")})
                  .ok());
  ASSERT_TRUE(Exec(b_->db(), "INSERT INTO customers (id, name, city, phone) VALUES (?, ?, ?, ?)",
                   {S("cb"), S("鑫达 汽修"), S("广州"), S("13800138000")})
                  .ok());
  ASSERT_TRUE(Exec(b_->db(), "INSERT INTO customers (id, name, city) VALUES (?, ?, ?)",
                   {S("cc"), S("Bright Auto (Tianhe)"), S("Guangzhou")})
                  .ok());
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name, city) VALUES (?, ?, ?)",
                   {S("cd"), S("bright auto tianhe"), S("guangzhou")})
                  .ok());
  Sync(*a_);
  Sync(*b_);
  Sync(*a_);
  ExpectConverged();
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT count(*) FROM customers"), I(4));
  auto pairs = ListPossibleDuplicates(hub_->db());
  ASSERT_TRUE(pairs.ok());
  ASSERT_EQ(pairs->size(), 2u);
  EXPECT_EQ((*pairs)[0].customer_a, "ca");
  EXPECT_EQ((*pairs)[0].customer_b, "cb");
  EXPECT_EQ((*pairs)[0].reason, "same phone 13800138000");
  EXPECT_EQ((*pairs)[1].customer_a, "cc");
  EXPECT_EQ((*pairs)[1].reason, "same name and city");
}

TEST_F(HubTest, AHubAuthoredChangeReachesEveryReplica) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  Sync(*a_);
  wall_.Advance(1000);
  auto w = hub_->Write("customers", "c1", {{"grade_tier", S("A")}, {"owner_rep_id", S("r2")}});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  Sync(*a_);
  Sync(*b_);
  EXPECT_EQ(QueryValue(a_->db(), "SELECT grade_tier FROM customers"), S("A"));
  ExpectConverged();
}

TEST_F(HubTest, AcknowledgedPushesSurviveReopeningTheHub) {
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  Sync(*a_);
  const uint64_t seq = *hub_->LatestSeq();
  hub_.reset();
  auto h = Hub::Open(dir_.File("hub.db"), wall_);
  ASSERT_TRUE(h.ok());
  hub_ = std::move(*h);
  EXPECT_EQ(*hub_->LatestSeq(), seq);
  EXPECT_EQ(QueryValue(hub_->db(), "SELECT name FROM customers"), S("A"));
  ASSERT_TRUE(Exec(a_->db(), "INSERT INTO customers (id, name) VALUES ('c2', 'B')").ok());
  Sync(*a_);
  EXPECT_GT(*hub_->LatestSeq(), seq);  // sequence numbers continue, never reused
}

}  // namespace
}  // namespace fieldbook

#include "fieldbook/replica.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook {
namespace {

using testing::Exec;
using testing::FakeWallClock;
using testing::S;

TEST(Replica, KeepsItsIdentityAndCursorAcrossReopen) {
  testing::TempDir dir;
  FakeWallClock wall;
  std::string id;
  {
    auto r = Replica::Open(dir.File("r.db"), wall);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    id = (*r)->replica_id();
    EXPECT_EQ(id.size(), 32u);
    ChangeSet page;
    page.cursor = 17;
    ASSERT_TRUE((*r)->ApplyPull(page).ok());
  }
  ReplicaOptions other;
  other.replica_id = "ignored-on-reopen";
  auto r = Replica::Open(dir.File("r.db"), wall, other);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->replica_id(), id);
  EXPECT_EQ((*r)->cursor(), 17u);
}

TEST(Replica, NothingToPushIsNoPush) {
  testing::TempDir dir;
  FakeWallClock wall;
  auto r = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(r.ok());
  auto push = (*r)->PreparePush();
  ASSERT_TRUE(push.ok());
  EXPECT_FALSE(push->has_value());
}

TEST(Replica, APushCarriesTheCurrentValuesWithEachColumnsNewestTimestamp) {
  testing::TempDir dir;
  FakeWallClock wall;
  auto r = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(r.ok());
  Replica& rep = **r;
  ASSERT_TRUE(
      Exec(rep.db(), "INSERT INTO customers (id, name, city) VALUES ('c1', 'A', 'X')").ok());
  wall.Advance(500);
  ASSERT_TRUE(Exec(rep.db(), "UPDATE customers SET name = 'B' WHERE id = 'c1'").ok());
  auto push = rep.PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  const ChangeSet& set = **push;
  // Two versions of the row: the insert whole (with name A), then the newest values (name B).
  // Older unpushed versions go too since issue 12 (outbox_history_test.cc).
  ASSERT_EQ(set.rows.size(), 2u);
  EXPECT_EQ(set.replica_id, rep.replica_id());
  EXPECT_EQ(set.origins, std::vector<std::string>{rep.replica_id()});
  EXPECT_EQ(set.rows[1].columns.size(), 1u);
  for (const ColumnChange& c : set.rows[0].columns) {
    if (c.column == "name") EXPECT_EQ(c.value, S("A"));
    if (c.column == "city") EXPECT_EQ(c.value, S("X"));
  }
  RowChange row = set.rows[0];
  for (const ColumnChange& c : set.rows[1].columns) {
    for (ColumnChange& mine : row.columns) {
      if (mine.column == c.column) mine = c;
    }
  }
  Hlc name_hlc, city_hlc;
  for (const ColumnChange& c : row.columns) {
    if (c.column == "name") {
      EXPECT_EQ(c.value, S("B"));
      name_hlc = c.hlc;
    }
    if (c.column == "city") city_hlc = c.hlc;
  }
  EXPECT_EQ(city_hlc.physical_ms() + 500, name_hlc.physical_ms());
}

TEST(Replica, LongOutboxesAreSentInBoundedSets) {
  testing::TempDir dir;
  FakeWallClock wall;
  ReplicaOptions o;
  o.max_push_rows = 10;
  auto r = Replica::Open(dir.File("r.db"), wall, o);
  ASSERT_TRUE(r.ok());
  Replica& rep = **r;
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(Exec(rep.db(), "INSERT INTO customers (id, name) VALUES (?, 'x')",
                     {S(("c" + std::to_string(i)).c_str())})
                    .ok());
  }
  size_t sets = 0, rows = 0;
  while (true) {
    auto push = rep.PreparePush();
    ASSERT_TRUE(push.ok());
    if (!push->has_value()) break;
    ++sets;
    rows += (*push)->rows.size();
    EXPECT_LE((*push)->rows.size(), 10u);
    PushResult ack;
    ack.set_id = (*push)->set_id;
    ack.rows_accepted = static_cast<uint32_t>((*push)->rows.size());
    ASSERT_TRUE(rep.AcknowledgePush(ack).ok());
  }
  EXPECT_EQ(sets, 3u);
  EXPECT_EQ(rows, 25u);
  EXPECT_EQ(*rep.PendingWriteCount(), 0);
}

// A pulled page of `n` customers from the hub, ending at `cursor`.
ChangeSet CustomerPage(int first, int n, uint64_t cursor) {
  ChangeSet page;
  page.cursor = cursor;
  page.origins = {"hub-origin-0000000000000000000000"};
  for (int i = first; i < first + n; ++i) {
    page.rows.push_back(RowChange{"customers",
                                  "cust" + std::to_string(1000 + i),
                                  {ColumnChange{"name", S("华信修理厂"), Hlc(1000000 + i), 0},
                                   ColumnChange{"city", S("广州"), Hlc(1000000 + i), 0}}});
  }
  return page;
}

int64_t Customers(Replica& r) {
  const Value n = testing::QueryValue(r.db(), "SELECT count(*) FROM customers");
  return std::holds_alternative<int64_t>(n) ? std::get<int64_t>(n) : -1;
}

// Issue 12: a long pull is stored in a few large transactions (pull batches). Nothing of a batch
// is durable before it commits: a process that dies with one open (here: the Replica goes away
// without committing, as a kill does) comes back at the position of the last commit, with
// exactly the rows stored by then; an aborted batch does the same without a restart. The digests
// stay those of the rows held.
TEST(Replica, APullBatchIsDurableOnlyOnceCommittedAndResumesFromTheLastCommit) {
  testing::TempDir dir;
  FakeWallClock wall;
  auto snapshot = [](const std::string& token) { return PullPosition{true, token, 7}; };
  {
    auto r = Replica::Open(dir.File("r.db"), wall);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Replica& rep = **r;
    ASSERT_TRUE(rep.BeginPullBatch().ok());
    EXPECT_FALSE(rep.BeginPullBatch().ok());  // one at a time
    ASSERT_TRUE(rep.ApplyPull(CustomerPage(0, 50, 0), snapshot("t1")).ok());
    ASSERT_TRUE(rep.ApplyPull(CustomerPage(50, 50, 0), snapshot("t2")).ok());
    ASSERT_TRUE(rep.CommitPullBatch().ok());
    EXPECT_FALSE(rep.in_pull_batch());
    ASSERT_TRUE(rep.BeginPullBatch().ok());
    ASSERT_TRUE(rep.ApplyPull(CustomerPage(100, 50, 0), snapshot("t3")).ok());
    ASSERT_TRUE(rep.ApplyPull(CustomerPage(150, 50, 0), snapshot("t4")).ok());
    EXPECT_EQ(rep.snapshot_token(), "t4");
    EXPECT_EQ(Customers(rep), 200);
    // Dies here, the batch open.
  }
  auto r = Replica::Open(dir.File("r.db"), wall);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Replica& rep = **r;
  EXPECT_EQ(rep.snapshot_token(), "t2");
  EXPECT_EQ(rep.epoch(), 7u);
  EXPECT_EQ(Customers(rep), 100);
  // The insert triggers a snapshot batch does without are back (the open batch dropped them),
  // and the committed batch queued every new customer for the search index.
  EXPECT_EQ(testing::QueryValue(rep.db(),
                                "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                                "name IN ('fb_search_queue_customers_insert', "
                                "'fb_customers_capture_insert')"),
            Value(int64_t{2}));
  EXPECT_EQ(testing::QueryValue(rep.db(), "SELECT count(*) FROM fb_search_queue"),
            Value(int64_t{100}));
  auto kept = rep.Digests();
  auto recomputed = rep.Digests(/*recompute=*/true);
  ASSERT_TRUE(kept.ok() && recomputed.ok());
  EXPECT_EQ(kept->digests, recomputed->digests);

  // An aborted batch: the same, without a restart.
  ASSERT_TRUE(rep.BeginPullBatch().ok());
  ASSERT_TRUE(rep.ApplyPull(CustomerPage(100, 50, 0), snapshot("t3")).ok());
  rep.AbortPullBatch();
  EXPECT_EQ(rep.snapshot_token(), "t2");
  EXPECT_EQ(Customers(rep), 100);

  // Resumed, and the last page (no token, the snapshot's cursor) ends it.
  ASSERT_TRUE(rep.BeginPullBatch().ok());
  for (int first = 100; first < 300; first += 50) {
    const bool last = first == 250;
    ASSERT_TRUE(rep.ApplyPull(CustomerPage(first, 50, last ? 420 : 0),
                              snapshot(last ? "" : "t" + std::to_string(first)))
                    .ok());
  }
  ASSERT_TRUE(rep.CommitPullBatch().ok());
  EXPECT_EQ(rep.cursor(), 420u);
  EXPECT_EQ(rep.snapshot_token(), "");
  EXPECT_EQ(Customers(rep), 300);
  EXPECT_EQ(testing::QueryValue(rep.db(),
                                "SELECT count(*) FROM fb_search_queue WHERE doc IN "
                                "(SELECT rowid * 8 + 1 FROM customers)"),
            Value(int64_t{300}));
  // Local writes are captured again once the batch is committed.
  ASSERT_TRUE(Exec(rep.db(), "INSERT INTO customers (id, name) VALUES ('local1', 'x')").ok());
  EXPECT_EQ(*rep.PendingWriteCount(), 1);
  kept = rep.Digests();
  recomputed = rep.Digests(/*recompute=*/true);
  ASSERT_TRUE(kept.ok() && recomputed.ok());
  EXPECT_EQ(kept->digests, recomputed->digests);
  EXPECT_EQ(kept->digests.size(), recomputed->digests.size());
}

TEST(Replica, ACorruptReplicaFileIsAClearErrorAndIsLeftAlone) {
  testing::TempDir dir;
  FakeWallClock wall;
  const std::string path = dir.File("r.db");
  std::ofstream(path) << "this is not a database, and it must not be overwritten";
  auto r = Replica::Open(path, wall);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << r.status().ToString();
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "this is not a database, and it must not be overwritten");
}

}  // namespace
}  // namespace fieldbook

#include <gtest/gtest.h>

#include <sqlite3.h>

#include "fieldbook/migrations.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
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

class CaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Replica::Open(dir_.File("replica.db"), wall_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    replica_ = std::move(*r);
  }
  Db& db() { return replica_->db(); }
  int64_t OutboxRows() {
    return std::get<int64_t>(QueryValue(db(), "SELECT count(*) FROM fb_outbox"));
  }
  int64_t insert_hlc() {
    return std::get<int64_t>(QueryValue(db(), "SELECT min(hlc) FROM fb_outbox"));
  }

  testing::TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<Replica> replica_;
};

TEST_F(CaptureTest, AnInsertRecordsItsNonNullColumnsWithATimestamp) {
  ASSERT_TRUE(Exec(db(), "INSERT INTO customers (id, name, city) VALUES (?, ?, ?)",
                   {S("c1"), S("鑫达汽修"), S("广州")})
                  .ok());
  ASSERT_EQ(OutboxRows(), 1);
  const TableInfo& t = *replica_->catalog().Find("customers");
  const uint64_t mask = static_cast<uint64_t>(
      std::get<int64_t>(QueryValue(db(), "SELECT cols FROM fb_outbox WHERE row_id = 'c1'")));
  const uint64_t expected = (1ull << t.ColumnIndex("name")) | (1ull << t.ColumnIndex("city")) |
                            (1ull << t.ColumnIndex("deleted"));
  EXPECT_EQ(mask, expected);
  EXPECT_EQ(
      Hlc(static_cast<uint64_t>(std::get<int64_t>(QueryValue(db(), "SELECT hlc FROM fb_outbox"))))
          .physical_ms(),
      wall_.NowMs());
}

// Every column an UPDATE names is an edit (issue #12 item 2): one that keeps its value too, so
// that a value re-entered on one device wins against an older edit on another. The changed
// columns share one outbox row; each re-entered one has its own, with a later timestamp.
TEST_F(CaptureTest, AnUpdateRecordsEveryColumnItNamesAndNoOther) {
  ASSERT_TRUE(Exec(db(), "INSERT INTO customers (id, name, city) VALUES ('c1', 'A', 'B')").ok());
  const TableInfo& t = *replica_->catalog().Find("customers");
  auto bit = [&](const char* c) { return int64_t{1} << t.ColumnIndex(c); };
  auto folded = [&] {
    return std::get<int64_t>(
        QueryValue(db(), "SELECT sum(cols) FROM (SELECT DISTINCT cols FROM fb_outbox WHERE hlc > " +
                             std::to_string(insert_hlc()) + ")"));
  };
  ASSERT_TRUE(
      Exec(db(), "UPDATE customers SET city = 'B', notes = 'call Tue' WHERE id = 'c1'").ok());
  EXPECT_EQ(OutboxRows(), 3);
  EXPECT_EQ(folded(), bit("city") | bit("notes"));
  // Re-entering the value a column holds is an edit; columns the statement does not name are not.
  ASSERT_TRUE(Exec(db(), "UPDATE customers SET city = 'B' WHERE id = 'c1'").ok());
  EXPECT_EQ(OutboxRows(), 4);
  EXPECT_EQ(std::get<int64_t>(QueryValue(db(), "SELECT cols FROM fb_outbox ORDER BY hlc DESC")),
            bit("city"));
  ASSERT_TRUE(Exec(db(), "UPDATE customers SET notes = NULL, phone = NULL WHERE id = 'c1'").ok());
  EXPECT_EQ(OutboxRows(), 6);
  EXPECT_EQ(std::get<int64_t>(QueryValue(db(), "SELECT count(DISTINCT hlc) FROM fb_outbox")),
            6);  // every record has a timestamp of its own
  // An UPDATE that names no replicated column, or matches no row, records nothing.
  ASSERT_TRUE(Exec(db(), "UPDATE customers SET _seq = 9 WHERE id = 'c1'").ok());
  ASSERT_TRUE(Exec(db(), "UPDATE customers SET city = 'B' WHERE id = 'nobody'").ok());
  EXPECT_EQ(OutboxRows(), 6);
}

// Values the sync engine stores (capture suspended) are never local edits, even though the merge
// engine's upsert names every column of a row it updates.
TEST_F(CaptureTest, StoringAPulledRowThatRepeatsTheLocalValuesRecordsNothing) {
  ASSERT_TRUE(Exec(db(), "INSERT INTO customers (id, name, city) VALUES ('c1', 'A', 'B')").ok());
  auto push = replica_->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value()) << push.status().ToString();
  PushResult ack;
  ack.set_id = (*push)->set_id;
  ASSERT_TRUE(replica_->AcknowledgePush(ack).ok());
  ASSERT_EQ(OutboxRows(), 0);

  ChangeSet page;
  page.replica_id = "hub";
  page.cursor = 5;
  const uint32_t hub = page.OriginIndex("other-device");
  const Hlc later = Hlc::FromParts(wall_.NowMs() + 1000, 0);
  page.rows.push_back(
      {"customers",
       "c1",
       {ColumnChange{"name", Value("A"), later, hub}, ColumnChange{"city", Value("B"), later, hub},
        ColumnChange{"notes", Value("from the hub"), later, hub}}});
  auto applied = replica_->ApplyPull(page);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(std::get<std::string>(QueryValue(db(), "SELECT notes FROM customers")), "from the hub");
  EXPECT_EQ(OutboxRows(), 0);
}

// Replica migration 0010 rebuilds the outbox as one B-tree keyed by (tbl, row_id, hlc): the
// writes a device had queued before the upgrade, claimed by a push or not, are all still there.
TEST(CaptureMigration, TheLeanOutboxKeepsEveryQueuedWriteAcrossTheUpgrade) {
  testing::TempDir dir;
  FakeWallClock wall;
  const std::string path = dir.File("old.db");
  {
    auto db = Db::Open(path);
    ASSERT_TRUE(db.ok());
    std::vector<Migration> before;
    for (const Migration& m : ReplicaMigrations()) {
      if (m.version < 10) before.push_back(m);
    }
    ASSERT_TRUE(ApplyMigrations(**db, before).ok());
    ASSERT_TRUE(Exec(**db,
                     "INSERT INTO fb_outbox (tbl, row_id, cols, hlc, set_id) VALUES "
                     "(3, 'c1', 5, 100, NULL), (3, 'c1', 8, 200, 'set-1'), (4, 'k1', 1, 150, NULL)")
                    .ok());
  }
  auto r = Replica::Open(path, wall);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Db& db = (*r)->db();
  EXPECT_EQ(std::get<std::string>(QueryValue(
                db,
                "SELECT group_concat(tbl || ':' || row_id || ':' || cols || ':' || hlc || ':' "
                "|| coalesce(set_id, '-'), ' ') FROM (SELECT * FROM fb_outbox ORDER BY seq)")),
            "3:c1:5:100:- 4:k1:1:150:- 3:c1:8:200:set-1");
  EXPECT_EQ(std::get<std::string>(QueryValue(
                db,
                "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE "
                "type = 'index' AND tbl_name = 'fb_outbox' ORDER BY name)")),
            "fb_outbox_set");
  // New writes go on after the queued ones, and claiming and clearing by set id still works.
  ASSERT_TRUE(Exec(db, "INSERT INTO customers (id, name) VALUES ('c2', 'B')").ok());
  EXPECT_GT(std::get<int64_t>(QueryValue(db, "SELECT hlc FROM fb_outbox WHERE row_id = 'c2'")),
            200);
  ASSERT_TRUE(Exec(db, "DELETE FROM fb_outbox WHERE set_id = 'set-1'").ok());
  EXPECT_EQ(std::get<int64_t>(QueryValue(db, "SELECT count(*) FROM fb_outbox")), 3);
}

TEST_F(CaptureTest, AWriteAndItsChangeRecordRollBackTogether) {
  {
    auto txn = Transaction::Begin(db());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(Exec(db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  }
  EXPECT_EQ(OutboxRows(), 0);
  EXPECT_TRUE(IsNull(QueryValue(db(), "SELECT name FROM customers WHERE id = 'c1'")));
}

TEST_F(CaptureTest, RowsAreTombstonedNeverDeletedAndFactsAreNeverEdited) {
  ASSERT_TRUE(Exec(db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  Status del = Exec(db(), "DELETE FROM customers WHERE id = 'c1'");
  EXPECT_FALSE(del.ok());
  EXPECT_NE(del.message().find("set deleted = 1"), std::string::npos) << del.ToString();
  ASSERT_TRUE(
      Exec(db(), "INSERT INTO visits (id, customer_id, notes) VALUES ('v1', 'c1', 'x')").ok());
  Status edit = Exec(db(), "UPDATE visits SET notes = 'y' WHERE id = 'v1'");
  EXPECT_FALSE(edit.ok());
  EXPECT_NE(edit.message().find("insert-only"), std::string::npos) << edit.ToString();
  Status rekey = Exec(db(), "UPDATE customers SET id = 'c2' WHERE id = 'c1'");
  EXPECT_FALSE(rekey.ok());
}

TEST_F(CaptureTest, AConnectionWithoutFieldbookCannotWriteUncaptured) {
  replica_.reset();  // close; open the file as any other program would
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("replica.db").c_str(), &raw), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(raw, "INSERT INTO customers (id, name) VALUES ('x', 'sneaky')",
                              nullptr, nullptr, &err);
  EXPECT_NE(rc, SQLITE_OK);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(std::string(err).find("no such function"), std::string::npos) << err;
  sqlite3_free(err);
  sqlite3_close(raw);
}

TEST_F(CaptureTest, ATriggerDroppedBehindTheAppsBackIsBackAtTheNextOpen) {
  replica_.reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("replica.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(raw, "DROP TRIGGER fb_customers_capture_insert", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(raw);
  auto r = Replica::Open(dir_.File("replica.db"), wall_);
  ASSERT_TRUE(r.ok());
  replica_ = std::move(*r);
  ASSERT_TRUE(Exec(db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  EXPECT_EQ(OutboxRows(), 1);
}

TEST_F(CaptureTest, TimestampsStayMonotonicAcrossReopenWithTheClockBehind) {
  ASSERT_TRUE(Exec(db(), "INSERT INTO customers (id, name) VALUES ('c1', 'A')").ok());
  const int64_t first = std::get<int64_t>(QueryValue(db(), "SELECT max(hlc) FROM fb_outbox"));
  replica_.reset();
  wall_.Advance(-3'600'000);
  auto r = Replica::Open(dir_.File("replica.db"), wall_);
  ASSERT_TRUE(r.ok());
  replica_ = std::move(*r);
  ASSERT_TRUE(Exec(db(), "UPDATE customers SET name = 'B' WHERE id = 'c1'").ok());
  EXPECT_GT(std::get<int64_t>(QueryValue(db(), "SELECT max(hlc) FROM fb_outbox")), first);
}

TEST_F(CaptureTest, CheckRulesRefuseBadValuesAtTheEdge) {
  Status s = Exec(db(), "INSERT INTO feedback (id, satisfaction) VALUES ('f1', 7)");
  EXPECT_EQ(s.code(), StatusCode::kRejected) << s.ToString();
  EXPECT_EQ(OutboxRows(), 0);
}

// A statement journal larger than SQLite's spill threshold moves to a temporary file (the replica
// keeps temp_store = FILE). The threshold was 1 MiB: SQLite's unix VFS writes at most 128 KiB in
// one call (seekAndWriteFd keeps 17 bits of the length), so spilling a 1 MiB in-memory journal
// chunk wrote nothing and the rep's statement failed with "database or disk is full". One
// statement that rewrites several megabytes inside a transaction (here: every one of 8,000
// customers' notes, as an edit of a whole territory would) must succeed and roll back cleanly.
TEST_F(CaptureTest, AStatementWhoseJournalSpillsToAFileSucceedsAndRollsBack) {
  ASSERT_TRUE(Exec(db(), "BEGIN").ok());
  ASSERT_TRUE(Exec(db(),
                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)"
                   " INSERT INTO customers (id, name, city, notes)"
                   " SELECT 'c' || i, '汽修' || i, '广州', printf('%.300c', 'a') FROM n",
                   {})
                  .ok());
  ASSERT_TRUE(Exec(db(), "COMMIT").ok());
  ASSERT_TRUE(Exec(db(), "BEGIN").ok());
  Status big = Exec(db(), "UPDATE customers SET notes = printf('%.320c', 'b')", {});
  ASSERT_TRUE(big.ok()) << big.ToString();
  EXPECT_EQ(std::get<int64_t>(QueryValue(
                db(), "SELECT count(*) FROM customers WHERE notes = printf('%.320c', 'b')")),
            8000);
  ASSERT_TRUE(Exec(db(), "ROLLBACK").ok());
  EXPECT_EQ(std::get<int64_t>(QueryValue(
                db(), "SELECT count(*) FROM customers WHERE notes = printf('%.300c', 'a')")),
            8000);
}

}  // namespace

}  // namespace fieldbook

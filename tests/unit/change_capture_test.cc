#include <gtest/gtest.h>

#include <sqlite3.h>

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

TEST_F(CaptureTest, AnUpdateRecordsOnlyTheColumnsThatChanged) {
  ASSERT_TRUE(Exec(db(), "INSERT INTO customers (id, name, city) VALUES ('c1', 'A', 'B')").ok());
  ASSERT_TRUE(
      Exec(db(), "UPDATE customers SET city = 'B', notes = 'call Tue' WHERE id = 'c1'").ok());
  const TableInfo& t = *replica_->catalog().Find("customers");
  EXPECT_EQ(std::get<int64_t>(QueryValue(db(), "SELECT cols FROM fb_outbox ORDER BY seq DESC")),
            int64_t{1} << t.ColumnIndex("notes"));
  // An update that changes nothing records nothing.
  ASSERT_TRUE(Exec(db(), "UPDATE customers SET city = 'B' WHERE id = 'c1'").ok());
  EXPECT_EQ(OutboxRows(), 2);
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

}  // namespace
}  // namespace fieldbook

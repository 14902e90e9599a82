#include "fieldbook/sqlite_db.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace fieldbook {
namespace {

TEST(Db, BindsEveryValueKindAndReadsItBack) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE t (a, b, c, d)").ok());
  auto ins = (*db)->Prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(ins.ok());
  (*ins)->Bind(1, int64_t{-42}).Bind(2, 2.5).Bind(3, "鑫达汽修").BindNull(4);
  ASSERT_TRUE((*ins)->Run().ok());
  auto sel = (*db)->Prepare("SELECT a, b, c, d FROM t");
  ASSERT_TRUE(sel.ok());
  auto row = (*sel)->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*sel)->Get(0), Value(int64_t{-42}));
  EXPECT_EQ((*sel)->Get(1), Value(2.5));
  EXPECT_EQ((*sel)->Get(2), Value(std::string("鑫达汽修")));
  EXPECT_TRUE(IsNull((*sel)->Get(3)));
}

TEST(Db, NullReadsAsEmptyAndTheOrNullReadsTellItApart) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto sel = (*db)->Prepare("SELECT NULL, '', 0, 7, 2.5, 'x'");
  ASSERT_TRUE(sel.ok());
  ASSERT_TRUE(*(*sel)->Step());
  Statement& s = **sel;
  EXPECT_EQ(s.Text(0), "");
  EXPECT_EQ(s.Int(0), 0);
  EXPECT_EQ(s.TextOrNull(0), std::nullopt);
  EXPECT_EQ(s.IntOrNull(0), std::nullopt);
  EXPECT_EQ(s.RealOrNull(0), std::nullopt);
  EXPECT_EQ(s.TextOrNull(1), std::optional<std::string>(""));
  EXPECT_EQ(s.IntOrNull(2), std::optional<int64_t>(0));
  EXPECT_EQ(s.IntOrNull(3), std::optional<int64_t>(7));
  EXPECT_EQ(s.RealOrNull(4), std::optional<double>(2.5));
  EXPECT_EQ(s.TextOrNull(5), std::optional<std::string>("x"));
}

TEST(Db, ConstraintViolationIsARejectedStatus) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE t (x INTEGER CHECK (x > 0))").ok());
  auto ins = (*db)->Prepare("INSERT INTO t VALUES (?)");
  ASSERT_TRUE(ins.ok());
  (*ins)->Bind(1, int64_t{-1});
  Status s = (*ins)->Run();
  EXPECT_EQ(s.code(), StatusCode::kRejected) << s.ToString();
}

TEST(Db, TransactionRollsBackUnlessCommitted) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE t (x)").ok());
  {
    auto txn = Transaction::Begin(**db);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*db)->ExecScript("INSERT INTO t VALUES (1)").ok());
  }
  {
    auto txn = Transaction::Begin(**db);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*db)->ExecScript("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  auto sel = (*db)->Prepare("SELECT group_concat(x) FROM t");
  ASSERT_TRUE(sel.ok());
  ASSERT_TRUE(*(*sel)->Step());
  EXPECT_EQ((*sel)->Text(0), "2");
}

TEST(Db, AFileThatIsNotADatabaseIsReportedAsCorrupt) {
  testing::TempDir dir;
  const std::string path = dir.File("garbage.db");
  std::ofstream(path) << std::string(4096, 'x');
  auto db = Db::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kCorrupt) << db.status().ToString();
}

TEST(Db, UsesWriteAheadLoggingForFiles) {
  testing::TempDir dir;
  auto db = Db::Open(dir.File("wal.db"));
  ASSERT_TRUE(db.ok());
  auto mode = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*(*mode)->Step());
  EXPECT_EQ((*mode)->Text(0), "wal");
}

}  // namespace
}  // namespace fieldbook

namespace fieldbook {
namespace {

TEST(Db, NestedTransactionsAreSavepointsThatRollBackAlone) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE t (x)").ok());
  auto outer = Transaction::Begin(**db);
  ASSERT_TRUE(outer.ok());
  ASSERT_TRUE((*db)->ExecScript("INSERT INTO t VALUES (1)").ok());
  {
    auto inner = Transaction::Begin(**db);
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE((*db)->ExecScript("INSERT INTO t VALUES (2)").ok());
  }  // inner rolled back
  {
    auto inner = Transaction::Begin(**db);
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE((*db)->ExecScript("INSERT INTO t VALUES (3)").ok());
    ASSERT_TRUE((*inner)->Commit().ok());
  }
  ASSERT_TRUE((*outer)->Commit().ok());
  EXPECT_FALSE((*db)->InTransaction());
  auto sel = (*db)->Prepare("SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY x)");
  ASSERT_TRUE(sel.ok());
  ASSERT_TRUE(*(*sel)->Step());
  EXPECT_EQ((*sel)->Text(0), "1,3");
}

}  // namespace
}  // namespace fieldbook

namespace fieldbook {
namespace {

int64_t CountRows(Db& db) {
  auto stmt = db.Prepare("SELECT count(*) FROM t");
  if (!stmt.ok() || !(*stmt)->Step().ok()) return -1;
  int64_t n = (*stmt)->Int(0);
  (*stmt)->Reset();
  return n;
}

TEST(Db, AReadSnapshotPinsOneViewAndEndsWithItsScope) {
  testing::TempDir dir;
  auto reader = Db::Open(dir.File("snap.db"));
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->ExecScript("CREATE TABLE t(x); INSERT INTO t VALUES (1)").ok());
  auto writer = Db::Open(dir.File("snap.db"));
  ASSERT_TRUE(writer.ok());
  {
    ReadSnapshot snapshot(**reader);
    ASSERT_TRUE(snapshot.Begin().ok());
    ASSERT_TRUE((*writer)->ExecScript("INSERT INTO t VALUES (2)").ok());  // WAL: not blocked
    EXPECT_TRUE((*reader)->InTransaction());
    EXPECT_EQ(CountRows(**reader), 1);  // the later commit is not seen
  }
  EXPECT_FALSE((*reader)->InTransaction());
  EXPECT_EQ(CountRows(**reader), 2);
}

TEST(Db, AReadSnapshotInsideATransactionJoinsIt) {
  auto db = Db::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE t(x)").ok());
  auto tx = Transaction::Begin(**db);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*db)->ExecScript("INSERT INTO t VALUES (1)").ok());
  {
    ReadSnapshot snapshot(**db);
    ASSERT_TRUE(snapshot.Begin().ok());
    EXPECT_EQ(CountRows(**db), 1);
  }
  // Ending the snapshot did not commit the caller's transaction.
  EXPECT_TRUE((*db)->InTransaction());
  tx->reset();
  EXPECT_EQ(CountRows(**db), 0);
}

}  // namespace
}  // namespace fieldbook

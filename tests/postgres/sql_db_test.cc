// The storage seam (fieldbook/sql_db.h) means the same on SQLite and PostgreSQL: every test runs
// on both (SqlBackendTest; the PostgreSQL run needs FIELDBOOK_TEST_PG). Values of every kind and
// their extremes round-trip exactly, placeholders are numbered as SQLite numbers them, a refused
// statement leaves the transaction usable, savepoints nest, and thousands of rows step in order.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "postgres/sql_backend.h"

namespace fieldbook::testing {
namespace {

using pg::TranslatePlaceholders;

TEST(TranslatePlaceholdersTest, NumbersAsSqliteDoesAndLeavesQuotesAndCommentsAlone) {
  auto t = TranslatePlaceholders("SELECT a FROM t WHERE a = ? AND b = ? OR c = ?1");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->sql, "SELECT a FROM t WHERE a = $1 AND b = $2 OR c = $1");
  EXPECT_EQ(t->params, 2);
  // A bare ? after ?5 is 6, as in SQLite.
  t = TranslatePlaceholders("VALUES (?5, ?, ?2)");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->sql, "VALUES ($5, $6, $2)");
  EXPECT_EQ(t->params, 6);
  t = TranslatePlaceholders("SELECT '?', 'it''s ?', \"col?\" -- why?\n, ? /* ? */ FROM x");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->sql, "SELECT '?', 'it''s ?', \"col?\" -- why?\n, $1 /* ? */ FROM x");
  EXPECT_EQ(t->params, 1);
  // An unterminated literal is copied as it is (the server then refuses the statement).
  t = TranslatePlaceholders("SELECT '?");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->sql, "SELECT '?");
  EXPECT_EQ(t->params, 0);
  EXPECT_EQ(TranslatePlaceholders("SELECT ?0").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TranslatePlaceholders("SELECT ?65536").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TranslatePlaceholders("SELECT ?99999999999").status().code(),
            StatusCode::kInvalidArgument);
}

class SqlDbTest : public SqlBackendTest {
 protected:
  void SetUp() override {
    SqlBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(sql()
                    .ExecScript(Pick("CREATE TABLE t (id TEXT PRIMARY KEY, i INTEGER, r REAL, "
                                     "s TEXT, b BLOB, n INTEGER CHECK (n IS NULL OR n >= 0))",
                                     "CREATE TABLE t (id text PRIMARY KEY, i bigint, r double "
                                     "precision, s text, b bytea, n bigint CHECK (n IS NULL OR "
                                     "n >= 0))"))
                    .ok());
  }

  Status Insert(const std::string& id, const Value& i, const Value& r, const Value& s) {
    auto stmt = sql().Prepare("INSERT INTO t (id, i, r, s) VALUES (?, ?, ?, ?)");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->Bind(1, id).Bind(2, i).Bind(3, r).Bind(4, s);
    return (*stmt)->Run();
  }

  int64_t Count() {
    auto stmt = sql().Prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(stmt.ok());
    auto row = (*stmt)->Step();
    EXPECT_TRUE(row.ok() && *row);
    return (*stmt)->Int(0);
  }
};

TEST_P(SqlDbTest, EveryKindOfValueRoundTripsExactly) {
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes += static_cast<char>(c);
  const std::vector<int64_t> ints = {0, -1, 1, std::numeric_limits<int64_t>::min(),
                                     std::numeric_limits<int64_t>::max()};
  const std::vector<double> reals = {0.1,
                                     1.0 / 3,
                                     -2.5e-300,
                                     1e308,
                                     std::numeric_limits<double>::denorm_min(),
                                     std::numeric_limits<double>::infinity(),
                                     -1.5};
  const std::vector<std::string> texts = {"", "鑫达汽修 'quoted' \"double\" ? $1 \\ %",
                                          std::string(100000, 'x')};
  auto insert = sql().Prepare("INSERT INTO t (id, i, r, s, b) VALUES (?, ?, ?, ?, ?)");
  ASSERT_TRUE(insert.ok()) << insert.status().ToString();
  const size_t n = std::max({ints.size(), reals.size(), texts.size()});
  for (size_t k = 0; k < n; ++k) {
    (*insert)->Reset();
    (*insert)->Bind(1, "row" + std::to_string(k));
    if (k < ints.size()) (*insert)->Bind(2, ints[k]);
    if (k < reals.size()) (*insert)->Bind(3, reals[k]);
    if (k < texts.size()) (*insert)->Bind(4, texts[k]);
    (*insert)->BindBlob(5, all_bytes.substr(k));
    ASSERT_TRUE((*insert)->Run().ok()) << k;
  }
  auto read = sql().Prepare("SELECT i, r, s, b FROM t WHERE id = ?");
  ASSERT_TRUE(read.ok());
  for (size_t k = 0; k < n; ++k) {
    (*read)->Reset();
    (*read)->Bind(1, "row" + std::to_string(k));
    auto row = (*read)->Step();
    ASSERT_TRUE(row.ok() && *row) << k;
    if (k < ints.size()) {
      EXPECT_EQ((*read)->Int(0), ints[k]);
      EXPECT_EQ((*read)->Get(0), Value(ints[k]));
    } else {
      EXPECT_TRUE((*read)->IsNull(0));
      EXPECT_EQ((*read)->Int(0), 0);  // NULL reads as 0
      EXPECT_EQ((*read)->IntOrNull(0), std::nullopt);
      EXPECT_EQ((*read)->Get(0), Value());
    }
    if (k < reals.size()) {
      EXPECT_EQ((*read)->Real(1), reals[k]) << k;
      EXPECT_EQ(std::signbit((*read)->Real(1)), std::signbit(reals[k])) << k;
      EXPECT_EQ((*read)->Get(1), Value(reals[k])) << k;
    }
    if (k < texts.size()) {
      EXPECT_EQ((*read)->Text(2), texts[k]);
      EXPECT_EQ((*read)->TextOrNull(2), texts[k]);  // "" is not NULL
    } else {
      EXPECT_EQ((*read)->Text(2), "");
      EXPECT_EQ((*read)->TextOrNull(2), std::nullopt);
    }
    EXPECT_EQ((*read)->Blob(3), all_bytes.substr(k));
    EXPECT_EQ((*read)->Get(3), Value(all_bytes.substr(k)));
    auto done = (*read)->Step();
    ASSERT_TRUE(done.ok());
    EXPECT_FALSE(*done);
  }
}

TEST_P(SqlDbTest, NumberedParametersRepeatAndUnboundOnesAreNull) {
  ASSERT_TRUE(Insert("a", int64_t{5}, 1.5, "x").ok());
  auto stmt = sql().Prepare(
      "SELECT i, coalesce(?2, 'none'), '?' FROM t WHERE (i = ?1 OR i + 1 = ?1) AND s = ?3");
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  (*stmt)->Bind(1, int64_t{5}).Bind(3, "x");  // ?2 left unbound
  auto row = (*stmt)->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status().ToString();
  EXPECT_EQ((*stmt)->Int(0), 5);
  EXPECT_EQ((*stmt)->Text(1), "none");
  EXPECT_EQ((*stmt)->Text(2), "?");
  // Rewind keeps the bindings, Reset clears them (?1 NULL then matches no row).
  (*stmt)->Rewind();
  row = (*stmt)->Step();
  ASSERT_TRUE(row.ok() && *row);
  (*stmt)->Reset();
  (*stmt)->Bind(3, "x");
  row = (*stmt)->Step();
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row);
  // A parameter the statement does not have is an error of the run, not a crash.
  auto other = sql().Prepare("SELECT s FROM t WHERE id = ?");
  ASSERT_TRUE(other.ok());
  (*other)->Bind(1, "a").Bind(7, "nothing");
  EXPECT_FALSE((*other)->Step().ok());
}

TEST_P(SqlDbTest, ThousandsOfRowsStepInOrderThroughAReusedStatement) {
  constexpr int kRows = 5000;
  {
    auto tx = sql().Begin();
    ASSERT_TRUE(tx.ok());
    for (int k = 0; k < kRows; ++k) {
      ASSERT_TRUE(Insert("r" + std::to_string(100000 + k), int64_t{k}, k / 8.0,
                         std::string(static_cast<size_t>(k % 17), 'z'))
                      .ok());
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_EQ(Count(), kRows);
  // Pages of 97 rows after a cursor, as a pull reads them.
  auto page = sql().Prepare("SELECT id, i, r, s FROM t WHERE i > ? ORDER BY i LIMIT 97");
  ASSERT_TRUE(page.ok());
  int64_t cursor = -1;
  int seen = 0;
  while (true) {
    (*page)->Reset();
    (*page)->Bind(1, cursor);
    int in_page = 0;
    while (true) {
      auto row = (*page)->Step();
      ASSERT_TRUE(row.ok());
      if (!*row) break;
      const int64_t i = (*page)->Int(1);
      ASSERT_EQ(i, cursor + 1);
      EXPECT_EQ((*page)->Text(0), "r" + std::to_string(100000 + i));
      EXPECT_EQ((*page)->Real(2), static_cast<double>(i) / 8.0);
      EXPECT_EQ((*page)->Text(3).size(), static_cast<size_t>(i % 17));
      cursor = i;
      ++in_page;
      ++seen;
    }
    if (in_page == 0) break;
  }
  EXPECT_EQ(seen, kRows);
  auto update = sql().Prepare("UPDATE t SET s = ? WHERE i % 10 = 3");
  ASSERT_TRUE(update.ok());
  (*update)->Bind(1, "three");
  ASSERT_TRUE((*update)->Run().ok());
  EXPECT_EQ(sql().LastChanges(), kRows / 10);
}

TEST_P(SqlDbTest, ARefusedStatementLeavesTheTransactionUsable) {
  auto tx = sql().Begin();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(Insert("a", int64_t{1}, 0.0, "first").ok());
  // A duplicate key and a CHECK rule: refused (kRejected on both), nothing written.
  EXPECT_EQ(Insert("a", int64_t{2}, 0.0, "again").code(), StatusCode::kRejected);
  auto check = sql().Prepare("UPDATE t SET n = ? WHERE id = ?");
  ASSERT_TRUE(check.ok());
  (*check)->Bind(1, int64_t{-5}).Bind(2, "a");
  EXPECT_EQ((*check)->Run().code(), StatusCode::kRejected);
  // A multi-row insert one of whose rows is refused writes none of them.
  auto many = sql().Prepare("INSERT INTO t (id, i) VALUES (?, 1), (?, 2), (?, 3)");
  ASSERT_TRUE(many.ok());
  (*many)->Bind(1, "b").Bind(2, "c").Bind(3, "a");
  EXPECT_EQ((*many)->Run().code(), StatusCode::kRejected);
  // The transaction goes on.
  ASSERT_TRUE(Insert("d", int64_t{4}, 0.0, "after").ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_EQ(Count(), 2);
  auto read = sql().Prepare("SELECT s, n FROM t WHERE id = 'a'");
  ASSERT_TRUE(read.ok());
  auto row = (*read)->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*read)->Text(0), "first");
  EXPECT_TRUE((*read)->IsNull(1));
}

TEST_P(SqlDbTest, TransactionsRollBackUnlessCommittedAndNestAsSavepoints) {
  {
    auto outer = sql().Begin();
    ASSERT_TRUE(outer.ok());
    EXPECT_TRUE(sql().InTransaction());
    ASSERT_TRUE(Insert("kept", int64_t{1}, 0.0, "").ok());
    {
      auto inner = sql().Begin();
      ASSERT_TRUE(inner.ok());
      ASSERT_TRUE(Insert("dropped", int64_t{2}, 0.0, "").ok());
    }  // not committed: back to the savepoint
    {
      auto inner = sql().Begin();
      ASSERT_TRUE(inner.ok());
      ASSERT_TRUE(Insert("nested", int64_t{3}, 0.0, "").ok());
      ASSERT_TRUE((*inner)->Commit().ok());
    }
    ASSERT_TRUE((*outer)->Commit().ok());
  }
  EXPECT_FALSE(sql().InTransaction());
  EXPECT_EQ(Count(), 2);
  {
    auto gone = sql().Begin();
    ASSERT_TRUE(gone.ok());
    ASSERT_TRUE(Insert("never", int64_t{4}, 0.0, "").ok());
  }
  EXPECT_EQ(Count(), 2);
}

TEST_P(SqlDbTest, UpsertAndReturningMeanTheSame) {
  auto upsert = sql().Prepare(
      "INSERT INTO t (id, i, s) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET i = t.i + "
      "excluded.i, s = excluded.s RETURNING i");
  ASSERT_TRUE(upsert.ok()) << upsert.status().ToString();
  for (int k = 1; k <= 4; ++k) {
    (*upsert)->Reset();
    (*upsert)->Bind(1, "u").Bind(2, int64_t{k}).Bind(3, "v" + std::to_string(k));
    auto row = (*upsert)->Step();
    ASSERT_TRUE(row.ok() && *row) << row.status().ToString();
    EXPECT_EQ((*upsert)->Int(0), k * (k + 1) / 2);
  }
  auto ignore = sql().Prepare("INSERT INTO t (id, s) VALUES (?, ?) ON CONFLICT DO NOTHING");
  ASSERT_TRUE(ignore.ok());
  (*ignore)->Bind(1, "u").Bind(2, "ignored");
  ASSERT_TRUE((*ignore)->Run().ok());
  EXPECT_EQ(sql().LastChanges(), 0);
  EXPECT_EQ(Count(), 1);
}

TEST_P(SqlDbTest, TextPostgresCannotHoldIsRefusedAndLosesNothing) {
  auto tx = sql().Begin();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(Insert("a", int64_t{1}, 0.0, "kept").ok());
  const Status nul = Insert("b", int64_t{2}, 0.0, std::string("a\0b", 3));
  if (postgres()) {
    EXPECT_EQ(nul.code(), StatusCode::kInvalidArgument) << nul.ToString();
    // Text in an integer column: SQLite keeps it (the push gate checks types before either).
    EXPECT_EQ(Insert("c", std::string("twelve"), 0.0, "").code(), StatusCode::kInvalidArgument);
  } else {
    EXPECT_TRUE(nul.ok());
  }
  ASSERT_TRUE((*tx)->Commit().ok());
  auto read = sql().Prepare("SELECT s FROM t WHERE id = 'a'");
  ASSERT_TRUE(read.ok());
  auto row = (*read)->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*read)->Text(0), "kept");
}

FB_BOTH_BACKENDS(SqlDbTest);

}  // namespace
}  // namespace fieldbook::testing

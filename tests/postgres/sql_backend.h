// SqlBackendTest: a test run once per backend of the storage seam (fieldbook/sql_db.h): SQLite (an
// in-memory Db) and PostgreSQL (a private schema on FIELDBOOK_TEST_PG's cluster, pg_test_env.h).
// The PostgreSQL run is skipped without FIELDBOOK_TEST_PG; the SQLite run always runs.
// Migrated(): the hub's schema on either (SQLite's hub migrations; PostgreSQL's own).
//
// Thread safety: one test thread.
#ifndef FIELDBOOK_TESTS_POSTGRES_SQL_BACKEND_H_
#define FIELDBOOK_TESTS_POSTGRES_SQL_BACKEND_H_

#include <gtest/gtest.h>

#include <array>
#include <charconv>
#include <memory>
#include <string>
#include <string_view>

#include "fieldbook/migrations.h"
#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/sqlite_sql_db.h"
#include "postgres/pg_test_env.h"
#include "store/pg/pg_schema.h"
#include "store/pg/pg_sql_db.h"

namespace fieldbook::testing {

enum class Backend { kSqlite, kPostgres };

// A value as a test names it in a comparison: 'text', 42, d0.5 (shortest exact), NULL.
inline std::string ShowValue(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return "'" + *s + "'";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    std::array<char, 32> buf{};
    auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), *d);
    return "d" + std::string(buf.data(), end);
  }
  return "NULL";
}

// Calls each(statement) for every row `sql` selects on `db` (a SqlDb of either backend or a SQLite
// Db); a test failure when a step fails.
template <typename Database, typename Each>
void ForEachRow(Database& db, const std::string& sql, Each each) {
  auto stmt = db.Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString() << "\n" << sql;
  if (!stmt.ok()) return;
  while (true) {
    auto row = (*stmt)->Step();
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    if (!row.ok() || !*row) break;
    each(**stmt);
  }
  (*stmt)->Reset();
}

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

class SqlBackendTest : public pg::testing::PgTest, public ::testing::WithParamInterface<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      PgTest::SetUp();
      if (IsSkipped() || HasFatalFailure()) return;
      pg_sql_ = std::make_unique<pg::PgSqlDb>(*db_);
      sql_ = pg_sql_.get();
      return;
    }
    auto db = Db::Open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    sqlite_ = std::move(db).value();
    sqlite_sql_ = std::make_unique<SqliteSqlDb>(*sqlite_);
    sql_ = sqlite_sql_.get();
  }
  void TearDown() override {
    sql_ = nullptr;
    pg_sql_.reset();
    sqlite_sql_.reset();
    sqlite_.reset();
    if (GetParam() == Backend::kPostgres) PgTest::TearDown();
  }

  // The hub's tables on the backend.
  void Migrate() {
    if (GetParam() == Backend::kPostgres) {
      auto migrated = pg::MigratePg(*db_);
      ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
    } else {
      auto migrated = ApplyMigrations(*sqlite_, HubMigrations());
      ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
    }
  }

  // A second connection to the same database (PostgreSQL only: the SQLite one is in memory).
  std::unique_ptr<pg::PgDb> SecondConnection() { return Connect(); }

  bool postgres() const { return GetParam() == Backend::kPostgres; }
  // The text for this backend, where the two dialects differ (DDL types).
  std::string Pick(std::string_view sqlite, std::string_view postgres) const {
    return std::string(GetParam() == Backend::kPostgres ? postgres : sqlite);
  }
  SqlDb& sql() { return *sql_; }

 private:
  std::unique_ptr<Db> sqlite_;
  std::unique_ptr<SqliteSqlDb> sqlite_sql_;
  std::unique_ptr<pg::PgSqlDb> pg_sql_;
  SqlDb* sql_ = nullptr;
};

#define FB_BOTH_BACKENDS(suite)                                                         \
  INSTANTIATE_TEST_SUITE_P(, suite,                                                     \
                           ::testing::Values(::fieldbook::testing::Backend::kSqlite,    \
                                             ::fieldbook::testing::Backend::kPostgres), \
                           ::fieldbook::testing::BackendName)

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_POSTGRES_SQL_BACKEND_H_

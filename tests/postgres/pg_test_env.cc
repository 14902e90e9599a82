#include "postgres/pg_test_env.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "store/pg/pg_schema.h"

namespace fieldbook::pg::testing {

void PgTest::SetUp() {
  const char* env = std::getenv("FIELDBOOK_TEST_PG");
  if (env == nullptr || *env == '\0') {
    GTEST_SKIP() << "FIELDBOOK_TEST_PG is not set: no PostgreSQL cluster to test against. "
                    "scripts/test starts one; by hand: scripts/pg-cluster start /tmp/fbpg, then "
                    "FIELDBOOK_TEST_PG='<the printed string>' and run this test again.";
  }
  conninfo_ = env;
  // A schema of this process and test: tests of one binary run in parallel processes (ctest -j).
  static std::atomic<int> counter{0};
  schema_ = "fbt_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  auto admin = PgDb::Connect(conninfo_);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  // The name is made of digits and letters here, never of input.
  ASSERT_TRUE(
      (*admin)
          ->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_)
          .ok());
  db_ = Connect();
  ASSERT_NE(db_, nullptr);
}

void PgTest::TearDown() {
  db_.reset();
  if (schema_.empty()) return;
  auto admin = PgDb::Connect(conninfo_);
  if (admin.ok()) (void)(*admin)->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
}

std::unique_ptr<PgDb> PgTest::Connect() {
  auto db = PgDb::Connect(conninfo_, {.search_path = schema_});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

std::string PgTest::ConninfoWithSchema() const {
  if (conninfo_.starts_with("postgresql://") || conninfo_.starts_with("postgres://")) {
    const char* glue = conninfo_.find('?') == std::string::npos ? "?" : "&";
    return conninfo_ + glue + "options=-csearch_path%3D" + schema_;
  }
  return conninfo_ + " options='-csearch_path=" + schema_ + "'";
}

void PgTest::WaitUntilBlocked(int pid) {
  for (int i = 0; i < 1000; ++i) {
    auto waiting = db_->Exec(
        "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", {pid});
    ASSERT_TRUE(waiting.ok()) << waiting.status().ToString();
    if (waiting->Int(0, 0) == 1) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL() << "backend " << pid << " never waited for a lock";
}

void PgMigratedTest::SetUp() {
  PgTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  auto migrated = MigratePg(*db_);
  ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
}

}  // namespace fieldbook::pg::testing

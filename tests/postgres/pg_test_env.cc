#include "postgres/pg_test_env.h"

#include <chrono>
#include <thread>

#include "store/pg/pg_schema.h"

namespace fieldbook::pg::testing {

using fieldbook::testing::TestPgCluster;

void PgTest::SetUp() {
  if (TestPgCluster().empty()) {
    GTEST_SKIP() << fieldbook::testing::kNoTestPgCluster;
  }
  // A schema of this process and test: tests of one binary run in parallel processes (ctest -j).
  schema_ = std::make_unique<fieldbook::testing::PgScratchSchema>("fbt");
  ASSERT_TRUE(schema_->status().ok()) << schema_->status().ToString();
  db_ = Connect();
  ASSERT_NE(db_, nullptr);
}

void PgTest::TearDown() {
  db_.reset();
  schema_.reset();
}

std::unique_ptr<PgDb> PgTest::Connect() {
  auto db = PgDb::Connect(conninfo(), {.search_path = schema()});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
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

// PgTest: a private schema on the test cluster for one test (a PgScratchSchema,
// support/pg_scratch.h). The cluster comes from FIELDBOOK_TEST_PG (a libpq connection string;
// scripts/test starts a throwaway cluster with scripts/pg-cluster and sets it). Without the
// variable the test is SKIPPED with a message saying how to run it; with it, a cluster that cannot
// be reached FAILS the test.
//
// Thread safety: Connect() may be called from any thread once the fixture's SetUp has run.
#ifndef FIELDBOOK_TESTS_POSTGRES_PG_TEST_ENV_H_
#define FIELDBOOK_TESTS_POSTGRES_PG_TEST_ENV_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/pg/pg_db.h"
#include "support/pg_scratch.h"

namespace fieldbook::pg::testing {

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // A new connection whose search_path is this test's schema (asserts it connects).
  std::unique_ptr<PgDb> Connect();

  // Returns once the connection served by backend `pid` waits for a lock (fails after 10 s).
  void WaitUntilBlocked(int pid);

  std::unique_ptr<PgDb> db_;  // the test's own connection, made by SetUp
  // The cluster's connection string (FIELDBOOK_TEST_PG).
  const std::string& conninfo() const { return schema_->cluster(); }
  const std::string& schema() const { return schema_->name(); }
  // conninfo() with this test's schema as the session's search_path (options='-csearch_path=…'),
  // for code that connects by itself (ServerStore::Open).
  const std::string& ConninfoWithSchema() const { return schema_->conninfo(); }

 private:
  std::unique_ptr<fieldbook::testing::PgScratchSchema> schema_;
};

// A PgTest whose schema holds the PostgreSQL migrations (MigratePg) before the test starts.
class PgMigratedTest : public PgTest {
 protected:
  void SetUp() override;
};

}  // namespace fieldbook::pg::testing

#endif  // FIELDBOOK_TESTS_POSTGRES_PG_TEST_ENV_H_

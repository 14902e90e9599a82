// PgTestSchema: a private schema on the test cluster for one test. The cluster comes from
// FIELDBOOK_TEST_PG (a libpq connection string; scripts/test starts a throwaway cluster with
// scripts/pg-cluster and sets it). Without the variable the test is SKIPPED with a message saying
// how to run it; with it, a cluster that cannot be reached FAILS the test.
//
// Thread safety: Connect() may be called from any thread once the fixture's SetUp has run.
#ifndef FIELDBOOK_TESTS_POSTGRES_PG_TEST_ENV_H_
#define FIELDBOOK_TESTS_POSTGRES_PG_TEST_ENV_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/pg/pg_db.h"

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
  const std::string& conninfo() const { return conninfo_; }
  const std::string& schema() const { return schema_; }
  // conninfo() with this test's schema as the session's search_path, for code that connects by
  // itself (ServerStore::Open): a URL gains ?options=-csearch_path%3D…, a key=value string
  // options='-csearch_path=…'.
  std::string ConninfoWithSchema() const;

 private:
  std::string conninfo_;
  std::string schema_;
};

// A PgTest whose schema holds the PostgreSQL migrations (MigratePg) before the test starts.
class PgMigratedTest : public PgTest {
 protected:
  void SetUp() override;
};

}  // namespace fieldbook::pg::testing

#endif  // FIELDBOOK_TESTS_POSTGRES_PG_TEST_ENV_H_

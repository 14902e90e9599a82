// TestServerDb: the server database of one end-to-end test, on the backend the run asks for.
// By default (SQLite) it is `server.db` in the test's folder, which `fieldbook-server init`
// creates. With FIELDBOOK_TEST_SERVER_DB=postgres it is a fresh PostgreSQL database on the cluster
// FIELDBOOK_TEST_PG names (scripts/test starts one with scripts/pg-cluster): a PgScratchDatabase
// (support/pg_scratch.h, `fbit_<pid>_<n>`) copied from the cluster's migrated template, so it holds
// the schema and no rows, named to the server as a postgresql:// URL, and dropped with every
// connection to it when the object dies. The tests then talk to the server through its
// binaries exactly as on SQLite (`--db <url>`); the ones that open server.db as a file skip on
// PostgreSQL (FB_SKIP_ON_POSTGRES, below).
//
// A run that asks for PostgreSQL without FIELDBOOK_TEST_PG skips every test with a message saying
// so (a global test environment); with it, a cluster that cannot be reached fails the test.
//
// Thread safety: an object belongs to its test's thread; OnPostgres() may be called from any.
#ifndef FIELDBOOK_TESTS_INTEGRATION_TEST_SERVER_DB_H_
#define FIELDBOOK_TESTS_INTEGRATION_TEST_SERVER_DB_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "support/pg_scratch.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {

// Whether this run's server databases are PostgreSQL (FIELDBOOK_TEST_SERVER_DB=postgres).
bool OnPostgres();

// Skips the current test on PostgreSQL, saying why (it reads or damages server.db as a file...).
#define FB_SKIP_ON_POSTGRES(why)                                                      \
  do {                                                                                \
    if (::fieldbook::testing::OnPostgres()) GTEST_SKIP() << "SQLite only: " << (why); \
  } while (0)

// What `fieldbook-server seed-demo --db <file> <args>` makes, made once per server binary and
// arguments rather than once per test: ctest runs every test in a process of its own, so a
// suite's SetUpTestSuite seeds again for each of its tests (seconds under the sanitizers). The
// first test to ask writes the SQLite file and the command's standard output under the build
// folder (<server binary's folder>/test-seed-cache, under a lock per key: tests side by side seed
// once and never read half a copy, nor a database and an output of two runs; the name carries
// the binary's size and time, and the day when the arguments give no --today, so a rebuilt
// server seeds again and the copies of older builds are removed). Load it with
// TestServerDb::LoadFrom (a copy; on PostgreSQL `migrate`). Safe from any thread and process.
struct SeededDemo {
  std::string file;  // the SQLite server database: read it, never write it
  std::string out;   // seed-demo's standard output (with --json: the reps and their tokens)
};
SeededDemo SeedDemoOnce(const std::vector<std::string>& args);

class TestServerDb {
 public:
  explicit TestServerDb(const TempDir& dir);
  ~TestServerDb();
  TestServerDb(const TestServerDb&) = delete;
  TestServerDb& operator=(const TestServerDb&) = delete;

  // What `--db` takes: the file's path, or "postgresql://user@/fbit_…?host=…&port=…".
  const std::string& url() const { return url_; }
  bool postgres() const { return database_ != nullptr; }
  // On PostgreSQL: a libpq connection string (keyword form) of this database, for a test's own
  // reads.
  const std::string& conninfo() const { return database_->conninfo(); }

  // One integer a query answers (count(*) …), on either backend; -1 and a test failure when it
  // fails. The query must be valid on both (or the caller picks its text by postgres()).
  int64_t QueryInt(const std::string& sql) const;
  // Fills the (new, empty) database with a copy of the SQLite server database `file` (a suite's
  // seed-demo, made once): the file copied on SQLite; `fieldbook-server migrate --from file --to
  // <url>` on PostgreSQL, which verifies the copy. Device tokens stay valid: they are copied too.
  void LoadFrom(const std::string& file) const;
  // Runs one statement on the database directly, as an operator with SQL access would (on
  // SQLite: the file opened as every command opens it).
  Status Exec(const std::string& sql) const;
  // Every row of every table of the database as text, for tests that check a secret is never
  // stored in the clear: the file's bytes on SQLite; each table's rows (`t::text`, bytea in its
  // escaped form so stored bytes stay readable) on PostgreSQL.
  std::string AllStoredText() const;

 private:
  std::string url_;
  std::string source_copy_;                      // LoadFrom's copy of its file (PostgreSQL)
  std::unique_ptr<PgScratchDatabase> database_;  // PostgreSQL only
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_INTEGRATION_TEST_SERVER_DB_H_

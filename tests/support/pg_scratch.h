// Scratch PostgreSQL for tests: a schema or a whole database of one test on the test cluster,
// made by the constructor and dropped by the destructor (RAII). The cluster is the libpq
// connection string FIELDBOOK_TEST_PG names (scripts/test starts a throwaway one with
// scripts/pg-cluster), or one given.
//
//  * PgScratchSchema: CREATE SCHEMA <prefix>_<pid>_<n>; conninfo() is the cluster's connection
//    string with options='-csearch_path=<schema>', so code that connects by itself
//    (ServerStore::Open) works in the schema. Dropped with CASCADE.
//  * PgScratchDatabase: CREATE DATABASE <prefix>_<pid>_<n> [create options]; conninfo() (keyword
//    form) and url() (postgresql://, what the server's `--db` takes) name it. Dropped WITH (FORCE),
//    which ends the sessions of servers a test left running. With `migrated`, the database is a
//    copy (CREATE DATABASE … TEMPLATE) of a template that holds every PostgreSQL migration
//    (MigratePg) — made once per cluster, migration set and create options, named
//    fbtpl_<hash of those>, so a test pays a file copy rather than every migration. The template is
//    built under a session advisory lock by whichever test process needs it first (concurrent ctest
//    processes wait for it), under a temporary name renamed when complete (a process killed while
//    building leaves no half-made template), and closed to connections (a connection to a template
//    would make every CREATE DATABASE from it fail).
//
// Names are digits, letters and '_' made here, never input. A name a killed run of the same
// process id left behind is dropped first.
//
// Failures are values: status() says whether the schema or database was made (the test asserts
// it). Thread safety: an object belongs to one thread; distinct objects may be made concurrently
// from distinct threads and processes (the template is made once under the lock).
#ifndef FIELDBOOK_TESTS_SUPPORT_PG_SCRATCH_H_
#define FIELDBOOK_TESTS_SUPPORT_PG_SCRATCH_H_

#include <map>
#include <string>

#include "fieldbook/status.h"

namespace fieldbook::testing {

// FIELDBOOK_TEST_PG, or "" when it is not set.
std::string TestPgCluster();
// What a test skipped for the want of FIELDBOOK_TEST_PG says.
inline constexpr const char* kNoTestPgCluster =
    "FIELDBOOK_TEST_PG is not set: no PostgreSQL cluster to test against. scripts/test starts one; "
    "by hand: export FIELDBOOK_TEST_PG=\"$(scripts/pg-cluster start /tmp/fbpg)\" and run the test "
    "again.";

// The settings of a libpq connection string (keyword or URL form), parsed by libpq itself.
Result<std::map<std::string, std::string>> ParsePgConninfo(const std::string& conninfo);
// Settings as a keyword string (values quoted) and as a postgresql:// URL (which must name dbname).
std::string PgKeywords(const std::map<std::string, std::string>& settings);
std::string PgUrl(const std::map<std::string, std::string>& settings);

// What the two share: the cluster, the name made, this object's connection string, and whether it
// was made.
class PgScratch {
 public:
  PgScratch(const PgScratch&) = delete;
  PgScratch& operator=(const PgScratch&) = delete;

  const Status& status() const { return status_; }
  const std::string& name() const { return name_; }
  // The cluster's connection string as given (its own database: `postgres` or as named there).
  const std::string& cluster() const { return cluster_; }
  // Schema: the cluster's connection string with this schema as the session's search_path.
  // Database: this database's, as a libpq keyword string.
  const std::string& conninfo() const { return conninfo_; }

 protected:
  PgScratch(const std::string& prefix, const std::string& cluster);
  ~PgScratch() = default;

  std::string cluster_;
  std::string name_;
  std::string conninfo_;
  Status status_;
};

class PgScratchSchema : public PgScratch {
 public:
  explicit PgScratchSchema(const std::string& prefix, const std::string& cluster = TestPgCluster());
  ~PgScratchSchema();
};

struct PgScratchDatabaseOptions {
  // A copy of the cluster's migrated template rather than an empty database.
  bool migrated = false;
  // What follows CREATE DATABASE <name> (the template's, with `migrated`), fixed text of the test:
  // e.g. "TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE
  // 'en-US'".
  std::string create_options;
};

class PgScratchDatabase : public PgScratch {
 public:
  explicit PgScratchDatabase(const std::string& prefix,
                             const PgScratchDatabaseOptions& options = {},
                             const std::string& cluster = TestPgCluster());
  ~PgScratchDatabase();
  // This database as a postgresql://user@/name?host=…&port=… URL (what `--db` takes).
  const std::string& url() const { return url_; }

 private:
  std::string url_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_PG_SCRATCH_H_

// ServerStoreFixture: a ServerStore on a fresh database on a fake clock - the common ground of the
// server-side unit tests (the repository layer, the nightly job and the HTTP APIs in process), with
// helpers to add reps and to build a device's push.
//
// The backend is the run's: by default a fresh server.db in a temporary directory; with
// FIELDBOOK_TEST_SERVER_DB=postgres a fresh schema on the cluster FIELDBOOK_TEST_PG names
// (support/pg_scratch.h's PgScratchSchema, dropped at the end), which the store opens and migrates
// as `serve` would (db_path_ is then its connection string). Without FIELDBOOK_TEST_PG such a run
// skips every test saying so. A test about SQLite's files (backups, file checks, WAL readers)
// skips on PostgreSQL with FB_SKIP_UNIT_ON_POSTGRES(why). ctest runs these binaries' tests a
// second time as pg.* (label postgres, tests/unit/CMakeLists.txt).
//
// Exec and QueryValue on an SqlDb (the store's own seam, store_->sql()): what a test helper
// reads or writes underneath the repositories with, on either backend - the overloads of
// sync_fixture.h's, which take SQLite's Db. `?` placeholders, values always bound.
//
// Not thread-safe: one test thread drives it.
#ifndef FIELDBOOK_TESTS_SUPPORT_SERVER_STORE_FIXTURE_H_
#define FIELDBOOK_TESTS_SUPPORT_SERVER_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/change_set.h"
#include "fieldbook/sql_db.h"
#include "store/server_store.h"
#include "support/fake_clock.h"
#include "support/pg_scratch.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {

// Whether this run's server stores are PostgreSQL (FIELDBOOK_TEST_SERVER_DB=postgres).
inline bool ServerStoresOnPostgres() {
  const char* v = std::getenv("FIELDBOOK_TEST_SERVER_DB");
  return v != nullptr && std::string(v) == "postgres";
}

// Skips the current test on a PostgreSQL run, saying why (it is about SQLite's files...).
#define FB_SKIP_UNIT_ON_POSTGRES(why)                     \
  do {                                                    \
    if (::fieldbook::testing::ServerStoresOnPostgres()) { \
      GTEST_SKIP() << "SQLite only: " << (why);           \
    }                                                     \
  } while (0)

// Runs `sql` (one statement, no rows wanted) on the seam with `params` bound in order.
inline Status Exec(SqlDb& db, const std::string& sql, std::initializer_list<Value> params = {}) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt, db.Prepare(sql));
  int i = 1;
  for (const Value& v : params) stmt->BindValue(i++, v);
  Status s = stmt->Run();
  stmt->Reset();
  return s;
}

// The first column of the first row `sql` answers (NULL when none; a test failure when the
// statement fails).
inline Value QueryValue(SqlDb& db, const std::string& sql,
                        std::initializer_list<Value> params = {}) {
  auto stmt = db.Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << sql << ": " << stmt.status().ToString();
  if (!stmt.ok()) return {};
  int i = 1;
  for (const Value& v : params) (*stmt)->BindValue(i++, v);
  auto row = (*stmt)->Step();
  EXPECT_TRUE(row.ok()) << sql << ": " << row.status().ToString();
  Value v = row.ok() && *row ? (*stmt)->Get(0) : Value();
  (*stmt)->Reset();
  return v;
}

// A PostgreSQL run without a cluster to run on skips every test of the binary, saying so.
class ServerDbEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (ServerStoresOnPostgres() && TestPgCluster().empty()) GTEST_SKIP() << kNoTestPgCluster;
  }
};
inline ::testing::Environment* const kServerDbEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerDbEnvironment);

// Where a test's server store lives: `sqlite_file` on SQLite; on a PostgreSQL run a fresh schema
// made into `pg` (its connection string returned; a test failure when it cannot be made).
inline std::string TestServerStoreLocation(const std::string& sqlite_file,
                                           std::unique_ptr<PgScratchSchema>& pg) {
  if (!ServerStoresOnPostgres()) return sqlite_file;
  pg = std::make_unique<PgScratchSchema>("fbu");
  EXPECT_TRUE(pg->status().ok()) << pg->status().ToString();
  return pg->conninfo();
}

class ServerStoreFixture : public ::testing::Test {
 protected:
  // Opens store_ on db_path_ (on PostgreSQL: a fresh schema first). A subclass that needs the
  // clock elsewhere moves wall_ first.
  void SetUp() override {
    db_path_ = TestServerStoreLocation(db_path_, pg_);
    auto s = server::ServerStore::Open(db_path_, wall_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  bool on_postgres() const { return pg_ != nullptr; }

  // A holder that stopped renewing, `advance_ms` later (past the end of every lease held now):
  // the clock moves on, and on PostgreSQL, whose leases (fb_leases) run out by the database's
  // clock, which a test cannot move, every lease ends now instead.
  void LetLeasesExpire(uint64_t advance_ms) {
    wall_.Advance(advance_ms);
    if (!on_postgres()) return;
    Status ended = Exec(store_->sql(),
                        "UPDATE fb_leases SET expires_at = clock_timestamp() - interval '1 ms'");
    ASSERT_TRUE(ended.ok()) << ended.ToString();
  }

  // Push set `set_id`'s stored answer as made at this test's clock: SQLite stamps it by the
  // store's clock already; PostgreSQL by the database's (applied_at), which a test cannot move.
  void StampAnswerNow(const std::string& set_id) {
    if (!on_postgres()) return;
    Status stamped =
        Exec(store_->sql(),
             "UPDATE fb_applied_sets SET applied_at = to_timestamp(?::bigint / 1000.0) "
             "WHERE set_id = ?",
             {Value(static_cast<int64_t>(wall_.NowMs())), Value(set_id)});
    ASSERT_TRUE(stamped.ok()) << stamped.ToString();
  }

  // Adds a rep; returns its token ("" and a test failure when the store refuses it).
  std::string AddRep(const std::string& id, const std::string& name,
                     const std::string& role = "rep") {
    auto added = store_->AddRep(server::NewRep{id, name, role, "", "", ""});
    EXPECT_TRUE(added.ok()) << id << ": " << added.status().ToString();
    return added.ok() ? added->second : "";
  }

  // A change set `set_id` as device "device-a" pushes it.
  static ChangeSet Push(const std::string& set_id, std::vector<RowChange> rows) {
    ChangeSet set;
    set.set_id = set_id;
    set.replica_id = "device-a";
    set.OriginIndex("device-a");
    set.rows = std::move(rows);
    return set;
  }

  TempDir dir_;
  FakeWallClock wall_;
  std::unique_ptr<PgScratchSchema> pg_;  // PostgreSQL runs only; outlives store_
  std::string db_path_ = dir_.File("server.db");
  std::unique_ptr<server::ServerStore> store_;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_SERVER_STORE_FIXTURE_H_

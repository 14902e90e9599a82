// The libpq wrapper (server/store/pg/pg_db.h) and the PostgreSQL migrations, against the test
// cluster (FIELDBOOK_TEST_PG; skipped without it).
#include "store/pg/pg_db.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "postgres/pg_test_env.h"
#include "store/pg/pg_schema.h"
#include "store/pg/pg_sql_db.h"

namespace fieldbook::pg {
namespace {

using testing::PgTest;

class PgDbTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db_->ExecScript("CREATE TABLE t (id text PRIMARY KEY, n bigint, note text)").ok());
  }
  int64_t Count() {
    auto rows = db_->Exec("SELECT count(*) FROM t");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? rows->Int(0, 0) : -1;
  }
};

TEST_F(PgDbTest, ParametersAreDataNeverSql) {
  const std::string hostile = "x'); DROP TABLE t; --\"\\ \xe4\xb8\xad";
  ASSERT_TRUE(db_->Exec("INSERT INTO t (id, n, note) VALUES ($1, $2, $3)",
                        {hostile, int64_t{-9007199254740993}, std::nullopt})
                  .ok());
  auto rows = db_->Exec("SELECT id, n, note FROM t WHERE id = $1", {hostile});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1);
  EXPECT_EQ(rows->Text(0, 0), hostile);
  EXPECT_EQ(rows->Int(0, 1), -9007199254740993);
  EXPECT_TRUE(rows->IsNull(0, 2));
  EXPECT_EQ(rows->Text(0, 2), "");
  EXPECT_EQ(Count(), 1);  // the table is still there
}

TEST_F(PgDbTest, AStatementIsPreparedOnceAndReused) {
  for (int i = 0; i < 50; ++i) {
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(
        db_->Exec("INSERT INTO t (id, n) VALUES ($1, $2)", {"r" + std::to_string(i), i}).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto prepared = db_->Exec("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE $1",
                            {"INSERT INTO t %"});
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(prepared->Int(0, 0), 1);
  EXPECT_EQ(Count(), 50);
}

TEST_F(PgDbTest, ErrorsAreTypedBySqlState) {
  ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {"a"}).ok());
  Status dup = db_->Exec("INSERT INTO t (id) VALUES ($1)", {"a"}).status();
  EXPECT_EQ(dup.code(), StatusCode::kConflict) << dup.ToString();
  EXPECT_EQ(db_->last_sqlstate(), "23505");
  EXPECT_NE(dup.message().find("23505"), std::string::npos) << dup.message();

  Status bad_value = db_->Exec("SELECT $1::integer", {"twelve"}).status();
  EXPECT_EQ(bad_value.code(), StatusCode::kInvalidArgument) << bad_value.ToString();
  EXPECT_EQ(db_->last_sqlstate(), "22P02");

  Status bug = db_->Exec("SELECT no_such_column FROM t").status();
  EXPECT_EQ(bug.code(), StatusCode::kInternal) << bug.ToString();

  Status nul = db_->Exec("SELECT $1::text", {std::string("a\0b", 3)}).status();
  EXPECT_EQ(nul.code(), StatusCode::kInvalidArgument) << nul.ToString();

  // The connection is still good after every failure; the last success clears the state.
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(db_->last_sqlstate(), "");
}

TEST_F(PgDbTest, AnUnreachableServerIsUnavailable) {
  auto db =
      PgDb::Connect("host=/nonexistent/fieldbook-pg port=5432 dbname=x", {.connect_timeout_s = 2});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable) << db.status().ToString();
  EXPECT_NE(db.status().message().find("cannot connect"), std::string::npos);
}

TEST_F(PgDbTest, ALostConnectionIsUnavailableUntilReconnected) {
  ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {"before"}).ok());
  auto admin = Connect();
  ASSERT_NE(admin, nullptr);
  // The server ends the session (a restart, a failover, an operator).
  ASSERT_TRUE(admin->Exec("SELECT pg_terminate_backend($1)", {db_->backend_pid()}).ok());
  Status lost = db_->Exec("SELECT count(*) FROM t").status();
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost.ToString();
  EXPECT_FALSE(db_->connected());
  ASSERT_TRUE(db_->Reconnect().ok());
  EXPECT_TRUE(db_->connected());
  // The statement is prepared again, and the session's schema is set again.
  EXPECT_EQ(Count(), 1);
  ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {"after"}).ok());
  EXPECT_EQ(Count(), 2);
}

TEST_F(PgDbTest, SessionLimitsEndLongStatementsAndLockWaits) {
  auto limited = PgDb::Connect(
      conninfo(), {.search_path = schema(), .statement_timeout_ms = 400, .lock_timeout_ms = 100});
  ASSERT_TRUE(limited.ok()) << limited.status().ToString();
  Status slow = (*limited)->Exec("SELECT pg_sleep(5)").status();
  EXPECT_EQ(slow.code(), StatusCode::kUnavailable) << slow.ToString();
  EXPECT_EQ((*limited)->last_sqlstate(), "57014");

  ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ('a')").ok());
  auto holder = PgTransaction::Begin(*db_);
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(db_->Exec("UPDATE t SET n = 1 WHERE id = 'a'").ok());
  Status waited = (*limited)->Exec("UPDATE t SET n = 2 WHERE id = 'a'").status();
  EXPECT_EQ(waited.code(), StatusCode::kUnavailable) << waited.ToString();
  EXPECT_EQ((*limited)->last_sqlstate(), "55P03");

  PgConnectOptions negative;
  negative.lock_timeout_ms = -1;
  EXPECT_EQ(PgDb::Connect(conninfo(), negative).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PgDbTest, ATransactionRollsBackUnlessCommitted) {
  {
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {"gone"}).ok());
    EXPECT_TRUE(db_->InTransaction());
  }
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(Count(), 0);
  {
    auto tx = PgTransaction::Begin(*db_, PgIsolation::kSerializable);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {"kept"}).ok());
    {
      auto inner = PgTransaction::Begin(*db_);  // a savepoint
      ASSERT_TRUE(inner.ok());
      ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {"inner-gone"}).ok());
    }
    {
      auto inner = PgTransaction::Begin(*db_);
      ASSERT_TRUE(inner.ok());
      ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {"inner-kept"}).ok());
      ASSERT_TRUE((*inner)->Commit().ok());
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto ids = db_->Exec("SELECT string_agg(id, ',' ORDER BY id) FROM t");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->Text(0, 0), "inner-kept,kept");
}

TEST_F(PgDbTest, AFailedTransactionDoesNotCommit) {
  auto tx = PgTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {"a"}).ok());
  EXPECT_FALSE(db_->Exec("INSERT INTO t (id) VALUES ($1)", {"a"}).ok());
  Status commit = (*tx)->Commit();
  EXPECT_EQ(commit.code(), StatusCode::kUnavailable) << commit.ToString();
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(Count(), 0);
}

TEST_F(PgDbTest, ADeadlockIsUnavailableForOneSide) {
  ASSERT_TRUE(db_->Exec("INSERT INTO t (id, n) VALUES ('a', 0), ('b', 0)").ok());
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  auto tx1 = PgTransaction::Begin(*db_);
  auto tx2 = PgTransaction::Begin(*other);
  ASSERT_TRUE(tx1.ok() && tx2.ok());
  ASSERT_TRUE(db_->Exec("UPDATE t SET n = 1 WHERE id = 'a'").ok());
  ASSERT_TRUE(other->Exec("UPDATE t SET n = 2 WHERE id = 'b'").ok());
  Status second;
  std::thread waiter([&] { second = other->Exec("UPDATE t SET n = 2 WHERE id = 'a'").status(); });
  // Wait until the other connection waits on the lock, then close the cycle.
  WaitUntilBlocked(other->backend_pid());
  Status first = db_->Exec("UPDATE t SET n = 1 WHERE id = 'b'").status();
  waiter.join();
  // PostgreSQL aborts exactly one of the two.
  ASSERT_NE(first.ok(), second.ok()) << first.ToString() << " / " << second.ToString();
  const Status& lost = first.ok() ? second : first;
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost.ToString();
  EXPECT_NE(lost.message().find("40P01"), std::string::npos) << lost.message();
}

// ExecAtomic (what PgSqlDb runs every write inside a transaction with): SAVEPOINT, the statement
// and RELEASE in ONE round trip when the statement succeeds (they were three), two when it fails;
// a failure undoes that statement alone and leaves the transaction usable; in a transaction that
// failed before, the statement does not run; a lost connection is kUnavailable and the
// connection works again after Reconnect.
TEST_F(PgDbTest, ExecAtomicIsOneRoundTripAndUndoesOnlyItsStatement) {
  const std::string insert = "INSERT INTO t (id, n) VALUES ($1, $2)";
  auto atomic = [&](const std::string& id, int64_t n) {
    const PgParam params[] = {id, n};
    return db_->ExecAtomic(insert, params).status();
  };
  EXPECT_EQ(atomic("outside", 0).code(), StatusCode::kInternal);  // no transaction to keep
  {
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(atomic("a", 1).ok());  // prepares the statement: a round trip of its own
    uint64_t before = db_->round_trips();
    ASSERT_TRUE(atomic("b", 2).ok());
    EXPECT_EQ(db_->round_trips() - before, 1u);
    // Through the storage seam: a write inside a transaction is one round trip too.
    PgSqlDb sql(*db_);
    auto update = sql.Prepare("UPDATE t SET note = ? WHERE id = ?");
    ASSERT_TRUE(update.ok());
    ASSERT_TRUE((*update)->Bind(1, "warm").Bind(2, "a").Run().ok());
    before = db_->round_trips();
    update = sql.Prepare("UPDATE t SET note = ? WHERE id = ?");
    ASSERT_TRUE(update.ok());
    ASSERT_TRUE((*update)->Bind(1, "seam").Bind(2, "b").Run().ok());
    EXPECT_EQ(db_->round_trips() - before, 1u);
    EXPECT_EQ(sql.LastChanges(), 1);

    // A duplicate key: refused with its own SQLSTATE, undone alone (a second round trip).
    before = db_->round_trips();
    Status dup = atomic("a", 3);
    EXPECT_EQ(dup.code(), StatusCode::kConflict) << dup.ToString();
    EXPECT_EQ(db_->last_sqlstate(), "23505");
    EXPECT_EQ(db_->round_trips() - before, 2u);
    ASSERT_TRUE(atomic("c", 4).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto ids = db_->Exec(
      "SELECT string_agg(id || ':' || n || ':' || coalesce(note, ''), ',' "
      "ORDER BY id) FROM t");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->Text(0, 0), "a:1:warm,b:2:seam,c:4:");

  {
    // A transaction that failed before: the SAVEPOINT fails, the statement never runs.
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    EXPECT_FALSE(db_->Exec("SELECT 1 / 0").ok());
    Status refused = atomic("d", 5);
    EXPECT_FALSE(refused.ok());
    EXPECT_EQ(db_->last_sqlstate(), "25P02") << refused.ToString();
    EXPECT_NE(refused.message().find("savepoint"), std::string::npos) << refused.ToString();
  }
  EXPECT_EQ(Count(), 3);

  {
    // The server ends the session mid-transaction.
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    auto admin = Connect();
    ASSERT_NE(admin, nullptr);
    ASSERT_TRUE(admin->Exec("SELECT pg_terminate_backend($1)", {db_->backend_pid()}).ok());
    Status lost = atomic("e", 6);
    EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost.ToString();
  }
  ASSERT_TRUE(db_->Reconnect().ok());
  {
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(atomic("f", 7).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_EQ(Count(), 4);
}

// A pipeline that breaks off leaves the connection out of step with the server: a statement
// could not be sent after its SAVEPOINT was (no Sync asked for answers: waiting for them would
// wait for ever), or the Sync's result never came (the connection stays in pipeline mode, where
// libpq refuses every other call). Either way ExecAtomic says so, and the session counts as not
// set up: nothing runs on it (kUnavailable, connected() false) until Reconnect makes a new one,
// as ServerStore::Reconnect does before the next request; the transaction is lost whole.
// Before session 15 the first waited for ever, and after the second the session still counted
// as connected while every call failed (kResourceExhausted), so nothing reconnected it.
TEST_F(PgDbTest, APipelineThatBreaksOffLeavesTheSessionToBeMadeAgain) {
  const std::string insert = "INSERT INTO t (id, n) VALUES ($1, $2)";
  auto atomic = [&](const std::string& id, int64_t n) {
    const PgParam params[] = {id, n};
    return db_->ExecAtomic(insert, params).status();
  };
  int round = 0;
  for (PgDb::PipelineFault fault :
       {PgDb::PipelineFault::kSendFails, PgDb::PipelineFault::kSyncLost}) {
    SCOPED_TRACE(fault == PgDb::PipelineFault::kSendFails ? "send fails" : "sync lost");
    {
      auto tx = PgTransaction::Begin(*db_);
      ASSERT_TRUE(tx.ok());
      ASSERT_TRUE(atomic("lost-" + std::to_string(round), 1).ok());
      db_->FailNextPipelineForTesting(fault);
      Status broken = atomic("broken-" + std::to_string(round), 2);
      EXPECT_EQ(broken.code(), StatusCode::kUnavailable) << broken.ToString();
      EXPECT_NE(broken.message().find("out of step"), std::string::npos) << broken.ToString();
      EXPECT_FALSE(db_->connected());
      Status next = db_->Exec("SELECT 1").status();
      EXPECT_EQ(next.code(), StatusCode::kUnavailable) << next.ToString();
      EXPECT_EQ((*tx)->Commit().code(), StatusCode::kUnavailable);
    }
    ASSERT_TRUE(db_->Reconnect().ok());
    EXPECT_TRUE(db_->connected());
    auto tx = PgTransaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(atomic("kept-" + std::to_string(round++), 3).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto ids = db_->Exec("SELECT string_agg(id, ',' ORDER BY id) FROM t");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->Text(0, 0), "kept-0,kept-1");
}

// PostgreSQL's protocol counts a statement's parameters in 16 bits. More is the caller's error,
// refused before anything is prepared or sent: the session stays set up and an open transaction
// usable. Until session 16 libpq refused ExecAtomic's send, which answered kUnavailable ("out of
// step") and lost the transaction and the session; Exec answered kResourceExhausted.
TEST_F(PgDbTest, MoreThan65535ParametersIsTheCallersErrorAndSendsNothing) {
  const std::vector<PgParam> too_many(65536, PgParam("x"));
  const std::vector<PgParam> most(65535, PgParam("y"));
  const std::string insert = "INSERT INTO t (id, n) VALUES ($1, $2)";
  auto tx = PgTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  const PgParam first[] = {"a", int64_t{1}};
  ASSERT_TRUE(db_->ExecAtomic(insert, first).ok());
  const uint64_t before = db_->round_trips();
  auto atomic = db_->ExecAtomic(insert, too_many);
  EXPECT_EQ(atomic.status().code(), StatusCode::kInvalidArgument) << atomic.status().ToString();
  EXPECT_NE(atomic.status().message().find("at most 65535 parameters, not 65536"),
            std::string::npos)
      << atomic.status().ToString();
  auto plain = db_->Exec("SELECT $1::text", too_many);
  EXPECT_EQ(plain.status().code(), StatusCode::kInvalidArgument) << plain.status().ToString();
  Status each =
      db_->ExecEach("SELECT $1::text", too_many, [](const PgRows&, int) { return Status::Ok(); });
  EXPECT_EQ(each.code(), StatusCode::kInvalidArgument) << each.ToString();
  EXPECT_EQ(db_->round_trips(), before);  // nothing prepared, nothing sent
  EXPECT_TRUE(db_->connected());
  // The transaction goes on, and a statement of exactly 65535 parameters runs in it.
  std::string counted = "INSERT INTO t (id, n) SELECT 'most', cardinality(ARRAY[$1::text";
  for (size_t i = 2; i <= most.size(); ++i) counted += ", $" + std::to_string(i);
  counted += "])";
  auto at_limit = db_->ExecAtomic(counted, most);
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  EXPECT_EQ(at_limit->affected(), 1);
  const PgParam second[] = {"b", int64_t{2}};
  ASSERT_TRUE(db_->ExecAtomic(insert, second).ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  auto ids = db_->Exec("SELECT string_agg(id || ':' || n, ',' ORDER BY id) FROM t");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->Text(0, 0), "a:1,b:2,most:65535");
}

TEST_F(PgDbTest, TextArraysCarryAnyTextIntact) {
  const std::vector<std::string> values = {
      "",           "NULL",        "a,b",      "{x}",
      "\"quoted\"", "back\\slash", " spaced ", "\xe5\xa4\xa7\xe9\x98\xaa",
      "new\nline",  "\\\"",        "'"};
  auto literal = TextArrayLiteral(values);
  ASSERT_TRUE(literal.ok());
  auto rows = db_->Exec(
      "SELECT v, v IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) "
      "ORDER BY n",
      {*literal});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), static_cast<int>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(rows->Text(static_cast<int>(i), 0), values[i]);
    EXPECT_FALSE(rows->Bool(static_cast<int>(i), 1)) << values[i];
  }
  const std::vector<std::string> nul = {std::string("a\0b", 3)};
  EXPECT_EQ(TextArrayLiteral(nul).status().code(), StatusCode::kInvalidArgument);
}

// ExecEach hands a large result over a row at a time, with each value typed as SQLite would
// give it; a failure of the statement midway, or of the callback, is returned and the connection
// stays usable.
TEST_F(PgDbTest, ExecEachStreamsRowsAndRecoversFromFailures) {
  int64_t rows = 0, sum = 0;
  Status s = db_->ExecEach(
      "SELECT g::bigint, g::double precision / 4, 'r' || g, decode('00ff', 'hex'), NULL::text "
      "FROM generate_series(1, $1::int) g",
      std::vector<PgParam>{PgParam(50000)}, [&](const PgRows& r, int i) {
        EXPECT_EQ(r.size(), 1) << "not one row at a time";
        const int64_t g = std::get<int64_t>(r.Get(i, 0));
        EXPECT_EQ(std::get<double>(r.Get(i, 1)), static_cast<double>(g) / 4);
        EXPECT_EQ(std::get<std::string>(r.Get(i, 2)), "r" + std::to_string(g));
        EXPECT_EQ(std::get<std::string>(r.Get(i, 3)), std::string("\x00\xff", 2));
        EXPECT_TRUE(IsNull(r.Get(i, 4)));
        ++rows;
        sum += g;
        return Status::Ok();
      });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rows, 50000);
  EXPECT_EQ(sum, int64_t{50000} * 50001 / 2);

  rows = 0;
  s = db_->ExecEach("SELECT 1 / (5000 - g) FROM generate_series(1, 10000) g", {},
                    [&](const PgRows&, int) {
                      ++rows;
                      return Status::Ok();
                    });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();  // division by zero
  EXPECT_EQ(db_->last_sqlstate(), "22012");
  s = db_->ExecEach("SELECT g FROM generate_series(1, 10000) g", {},
                    [&](const PgRows&, int) { return Status::Rejected("enough"); });
  EXPECT_EQ(s.code(), StatusCode::kRejected);
  auto after = db_->Exec("SELECT 41 + 1");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->Int(0, 0), 42);
}

TEST_F(PgDbTest, MigrationsRunOnceEvenFromManyInstancesAtOnce) {
  std::vector<std::thread> instances;
  std::vector<Result<int>> results(4, Status::Internal("not run"));
  for (size_t i = 0; i < results.size(); ++i) {
    instances.emplace_back([&, i] {
      auto db = PgDb::Connect(conninfo(), {.search_path = schema()});
      if (!db.ok()) {
        results[i] = db.status();
        return;
      }
      results[i] = MigratePg(**db);
    });
  }
  for (auto& t : instances) t.join();
  const int latest = PgMigrations().back().version;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, latest);
  }
  auto applied = db_->Exec("SELECT count(*) FROM fb_pg_migrations");
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->Int(0, 0), static_cast<int64_t>(PgMigrations().size()));

  // A database a newer program migrated is refused, not guessed at.
  ASSERT_TRUE(
      db_->Exec("INSERT INTO fb_pg_migrations (version, name) VALUES ($1, 'future')", {latest + 1})
          .ok());
  auto again = MigratePg(*db_);
  EXPECT_EQ(again.status().code(), StatusCode::kRejected) << again.status().ToString();
}

}  // namespace
}  // namespace fieldbook::pg

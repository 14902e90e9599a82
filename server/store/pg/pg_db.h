// PgDb, PgRows and PgTransaction: a thin RAII layer over one libpq connection to PostgreSQL, the
// server's storage for installs of more than one machine (issue #15, docs/postgres.md). It is the
// PostgreSQL counterpart of fieldbook/sqlite_db.h:
//  * every statement is prepared once per connection (PQprepare, cached by its SQL text) and run
//    with text parameters (PQexecPrepared); values are never spliced into SQL text. ExecScript
//    runs parameterless scripts only (the embedded migrations, fixed DDL);
//  * every failure comes back as a Status (no exception crosses this seam), typed from the
//    server's SQLSTATE: unique/foreign-key/check violations are kConflict, serialization
//    failures, deadlocks, timeouts and lost connections are kUnavailable (retry the whole
//    transaction), bad input values kInvalidArgument, out of resources kResourceExhausted,
//    syntax or undefined objects kInternal (a bug); the SQLSTATE is kept (last_sqlstate());
//  * PgTransaction is BEGIN on construction and ROLLBACK on destruction unless committed; inside
//    another transaction it is a SAVEPOINT.
//  * ExecAtomic runs one statement under its own savepoint (SQLite's statement atomicity) in one
//    round trip: SAVEPOINT, the statement and RELEASE go to the server together (libpq's pipeline
//    mode), rather than one round trip each. round_trips() counts the waits for the server.
//
// Thread safety: a PgDb, its PgTransactions and the PgRows it returned belong to one thread at a
// time (a libpq connection is not thread-safe). Distinct PgDb objects may be used concurrently
// from distinct threads (libpq is built thread-safe on Debian); each holds its own server session.
// PgRows own their result and stay valid after the PgDb runs other statements.
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_DB_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_DB_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fieldbook/status.h"
#include "fieldbook/value.h"

struct pg_conn;
struct pg_result;

namespace fieldbook::pg {

// One text parameter of a prepared statement; nullopt is SQL NULL.
class PgParam {
 public:
  PgParam(std::nullopt_t) {}                                     // NOLINT: by design
  PgParam(std::string_view text) : value_(std::string(text)) {}  // NOLINT
  PgParam(const std::string& text) : value_(text) {}             // NOLINT
  PgParam(const char* text) : value_(std::string(text)) {}       // NOLINT
  PgParam(int64_t v) : value_(std::to_string(v)) {}              // NOLINT
  PgParam(int v) : value_(std::to_string(v)) {}                  // NOLINT
  PgParam(uint64_t v) : value_(std::to_string(v)) {}             // NOLINT
  PgParam(bool v) : value_(v ? "true" : "false") {}              // NOLINT
  const std::optional<std::string>& value() const { return value_; }

 private:
  std::optional<std::string> value_;
};

// The rows of one statement's result (text format). Rows and columns are 0-based.
class PgRows {
 public:
  PgRows() = default;
  explicit PgRows(pg_result* result);
  int size() const;
  int columns() const;
  bool IsNull(int row, int col) const;
  // NULL reads as "" / 0, as in sqlite_db.h. Int of a non-integer value is 0 (a bug upstream:
  // the SQL chose the column's type).
  std::string Text(int row, int col) const;
  int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const;
  // A bytea column's bytes (the text form decoded); NULL reads as "".
  std::string Bytes(int row, int col) const;
  // The cell as the value SQLite's Statement::Get would give for it, by the column's type:
  // bigint/integer/smallint and boolean an integer, double precision/real a double, bytea its
  // bytes, anything else its text; NULL the empty Value. A double's text (PostgreSQL prints the
  // shortest form that reads back exactly) reads back to the same double.
  Value Get(int row, int col) const;
  // Rows an INSERT/UPDATE/DELETE touched.
  int64_t affected() const;

 private:
  struct Clear {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

struct PgConnectOptions {
  // Used when the connection string names none.
  int connect_timeout_s = 10;
  std::string application_name = "fieldbook-server";
  // When not empty: the session's search_path (one schema name, set with set_config, bound).
  std::string search_path;
  // Session limits, in ms (0: none). A statement running longer is cancelled; a wait for a lock
  // longer fails; a session idle inside a transaction longer is ended by the server, which rolls
  // it back and frees its locks. All three fail as kUnavailable. The last is what keeps a writer
  // that stalls while holding the hub's sequence counter (an instance paused or cut off between
  // PgChangeLog::Append and COMMIT) from stopping every other writer for longer than that.
  int statement_timeout_ms = 30000;
  int lock_timeout_ms = 10000;
  int idle_in_transaction_timeout_ms = 10000;
  // Every transaction of the session read-only (default_transaction_read_only): PgDb::SetReadOnly.
  bool read_only = false;
};

class PgDb {
 public:
  // `conninfo`: a libpq connection string, "host=/run/x dbname=fb" or "postgresql://...".
  // A server that cannot be reached is kUnavailable; a refused login kRejected.
  static Result<std::unique_ptr<PgDb>> Connect(const std::string& conninfo,
                                               const PgConnectOptions& options = {});
  ~PgDb();
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  // Runs a parameterless script of one or more statements (migrations, fixed DDL).
  Status ExecScript(std::string_view sql);

  // Runs `sql` ($1, $2, ... placeholders) as a prepared statement of this connection: prepared
  // on first use, reused by its text afterwards. More than 65535 parameters (the protocol's
  // limit) is kInvalidArgument, here and in ExecEach and ExecAtomic: nothing is sent, and the
  // session and its open transaction stay as they were.
  Result<PgRows> Exec(std::string_view sql, std::initializer_list<PgParam> params = {});
  Result<PgRows> Exec(std::string_view sql, std::span<const PgParam> params);
  // The same for a result of any size: hands the rows to `each` one at a time as they arrive
  // (libpq's single-row mode), so memory stays at one row. The first failure, of the statement
  // or of `each`, is returned, after the rest of the result has been read and dropped.
  Status ExecEach(std::string_view sql, std::span<const PgParam> params,
                  const std::function<Status(const PgRows& rows, int row)>& each);
  // Exec inside the open transaction, as one atomic step: a statement that fails leaves the
  // transaction as it was before it and usable (rolled back to a savepoint taken just before it);
  // one that succeeds keeps its writes (the savepoint released). One round trip when it succeeds
  // (SAVEPOINT, the statement and RELEASE sent as one pipeline), two when it fails. The failure
  // returned, and last_sqlstate(), are the statement's (or the SAVEPOINT's, when the transaction
  // had failed before: the statement did not run). Outside a transaction: kInternal. When the
  // pipeline breaks off (a send fails partway, or the connection cannot leave pipeline mode): a
  // kUnavailable, and the session is not set up any more (connected() false; see Reconnect).
  Result<PgRows> ExecAtomic(std::string_view sql, std::span<const PgParam> params);

  // Requests this connection has sent and waited for the server's answer to (statements,
  // prepares, scripts, pipelines: one each), since it was made: what a change that saves round
  // trips is measured by (tests/perf/pg_push_bench.cc).
  uint64_t round_trips() const { return round_trips_; }

  // After a lost connection (every call answers kUnavailable; the server restarted, failed
  // over, or ended the session): connects again with the same settings. Statements are prepared
  // again on first use; a transaction that was open is gone (the server rolled it back).
  // A session whose set-up (the limits, read-only, search_path) did not finish serves nothing:
  // every call answers kUnavailable and connected() is false, so the next Reconnect makes it
  // again -- a read connection never runs writable.
  Status Reconnect();
  bool connected() const;
  // Test hook: the next session set-up fails after the limits, before read-only.
  void FailNextSessionSetUpForTesting() { fail_session_set_up_ = true; }
  // Test hook: the next ExecAtomic's pipeline breaks off as a broken or overloaded connection
  // would leave it: its statement cannot be sent after its SAVEPOINT was (kSendFails), or its
  // Sync's result is not read, so the connection cannot leave pipeline mode (kSyncLost).
  enum class PipelineFault { kNone, kSendFails, kSyncLost };
  void FailNextPipelineForTesting(PipelineFault fault) { pipeline_fault_ = fault; }

  // From now on every transaction of this session is read-only (also after a Reconnect): the
  // server refuses a statement that would write ("cannot execute DELETE in a read-only
  // transaction", SQLSTATE 25006, kIo) and TakeWriteRefused() notes it. For read connections,
  // set after whatever migrated or initialised the database on this connection.
  Status SetReadOnly();
  // Whether a write was refused as read-only since the last call (and clears it).
  bool TakeWriteRefused();

  // True inside BEGIN ... COMMIT (also when the transaction failed and waits for ROLLBACK).
  bool InTransaction() const;
  // The server process serving this connection (pg_stat_activity.pid).
  int backend_pid() const;
  // The SQLSTATE of the last failed call ("" when it succeeded or failed on the client side).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  PgDb(pg_conn* conn, PgConnectOptions options) : conn_(conn), options_(std::move(options)) {}
  Status Check(pg_result* result, std::string_view what);
  // The name `sql` is prepared under on this connection (prepared on first use).
  Result<std::string> Prepared(std::string_view sql);
  // The session's settings from options_ (search_path, limits), noting whether they all took.
  Status ApplySession();
  Status ApplySettings();
  // kUnavailable while the session's set-up has not finished.
  Status SetUp() const;
  // A connection left out of step with the server (a pipeline half sent, or still in pipeline
  // mode): the session is marked as not set up, so every call answers kUnavailable until
  // Reconnect makes a new one (the open transaction is lost with it). Returns that kUnavailable.
  Status OutOfStep(std::string_view what);

  friend class PgTransaction;
  pg_conn* conn_;
  PgConnectOptions options_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::string last_sqlstate_;
  uint64_t savepoints_ = 0;  // savepoints opened so far: their names
  bool write_refused_ = false;
  uint64_t round_trips_ = 0;
  enum class Session { kSetUp, kSettingUp, kNotSetUp } session_ = Session::kNotSetUp;
  bool fail_session_set_up_ = false;
  PipelineFault pipeline_fault_ = PipelineFault::kNone;
};

enum class PgIsolation { kReadCommitted, kRepeatableRead, kSerializable };

class PgTransaction {
 public:
  // BEGIN ISOLATION LEVEL ...; inside a transaction: SAVEPOINT (the isolation is the outer one's).
  static Result<std::unique_ptr<PgTransaction>> Begin(
      PgDb& db, PgIsolation isolation = PgIsolation::kReadCommitted);
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  // COMMIT (RELEASE for a savepoint). A transaction that failed earlier cannot commit: the server
  // rolls it back and this returns kUnavailable or the error that aborted it.
  Status Commit();

 private:
  PgTransaction(PgDb& db, std::string savepoint) : db_(db), savepoint_(std::move(savepoint)) {}
  PgDb& db_;
  std::string savepoint_;  // empty for a top-level transaction
  bool done_ = false;
};

// A PostgreSQL array literal of text values ({"a","b\"c"}) for one text parameter cast to text[]
// in SQL ($1::text[]): how a statement takes many rows in one round trip. Text holding a NUL byte
// (which PostgreSQL cannot store) is kInvalidArgument.
Result<std::string> TextArrayLiteral(std::span<const std::string> values);
// The same with SQL NULL for nullopt.
Result<std::string> TextArrayLiteral(std::span<const std::optional<std::string>> values);

// The text form of bytes for one parameter cast to bytea in SQL ($1::bytea): \x, then two hex
// digits a byte.
std::string ByteaLiteral(std::string_view bytes);

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_DB_H_

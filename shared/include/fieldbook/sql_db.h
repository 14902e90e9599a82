// SqlDb, SqlStatement and SqlTransaction: the storage seam (issue #15, docs/postgres.md "The
// storage seam"). Code written against these runs on both of the server's backends: SQLite
// (fieldbook/sqlite_sql_db.h, over a Db) and PostgreSQL (server/store/pg/pg_sql_db.h, over a
// PgDb). The contract is SQLite's, as fieldbook/sqlite_db.h has it:
//  * SQL text uses `?` (the next parameter) or `?N` (parameter N) placeholders; PostgreSQL's
//    implementation turns them into `$n`. Parameters are 1-based, result columns 0-based. Values
//    are always bound, never spliced into SQL text; identifiers spliced into generated SQL come
//    only from the schema catalog.
//  * A statement that fails changes nothing and leaves the transaction usable, as in SQLite
//    (PostgreSQL's implementation runs each statement that writes inside a transaction under a
//    savepoint for this). A row a constraint refuses (UNIQUE, CHECK, NOT NULL, FOREIGN KEY) is
//    kRejected on both; a value the database cannot hold (PostgreSQL: text with a NUL byte, text
//    in a bigint column) is kInvalidArgument; "try the whole transaction again" is kUnavailable.
//  * PostgreSQL types a parameter by where it is used (`id = ?`: id's type); one used in two
//    places must be used as one type, and one whose type cannot be told (alone in a select list)
//    is text.
//  * A NULL column reads as 0, 0.0, "" (IsNull tells it apart); Get gives the Value SQLite would.
//  * The SQL itself must mean the same on both: `INSERT ... ON CONFLICT ... DO NOTHING/UPDATE`,
//    `RETURNING`, `excluded.` and row values are common ground. Where the two differ (INSERT OR
//    IGNORE/REPLACE, rowid, COLLATE NOCASE, PRAGMAs) the caller picks the text by dialect().
//
// Thread safety: an SqlDb, its statements and transactions belong to one thread at a time, like
// the connection under them. Distinct SqlDb objects may be used from distinct threads.
#ifndef FIELDBOOK_SQL_DB_H_
#define FIELDBOOK_SQL_DB_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fieldbook/status.h"
#include "fieldbook/value.h"

namespace fieldbook {

enum class SqlDialect { kSqlite, kPostgres };

class SqlStatement {
 public:
  virtual ~SqlStatement() = default;

  virtual SqlStatement& BindInt(int index, int64_t v) = 0;
  virtual SqlStatement& BindReal(int index, double v) = 0;
  virtual SqlStatement& BindText(int index, std::string_view text) = 0;
  virtual SqlStatement& BindBlob(int index, std::string_view bytes) = 0;
  virtual SqlStatement& BindNull(int index) = 0;
  virtual SqlStatement& BindValue(int index, const Value& v) = 0;
  // Bind without copying where the backend can (SQLite): the text or bytes must stay valid and
  // unchanged until the statement is next reset or run again with other values.
  virtual SqlStatement& BindValueRef(int index, const Value& v) { return BindValue(index, v); }
  virtual SqlStatement& BindTextRef(int index, std::string_view text) {
    return BindText(index, text);
  }
  virtual SqlStatement& BindBlobRef(int index, std::string_view bytes) {
    return BindBlob(index, bytes);
  }
  // The usual spellings, for call sites written against sqlite_db.h's Statement.
  SqlStatement& Bind(int index, int64_t v) { return BindInt(index, v); }
  SqlStatement& Bind(int index, int v) { return BindInt(index, v); }
  SqlStatement& Bind(int index, double v) { return BindReal(index, v); }
  SqlStatement& Bind(int index, std::string_view text) { return BindText(index, text); }
  SqlStatement& Bind(int index, const char* text) { return BindText(index, text); }
  SqlStatement& Bind(int index, const std::string& text) { return BindText(index, text); }
  SqlStatement& Bind(int index, const Value& v) { return BindValue(index, v); }
  SqlStatement& BindRef(int index, const Value& v) { return BindValueRef(index, v); }

  // Advances to the next row: true when a row is ready, false when done.
  virtual Result<bool> Step() = 0;
  // Runs to the end (statements that return no rows).
  virtual Status Run() = 0;

  virtual int ColumnCount() const = 0;
  virtual bool IsNull(int col) const = 0;
  virtual int64_t Int(int col) const = 0;
  virtual double Real(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  virtual std::string Blob(int col) const = 0;
  virtual Value Get(int col) const = 0;
  std::optional<int64_t> IntOrNull(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<int64_t>(Int(col));
  }
  std::optional<std::string> TextOrNull(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<std::string>(Text(col));
  }

  // Clears bindings and rewinds, ready to run again.
  virtual void Reset() = 0;
  // Rewinds and keeps the bindings.
  virtual void Rewind() = 0;
};

// A transaction (BEGIN; inside another one a SAVEPOINT): rolled back on destruction unless
// Commit() succeeded.
class SqlTransaction {
 public:
  virtual ~SqlTransaction() = default;
  virtual Status Commit() = 0;
};

// The SqlTransaction of a backend's own transaction type (one with Commit()).
template <typename BackendTransaction>
class SqlTransactionOf final : public SqlTransaction {
 public:
  explicit SqlTransactionOf(std::unique_ptr<BackendTransaction> tx) : tx_(std::move(tx)) {}
  Status Commit() override { return tx_->Commit(); }

 private:
  std::unique_ptr<BackendTransaction> tx_;
};

class SqlDb {
 public:
  virtual ~SqlDb() = default;
  virtual SqlDialect dialect() const = 0;
  // A prepared statement from this connection's cache (prepared once per SQL text), reset with
  // its bindings cleared. The pointer stays valid as long as the SqlDb; do not hold two uses of
  // the same SQL text at once.
  virtual Result<SqlStatement*> Prepare(std::string_view sql) = 0;
  // A parameterless script of one or more statements (fixed DDL).
  virtual Status ExecScript(std::string_view sql) = 0;
  // BEGIN (SQLite: IMMEDIATE; PostgreSQL: READ COMMITTED), or a SAVEPOINT inside a transaction.
  virtual Result<std::unique_ptr<SqlTransaction>> Begin() = 0;
  // A read-only snapshot for several statements that must see one state (a pull's page): SQLite:
  // a deferred read transaction (none inside a transaction); PostgreSQL: REPEATABLE READ (a
  // savepoint inside a transaction). Ends when destroyed; Commit() ends it early.
  virtual Result<std::unique_ptr<SqlTransaction>> BeginRead() = 0;
  virtual bool InTransaction() const = 0;
  // Rows the last INSERT, UPDATE or DELETE run on this connection changed.
  virtual int64_t LastChanges() const = 0;
  // The most parameters one statement may have.
  virtual size_t MaxParameters() const = 0;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_SQL_DB_H_

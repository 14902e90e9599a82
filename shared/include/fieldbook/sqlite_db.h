// Db, Statement, Transaction and ReadSnapshot: a thin RAII layer over one SQLite connection. Every
// statement is prepared and parameters are bound, never spliced into SQL text; identifiers spliced
// into generated SQL come only from the schema catalog, never from input. SQLite's errors are
// classified one way everywhere: a constraint kRejected, damage (CORRUPT, NOTADB) kCorrupt, a
// locked database (BUSY, LOCKED) kUnavailable, a full one kResourceExhausted, the rest kIo.
//
// Thread safety: a Db and its Statements belong to one thread (or one strand) at a time.
// Distinct Db objects on the same file may be used concurrently (SQLite WAL handles it).
#ifndef FIELDBOOK_SQLITE_DB_H_
#define FIELDBOOK_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fieldbook/status.h"
#include "fieldbook/value.h"

struct sqlite3;
struct sqlite3_stmt;

namespace fieldbook {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& Bind(int index, int64_t v);
  Statement& Bind(int index, int v) { return Bind(index, static_cast<int64_t>(v)); }
  Statement& Bind(int index, double v);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view(text));
  }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  Statement& Bind(int index, const Value& v);
  // Binds without copying text or blob bytes: they must stay valid and unchanged until the
  // statement is next reset (or the parameter bound again). For values bound by the thousand.
  Statement& BindRef(int index, const Value& v);
  Statement& BindTextRef(int index, std::string_view text);
  Statement& BindBlobRef(int index, std::string_view bytes);

  // Advances to the next row: true when a row is ready, false when done.
  Result<bool> Step();
  // Steps until done (for statements that return no rows).
  Status Run();

  // Columns are 0-based, as in SQLite. A NULL reads as 0, 0.0, "" (no IsNull check is needed
  // where NULL means empty); the ...OrNull reads tell NULL apart.
  int ColumnCount() const;
  bool IsNull(int col) const;
  int64_t Int(int col) const;
  double Real(int col) const;
  std::string Text(int col) const;
  std::string Blob(int col) const;
  std::optional<int64_t> IntOrNull(int col) const;
  std::optional<double> RealOrNull(int col) const;
  std::optional<std::string> TextOrNull(int col) const;
  Value Get(int col) const;

  // Clears bindings and rewinds, ready to run again.
  void Reset();
  // Rewinds and keeps the bindings: cheaper when every parameter is bound again anyway.
  void Rewind();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Status bind_error_;
};

struct DbOptions {
  bool read_only = false;
  bool create = true;
  // WAL + synchronous=FULL: a committed transaction survives power loss and kill -9.
  bool wal = true;
  int busy_timeout_ms = 5000;
};

class Db {
 public:
  static Result<std::unique_ptr<Db>> Open(const std::string& path, const DbOptions& options = {});
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs a parameterless script (migrations, PRAGMAs, generated trigger DDL).
  Status ExecScript(std::string_view sql);

  // A prepared statement from this connection's cache, reset and with bindings cleared. The
  // pointer stays valid until the Db is destroyed. Do not hold two uses of the same SQL text.
  Result<Statement*> Prepare(std::string_view sql);

  int64_t LastChanges() const;
  std::string LastError() const;
  bool InTransaction() const;
  const std::string& path() const { return path_; }
  sqlite3* raw() { return db_; }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  friend class Transaction;
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  int savepoint_depth_ = 0;
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless Commit() succeeded. Inside
// another transaction it is a SAVEPOINT instead, so operations that are atomic on their own
// (a hub apply) can also be composed into a larger atomic operation (a reassignment).
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Db& db);
  ~Transaction();
  Status Commit();

 private:
  Transaction(Db& db, std::string savepoint) : db_(db), savepoint_(std::move(savepoint)) {}
  Db& db_;
  std::string savepoint_;  // empty for a top-level transaction
  bool done_ = false;
};

// A deferred read transaction: one consistent snapshot across several statements (WAL readers do
// not block writers). When the connection already is inside a transaction, it joins it and does
// nothing. Ends on destruction: COMMIT, or ROLLBACK when COMMIT fails, so the connection is never
// left inside a stale snapshot. Same thread-safety as its Db.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Db& db) : db_(db), own_(!db.InTransaction()) {}
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  // Starts the transaction (when it owns one) and pins the snapshot by reading the schema, so
  // later commits by other connections are not seen.
  Status Begin();

 private:
  Db& db_;
  bool own_;
  bool begun_ = false;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_SQLITE_DB_H_

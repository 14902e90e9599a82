// PgSqlDb: the storage seam (fieldbook/sql_db.h) over one PostgreSQL connection (a PgDb it does not
// own), so that code written for SQLite's Statement runs on PostgreSQL unchanged
// (docs/postgres.md, "The storage seam"):
//  * `?` and `?N` placeholders become `$n` (TranslatePlaceholders; text inside quotes and comments
//    is left alone); the statement is prepared once per connection (PgDb's cache).
//  * Values travel as text parameters: integers and doubles in their shortest exact decimal form,
//    blobs in bytea's hex form (so a blob parameter belongs in a bytea column). Results are read
//    whole when the statement first steps (a page, not a table: read large tables with PgDb's
//    ExecEach) and converted as PgRows::Get does; Int/Real/Text/Blob convert from that Value.
//  * SQLite's statement atomicity: inside a transaction, a statement that may write (anything but
//    SELECT) runs under a savepoint, so a refused row leaves the transaction usable, as SQLite
//    leaves it (PgDb::ExecAtomic: SAVEPOINT, the statement and RELEASE in one round trip). A
//    constraint violation (SQLSTATE class 23) is kRejected, as on SQLite.
//
// Thread safety: as its PgDb (one thread at a time); the PgDb must outlive it.
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_SQL_DB_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_SQL_DB_H_

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fieldbook/sql_db.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

// SQL text with SQLite's `?` / `?N` placeholders as PostgreSQL's `$n`, numbered as SQLite numbers
// them (a bare `?` is one above the highest number so far), and the number of parameters (the
// highest number). kInvalidArgument for `?0` or a number above 65535 (PostgreSQL's limit).
struct PgSqlText {
  std::string sql;
  int params = 0;
};
Result<PgSqlText> TranslatePlaceholders(std::string_view sql);

class PgSqlDb;

class PgSqlStatement final : public SqlStatement {
 public:
  PgSqlStatement(PgSqlDb& owner, PgSqlText text, bool writes)
      : owner_(owner), text_(std::move(text)), writes_(writes) {}
  PgSqlStatement& BindInt(int index, int64_t v) override;
  PgSqlStatement& BindReal(int index, double v) override;
  PgSqlStatement& BindText(int index, std::string_view text) override;
  PgSqlStatement& BindBlob(int index, std::string_view bytes) override;
  PgSqlStatement& BindNull(int index) override;
  PgSqlStatement& BindValue(int index, const Value& v) override;
  Result<bool> Step() override;
  Status Run() override;
  int ColumnCount() const override { return rows_.columns(); }
  bool IsNull(int col) const override { return rows_.IsNull(row_, col); }
  int64_t Int(int col) const override;
  double Real(int col) const override;
  std::string Text(int col) const override;
  std::string Blob(int col) const override;
  Value Get(int col) const override { return rows_.Get(row_, col); }
  void Reset() override;
  void Rewind() override;

 private:
  // Sets parameter `index` (1-based); a bad index is reported by the next Step or Run.
  void Set(int index, std::optional<std::string> text);
  Status Execute();

  PgSqlDb& owner_;
  const PgSqlText text_;  // with $n placeholders
  const bool writes_;     // not a SELECT: runs under a savepoint inside a transaction
  std::vector<std::optional<std::string>> params_;  // unbound: NULL, as in SQLite
  Status bind_error_;
  PgRows rows_;
  bool executed_ = false;
  int row_ = -1;
};

class PgSqlDb final : public SqlDb {
 public:
  explicit PgSqlDb(PgDb& db) : db_(db) {}
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  Result<SqlStatement*> Prepare(std::string_view sql) override;
  Status ExecScript(std::string_view sql) override { return db_.ExecScript(sql); }
  Result<std::unique_ptr<SqlTransaction>> Begin() override;
  Result<std::unique_ptr<SqlTransaction>> BeginRead() override;
  bool InTransaction() const override { return db_.InTransaction(); }
  int64_t LastChanges() const override { return last_changes_; }
  size_t MaxParameters() const override { return 65535; }
  PgDb& db() { return db_; }

 private:
  friend class PgSqlStatement;
  // Runs `sql` with `params` as SQLite would: atomically, a constraint violation kRejected.
  Result<PgRows> Run(const std::string& sql, bool writes, std::span<const PgParam> params);

  PgDb& db_;
  std::unordered_map<std::string, std::unique_ptr<PgSqlStatement>> statements_;  // by SQLite text
  int64_t last_changes_ = 0;
};

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_SQL_DB_H_

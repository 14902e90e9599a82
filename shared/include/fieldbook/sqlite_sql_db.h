// SqliteSqlDb: the storage seam (fieldbook/sql_db.h) over one SQLite connection (a Db it does not
// own). Each SqlStatement it hands out forwards to the Db's cached Statement of the same SQL text,
// so code on the seam and code on the Db share one statement cache; SQLite's own behaviour is the
// seam's contract, so nothing is translated. Code that needs no second backend keeps using Db and
// Statement directly and pays nothing for the seam.
//
// Thread safety: as its Db (one thread at a time); the Db must outlive it.
#ifndef FIELDBOOK_SQLITE_SQL_DB_H_
#define FIELDBOOK_SQLITE_SQL_DB_H_

#include <memory>
#include <unordered_map>

#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"

namespace fieldbook {

class SqliteSqlStatement final : public SqlStatement {
 public:
  explicit SqliteSqlStatement(Statement& stmt) : stmt_(stmt) {}
  SqliteSqlStatement& BindInt(int index, int64_t v) override;
  SqliteSqlStatement& BindReal(int index, double v) override;
  SqliteSqlStatement& BindText(int index, std::string_view text) override;
  SqliteSqlStatement& BindBlob(int index, std::string_view bytes) override;
  SqliteSqlStatement& BindNull(int index) override;
  SqliteSqlStatement& BindValue(int index, const Value& v) override;
  SqliteSqlStatement& BindValueRef(int index, const Value& v) override;
  SqliteSqlStatement& BindTextRef(int index, std::string_view text) override;
  SqliteSqlStatement& BindBlobRef(int index, std::string_view bytes) override;
  Result<bool> Step() override { return stmt_.Step(); }
  Status Run() override { return stmt_.Run(); }
  int ColumnCount() const override { return stmt_.ColumnCount(); }
  bool IsNull(int col) const override { return stmt_.IsNull(col); }
  int64_t Int(int col) const override { return stmt_.Int(col); }
  double Real(int col) const override { return stmt_.Real(col); }
  std::string Text(int col) const override { return stmt_.Text(col); }
  std::string Blob(int col) const override { return stmt_.Blob(col); }
  Value Get(int col) const override { return stmt_.Get(col); }
  void Reset() override { stmt_.Reset(); }
  void Rewind() override { stmt_.Rewind(); }

 private:
  Statement& stmt_;
};

class SqliteSqlDb final : public SqlDb {
 public:
  explicit SqliteSqlDb(Db& db) : db_(db) {}
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  Result<SqlStatement*> Prepare(std::string_view sql) override;
  Status ExecScript(std::string_view sql) override;
  Result<std::unique_ptr<SqlTransaction>> Begin() override;
  Result<std::unique_ptr<SqlTransaction>> BeginRead() override;
  bool InTransaction() const override { return db_.InTransaction(); }
  int64_t LastChanges() const override { return db_.LastChanges(); }
  size_t MaxParameters() const override;
  Db& db() { return db_; }

 private:
  Db& db_;
  std::unordered_map<Statement*, std::unique_ptr<SqliteSqlStatement>> statements_;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_SQLITE_SQL_DB_H_

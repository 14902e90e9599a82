#include "fieldbook/sqlite_sql_db.h"

#include <sqlite3.h>

#include <algorithm>

namespace fieldbook {

SqliteSqlStatement& SqliteSqlStatement::BindInt(int index, int64_t v) {
  stmt_.Bind(index, v);
  return *this;
}
SqliteSqlStatement& SqliteSqlStatement::BindReal(int index, double v) {
  stmt_.Bind(index, v);
  return *this;
}
SqliteSqlStatement& SqliteSqlStatement::BindText(int index, std::string_view text) {
  stmt_.Bind(index, text);
  return *this;
}
SqliteSqlStatement& SqliteSqlStatement::BindBlob(int index, std::string_view bytes) {
  stmt_.BindBlob(index, bytes);
  return *this;
}
SqliteSqlStatement& SqliteSqlStatement::BindNull(int index) {
  stmt_.BindNull(index);
  return *this;
}
SqliteSqlStatement& SqliteSqlStatement::BindValue(int index, const Value& v) {
  stmt_.Bind(index, v);
  return *this;
}
SqliteSqlStatement& SqliteSqlStatement::BindValueRef(int index, const Value& v) {
  stmt_.BindRef(index, v);
  return *this;
}
SqliteSqlStatement& SqliteSqlStatement::BindTextRef(int index, std::string_view text) {
  stmt_.BindTextRef(index, text);
  return *this;
}
SqliteSqlStatement& SqliteSqlStatement::BindBlobRef(int index, std::string_view bytes) {
  stmt_.BindBlobRef(index, bytes);
  return *this;
}

Result<SqlStatement*> SqliteSqlDb::Prepare(std::string_view sql) {
  FB_ASSIGN_OR_RETURN(Statement * stmt, db_.Prepare(sql));
  std::unique_ptr<SqliteSqlStatement>& wrapper = statements_[stmt];
  if (!wrapper) wrapper = std::make_unique<SqliteSqlStatement>(*stmt);
  return wrapper.get();
}

Status SqliteSqlDb::ExecScript(std::string_view sql) { return db_.ExecScript(sql); }

Result<std::unique_ptr<SqlTransaction>> SqliteSqlDb::Begin() {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, Transaction::Begin(db_));
  return std::unique_ptr<SqlTransaction>(new SqlTransactionOf<Transaction>(std::move(tx)));
}

namespace {

// A ReadSnapshot as an SqlTransaction: Commit ends the snapshot.
class SqliteReadTransaction final : public SqlTransaction {
 public:
  explicit SqliteReadTransaction(Db& db) : snapshot_(std::make_unique<ReadSnapshot>(db)) {}
  Status Begin() { return snapshot_->Begin(); }
  Status Commit() override {
    snapshot_.reset();
    return Status::Ok();
  }

 private:
  std::unique_ptr<ReadSnapshot> snapshot_;
};

}  // namespace

Result<std::unique_ptr<SqlTransaction>> SqliteSqlDb::BeginRead() {
  auto tx = std::make_unique<SqliteReadTransaction>(db_);
  FB_RETURN_IF_ERROR(tx->Begin());
  return std::unique_ptr<SqlTransaction>(std::move(tx));
}

size_t SqliteSqlDb::MaxParameters() const {
  return static_cast<size_t>(
      std::max(0, sqlite3_limit(db_.raw(), SQLITE_LIMIT_VARIABLE_NUMBER, -1)));
}

}  // namespace fieldbook

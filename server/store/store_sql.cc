#include "store/store_sql.h"

#include <string>

#include "fieldbook/sqlite_sql_db.h"

namespace fieldbook::server {

Status SqlReadSnapshot::Begin() {
  if (db_.dialect() == SqlDialect::kSqlite) {
    // Only SqliteSqlDb speaks SQLite's dialect.
    sqlite_ = std::make_unique<ReadSnapshot>(static_cast<SqliteSqlDb&>(db_).db());
    return sqlite_->Begin();
  }
  if (db_.InTransaction()) return Status::Ok();
  FB_ASSIGN_OR_RETURN(postgres_, db_.Begin());
  // The first statement of the transaction: its snapshot is taken by the next read and kept.
  return db_.ExecScript("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
}

Result<int64_t> ReadInt(SqlStatement& s) {
  FB_ASSIGN_OR_RETURN(bool row, s.Step());
  const int64_t n = row ? s.Int(0) : 0;
  s.Reset();
  return n;
}

Result<int64_t> ReadNewId(SqlStatement& s, std::string_view what) {
  FB_ASSIGN_OR_RETURN(bool row, s.Step());
  const int64_t id = row ? s.Int(0) : 0;
  s.Reset();
  if (!row) return Status::Internal(std::string(what) + " got no id");
  return id;
}

}  // namespace fieldbook::server

// Helpers for the server's stores on the storage seam (fieldbook/sql_db.h; issue #15,
// docs/postgres.md): what every store needs besides SqlDb itself (several reads that must see one
// committed state take SqlDb::BeginRead's snapshot).
//  * ReadInt, ReadNewId: the one number a count or sum query answers; the id an insert made.
//  * SqlFor: the statement text for the backend, where the dialects differ (INSERT OR IGNORE /
//    REPLACE, sqlite_schema, date and string functions); everything else is common ground.
//
// Thread safety: as the SqlDb (one thread at a time).
#ifndef FIELDBOOK_SERVER_STORE_STORE_SQL_H_
#define FIELDBOOK_SERVER_STORE_STORE_SQL_H_

#include <memory>
#include <string_view>

#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"

namespace fieldbook::server {

// The first column of `s`'s first row as an integer (a count, a sum, a max), 0 when there is no
// row or it is NULL; `s` is reset either way.
Result<int64_t> ReadInt(SqlStatement& s);

// Runs an INSERT ... RETURNING id: the new row's id (kInternal naming `what` when it returned
// none); `s` is reset either way.
Result<int64_t> ReadNewId(SqlStatement& s, std::string_view what);

// `sqlite` on SQLite, `postgres` on PostgreSQL.
inline std::string_view SqlFor(const SqlDb& db, std::string_view sqlite,
                               std::string_view postgres) {
  return db.dialect() == SqlDialect::kPostgres ? postgres : sqlite;
}

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_STORE_STORE_SQL_H_

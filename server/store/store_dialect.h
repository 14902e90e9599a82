// SQL fragments that must answer the same on both backends of the storage seam (fieldbook/sql_db.h)
// where the plain text would not (issue #15, docs/postgres.md "The storage seam"):
//  * ByteOrder: an ORDER BY or comparison operand that orders text as SQLite's BINARY collation
//    does, byte by byte. PostgreSQL orders text by the database's collation (en_US.UTF-8 puts
//    'a' before 'B' and skips punctuation), so ids, names and keys that page, or whose order a
//    caller depends on, need COLLATE "C" there; on SQLite the text is unchanged.
//  * NullsAsSqlite: after an ORDER BY term, NULL where SQLite puts it (before every value, so last
//    when descending); PostgreSQL puts NULL after every value unless told.
//  * AsciiLower: lower-casing as SQLite's lower() and LIKE do it, ASCII letters only. PostgreSQL's
//    lower() and ILIKE also fold other letters ('Ä' to 'ä'); translate() folds exactly A-Z.
// Spliced into SQL text: `expr` must be an identifier or a fixed expression, never a value.
//
// Thread safety: pure functions.
#ifndef FIELDBOOK_SERVER_STORE_STORE_DIALECT_H_
#define FIELDBOOK_SERVER_STORE_STORE_DIALECT_H_

#include <string>
#include <string_view>

#include "fieldbook/sql_db.h"

namespace fieldbook::server {

inline std::string ByteOrder(const SqlDb& db, std::string_view expr) {
  std::string out(expr);
  if (db.dialect() == SqlDialect::kPostgres) out += " COLLATE \"C\"";
  return out;
}

inline std::string NullsAsSqlite(const SqlDb& db, bool descending) {
  if (db.dialect() != SqlDialect::kPostgres) return "";
  return descending ? " NULLS LAST" : " NULLS FIRST";
}

inline std::string AsciiLower(const SqlDb& db, std::string_view expr) {
  if (db.dialect() == SqlDialect::kPostgres) {
    return "translate(" + std::string(expr) +
           ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
  }
  return "lower(" + std::string(expr) + ")";
}

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_STORE_STORE_DIALECT_H_

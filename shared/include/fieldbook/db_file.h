// A database file looked at from outside, before and apart from using it: what its first bytes
// say (the replica's and the server's file checks start here), the options that open it only to
// look (a check, a salvage, the source of a copy), and identifiers quoted for SQL built from a
// catalog.
//
// Thread safety: pure functions; InspectDbFile reads the file it is given and nothing else.
#ifndef FIELDBOOK_DB_FILE_H_
#define FIELDBOOK_DB_FILE_H_

#include <string>
#include <string_view>

#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"

namespace fieldbook {

// Read-only, never created, never switched to WAL.
DbOptions InspectOptions();

// Missing, not a regular file, empty, not SQLite (its 16-byte header is not "SQLite format 3"),
// or SQLite. Opening a damaged file fails in less telling ways, so callers say which this is.
enum class DbFileKind { kMissing, kNotRegular, kEmpty, kNotSqlite, kSqlite };
// kIo with the system's reason when the file cannot be looked at.
Result<DbFileKind> InspectDbFile(const std::string& path);

// `name` as an SQL identifier: in double quotes, with inner double quotes doubled.
std::string QuoteIdentifier(std::string_view name);

}  // namespace fieldbook

#endif  // FIELDBOOK_DB_FILE_H_

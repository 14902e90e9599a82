// Versioned SQL migrations applied on open. The schema version of a database is SQLite's
// user_version: migration N has run iff user_version >= N. Migrations run in one transaction each,
// in order; a database newer than the program is refused rather than guessed at.
//
// The migration lists are compiled in from schema/sql (cmake/EmbedSql.cmake).
//
// Thread safety: functions operate on the Db they are given (see sqlite_db.h).
#ifndef FIELDBOOK_MIGRATIONS_H_
#define FIELDBOOK_MIGRATIONS_H_

#include <cstddef>
#include <span>

#include "fieldbook/status.h"

namespace fieldbook {

class Db;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Applies every migration above the database's current version. Returns the resulting version.
Result<int> ApplyMigrations(Db& db, std::span<const Migration> migrations);

// The compiled-in migration lists.
std::span<const Migration> ReplicaMigrations();
std::span<const Migration> HubMigrations();

}  // namespace fieldbook

#endif  // FIELDBOOK_MIGRATIONS_H_

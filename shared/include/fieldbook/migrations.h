// Versioned SQL migrations applied on open. Each migration file is named NNNN_words.sql; NNNN is
// its version, one number sequence across schema/sql/{domain,replica,server} (a replica applies
// domain + replica, the hub domain + server, so each side sees gaps: the other side's numbers).
// The schema version of a database is SQLite's user_version: the number of the last migration
// applied; a migration runs iff its number is above it. Migrations run in one transaction each,
// in increasing order; a database newer than the program is refused rather than guessed at.
//
// Databases created before the numbering carry, as user_version, how many migrations of their
// side's list had run (the list was every file of the side in number order, up to
// kLastListedMigration). They are recognised by their application_id (0; numbered databases
// carry kSchemaApplicationId) and translated once, on the next open, to the number of that
// last migration.
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
  int version;  // the file name's number
  const char* name;
  const char* sql;
};

// PRAGMA application_id of a database whose user_version is a migration number ("FBk2").
inline constexpr int kSchemaApplicationId = 0x46426B32;
// The highest migration number of the hand-kept lists that numbered by position. A database
// without kSchemaApplicationId has run the first user_version migrations of its side's list,
// counting only numbers up to this one.
inline constexpr int kLastListedMigration = 19;

// Applies every migration above the database's current version. Returns the resulting version.
// Refuses a list that is not in strictly increasing version order (a build error upstream).
Result<int> ApplyMigrations(Db& db, std::span<const Migration> migrations);

// The compiled-in migration lists.
std::span<const Migration> ReplicaMigrations();
std::span<const Migration> HubMigrations();

}  // namespace fieldbook

#endif  // FIELDBOOK_MIGRATIONS_H_

// The PostgreSQL backend's schema: its migrations (schema/sql/postgres, compiled in) applied in
// number order in one transaction (PostgreSQL DDL is transactional), recorded in fb_pg_migrations.
// Several server instances starting at once are serialised by a transaction-scoped advisory lock,
// so each migration runs once. A database that has run a migration this program does not know is
// refused (a newer program migrated it) rather than guessed at.
//
// Thread safety: operates on the PgDb it is given (see pg_db.h).
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_SCHEMA_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_SCHEMA_H_

#include <span>

#include "fieldbook/migrations.h"
#include "fieldbook/status.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

// The compiled-in PostgreSQL migrations, in increasing version order.
std::span<const Migration> PgMigrations();

// Applies every migration of `migrations` the database has not run. Returns the highest version
// now applied.
Result<int> MigratePg(PgDb& db, std::span<const Migration> migrations = PgMigrations());

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_SCHEMA_H_

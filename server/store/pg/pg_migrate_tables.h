// The table plan of a copy from the SQLite hub to PostgreSQL (pg_migrate.h): for each target
// table, how its rows are read from SQLite, written to PostgreSQL and read back for comparison.
// Shared by the copy (pg_migrate.cc) and its verification (pg_migrate_verify.cc) so both walk
// the same tables the same way.
//
// Thread safety: runs on the Db and PgDb it is given, one thread.
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_MIGRATE_TABLES_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_MIGRATE_TABLES_H_

#include <string>
#include <vector>

#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

struct PgCopySpec {
  std::string target;                       // the PostgreSQL table
  std::string source_sql;                   // SQLite SELECT of its columns, in target order
  std::vector<std::string> target_columns;  // the columns written
  std::vector<std::string> target_exprs;    // each column's value from u.aN (text), cast
  std::vector<bool> bytea;                  // per column: sent as a bytea literal
  std::vector<std::string> identity_columns;
  // PostgreSQL SELECT giving the rows back in the source's form (same columns and values as
  // source_sql), for the verification.
  std::string verify_sql;
  // The same rows of both sides in one order, for naming the first row that differs: ORDER BY
  // clauses on the source's primary key (every column without one) as text in byte order, and
  // the positions of those columns in the selected ones.
  std::string source_order, target_order;
  std::vector<int> key;
};

// Every table to copy, after checking that each exists on the target with the source's columns
// in the source's order (kRejected naming the table and the column otherwise).
Result<std::vector<PgCopySpec>> PlanHubCopy(Db& from, PgDb& to);

// The change stream's columns (its rows are computed, pg_migrate.cc): seq, table_code, row_id,
// customer_id.
PgCopySpec ChangeLogSpec();

// kRejected unless every table of the target's schema is empty (fb_pg_migrations
// aside) and its hub sequence is 0. Also before the migrations ran (a new schema has no tables).
Status CheckTargetEmpty(PgDb& to);

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_MIGRATE_TABLES_H_

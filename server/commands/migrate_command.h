// fieldbook-server's `migrate --from FILE.db --to postgresql://…`: moves a server install from
// its SQLite file to PostgreSQL (issue #15, docs/postgres.md "Moving an install"). The source is
// checked in full (PRAGMA quick_check) and held still (no `serve` may run on it meanwhile), the
// target gets the PostgreSQL migrations and must be empty; every table is copied in one
// transaction (store/pg/pg_migrate.h) and compared with the source (canonical exports, then every
// table by count and digest) before that transaction commits. `--verify-only` compares an
// existing copy without writing. This family wires itself (command_family.h): no line in
// main.cc or server_commands.cc.
//
// Exit codes: 0 copied and identical; 1 refused or failed (the target is as it was); 2 a bad
// command line; 3 the copy differs from the source (printed: the first table and row; the copy
// was rolled back, or, with --verify-only, is left as it is).
//
// Thread safety: run from main's thread only.
#ifndef FIELDBOOK_SERVER_COMMANDS_MIGRATE_COMMAND_H_
#define FIELDBOOK_SERVER_COMMANDS_MIGRATE_COMMAND_H_

#include <cstddef>
#include <string>

#include "fieldbook/status.h"

namespace fieldbook::server {

struct MigrateArgs {
  std::string from;  // the SQLite server database
  std::string to;    // a libpq connection string: postgresql://… or "host=… dbname=…"
  size_t batch_rows = 1000;
  bool verify_only = false;
  std::string temp_dir;  // for the two exports compared; empty: the system's temporary folder
};

int RunMigrate(const MigrateArgs& args);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_COMMANDS_MIGRATE_COMMAND_H_

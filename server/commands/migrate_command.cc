#include "commands/migrate_command.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>

#include "commands/command_family.h"
#include "commands/server_commands.h"
#include "store/backup.h"
#include "store/db_check.h"
#include "store/pg/pg_migrate.h"
#include "store/pg/pg_migrate_tables.h"
#include "store/pg/pg_schema.h"

namespace fieldbook::server {

namespace {

constexpr int kBadCommandLine = 2;
constexpr int kDiffers = 3;

void PrintDifference(const pg::HubDifference& d) {
  std::cerr << "fieldbook-server: migrate: the copy differs from the source at table " << d.table;
  if (!d.row.empty()) std::cerr << ", row " << d.row;
  std::cerr << "\n  source: " << d.source << "\n  target: " << d.target << "\n";
}

}  // namespace

int RunMigrate(const MigrateArgs& args) {
  auto fail = [](const Status& s) { return CommandFailed("migrate", s); };
  if (ServerStore::NamesPostgres(args.from)) {
    return RefuseOnPostgres("migrate",
                            "--from is the SQLite file to copy; to copy one PostgreSQL database "
                            "into another, use pg_dump and pg_restore");
  }
  if (!ServerStore::NamesPostgres(
          args.to)) {  // a file name, a typo: refused before libpq guesses at it
    std::cerr << "fieldbook-server: migrate: --to must be a PostgreSQL connection string "
                 "(postgresql://user@host/dbname, or 'host=... dbname=...')\n";
    return kBadCommandLine;
  }
  // The whole file is read by the copy anyway: check every page first.
  auto checked = CheckServerFile(args.from, std::numeric_limits<int32_t>::max());
  if (!checked.ok()) return fail(checked.status());
  // No `serve` may change the source while it is copied (and none may start).
  auto lock = ServeLock::AcquireExclusive(args.from);
  if (!lock.ok()) return fail(lock.status());
  auto opened = OpenStore(args.from);
  if (!opened.ok()) return fail(opened.status());
  Hub& hub = (*opened)->store->hub();

  pg::PgConnectOptions connect;
  connect.application_name = "fieldbook-server migrate";
  connect.statement_timeout_ms = 0;  // whole tables are read back at once
  connect.idle_in_transaction_timeout_ms = 0;
  auto target = pg::PgDb::Connect(args.to, connect);
  if (!target.ok()) return fail(target.status());
  pg::PgDb& to = **target;
  const std::string temp_dir =
      args.temp_dir.empty() ? std::filesystem::temp_directory_path().string() : args.temp_dir;

  if (args.verify_only) {
    auto verified = pg::VerifyHubCopy(hub, to, temp_dir);
    if (!verified.ok()) return fail(verified.status());
    if (verified->difference) {
      PrintDifference(*verified->difference);
      return kDiffers;
    }
    std::cout << "identical: " << verified->export_lines << " export lines, " << verified->rows
              << " rows of " << verified->tables << " tables\n";
    return 0;
  }

  // Refuse a target with data before its schema is touched, then migrate it, then copy (which
  // checks again under the sequence row's lock).
  Status empty = pg::CheckTargetEmpty(to);
  if (!empty.ok()) return fail(empty);
  auto version = pg::MigratePg(to);
  if (!version.ok()) return fail(version.status());

  pg::HubCopyOptions options;
  options.batch_rows = args.batch_rows;
  options.verify_temp_dir = temp_dir;
  options.on_table = [](const std::string& table, int64_t rows) {
    std::cout << "  " << table << ": " << rows << "\n";
  };
  auto copied = pg::CopyHubToPg(hub, to, options);
  if (!copied.ok()) return fail(copied.status());
  if (copied->verification && copied->verification->difference) {
    PrintDifference(*copied->verification->difference);
    std::cerr << "fieldbook-server: migrate: nothing was committed\n";
    return kDiffers;
  }
  std::cout << "copied " << copied->rows << " rows of " << copied->tables.size() << " tables and "
            << copied->change_log << " change stream entries (hub sequence " << copied->seq
            << ", history floor " << copied->floor << ", PostgreSQL schema version " << *version
            << ")\n";
  if (copied->verification) {
    std::cout << "identical: " << copied->verification->export_lines << " export lines, "
              << copied->verification->rows << " rows of " << copied->verification->tables
              << " tables\n";
  }
  return 0;
}

namespace {

void AddMigrateCommand(CLI::App& app, CommandWiring& w) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "migrate",
      "copy a server's SQLite database into an empty PostgreSQL database and verify the copy");
  cmd->add_option("--from", args->from, "the server's SQLite database file")->required();
  cmd->add_option("--to", args->to,
                  "the PostgreSQL database: postgresql://user@host/dbname or 'host=... dbname=...'")
      ->required();
  cmd->add_option("--batch-rows", args->batch_rows, "rows per INSERT (1-10000)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_flag("--verify-only", args->verify_only,
                "compare an existing copy with the source; write nothing");
  cmd->add_option("--temp-dir", args->temp_dir,
                  "where the two exports are written while compared (default: the system's)");
  cmd->callback([&w, args] { w.rc = RunMigrate(*args); });
}

const CommandFamily kMigrateCommand{"migrate", &AddMigrateCommand};

}  // namespace

}  // namespace fieldbook::server

// `fieldbook-server new-epoch --db DB`: after a database was put back from a backup by other means
// than `restore` (pg_restore or psql of a pg_dump on PostgreSQL, a file copied back by hand), tells
// every device that the history it saw is gone: the hub sequence jumps ahead, the history floor
// with it, and the database gets a new epoch (ServerStore::StartNewHistory, the same step
// `restore` takes on a SQLite file). Each device then sends again what it wrote and still holds,
// and rebuilds from a snapshot (docs/sync.md "Restores", docs/postgres.md, docs/deploy.md
// "Backups"). Audited as database.new_epoch.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "commands/command_actor.h"
#include "commands/command_family.h"
#include "commands/server_commands.h"
#include "store/audit_store.h"
#include "store/backup.h"

namespace fieldbook::server {

namespace {

struct NewEpochArgs {
  uint64_t seq_gap = RestoreOptions{}.seq_gap;
};

Status StartNewEpoch(Opened& opened, const std::string& db, const NewEpochArgs& args) {
  ServerStore& store = *opened.store;
  FB_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  FB_ASSIGN_OR_RETURN(NewHistory history, store.StartNewHistory(args.seq_gap));
  AuditEntry audit;
  audit.actor = CommandActor();
  audit.action = "database.new_epoch";
  audit.subject = RedactedUrl(db);
  audit.before = {{"epoch", std::to_string(history.previous_epoch)}};
  audit.after = {{"epoch", std::to_string(history.epoch)},
                 {"history_floor", history.history_floor}};
  FB_RETURN_IF_ERROR(store.Audit(std::move(audit)));
  FB_RETURN_IF_ERROR(txn->Commit());
  std::cout << "new epoch " << history.epoch << " (was " << history.previous_epoch
            << "), history floor " << history.history_floor
            << ": every device sends again what it has not synced and rebuilds from the "
               "database as it is now at its next sync\n";
  return Status::Ok();
}

void AddNewEpochCommand(CLI::App& app, CommandWiring& w) {
  auto args = std::make_shared<NewEpochArgs>();
  CLI::App* cmd = app.add_subcommand(
      "new-epoch",
      "after putting the database back from a backup by hand (pg_restore, psql, a copied file): "
      "make every device resend its own writes and rebuild");
  w.add_db(cmd);
  cmd->add_option("--seq-gap", args->seq_gap,
                  "how far the change numbers jump: more than any device can have seen after the "
                  "backup")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 60))
      ->capture_default_str();
  cmd->callback([&w, args] {
    w.rc = OnStore(w.db, "new-epoch",
                   [&](Opened& opened) { return StartNewEpoch(opened, w.db, *args); });
  });
}

const CommandFamily kNewEpochCommand{"new-epoch", &AddNewEpochCommand};

}  // namespace

}  // namespace fieldbook::server

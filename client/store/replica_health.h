// ReplicaHealth: whether a rep's replica file is damaged, and what can be saved from one that is
// (issue 13, damaged files). A replica holds the rep's unsynced writes (the outbox) and the device
// token; a damaged one must never be silently treated as "not set up yet", and never pushed from.
//
//  * ReplicaPath: where the replica is.
//  * CheckReplicaFile: the file exists (kNotFound otherwise: only `init` creates a replica), is a
//    regular non-empty file with the SQLite header (kCorrupt otherwise, saying plainly that a
//    zero-byte file lost everything, including writes not yet synced). Call it only before this
//    process opens the replica with SQLite: it reads through a plain descriptor, and closing one
//    drops the process's POSIX locks on the file, SQLite's included (see server/db_check.h).
//  * QuickCheckReplica: PRAGMA quick_check on an open replica, stopped after `max_ms` (a check cut
//    short passes). kCorrupt names the damage SQLite found; a replica another program holds locked
//    (or an I/O error) is SQLite's own error, never kCorrupt. `sync` runs it before every push and
//    `status` reports it; the verification digests (docs/sync.md) catch damage inside row values,
//    which quick_check cannot see, at the next verification.
//  * SalvageReplica reads what it can from a damaged file, read-only and without Fieldbook's SQL
//    functions: the settings (server, token, rep) and, for every readable outbox entry, the
//    written columns' current values of its row. Unreadable parts are skipped and counted; it
//    fails only when nothing at all can be read.
//  * ReplaySalvage writes salvaged rows into a freshly rebuilt replica as ordinary local writes
//    (so capture queues them for the next push): existing mutable rows get the salvaged columns,
//    missing rows are inserted, facts already present are left alone.
//
// Thread safety: free functions; each uses its own connection or the Db it is given, from one
// thread.
#ifndef FIELDBOOK_CLIENT_REPLICA_HEALTH_H_
#define FIELDBOOK_CLIENT_REPLICA_HEALTH_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/status.h"
#include "fieldbook/value.h"
#include "store/settings.h"

namespace fieldbook {
class Db;
}

namespace fieldbook::client {

// The replica's path for fieldbook-cli and the app alike: `given` (--replica), else
// $FIELDBOOK_REPLICA, else ~/.local/share/fieldbook/replica.db. kInvalidArgument
// (err_no_replica_path) when there is none; with `create_folder` its folder is made when missing,
// private (mode 0700: the replica holds the device token), kIo when it cannot be.
Result<std::string> ReplicaPath(const std::string& given, bool create_folder);

Status CheckReplicaFile(const std::string& path);
Status QuickCheckReplica(Db& db, int64_t max_ms = 10000);

struct SalvagedRow {
  std::string table;
  std::string row_id;
  std::vector<std::pair<std::string, Value>> columns;  // the locally written columns
};

struct Salvage {
  ClientSettings settings;  // as far as fb_settings could be read
  std::vector<SalvagedRow> rows;
  size_t outbox_entries = 0;      // outbox entries read
  size_t unreadable_parts = 0;    // outbox stretches or rows that could not be read
  std::vector<std::string> lost;  // "table/id" of rows whose values could not be read
};

Result<Salvage> SalvageReplica(const std::string& path);
// Returns how many rows were written.
Result<size_t> ReplaySalvage(Db& fresh, const Salvage& salvage);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_REPLICA_HEALTH_H_

// Moving a server install from its SQLite file to PostgreSQL (`fieldbook-server migrate`, issue
// #15, docs/postgres.md "Moving an install"): CopyHubToPg copies every table of the SQLite hub
// into a PostgreSQL database that holds the PostgreSQL migrations and nothing else, and
// VerifyHubCopy compares the two afterwards.
//
//  * Tables with a PostgreSQL twin of the same name (the catalog's tables with their `_v` and
//    `_seq`, the server's srv_* and fb_* tables) are copied column for column, checked by name
//    and order first (a target at another schema version is refused before anything is written).
//    The three tables PostgreSQL has its own form of are translated: fb_meta's hub sequence,
//    history floor, feed floor and epoch into fb_hub_seq; fb_applied_sets' and
//    srv_nightly_lease's milliseconds into timestamps. srv_feed (the reps' feeds, the same model
//    on both) is copied as it is, a change in several reps' feeds included. fb_change_log, which
//    SQLite does not have, gets one entry per row of a replicated table with its current `_seq`
//    (the entry SQLite's pull finds by `<table>_seq`; a feed entry of an older change of the row
//    finds none, and is passed over on both). Entries at or below the history floor are left out,
//    as compaction would have.
//  * Identity columns (ids SQLite allocates) continue above the highest copied id (and above
//    sqlite_sequence); the hub sequence is at least the highest `_seq` and scope event copied.
//  * Everything is written in ONE transaction, in batches of `batch_rows` rows per statement: a
//    copy that fails anywhere leaves the target as it was. The target is locked (its sequence
//    row) and checked to be empty inside that transaction: every table empty and the sequence at
//    0. A target with data is refused, always (two hubs cannot be merged by copying: their
//    sequence numbers, ids and devices' cursors would collide); an operator empties it first.
//  * VerifyHubCopy compares the canonical export of both (fieldbook/canonical_export.h and its
//    PostgreSQL twin, pg_export.h) line by line and reports the first line that differs; then
//    every copied table in full (every column, sync bookkeeping included) by row count and an
//    order-independent digest of its rows (a table that differs is then walked in primary-key
//    order on both sides to name the first row that differs); then the change stream (one entry per
//    row above the floor, the sequence at or above every row's).
//
// The caller holds the source still (no `serve` on it: ServeLock) and reads it in one snapshot.
// Callers outside server/store/ hand over the source's Hub (the forms taking a Hub): the copier
// reads SQLite's own catalog (sqlite_schema, pragma_table_info, sqlite_sequence) and writes the
// source's canonical export through SQLite's Db, so it is a SQLite reader by nature; a Hub on
// another backend is refused.
//
// Thread safety: runs on the Db and PgDb it is given, one thread.
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_MIGRATE_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_MIGRATE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/hub.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

struct HubCopyOptions {
  size_t batch_rows = 1000;  // rows per INSERT (1..10000)
  // Called after each table with its name and rows copied (progress for the operator).
  std::function<void(const std::string& table, int64_t rows)> on_table;
  // Not empty: VerifyHubCopy runs inside the copy's transaction (exports written under this
  // folder), and a copy that differs is rolled back instead of committed.
  std::string verify_temp_dir;
};

// The first difference VerifyHubCopy found.
struct HubDifference {
  std::string table;
  std::string row;     // the row's id, or its primary key's columns joined by '/'
  std::string source;  // what each side holds there (an export line, or the row's values)
  std::string target;
};

struct HubVerification {
  std::optional<HubDifference> difference;  // none: the copy is identical
  int64_t export_lines = 0;                 // canonical export lines compared
  int64_t tables = 0, rows = 0;             // tables and rows compared in full
};

struct HubCopyReport {
  std::vector<std::pair<std::string, int64_t>> tables;  // target table -> rows copied
  int64_t rows = 0;                                     // all of them
  int64_t change_log = 0;                               // fb_change_log entries made
  uint64_t seq = 0;                                     // the hub sequence on the target
  uint64_t floor = 0;                                   // its history floor
  std::optional<HubVerification> verification;          // with verify_temp_dir
  bool committed = false;  // false when the verification found a difference
};

// Copies, verifies when asked, and commits unless the verification found a difference.
// kRejected: the target is not empty, lacks a table or has one of another shape (its
// schema version differs). kInvalidArgument: a value PostgreSQL refuses (the message names the
// table).
Result<HubCopyReport> CopyHubToPg(Db& from, const Catalog& catalog, PgDb& to,
                                  const HubCopyOptions& options = {});

// `temp_dir`: where both canonical exports are written while they are compared.
Result<HubVerification> VerifyHubCopy(Db& from, const Catalog& catalog, PgDb& to,
                                      const std::string& temp_dir);

// The same with the source's Hub and its catalog (kInvalidArgument for a Hub not on SQLite).
Result<HubCopyReport> CopyHubToPg(Hub& from, PgDb& to, const HubCopyOptions& options = {});
Result<HubVerification> VerifyHubCopy(Hub& from, PgDb& to, const std::string& temp_dir);

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_MIGRATE_H_

// RunImport: `fieldbook-server import customers|contacts|orders|visits|products FILE` — a
// distributor's sheet (CSV or XLSX, sheet_reader.h) read row by row, its columns recognised
// (import_fields.h), its values parsed (import_values.h), and its records written to the hub
// through the normal change stream (ServerStore::Write), so that they reach the right reps'
// devices at their next sync like any other change.
//
// Semantics (docs/import.md):
//  * Dry run: reads and checks everything, writes nothing, and reports per row (row, column,
//    value, reason), the summary, and for customers which rep the assignment rules would give each.
//  * Idempotent: each record is keyed by its external id (or, without one, by a digest of its
//    values) in srv_import_keys; a record imported before is compared and only changed columns are
//    written, so importing the same file twice changes nothing.
//  * Resumable: rows are written in batches, each batch with its keys in one transaction; after a
//    kill, running the import again skips what was committed and writes the rest.
//  * Beside a running server: with ImportOptions::lock_store the store's lock is taken for one
//    batch at a time (read from the file without it) and released between batches, so devices
//    keep syncing while a large import runs.
//  * A file that cannot be read to its end (wrong encoding, a cell over the limit, a damaged
//    workbook) is refused before anything is written; a bad row is reported and skipped.
//  * Duplicates: a new customer with the phone, or the name and city, of a live one (or of an
//    earlier row) is skipped, merged into it, or imported and flagged (--on-duplicate).
//  * Placement: a customer's rep column (业务员) names its owner; otherwise the assignment rules
//    place it (assignment_engine.h), and a customer no rep can take goes to the public pool.
//  * Orders and visits link to customers by external id (or Fieldbook id) or by phone. Rows of
//    one order number are its lines. Grades are recomputed after orders are imported.
//
// Thread safety: runs on the caller's thread over a ServerStore the caller serialises (through
// ImportOptions::lock_store, or by calling it alone).
#ifndef FIELDBOOK_SERVER_IMPORTER_H_
#define FIELDBOOK_SERVER_IMPORTER_H_

#include <boost/describe/class.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fieldbook/lang_text.h"
#include "import/import_fields.h"
#include "import/sheet_reader.h"
#include "store/server_store.h"

namespace fieldbook::server {

// What an import has done so far (ImportOptions::progress).
struct ImportProgress {
  int64_t rows = 0;  // data rows read in this phase
  uint64_t bytes = 0, total_bytes = 0;
  bool done = false;
  // "checking": the whole file read before anything is written (not in a dry run); "importing":
  // rows processed and written batch by batch (`done` at its end; an import of orders then
  // regrades their customers).
  std::string phase = "importing";
  int64_t total_rows = 0;  // the file's data rows, once the check has counted them (0: unknown)
  int64_t issues = 0;      // problems found so far (ImportReport::issues_total)
};

// --on-duplicate: skip, merge or flag (docs/import.md).
enum class OnDuplicate { kSkip, kMerge, kFlag };
Result<OnDuplicate> ParseOnDuplicate(const std::string& name);

struct ImportOptions {
  ImportKind kind = ImportKind::kCustomers;
  std::string path;  // the sheet file
  std::string name;  // the file's name for the report and audit (default: path)
  MappingOverrides mapping;
  SheetOptions sheet;
  bool dry_run = false;
  OnDuplicate on_duplicate = OnDuplicate::kSkip;
  std::string actor = "system";
  std::string today;         // the grading day after orders (YYYY-MM-DD; "" = today)
  size_t batch_rows = 5000;  // rows per transaction (and per hold of the store's lock)
  size_t max_listed = 1000;  // issues and placements listed in the report (counts stay complete)
  // Every ~1000 rows and at the end of the rows (`done`).
  std::function<void(const ImportProgress&)> progress;
  // Asked every ~1000 rows while checking and between batches: true stops the import with
  // kUnavailable (the batches committed stay; importing the same file again writes the rest).
  std::function<bool()> stop;
  // The store's connection is this import's alone (the command): ImportStore::BulkWrites.
  bool own_connection = false;
  // Takes the store's lock for one batch (the server: devices sync between batches); unset, the
  // caller serialises the store (the command line: SQLite's own locking between processes).
  std::function<std::unique_lock<std::mutex>()> lock_store;
  // Test hook: sleeps this long between batches, without the store's lock (0: never).
  int64_t pause_between_batches_ms = 0;
  // Test hook: the process kills itself (SIGKILL) after committing this many batches (0: never).
  int64_t kill_after_batches = 0;
  // Test and benchmark hooks: `row_by_row` writes each batch through the hub's per-row path
  // (ServerStore::Write) rather than its bulk path (ServerStore::WriteBulk), which stores the
  // same; `id_seed` (not 0) makes the ids of new rows deterministic.
  bool row_by_row = false;
  uint64_t id_seed = 0;
  // Customers regraded per hold of the store's lock after an import of orders.
  size_t regrade_step = 5000;
};

struct ImportIssue {
  int64_t row = 0;
  std::string column;  // "C (电话)", or "" for the whole row
  std::string value;
  std::string reason;  // the English (scripts read it)
  std::string level;   // "error" (the row is not imported), "duplicate", "warning"
  Phrase why;          // the reason as a value, shown in the reader's language (issue #19)
};
BOOST_DESCRIBE_STRUCT(ImportIssue, (), (row, column, value, reason, level))

// A column of the sheet and what it is imported as.
struct ImportColumn {
  std::string column;  // "A"
  std::string header;  // as written
  int field = -1;      // index into FieldsOf(kind), or -1 (not imported)
};

struct ImportPlacement {
  int64_t row = 0;
  std::string customer_id, name;
  std::string rep;  // "" = the public pool
  std::string how;  // the English (scripts read it): "column 业务员", "assignment rules v3: …"
  // The same as values (issue #19): http_import_placed_by_column {column},
  // http_import_placed_by_rules {version, load} or http_import_placed_in_pool, whose {reason} is
  // the plan's own phrase below (a move's or an unplaced customer's `why`, with what no rep could
  // offer), filled in the reader's language by PlacementText.
  Phrase how_why;
  Phrase reason;
  std::vector<Phrase> needs;
};
// A placement's "how" in `lang` (the English is `how`).
std::string PlacementText(Lang lang, const ImportPlacement& p);

struct ImportReport {
  std::string kind, file, format;
  bool dry_run = false;
  std::vector<std::string> notes;            // from the reader, in English (scripts read them)
  std::vector<Phrase> note_phrases;          // the same as values (issue #19)
  std::vector<std::string> ignored_columns;  // headers not imported
  std::vector<ImportColumn> columns;         // every column of the header
  int64_t rows = 0;                          // data rows read (blank rows skipped)
  int64_t created = 0, updated = 0, unchanged = 0, rejected = 0;
  int64_t duplicates_skipped = 0, merged = 0, flagged = 0;
  int64_t lines_created = 0, lines_unchanged = 0;  // orders: order lines
  int64_t pooled = 0;
  std::map<std::string, int64_t> per_rep;  // new customers per rep
  std::vector<ImportIssue> issues;
  int64_t issues_total = 0;
  std::vector<ImportPlacement> placements;
  int64_t batches = 0;
  bool regraded = false;
  int graded_customers = 0;
};
// Described: the summary, the fields a report's JSON (ImportReportJson) writes under their own
// names, in that order; the lists and the per-rep counts are written beside them.
BOOST_DESCRIBE_STRUCT(ImportReport, (),
                      (kind, file, format, dry_run, rows, created, updated, unchanged, rejected,
                       duplicates_skipped, merged, flagged, lines_created, lines_unchanged, pooled))

Result<ImportReport> RunImport(ServerStore& store, WallClock& wall, const ImportOptions& options);
// RunImport refused the file whole before it wrote anything (a file it cannot read to its end):
// its English ends "(nothing was written)", its phrase (the reader's code and values) carries
// {written: nothing}, which a reader in Chinese reads as http_import_nothing_written.
bool NothingWritten(const Status& refused);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORTER_H_

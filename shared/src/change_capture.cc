#include "change_capture.h"

#include <sqlite3.h>

#include <functional>
#include <string>

#include "fieldbook/sqlite_db.h"

namespace fieldbook {

namespace {

void CaptureEnabledFn(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* context = static_cast<CaptureContext*>(sqlite3_user_data(ctx));
  sqlite3_result_int(ctx, context->enabled ? 1 : 0);
}

void HlcNextFn(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* context = static_cast<CaptureContext*>(sqlite3_user_data(ctx));
  if (context->clock == nullptr) {
    sqlite3_result_error(ctx, "fieldbook: no clock attached to this replica", -1);
    return;
  }
  sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(context->clock->Now().packed()));
}

// fb_capture_mask(v0, v1, ...): bit i set when argument i is not NULL: the columns an insert
// wrote. One call with the row's values costs less than a shift and an OR per column in SQL.
void CaptureMaskFn(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  uint64_t mask = 0;
  for (int i = 0; i < argc && i < 63; ++i) {
    if (sqlite3_value_type(argv[i]) != SQLITE_NULL) mask |= uint64_t{1} << i;
  }
  sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(mask));
}

std::string Quote(const std::string& ident) { return "\"" + ident + "\""; }

std::string TriggersFor(const TableInfo& t) {
  const std::string table = Quote(t.name);
  const std::string code = std::to_string(t.code);
  const std::string prefix = "fb_" + t.name;
  std::string insert_mask = "fb_capture_mask(";
  std::string update_mask;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const std::string col = Quote(t.columns[i]);
    if (i) {
      insert_mask += ", ";
      update_mask += " | ";
    }
    insert_mask += "NEW." + col;
    update_mask += "((OLD." + col + " IS NOT NEW." + col + ") << " + std::to_string(i) + ")";
  }
  insert_mask += ")";

  std::string sql;
  sql += "DROP TRIGGER IF EXISTS " + prefix + "_capture_insert;\n";
  sql += "DROP TRIGGER IF EXISTS " + prefix + "_capture_update;\n";
  sql += "DROP TRIGGER IF EXISTS " + prefix + "_guard_delete;\n";
  sql += "DROP TRIGGER IF EXISTS " + prefix + "_guard_update;\n";
  sql += "DROP TRIGGER IF EXISTS " + prefix + "_guard_insert;\n";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    sql += "DROP TRIGGER IF EXISTS " + prefix + "_capture_named_" + std::to_string(i) + ";\n";
  }

  if (t.server_managed) {
    // Read-only on devices (catalog.h): pulls, repairs and rebuilds write with capture suspended;
    // any other write is refused, so nothing the server would refuse is ever queued.
    const std::string refuse = " WHEN fb_capture_enabled() BEGIN SELECT RAISE(ABORT, '" + t.name +
                               " are managed on the server and read-only on this device'); END;\n";
    sql += "CREATE TRIGGER " + prefix + "_guard_insert BEFORE INSERT ON " + table + refuse;
    sql += "CREATE TRIGGER " + prefix + "_guard_update BEFORE UPDATE ON " + table + refuse;
    sql += "CREATE TRIGGER " + prefix + "_guard_delete BEFORE DELETE ON " + table + refuse;
    return sql;
  }

  // The cheapest write there is (issue #12: at most 1.3x an insert into tables with no triggers):
  // one trigger, two function calls, one outbox row in one B-tree (replica migration 0010).
  sql +=
      "CREATE TRIGGER " + prefix + "_capture_insert AFTER INSERT ON " + table +
      " WHEN fb_capture_enabled() BEGIN INSERT INTO fb_outbox (tbl, row_id, hlc, cols) VALUES (" +
      code + ", NEW.id, fb_hlc_next(), " + insert_mask + "); END;\n";

  if (t.is_fact()) {
    sql += "CREATE TRIGGER " + prefix + "_guard_update BEFORE UPDATE ON " + table +
           " WHEN fb_capture_enabled() BEGIN SELECT RAISE(ABORT, '" + t.name +
           " are insert-only facts: record a correction with voids_id instead of editing'); END;\n";
  } else {
    sql += "CREATE TRIGGER " + prefix + "_guard_update BEFORE UPDATE OF id ON " + table +
           " WHEN OLD.id IS NOT NEW.id BEGIN SELECT RAISE(ABORT, '" + t.name +
           ".id never changes'); END;\n";
    // Every column an UPDATE names is an edit with a new Hlc, even when it writes the value the
    // column already holds (a rep re-entering a value must win against an older edit elsewhere).
    // The columns that changed are recorded together in one outbox row; each named column that
    // kept its value gets a row of its own from its `UPDATE OF` trigger, the only way SQL tells
    // which columns a statement names. A column can only change when it is named.
    sql += "CREATE TRIGGER " + prefix + "_capture_update AFTER UPDATE ON " + table +
           " WHEN fb_capture_enabled() BEGIN INSERT INTO fb_outbox (tbl, row_id, cols, hlc)"
           " SELECT " +
           code + ", NEW.id, m, fb_hlc_next() FROM (SELECT " + update_mask +
           " AS m) WHERE m <> 0; END;\n";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const std::string col = Quote(t.columns[i]);
      sql += "CREATE TRIGGER " + prefix + "_capture_named_" + std::to_string(i) +
             " AFTER UPDATE OF " + col + " ON " + table + " WHEN fb_capture_enabled() AND OLD." +
             col + " IS NEW." + col +
             " BEGIN INSERT INTO fb_outbox (tbl, row_id, cols, hlc) VALUES (" + code +
             ", NEW.id, " + std::to_string(uint64_t{1} << i) + ", fb_hlc_next()); END;\n";
    }
  }
  sql += "CREATE TRIGGER " + prefix + "_guard_delete BEFORE DELETE ON " + table +
         " WHEN fb_capture_enabled() BEGIN SELECT RAISE(ABORT, '" + t.name + " rows are never " +
         (t.is_fact() ? std::string("deleted: record a correction with voids_id")
                      : std::string("deleted by SQL: set deleted = 1")) +
         "'); END;\n";
  return sql;
}

}  // namespace

Status RegisterCaptureFunctions(Db& db, CaptureContext* context) {
  int rc = sqlite3_create_function_v2(db.raw(), "fb_capture_enabled", 0, SQLITE_UTF8, context,
                                      CaptureEnabledFn, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db.raw(), "fb_hlc_next", 0, SQLITE_UTF8, context, HlcNextFn,
                                    nullptr, nullptr, nullptr);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db.raw(), "fb_capture_mask", -1,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, CaptureMaskFn,
                                    nullptr, nullptr, nullptr);
  }
  if (rc != SQLITE_OK) return Status::Io("registering capture functions: " + db.LastError());
  // Inside a transaction, every statement that fires a trigger keeps a statement journal (the
  // pages it touches, to undo that statement alone). With temp_store=MEMORY it grows by 1 KiB
  // allocations, several per page; with temp_store=FILE it is one block in memory (up to the
  // spill threshold set below; past it, a temporary file). On
  // batched local inserts that is a third of what capture costs (sync_core_bench CaptureOverhead).
  return db.ExecScript("PRAGMA temp_store = FILE");
}

namespace {
// The statement journal spill threshold is process-wide and can only be set before SQLite
// initialises, which no code of this program does before main(). It must stay under 128 KiB:
// an in-memory journal spills to its file in chunks of this size, and SQLite's unix VFS writes
// at most 128 KiB - 1 bytes in one call (seekAndWriteFd keeps 17 bits of the length), so a
// larger chunk writes short and the statement fails with SQLITE_FULL ("database or disk is
// full"; CaptureTest.AStatementWhoseJournalSpillsToAFileSucceedsAndRollsBack). The default is
// 64 KiB; 120 KiB keeps twice as much of a statement's journal in one memory block.
constexpr int kStatementJournalSpillBytes = 120 << 10;
static_assert(kStatementJournalSpillBytes < (128 << 10), "SQLite's unix VFS writes < 128 KiB");
[[maybe_unused]] const bool kStatementJournalInMemory = [] {
  (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kStatementJournalSpillBytes);
  return true;
}();
}  // namespace

Status InstallTriggersOnce(Db& db, const std::string& triggers, const char* meta_key,
                           const char* count_sql, const char* what) {
  // Rewriting the triggers costs a write transaction (a disk sync): skip it when the installed
  // ones were generated from the same SQL, which is the case on every open but the first after a
  // migration or an upgrade.
  const std::string fingerprint = std::to_string(std::hash<std::string>{}(triggers));
  FB_ASSIGN_OR_RETURN(Statement * installed, db.Prepare("SELECT value FROM fb_meta WHERE key = ?"));
  installed->Bind(1, meta_key);
  FB_ASSIGN_OR_RETURN(bool found, installed->Step());
  bool current = found && installed->Text(0) == fingerprint;
  installed->Reset();
  if (current) {
    // A trigger dropped by another program must not stay dropped: count what is there.
    size_t expected = 0;
    for (size_t at = triggers.find("CREATE TRIGGER"); at != std::string::npos;
         at = triggers.find("CREATE TRIGGER", at + 1)) {
      ++expected;
    }
    FB_ASSIGN_OR_RETURN(Statement * count, db.Prepare(count_sql));
    FB_ASSIGN_OR_RETURN(bool row, count->Step());
    current = row && static_cast<size_t>(count->Int(0)) == expected;
    count->Reset();
  }
  if (current) return Status::Ok();
  // meta_key is a compiled-in name, the fingerprint a number: nothing from input is spliced.
  std::string sql = "BEGIN IMMEDIATE;\n" + triggers + "INSERT INTO fb_meta (key, value) VALUES ('" +
                    meta_key + "', '" + fingerprint +
                    "') ON CONFLICT (key) DO UPDATE SET value = excluded.value;\nCOMMIT;\n";
  Status s = db.ExecScript(sql);
  if (!s.ok()) {
    (void)db.ExecScript("ROLLBACK");
    return Status(s.code(), std::string("installing ") + what + ": " + s.message());
  }
  return Status::Ok();
}

Status InstallCaptureTriggers(Db& db, const Catalog& catalog) {
  std::string triggers;
  for (const TableInfo& t : catalog.tables()) triggers += TriggersFor(t);
  return InstallTriggersOnce(db, triggers, "capture_triggers",
                             "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND (name "
                             "GLOB 'fb_*_capture_*' OR name GLOB 'fb_*_guard_*')",
                             "capture triggers");
}

}  // namespace fieldbook

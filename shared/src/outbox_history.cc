#include "outbox_history.h"

#include "change_capture.h"

namespace fieldbook {

namespace {

std::string Quote(const std::string& ident) { return "\"" + ident + "\""; }

std::string TriggerName(const TableInfo& t) { return "fb_" + t.name + "_keep_superseded"; }

std::string ReenteredTriggerName(const TableInfo& t, size_t column) {
  return "fb_" + t.name + "_keep_reentered_" + std::to_string(column);
}

}  // namespace

std::string OutboxHistoryTriggerSql(const TableInfo& t) {
  if (t.is_fact()) return {};
  const std::string code = std::to_string(t.code);
  const std::string unpushed =
      "FROM fb_outbox WHERE tbl = " + code + " AND row_id = OLD.id AND set_id IS NULL";
  std::string sql = "CREATE TRIGGER " + TriggerName(t) + " BEFORE UPDATE ON " + Quote(t.name) +
                    " WHEN fb_capture_enabled() AND EXISTS (SELECT 1 " + unpushed + ") BEGIN\n";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const std::string col = Quote(t.columns[i]);
    const std::string bit = std::to_string(i);
    sql += "INSERT INTO fb_superseded (tbl, row_id, col, value, hlc) SELECT " + code +
           ", OLD.id, " + bit + ", OLD." + col + ", h FROM (SELECT max(hlc) AS h " + unpushed +
           " AND (cols >> " + bit + ") & 1) WHERE h IS NOT NULL AND OLD." + col + " IS NOT NEW." +
           col + ";\n";
  }
  sql += "END;\n";
  // A column an UPDATE names and leaves as it was is an edit too (capture queues it with a new
  // stamp), so the version it replaces is kept as well: otherwise a value re-entered before a
  // reassignment and again after it would leave only the later stamp, which the hub holds for
  // review, and the earlier edit would be lost. Only `UPDATE OF` tells which columns a statement
  // names, hence one trigger per column; it runs before the capture triggers queue this write.
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const std::string col = Quote(t.columns[i]);
    const std::string bit = std::to_string(i);
    sql += "CREATE TRIGGER " + ReenteredTriggerName(t, i) + " BEFORE UPDATE OF " + col + " ON " +
           Quote(t.name) + " WHEN fb_capture_enabled() AND OLD." + col + " IS NEW." + col +
           " BEGIN INSERT INTO fb_superseded (tbl, row_id, col, value, hlc) SELECT " + code +
           ", OLD.id, " + bit + ", OLD." + col + ", h FROM (SELECT max(hlc) AS h " + unpushed +
           " AND (cols >> " + bit + ") & 1) WHERE h IS NOT NULL; END;\n";
  }
  return sql;
}

Status InstallOutboxHistoryTriggers(Db& db, const Catalog& catalog) {
  std::string triggers;
  for (const TableInfo& t : catalog.tables()) {
    const std::string sql = OutboxHistoryTriggerSql(t);
    if (sql.empty()) continue;
    triggers += "DROP TRIGGER IF EXISTS " + TriggerName(t) + ";\n";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      triggers += "DROP TRIGGER IF EXISTS " + ReenteredTriggerName(t, i) + ";\n";
    }
    triggers += sql;
  }
  return InstallTriggersOnce(db, triggers, "history_triggers",
                             "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND (name "
                             "GLOB 'fb_*_keep_superseded' OR name GLOB 'fb_*_keep_reentered_*')",
                             "outbox history triggers");
}

}  // namespace fieldbook

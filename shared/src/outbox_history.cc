#include "outbox_history.h"

#include <functional>

#include "fieldbook/sqlite_db.h"

namespace fieldbook {

namespace {

std::string Quote(const std::string& ident) { return "\"" + ident + "\""; }

std::string TriggerName(const TableInfo& t) { return "fb_" + t.name + "_keep_superseded"; }

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
  return sql;
}

Status InstallOutboxHistoryTriggers(Db& db, const Catalog& catalog) {
  std::string triggers;
  size_t expected = 0;
  for (const TableInfo& t : catalog.tables()) {
    const std::string sql = OutboxHistoryTriggerSql(t);
    if (sql.empty()) continue;
    triggers += "DROP TRIGGER IF EXISTS " + TriggerName(t) + ";\n" + sql;
    ++expected;
  }
  // Rewriting costs a write transaction: skip it when the installed triggers are these.
  const std::string fingerprint = std::to_string(std::hash<std::string>{}(triggers));
  FB_ASSIGN_OR_RETURN(Statement * installed,
                      db.Prepare("SELECT value FROM fb_meta WHERE key = 'history_triggers'"));
  FB_ASSIGN_OR_RETURN(bool found, installed->Step());
  bool current = found && installed->Text(0) == fingerprint;
  installed->Reset();
  if (current) {
    FB_ASSIGN_OR_RETURN(Statement * count,
                        db.Prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
                                   "AND name GLOB 'fb_*_keep_superseded'"));
    FB_ASSIGN_OR_RETURN(bool row, count->Step());
    current = row && static_cast<size_t>(count->Int(0)) == expected;
    count->Reset();
  }
  if (current) return Status::Ok();
  std::string sql = "BEGIN IMMEDIATE;\n" + triggers +
                    "INSERT INTO fb_meta (key, value) VALUES ('history_triggers', '" + fingerprint +
                    "') ON CONFLICT (key) DO UPDATE SET value = excluded.value;\nCOMMIT;\n";
  Status s = db.ExecScript(sql);
  if (!s.ok()) {
    (void)db.ExecScript("ROLLBACK");
    return Status(s.code(), "installing outbox history triggers: " + s.message());
  }
  return Status::Ok();
}

}  // namespace fieldbook

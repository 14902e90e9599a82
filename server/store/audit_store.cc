#include "store/audit_store.h"

#include "fieldbook/columns.h"
#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"
#include "fieldbook/phrase_json.h"
#include "fieldbook/sqlite_sql_db.h"
#include "fieldbook/utf8.h"
#include "store/pool_store.h"
#include "store/server_store.h"
#include "store/store_sql.h"

namespace fieldbook::server {

AuditStore::AuditStore(ServerStore& store) : AuditStore(store.sql(), store.wall()) {}

namespace {

constexpr const char* kColumns =
    "SELECT id, at_ms, actor, action, customer_id, subject, before_json, after_json, reason "
    "FROM srv_audit ";

boost::json::object ObjectOf(const std::string& text) {
  Result<boost::json::object> o = ParseJsonObject(text, "an audit payload");
  if (!o.ok()) return boost::json::object{{"unreadable", text}};
  return std::move(*o);
}

AuditEntry ReadEntry(SqlStatement& s) {
  AuditEntry e;
  e.id = s.Int(0);
  e.at_ms = s.Int(1);
  ReadTextColumns(s, 2, {&e.actor, &e.action, &e.customer_id, &e.subject});
  e.before = ObjectOf(s.Text(6));
  e.after = ObjectOf(s.Text(7));
  e.reason = s.Text(8);
  return e;
}

void BindNullable(SqlStatement& s, int index, const std::string& text) {
  if (text.empty()) {
    s.BindNull(index);
  } else {
    s.Bind(index, text);
  }
}

}  // namespace

Result<int64_t> AuditStore::Record(AuditEntry entry) {
  if (entry.actor.empty()) return Status::InvalidArgument("an audit entry needs an actor");
  if (entry.action.empty()) return Status::InvalidArgument("an audit entry needs an action");
  if (entry.at_ms == 0) entry.at_ms = static_cast<int64_t>(wall_.NowMs());
  if (entry.reason.size() > kMaxReasonBytes) {
    // A stored phrase cut inside its JSON would read back as raw text: past the bound the reason
    // is its English (a plain text's own words) cut to whole characters.
    entry.reason = Utf8Prefix(ReadStoredPhrase(entry.reason).detail, kMaxReasonBytes - 3);
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * insert,
                      db_.Prepare("INSERT INTO srv_audit (at_ms, actor, action, customer_id, "
                                  "subject, before_json, after_json, reason) VALUES (?, ?, ?, ?, "
                                  "?, ?, ?, ?) RETURNING id"));
  insert->Bind(1, entry.at_ms).Bind(2, entry.actor).Bind(3, entry.action);
  BindNullable(*insert, 4, entry.customer_id);
  BindNullable(*insert, 5, entry.subject);
  insert->Bind(6, WriteJson(entry.before)).Bind(7, WriteJson(entry.after)).Bind(8, entry.reason);
  return ReadNewId(*insert, "the audit entry");
}

Result<AuditPage> AuditStore::List(const AuditFilter& filter) {
  const size_t limit = std::max<size_t>(1, std::min(filter.limit, kMaxPage));
  // Each filter through its own index when given; the id order is the time order of writing.
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      db_.Prepare(std::string(kColumns) +
                                  "WHERE id > ?1 AND (?2 = '' OR customer_id = ?2) AND (?3 = '' "
                                  "OR actor = ?3) AND (?4 = '' OR action = ?4) AND at_ms >= ?5 "
                                  "ORDER BY id LIMIT ?6"));
  BindValues(*stmt, {filter.after_id, filter.customer, filter.actor, filter.action, filter.since_ms,
                     static_cast<int64_t>(limit + 1)});
  AuditPage page;
  FB_ASSIGN_OR_RETURN(page.entries, ReadRows(*stmt, ReadEntry));
  stmt->Reset();
  if (page.entries.size() > limit) {  // the one more row says there is a next page
    page.entries.pop_back();
    page.next = page.entries.back().id;
  }
  return page;
}

Result<int64_t> CarryOverAudit(Db& file_db, Db& old_file_db) {
  SqliteSqlDb db(file_db), old_db(old_file_db);
  FB_ASSIGN_OR_RETURN(SqlStatement * has,
                      old_db.Prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                     "name = 'srv_audit'"));
  FB_ASSIGN_OR_RETURN(std::optional<bool> present,
                      ReadOneRow(*has, [](SqlStatement& s) { return s.Int(0) > 0; }));
  if (!present.value_or(false)) return int64_t{0};
  FB_ASSIGN_OR_RETURN(SqlStatement * read, old_db.Prepare(std::string(kColumns) + "ORDER BY id"));
  FB_ASSIGN_OR_RETURN(SqlStatement * same,
                      db.Prepare("SELECT (SELECT count(*) FROM srv_audit WHERE id = ?1 AND at_ms "
                                 "= ?2 AND actor = ?3 AND action = ?4), (SELECT count(*) FROM "
                                 "srv_audit WHERE id = ?1)"));
  FB_ASSIGN_OR_RETURN(SqlStatement * copy,
                      db.Prepare("INSERT INTO srv_audit (id, at_ms, actor, action, customer_id, "
                                 "subject, before_json, after_json, reason) VALUES (?, ?, ?, ?, ?, "
                                 "?, ?, ?, ?)"));
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  int64_t copied = 0;
  FB_RETURN_IF_ERROR(VisitRows(*read, [&](SqlStatement& old) -> Status {
    const int64_t id = old.Int(0), at_ms = old.Int(1);
    const std::string actor = old.Text(2), action = old.Text(3);
    same->Reset();
    same->Bind(1, id).Bind(2, at_ms).Bind(3, actor).Bind(4, action);
    FB_ASSIGN_OR_RETURN(bool r, same->Step());
    const bool known = r && same->Int(0) > 0;
    const bool id_taken = r && same->Int(1) > 0;
    same->Reset();
    if (known) return Status::Ok();
    copy->Reset();
    if (id_taken) {
      copy->BindNull(1);  // another history's entry holds the id: a new one
    } else {
      copy->Bind(1, id);
    }
    copy->Bind(2, at_ms).Bind(3, actor).Bind(4, action);
    BindNullable(*copy, 5, old.Text(4));
    BindNullable(*copy, 6, old.Text(5));
    copy->Bind(7, old.Text(6)).Bind(8, old.Text(7)).Bind(9, old.Text(8));
    FB_RETURN_IF_ERROR(copy->Run());
    ++copied;
    return Status::Ok();
  }));
  read->Reset();
  FB_RETURN_IF_ERROR(txn->Commit());
  return copied;
}

boost::json::object AuditEntryJson(const AuditEntry& e) {
  // A reason the server wrote as a value (a nightly reclaim's: phrase_json.h) is its English
  // here, its code and values beside it; a person's own words are as they were written.
  const StoredPhrase reason = ReadStoredPhrase(e.reason);
  boost::json::object o{
      {"id", e.id},
      {"at", IsoTime(e.at_ms)},
      {"at_ms", e.at_ms},
      {"actor", e.actor},
      {"action", e.action},
      {"customer",
       e.customer_id.empty() ? boost::json::value(nullptr) : boost::json::value(e.customer_id)},
      {"subject", e.subject.empty() ? boost::json::value(nullptr) : boost::json::value(e.subject)},
      {"before", e.before},
      {"after", e.after},
      {"reason", reason.detail}};
  if (!reason.phrase.code.empty()) {
    o["reason_code"] = reason.phrase.code;
    o["reason_values"] = PhraseValuesJson(reason.phrase.values);
  }
  return o;
}

}  // namespace fieldbook::server

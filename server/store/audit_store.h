// AuditStore: the server's audit log (issue #13 item 16) — one entry for every manager and
// system action that changes who holds what or how customers are judged: reassignments (by hand
// and by `assign`), territory moves, pool claims, releases, reclaims and assignments, conflict
// resolutions, grading and assignment rule changes, rep profiles, reps added, disabled and
// enabled, device tokens issued and revoked, and restores. Each entry has its actor (a manager's
// "manager:<id>", a command's --actor or "os:<user>", a rep's "rep:<id>", or "system:<job>"),
// the time, the state before and after as JSON objects, and the reason.
//
// The entry is written in the same transaction as the change it describes (Record joins the
// caller's transaction), so there is never an action without its entry nor the reverse. The
// table (srv_audit) is append-only: triggers refuse UPDATE, DELETE and INSERT OR REPLACE over an
// entry, and no compaction (history trim, the nightly job) touches it. A restore carries over
// the entries the replaced database had beyond the backup (backup.h).
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore whose database it
// writes.
#ifndef FIELDBOOK_SERVER_AUDIT_STORE_H_
#define FIELDBOOK_SERVER_AUDIT_STORE_H_

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"

namespace fieldbook::server {

class ServerStore;

struct AuditEntry {
  int64_t id = 0;
  int64_t at_ms = 0;
  std::string actor;
  std::string action;       // e.g. "customer.reassign", "pool.claim", "device.revoke"
  std::string customer_id;  // "" when not about one customer
  std::string subject;      // "" when none
  boost::json::object before;
  boost::json::object after;
  std::string reason;
};

struct AuditFilter {
  std::string customer;  // "" any
  std::string actor;     // "" any
  std::string action;    // "" any
  int64_t since_ms = 0;  // entries at or after this time
  int64_t after_id = 0;  // paging: entries after this id (the previous page's `next`)
  size_t limit = 100;
};

struct AuditPage {
  std::vector<AuditEntry> entries;  // oldest first
  int64_t next = 0;                 // > 0: more entries follow; pass it as after_id
};

class AuditStore {
 public:
  static constexpr size_t kMaxPage = 1000;
  static constexpr size_t kMaxReasonBytes = 2000;

  AuditStore(SqlDb& db, WallClock& wall) : db_(db), wall_(wall) {}
  // The audit log of the server's database, on its clock.
  explicit AuditStore(ServerStore& store);

  // Appends `entry` (its id and, when 0, its time are filled in); returns the id. The reason is
  // cut to kMaxReasonBytes.
  Result<int64_t> Record(AuditEntry entry);
  Result<AuditPage> List(const AuditFilter& filter);

 private:
  SqlDb& db_;
  WallClock& wall_;
};

// Copies into `db` the audit entries of `old_db` that `db` lacks (an entry is the same when its
// id, time, actor and action match): those the replaced database had beyond a restored backup.
// They keep their ids when free. Returns how many were copied; 0 when `old_db` has no audit log.
Result<int64_t> CarryOverAudit(Db& db, Db& old_db);

boost::json::object AuditEntryJson(const AuditEntry& e);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_AUDIT_STORE_H_

// PgHubBackend: what a Hub (fieldbook/hub.h) needs of PostgreSQL beyond SQL (HubBackend), so that
// pushes and pulls run on PostgreSQL as on SQLite (docs/postgres.md, "What is next", 1 and 2):
//  * The counters are fb_hub_seq's row: `value` (the hub sequence) and `hlc` (the clock's floor,
//    0011). LockCounters updates the row to take its lock, which the writer's transaction holds
//    from its first sequence number to COMMIT: pushes on several instances take numbers one at a
//    time and commit in number order, so a reader's cursor never passes a row that commits later
//    (PgChangeLog's proof). A rolled-back writer's numbers are handed out again.
//  * Push idempotency is PgAppliedSets: the set id is claimed first (a second instance applying
//    the same retried set waits, then answers with the stored result) and the answer recorded
//    last.
//  * Every changed row gets its fb_change_log entry (PgChangeLog::AppendTaken) before COMMIT;
//    compaction (Hub::PurgeTombstones) forgets the entries at or below the history floor
//    (PgChangeLog::ForgetUpTo).
//
// Use: Hub::Open(pg_sql_db, backend, catalog, wall) with a PgSqlDb over the same PgDb.
//
// Thread safety: as its PgDb (one thread at a time).
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_HUB_BACKEND_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_HUB_BACKEND_H_

#include <optional>
#include <string>
#include <vector>

#include "fieldbook/hub.h"
#include "store/pg/pg_applied_sets.h"
#include "store/pg/pg_change_log.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

class PgHubBackend final : public HubBackend {
 public:
  explicit PgHubBackend(PgDb& db) : db_(db), sets_(db), log_(db) {}
  Result<HubCounters> Counters() override;
  Result<HubCounters> LockCounters() override;
  Status StoreCounters(uint64_t seq, std::optional<uint64_t> hlc) override;
  Result<std::optional<std::string>> ClaimSet(const std::string& set_id,
                                              const std::string& replica_id) override;
  Status RecordSet(const std::string& set_id, const std::string& replica_id,
                   const std::string& answer, uint64_t now_ms) override;
  bool logs_rows() const override { return true; }
  Status LogRows(const std::vector<HubLoggedRow>& rows) override;
  Result<size_t> ForgetLogged(uint64_t up_to, size_t limit) override;

 private:
  Result<HubCounters> Read(std::string_view sql);

  PgDb& db_;
  PgAppliedSets sets_;
  PgChangeLog log_;
};

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_HUB_BACKEND_H_

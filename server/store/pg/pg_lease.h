// PgLease: named leases on PostgreSQL (fb_leases, schema/sql/postgres), e.g. 'nightly': at most
// one holder at a time across every server instance, by the DATABASE's clock (instances' clocks
// may disagree). The same protocol as the SQLite NightlyStore lease: a holder takes the lease when
// it is free, expired or already its own, renews it between steps, and gives it up at the end;
// a holder killed with SIGKILL stops renewing and another takes over once the lease has expired.
// Taking it is one conditional upsert (INSERT ... ON CONFLICT DO UPDATE ... WHERE expired or
// own), which PostgreSQL runs atomically under concurrent callers.
//
// Thread safety: as the PgDb it is given (one thread at a time); any number of PgLeases over
// distinct connections (or processes) may compete.
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_LEASE_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_LEASE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "fieldbook/status.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

struct PgLeaseInfo {
  std::string holder;
  int64_t run_id = 0;
  int64_t expires_in_ms = 0;  // negative once expired
};

class PgLease {
 public:
  PgLease(PgDb& db, std::string name) : db_(db), name_(std::move(name)) {}

  // Takes the lease for `holder` for `ttl_ms` when it is free, expired or held by `holder`;
  // otherwise kConflict naming the holder and when its lease runs out.
  Status Acquire(const std::string& holder, int64_t ttl_ms);
  // Extends the holder's lease (and notes its run); kConflict when it is no longer the holder
  // (it expired and someone took it over).
  Status Renew(const std::string& holder, int64_t ttl_ms, int64_t run_id = 0);
  // Gives the lease up; a no-op when `holder` no longer holds it.
  Status Release(const std::string& holder);
  Result<std::optional<PgLeaseInfo>> Current();

 private:
  PgDb& db_;
  std::string name_;
};

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_LEASE_H_

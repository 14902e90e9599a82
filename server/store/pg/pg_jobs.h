// PgJobs: scheduled jobs on PostgreSQL (fb_jobs, schema/sql/postgres): jobs any server instance
// may run, each by one instance at a time. Take() picks the soonest due job with
// SELECT ... FOR UPDATE SKIP LOCKED and marks it running under a lease in one statement, so
// instances polling at once take different jobs without waiting for each other. A job whose
// holder dies (its lease runs out before Finish) is taken again by the next Take(); Finish by a
// holder whose lease was taken over is refused, so a job is finished once.
//
// Thread safety: as the PgDb it is given (one thread at a time); any number of PgJobs over
// distinct connections (or processes) may take jobs concurrently.
#ifndef FIELDBOOK_SERVER_STORE_PG_PG_JOBS_H_
#define FIELDBOOK_SERVER_STORE_PG_PG_JOBS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "fieldbook/status.h"
#include "store/pg/pg_db.h"

namespace fieldbook::pg {

struct PgJob {
  int64_t id = 0;
  std::string kind;
  std::string payload;
  int attempts = 0;  // including this one
};

class PgJobs {
 public:
  explicit PgJobs(PgDb& db) : db_(db) {}

  // Adds a job due in `delay_ms` (0: now). Returns its id.
  Result<int64_t> Schedule(const std::string& kind, const std::string& payload,
                           int64_t delay_ms = 0);
  // Takes the soonest due job (or one whose holder's lease ran out) for `holder` for `lease_ms`;
  // nullopt when none is due.
  Result<std::optional<PgJob>> Take(const std::string& holder, int64_t lease_ms);
  // Marks the holder's job done; kConflict when the holder no longer holds it (its lease ran out
  // and another instance took the job). Inside the transaction that saves the job's work, the
  // work and the finish commit together.
  Status Finish(int64_t id, const std::string& holder);
  // How many jobs are not done.
  Result<int64_t> Pending();

 private:
  PgDb& db_;
};

}  // namespace fieldbook::pg

#endif  // FIELDBOOK_SERVER_STORE_PG_PG_JOBS_H_

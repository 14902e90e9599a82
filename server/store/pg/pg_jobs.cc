#include "store/pg/pg_jobs.h"

namespace fieldbook::pg {

namespace {

constexpr int64_t kMaxMs = int64_t{366} * 24 * 3600 * 1000;

}  // namespace

Result<int64_t> PgJobs::Schedule(const std::string& kind, const std::string& payload,
                                 int64_t delay_ms) {
  if (kind.empty()) return Status::InvalidArgument("a job needs a kind");
  if (delay_ms < 0 || delay_ms > kMaxMs) {
    return Status::InvalidArgument("a job is due within a year");
  }
  FB_ASSIGN_OR_RETURN(PgRows id,
                      db_.Exec("INSERT INTO fb_jobs (kind, payload, due_at) VALUES ($1, $2, "
                               "clock_timestamp() + $3 * interval '1 millisecond') RETURNING id",
                               {kind, payload, delay_ms}));
  return id.Int(0, 0);
}

Result<std::optional<PgJob>> PgJobs::Take(const std::string& holder, int64_t lease_ms) {
  if (holder.empty()) return Status::InvalidArgument("a job needs a holder");
  if (lease_ms <= 0 || lease_ms > kMaxMs) {
    return Status::InvalidArgument("a job's lease lasts 1 ms to a year");
  }
  // The subquery locks the first job no other taker has locked (SKIP LOCKED); the update marks it
  // running in the same statement. A job locked by another taker is skipped, never waited for.
  FB_ASSIGN_OR_RETURN(
      PgRows taken,
      db_.Exec("UPDATE fb_jobs SET state = 'running', holder = $1, attempts = attempts + 1, "
               "lease_until = clock_timestamp() + $2 * interval '1 millisecond' "
               "WHERE id = (SELECT id FROM fb_jobs WHERE state <> 'done' AND "
               "CASE state WHEN 'due' THEN due_at ELSE lease_until END <= clock_timestamp() "
               "ORDER BY due_at, id FOR UPDATE SKIP LOCKED LIMIT 1) "
               "RETURNING id, kind, payload, attempts",
               {holder, lease_ms}));
  if (taken.size() == 0) return std::optional<PgJob>();
  return std::optional<PgJob>(PgJob{taken.Int(0, 0), taken.Text(0, 1), taken.Text(0, 2),
                                    static_cast<int>(taken.Int(0, 3))});
}

Status PgJobs::Finish(int64_t id, const std::string& holder) {
  FB_ASSIGN_OR_RETURN(PgRows done,
                      db_.Exec("UPDATE fb_jobs SET state = 'done', finished_at = clock_timestamp() "
                               "WHERE id = $1 AND holder = $2 AND state = 'running'",
                               {id, holder}));
  if (done.affected() == 1) return Status::Ok();
  return Status::Conflict("job " + std::to_string(id) + " is no longer held by " + holder);
}

Result<int64_t> PgJobs::Pending() {
  FB_ASSIGN_OR_RETURN(PgRows n, db_.Exec("SELECT count(*) FROM fb_jobs WHERE state <> 'done'"));
  return n.Int(0, 0);
}

}  // namespace fieldbook::pg

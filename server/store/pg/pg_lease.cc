#include "store/pg/pg_lease.h"

namespace fieldbook::pg {

namespace {

constexpr int64_t kMaxTtlMs = int64_t{7} * 24 * 3600 * 1000;

Status CheckTtl(int64_t ttl_ms) {
  if (ttl_ms <= 0 || ttl_ms > kMaxTtlMs) {
    return Status::InvalidArgument("a lease lasts 1 ms to 7 days");
  }
  return Status::Ok();
}

}  // namespace

Status PgLease::Acquire(const std::string& holder, int64_t ttl_ms) {
  FB_RETURN_IF_ERROR(CheckTtl(ttl_ms));
  if (holder.empty()) return Status::InvalidArgument("a lease needs a holder");
  // The lease may be released between the upsert and the read of its holder: then try again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    FB_ASSIGN_OR_RETURN(
        PgRows taken,
        db_.Exec("INSERT INTO fb_leases (name, holder, run_id, expires_at) "
                 "VALUES ($1, $2, NULL, clock_timestamp() + $3 * interval '1 millisecond') "
                 "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                 "run_id = CASE WHEN fb_leases.holder = excluded.holder THEN fb_leases.run_id "
                 "END, expires_at = excluded.expires_at "
                 "WHERE fb_leases.holder = excluded.holder OR fb_leases.expires_at <= "
                 "clock_timestamp() RETURNING holder",
                 {name_, holder, ttl_ms}));
    if (taken.size() == 1) return Status::Ok();
    FB_ASSIGN_OR_RETURN(auto current, Current());
    if (!current) continue;
    return Status::Conflict("lease " + name_ + " is held by " + current->holder + " for " +
                            std::to_string(current->expires_in_ms) + " ms more");
  }
  return Status::Unavailable("lease " + name_ + " keeps changing hands; try again");
}

Status PgLease::Renew(const std::string& holder, int64_t ttl_ms, int64_t run_id) {
  FB_RETURN_IF_ERROR(CheckTtl(ttl_ms));
  FB_ASSIGN_OR_RETURN(
      PgRows renewed,
      db_.Exec("UPDATE fb_leases SET expires_at = clock_timestamp() + $3 * interval '1 "
               "millisecond', run_id = coalesce(nullif($4, 0), run_id) "
               "WHERE name = $1 AND holder = $2 AND expires_at > clock_timestamp()",
               {name_, holder, ttl_ms, run_id}));
  if (renewed.affected() == 1) return Status::Ok();
  return Status::Conflict("lease " + name_ + " is no longer held by " + holder);
}

Status PgLease::Release(const std::string& holder) {
  return db_.Exec("DELETE FROM fb_leases WHERE name = $1 AND holder = $2", {name_, holder})
      .status();
}

Result<std::optional<PgLeaseInfo>> PgLease::Current() {
  FB_ASSIGN_OR_RETURN(
      PgRows rows,
      db_.Exec("SELECT holder, coalesce(run_id, 0), "
               "floor(extract(epoch FROM expires_at - clock_timestamp()) * 1000)::bigint "
               "FROM fb_leases WHERE name = $1",
               {name_}));
  if (rows.size() == 0) return std::optional<PgLeaseInfo>();
  return std::optional<PgLeaseInfo>(PgLeaseInfo{rows.Text(0, 0), rows.Int(0, 1), rows.Int(0, 2)});
}

}  // namespace fieldbook::pg

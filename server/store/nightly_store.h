// NightlyStore: the nightly job's records in the server database (schema/sql/server/
// 0008_nightly.sql): runs, their steps with a JSON report each, and the lease that lets only one
// run proceed at a time across processes. It also measures what the job reports on: page counts
// and the share of sync bookkeeping. Part of the server's repository layer; all nightly SQL lives
// here.
//
// Lease. A row ('nightly', holder, expires_ms). A holder takes it when it is free, expired or
// already its own, and renews it between steps and batches; a process killed with SIGKILL simply
// stops renewing, and the next run takes over once the lease has expired. On PostgreSQL the lease
// is PgLease's (fb_leases, store/pg/pg_lease.h): the same protocol, taken in one conditional
// upsert, with expiry by the DATABASE's clock (the now_ms arguments are not used there; Lease()
// reports the expiry on the store's WallClock, the clock its callers compare it with).
//
// Thread safety: not thread-safe; use on the thread that owns the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_NIGHTLY_STORE_H_
#define FIELDBOOK_SERVER_NIGHTLY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "store/server_store.h"

namespace fieldbook::server {

struct NightlyStepRecord {
  std::string name;
  int position = 0;
  std::string status;  // running, done, failed, skipped
  int64_t started_ms = 0;
  int64_t finished_ms = 0;  // 0 while running
  int attempts = 0;
  std::string report_json = "{}";
  std::string error;
};

struct NightlyRunRecord {
  int64_t id = 0;
  std::string trigger;  // schedule, manual
  int64_t started_ms = 0;
  int64_t finished_ms = 0;  // 0 until finished
  std::string status;       // running, succeeded, failed, interrupted, abandoned
  std::string day;          // YYYY-MM-DD, the local day it grades for
  uint64_t seq_at_start = 0;
  std::string holder;
  int resumed = 0;
  std::vector<NightlyStepRecord> steps;  // in position order
};

struct LeaseInfo {
  std::string holder;
  int64_t run_id = 0;
  int64_t expires_ms = 0;
};

struct PageStats {
  int64_t page_size = 0;
  int64_t pages = 0;
  int64_t free_pages = 0;
};

// Sizes in bytes of the sync bookkeeping against the user data it serves (docs/nightly.md):
//  * bookkeeping: every fb_* table, srv_scope, srv_scope_events and srv_feed with their indexes,
//    the domain tables' `<table>_seq` indexes, and the _v (per-column versions) and _seq values
//    inside the domain rows;
//  * user data: the domain tables and their other indexes, less the _v and _seq values.
struct BookkeepingStats {
  int64_t bookkeeping_bytes = 0;
  int64_t in_row_bytes = 0;  // of which _v and _seq inside domain rows
  int64_t user_bytes = 0;
  int64_t user_table_bytes = 0;  // user data without indexes (a stricter base)
  std::vector<std::pair<std::string, int64_t>> by_object;  // bookkeeping objects, largest first
  double share() const {
    return user_bytes > 0 ? static_cast<double>(bookkeeping_bytes) / user_bytes : 0;
  }
  double strict_share() const {
    return user_table_bytes > 0 ? static_cast<double>(bookkeeping_bytes) / user_table_bytes : 0;
  }
};

class NightlyStore {
 public:
  // The runs and steps on `db` (either backend of the storage seam); `catalog` names the
  // replicated tables MeasureBookkeeping sizes; `wall` is the clock Lease() reports a PostgreSQL
  // lease's expiry on (null: the system's).
  NightlyStore(SqlDb& db, const Catalog& catalog, WallClock* wall = nullptr)
      : db_(db), catalog_(catalog), wall_(wall) {}
  explicit NightlyStore(ServerStore& store)
      : NightlyStore(store.sql(), store.hub().catalog(), &store.wall()) {}

  SqlDb& db() { return db_; }

  // Takes the lease for `holder` until now + ttl when it is free, expired or already held by
  // `holder`; otherwise kConflict naming the holder and when its lease runs out.
  Status AcquireLease(const std::string& holder, int64_t now_ms, int64_t ttl_ms);
  // Extends the holder's lease; kConflict when someone else has taken it over meanwhile.
  Status RenewLease(const std::string& holder, int64_t now_ms, int64_t ttl_ms, int64_t run_id);
  // Gives the lease up (a no-op when `holder` no longer holds it).
  Status ReleaseLease(const std::string& holder);
  Result<std::optional<LeaseInfo>> Lease();

  // The latest run still marked running or interrupted (a candidate for resuming), if any.
  Result<std::optional<NightlyRunRecord>> UnfinishedRun();
  Result<int64_t> CreateRun(const std::string& trigger, int64_t now_ms, const std::string& day,
                            uint64_t seq_at_start, const std::string& holder);
  // Takes an unfinished run over: status running again, holder replaced, resumed + 1.
  Status ResumeRun(int64_t run_id, const std::string& holder);
  Status FinishRun(int64_t run_id, const std::string& status, int64_t now_ms);
  // The newest `last` runs, newest first, with their steps.
  Result<std::vector<NightlyRunRecord>> Runs(size_t last);
  Result<std::optional<NightlyRunRecord>> Run(int64_t run_id);
  // Start of the newest run that finished (succeeded or failed); 0 when none has.
  Result<int64_t> LastFinishedStartMs();
  // Start of the newest run, whatever its status; 0 when the job never ran.
  Result<int64_t> LastStartedMs();
  // The hub sequence at the start of the newest run that started at or before `at_ms`: history
  // before it is older than `at_ms`. nullopt when no run is that old.
  Result<std::optional<uint64_t>> SeqAtOrBefore(int64_t at_ms);

  // Steps. BeginStep inserts the step as running or, for a retried one, counts the attempt.
  Status BeginStep(int64_t run_id, const std::string& step, int position, int64_t now_ms);
  // Rewrites a running step's report (progress of a batched step); use inside the batch's
  // transaction.
  Status SaveStepProgress(int64_t run_id, const std::string& step, const std::string& report_json);
  // status: done, failed, skipped. An empty `report_json` keeps the progress saved so far.
  Status FinishStep(int64_t run_id, const std::string& step, const std::string& status,
                    const std::string& report_json, const std::string& error, int64_t now_ms);

  // Measurements.
  Result<PageStats> Pages();
  // Sizes every table and index (SQLite: reads every page, dbstat; PostgreSQL: each relation's
  // size in this schema) and scans the domain tables' _v and _seq: seconds on a large database,
  // without blocking writers. kUnavailable when SQLite lacks dbstat.
  Result<BookkeepingStats> MeasureBookkeeping();

 private:
  Result<std::vector<NightlyStepRecord>> StepsOf(int64_t run_id);
  // The run in the first row of `runs` (a query of the run columns), with its steps; nullopt
  // when there is no row. Resets `runs`.
  Result<std::optional<NightlyRunRecord>> FirstRunWithSteps(SqlStatement& runs);
  SqlDb& db_;
  const Catalog& catalog_;
  WallClock* wall_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_STORE_H_

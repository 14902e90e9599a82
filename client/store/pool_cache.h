// PoolCache: the device's side of the public pool (公海, issue #7). The pool as the server last
// listed it for this device's rep (GET /v1/pool, kept on the device so it can be read offline),
// the rep's claim and release requests (recorded offline, sent at the next sync by
// sync/pool_sync.h, answered by the server), and the reclaim warnings for the rep's own
// customers. Tables: schema/sql/replica/0008_pool.sql.
//
// Warnings are computed on the device, so work logged offline counts at once. A customer's clock
// counts from the latest of: its last visit or order on this device (by the activity's own date;
// dates after tomorrow do not count), its creation, the server's counting_from when the server
// listed its clock (which includes the day the customer came to the rep), and the day a claim of
// it was granted. Its deadline is that day plus its tier's reclaim days (0: never); it returns to
// the pool from the day after. A customer the server did not list had, when the listing was made,
// a deadline beyond server_day + warn_days + upcoming_days, so its deadline is at least the day
// after that. It is warned about when it returns within warn_days.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_POOL_CACHE_H_
#define FIELDBOOK_CLIENT_STORE_POOL_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/status.h"

namespace fieldbook {
class Replica;
}

namespace fieldbook::client {

class SettingsTable;

struct PoolPolicy {
  std::vector<std::pair<std::string, int64_t>> reclaim_days;  // per tier; 0 = never
  int64_t default_reclaim_days = 60;                          // tiers not listed, ungraded
  int64_t warn_days = 7;
  int64_t upcoming_days = 14;
  int64_t max_wait_days = 14;
  int64_t daily_claims = 0;
  int64_t claims_today = 0;
  int64_t holding_cap = 0;
  int64_t holding = 0;
  std::optional<int64_t> tier_a_cap;  // nullopt: no limit
  int64_t tier_a_holding = 0;
  std::vector<std::string> regions;  // empty: every region
  int64_t rules_version = 0;

  int64_t ReclaimDays(const std::string& tier) const;
};

struct PoolCustomer {
  std::string id;
  std::string name;
  std::string city;
  std::string region;
  std::string tier;
  std::string customer_type;
  std::string since;   // in the pool since, ISO-8601 UTC
  std::string kind;    // reclaim or release
  std::string reason;  // why it is in the pool
  bool claimable = true;
  std::string refusal;         // why the server would have refused a claim at as_of
  bool claim_pending = false;  // filled in by Cached(): a claim of it waits for the next sync
};

// The server's reclaim clock for one of the rep's customers.
struct ServerReclaimClock {
  std::string customer_id;
  std::string name;
  std::string tier;
  int64_t reclaim_days = 0;
  std::string counting_from;  // YYYY-MM-DD
  std::string last_activity;  // YYYY-MM-DD; "" = none on record
  std::string deadline;       // YYYY-MM-DD
  bool waiting_for_sync = false;
  std::string reason;
};

// GET /v1/pool's answer (pool_sync.h parses it).
struct PoolListing {
  std::string rep_id;
  std::string as_of;       // the server's time, ISO-8601 UTC
  std::string server_day;  // the server's day then, YYYY-MM-DD (UTC)
  PoolPolicy policy;
  std::vector<PoolCustomer> pool;
  bool truncated = false;                  // the server listed only part of the pool
  std::vector<ServerReclaimClock> clocks;  // its warnings and upcoming deadlines
  int64_t fetched_ms = 0;                  // device clock, set by SavePool
};

struct PoolRequest {
  enum class Kind { kClaim, kRelease };
  enum class State { kPending, kGranted, kRefused };
  std::string request_id;
  Kind kind = Kind::kClaim;
  std::string customer_id;
  std::string customer_name;
  std::string note;          // a release's reason, as the rep wrote it
  std::string requested_at;  // ISO-8601 UTC (device clock)
  int64_t requested_ms = 0;  // the same, in milliseconds
  State state = State::kPending;
  std::string reason;       // the server's answer
  std::string answered_at;  // ISO-8601 UTC (the server's decision)
};

// A request's kind and state as the replica stores them and the CLI shows them: "claim",
// "release"; "pending", "granted", "refused".
const char* KindName(PoolRequest::Kind kind);
const char* StateName(PoolRequest::State state);

struct PoolRequestCounts {
  int64_t pending = 0;
  std::vector<PoolRequest> recent_refusals;  // answered in the last 7 days, newest first
};

struct ReclaimWarning {
  std::string customer_id;
  std::string name;
  std::string tier;
  int64_t reclaim_days = 0;
  std::string last_activity;  // YYYY-MM-DD; "" = none on record
  std::string deadline;       // YYYY-MM-DD: the last day it is safe
  int64_t days_until = 0;     // until it returns to the pool (deadline + 1 - today); <= 0: due
  std::string message;        // "鑫达汽修: will return to the public pool in 3 days unless ..."
};

class PoolCache {
 public:
  // Most requests that may wait for a sync at once.
  static constexpr size_t kMaxPendingRequests = 100;
  // Answered requests kept for `pool requests` (the oldest beyond this are forgotten).
  static constexpr size_t kKeptAnsweredRequests = 200;

  PoolCache(Replica& replica, WallClock& wall, SettingsTable& settings)
      : replica_(replica), wall_(wall), settings_(settings) {}

  // The pool as last fetched for this device's rep (nullopt: never, or for another rep), with the
  // customers that have a claim waiting marked. Replacing it keeps nothing of the old listing.
  Result<std::optional<PoolListing>> Cached();
  Status Save(const PoolListing& listing);
  // Records a claim of a customer of the cached pool (its full id or a unique prefix of at least
  // 6 characters), to be sent at the next sync. kNotFound when it is not in the cached pool,
  // kConflict when a claim of it is already waiting, kResourceExhausted when too many requests
  // wait, kInvalidArgument when the device is not set up.
  Result<PoolRequest> RequestClaim(const std::string& customer);
  // Records the release of one of this device's customers back to the pool, with the rep's
  // reason (1 to 500 bytes). kNotFound, kConflict (a release already waits), kResourceExhausted.
  Result<PoolRequest> RequestRelease(const std::string& customer, const std::string& reason);
  // Requests, newest first: waiting ones only, or all that are kept.
  Result<std::vector<PoolRequest>> Requests(bool pending_only, size_t limit = 100);
  Result<PoolRequestCounts> RequestSummary();
  // The server's answer to a waiting request (kNotFound when no such request waits). Granted
  // claims also record the day the customer came (for the warnings).
  Status RecordAnswer(const std::string& request_id, PoolRequest::State state,
                      const std::string& reason, const std::string& answered_at);
  // Notes on a waiting claim that the server's answer to it could not be read (`note`, kept as
  // its reason while it waits; sync/pool_sync.h): true when noted now, false when it was already
  // (or waits no longer).
  Result<bool> NoteUnreadableAnswer(const std::string& request_id, const std::string& note);
  // The waiting claims so noted whose customers are now on this device (arrived with a sync: the
  // server granted them), oldest first.
  Result<std::vector<PoolRequest>> ArrivedUnansweredClaims();
  // The rep's customers due to return to the pool within warn_days of `today` (YYYY-MM-DD),
  // soonest first (see above for the rule); none before the pool was ever fetched.
  Result<std::vector<ReclaimWarning>> ReclaimWarnings(const std::string& today);

 private:
  Replica& replica_;
  WallClock& wall_;
  SettingsTable& settings_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_POOL_CACHE_H_

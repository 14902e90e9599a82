// PoolStore: the public pool (公海) — customers no rep holds. Reclaim of neglected customers into
// it (the nightly job calls ReclaimDue), reps' warnings and their view of it, claims with caps,
// releases, managers' assignments from it, and the audit of all of these. Part of the server's
// repository layer; all pool SQL lives here. docs/assignment.md has the rules in full.
//
// A pooled customer has a row in srv_pool and is in no rep's scope (ServerStore's scope rule), so
// it leaves its rep's devices by the normal eviction flow; a claim or an assignment deletes the
// row and sets the owner, so the customer reaches the new rep's devices at their next pull.
//
// Reclaim rule. A held customer's clock counts from the latest of: its last visit or order (by
// the activity's own date, UTC; dates after tomorrow do not count), its creation, and the day it
// came to its rep. Its deadline is that day plus the tier's reclaim_days (0: never); it is due the
// day after. Offline work: a due customer is reclaimed only if its rep's devices (any of them)
// synced after the deadline day ended — a sync pushes before it pulls, so any visit or order
// logged by then on such a device is on the server and has already moved the clock. Otherwise the
// reclaim waits, at most max_wait_days past the deadline, then happens anyway.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore it wraps.
#ifndef FIELDBOOK_SERVER_POOL_STORE_H_
#define FIELDBOOK_SERVER_POOL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/assignment_rules.h"
#include "fieldbook/hlc.h"
#include "store/server_store.h"

namespace fieldbook::server {

struct PoolEntry {
  std::string customer_id, name, city, region, tier, customer_type;
  int64_t since_ms = 0;
  std::string kind;  // "reclaim" or "release"
  std::string reason;
  std::string from_rep;  // the rep it left; empty if none
};

// Where one held customer stands against the reclaim rule.
struct ReclaimClock {
  std::string customer_id, name, rep_id, tier;
  int32_t last_activity_day = -1;  // latest visit or order; -1: none
  int32_t counting_from = 0;       // the day the clock starts (see the header comment)
  int reclaim_days = 0;
  int32_t deadline_day = 0;       // counting_from + reclaim_days; due the day after
  int64_t rep_last_sync_ms = -1;  // any device of the rep; -1: never
  bool waiting_for_sync = false;  // due, but the rep's devices have not synced since the deadline
  std::string reason;             // for reclaimed and waiting customers
  Phrase why;                     // the reason as a value (pool_reclaim_*; reason is its English)
};

struct ReclaimReport {
  int32_t today = 0;
  int rules_version = 0;
  size_t checked = 0;                   // held customers with a deadline
  std::vector<ReclaimClock> reclaimed;  // (in a plan: would be)
  std::vector<ReclaimClock> waiting;    // due, waiting for the rep's devices to sync
};

struct ClaimRequest {
  std::string request_id;  // made by the device; a retry reuses it
  std::string customer_id;
  int64_t requested_at_ms = 0;  // when the rep asked (device clock; recorded, not trusted)
};

// A claim's answer. `why` is the reason as a value (codes pool_... and fit_..._you of
// lang_text.cc; the device renders it in the rep's language), `reason` its English sentence (what
// old devices show and the audit keeps). srv_pool_claims.reason keeps both (phrase_json.h), so a
// retried claim gets its first answer again, code and all.
struct ClaimAnswer {
  std::string request_id, customer_id;
  std::string status;  // "granted" or "refused"
  std::string reason;
  int64_t decided_ms = 0;
  Phrase why;  // empty code: an answer stored before codes (its reason is all there is)
};

struct PoolAuditEntry {
  int64_t id = 0;
  int64_t at_ms = 0;
  std::string customer_id, action, rep_id, actor, reason;  // reason: its English
  Phrase why;  // a reclaim's reason as a value (pool_reclaim_*); empty for a person's own words
};

// What a rep's device needs about the pool (GET /v1/pool).
struct RepPoolView {
  int32_t today = 0;
  int64_t as_of_ms = 0;
  int rules_version = 0;
  PoolRules policy;
  std::vector<std::string> regions;  // empty: every region
  int claims_today = 0;
  int64_t holding = 0;
  int64_t holding_cap = 0;  // the rules' cap, or the rep's capacity when lower
  int64_t tier_a_holding = 0;
  std::optional<int> tier_a_cap;
  struct Item {
    PoolEntry entry;
    bool claimable = true;
    std::string refusal;  // why a claim would be refused now (English)
    Phrase refusal_why;   // the same as a value (codes as ClaimAnswer::why)
  };
  std::vector<Item> pool;  // most valuable tiers first, then the longest in the pool
  bool pool_truncated = false;
  std::vector<ReclaimClock> warnings;  // deadline within warn_days (or past, waiting for sync)
  std::vector<ReclaimClock> upcoming;  // deadline within warn_days + kUpcomingDays
};

class PoolStore {
 public:
  static constexpr size_t kMaxClaimsPerRequest = 50;
  static constexpr int kUpcomingDays = 14;  // how far past warn_days GET /v1/pool looks ahead
  static constexpr size_t kMaxReasonBytes = 500;
  // A reason kept as a phrase (Release(Phrase)): its JSON, under AuditStore::kMaxReasonBytes.
  static constexpr size_t kMaxStoredReasonBytes = 1500;

  PoolStore(ServerStore& store, WallClock& wall) : store_(store), wall_(wall) {}

  // The nightly job: reclaims every due customer as of `today` (a day number, as grading uses) in
  // one transaction; a second run the same day finds nothing more.
  // `actor` is recorded in the pool's and the server's audit (a manager running it by hand).
  Result<ReclaimReport> ReclaimDue(int32_t today, const std::string& actor = "system:reclaim");
  // The same decisions without changing anything (`pool reclaim --dry-run`).
  Result<ReclaimReport> PlanReclaim(int32_t today);
  // Every held customer with a deadline (`rep` empty: everyone's), by customer id.
  Result<std::vector<ReclaimClock>> Clocks(const std::string& rep, int32_t today);

  // Pooled customers, longest in the pool first; `regions` non-empty: those in one of them (and
  // those without a region).
  Result<std::vector<PoolEntry>> List(const std::vector<std::string>& regions, size_t limit);
  Result<RepPoolView> ViewFor(const std::string& rep, int32_t today, size_t limit);

  // Decides each claim in order, each in its own transaction, and stores the answer: a request id
  // seen before (from this rep) gets its first answer again and changes nothing. A granted claim
  // makes the rep the customer's owner. Refusals: not in the pool (with who has it), not in the
  // rep's region or skill or closer rules, daily claim cap, holding cap, tier-A capacity.
  Result<std::vector<ClaimAnswer>> Claim(const std::string& rep,
                                         const std::vector<ClaimRequest>& claims);
  // Puts a held customer into the pool. `holder` non-empty: only if that rep holds it (a rep
  // releasing their own; releasing again answers the same). kInvalidArgument without a reason,
  // kNotFound, kConflict (not the holder's, already pooled).
  Result<PoolEntry> Release(const std::string& customer, const std::string& holder,
                            const std::string& reason, const std::string& actor);
  // The same with the server's own reason as a phrase (an import's pool_imported), kept as a value
  // (phrase_json.h) in the pool, its audit and the scope history (scope_released_why); one whose
  // English passes kMaxReasonBytes or whose JSON passes kMaxStoredReasonBytes is kept as its
  // English cut to whole characters.
  Result<PoolEntry> Release(const std::string& customer, const std::string& holder,
                            const Phrase& why, const std::string& actor);
  // A manager gives a pooled customer to a rep. Caps do not bind a manager; a rule the rep
  // breaks for the customer comes back as a note ("" when none).
  Result<std::string> Assign(const std::string& customer, const std::string& rep,
                             const std::string& actor);

  // Newest first; `customer` non-empty: only that customer's.
  Result<std::vector<PoolAuditEntry>> Audit(const std::string& customer, size_t limit);
  Result<bool> InPool(const std::string& customer);

 private:
  Result<ReclaimReport> Reclaim(int32_t today, bool apply, const std::string& actor);
  Result<ClaimAnswer> Decide(const std::string& rep, const ClaimRequest& claim,
                             const AssignmentRules& rules, int32_t today);
  Result<CustomerFacts> Facts(const std::string& customer, bool* exists);
  Result<std::optional<PoolEntry>> EntryOf(const std::string& customer);
  // Release with its reason as stored (`reason`: a person's words or a stored phrase) and the
  // scope history's (`scope_reason`), both checked by the caller.
  Result<PoolEntry> ReleaseAs(const std::string& customer, const std::string& holder,
                              const std::string& reason, const std::string& scope_reason,
                              const std::string& actor);
  Status Record(const std::string& customer, const std::string& action, const std::string& rep,
                const std::string& actor, const std::string& reason);
  Result<std::string> Holder(const std::string& customer);
  Result<int> ClaimsOn(const std::string& rep, int32_t day);

  ServerStore& store_;
  WallClock& wall_;
};

// "2026-11-23 10:02 UTC" and "2026-11-23T10:02:03Z".
std::string MinuteText(int64_t ms);
std::string IsoTime(int64_t ms);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_POOL_STORE_H_

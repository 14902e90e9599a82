// The HTTP routes of assignment and the public pool (issue #7; contract in docs/assignment.md).
// Reps' devices:
//   GET  /v1/pool                      the pool in the rep's regions (with whether each customer
//                                      can be claimed), the policy and caps, and the rep's own
//                                      customers nearing reclaim (warnings, upcoming)
//   POST /v1/pool/claims               {"claims":[{"request_id","customer","requested_at_ms"}]}
//                                      -> {"results":[{"request_id","customer","status","reason",
//                                      "decided_at"}],...}; idempotent by request id
//   POST /v1/pool/release              {"customer","reason"}: return one's own customer
// Managers:
//   GET|PUT /v1/admin/assignment                the assignment rules (JSON of `assignment show`)
//   GET|PUT /v1/admin/assignment/profiles       reps' profiles and loads / {"rep",...} to change
//   GET  /v1/admin/assignment/plan[?territory=T]   the moves `assign --dry-run` shows
//   POST /v1/admin/assignment/apply[?territory=T]  apply them
//   GET  /v1/admin/pool[?region=R]              the pool
//   GET  /v1/admin/pool/audit[?customer=C&limit=N]  claims, refusals, reclaims, releases, assigns
//   POST /v1/admin/pool/assign                  {"customer","rep"}
//   POST /v1/admin/pool/release                 {"customer","reason"}
//   POST /v1/admin/pool/reclaim[?dry_run=1&today=YYYY-MM-DD]
// Errors are JSON ({"error":{"code","message"}}): 400 malformed or invalid, 403 wrong role,
// 404 unknown customer or rep, 409 conflict (not yours, already pooled), 413 over a limit.
//
// The JSON forms below are shared with the command line's --json output.
//
// Thread safety: call with the store's mutex held (SyncService does).
#ifndef FIELDBOOK_SERVER_ASSIGNMENT_API_H_
#define FIELDBOOK_SERVER_ASSIGNMENT_API_H_

#include <boost/json.hpp>
#include <string>

#include "domain/assignment_engine.h"
#include "fieldbook/hlc.h"
#include "http/http_types.h"
#include "store/assignment_store.h"
#include "store/pool_store.h"
#include "store/server_store.h"

namespace fieldbook::server {

inline constexpr size_t kMaxPoolBodyBytes = 64 * 1024;

// Whether HandleAssignmentRequest serves `path`.
bool IsAssignmentRoute(const std::string& path);
HttpResponse HandleAssignmentRequest(ServerStore& store, WallClock& wall,
                                     const HttpRequest& request, const Principal& caller);

boost::json::object PlanJson(const AssignmentPlan& plan, const std::string& territory,
                             bool applied);
boost::json::object ReclaimJson(const ReclaimReport& report, bool applied);
boost::json::object ClockJson(const ReclaimClock& clock, int32_t today);
boost::json::object PoolEntryJson(const PoolEntry& entry, bool for_manager);
boost::json::object AuditJson(const PoolAuditEntry& entry);
boost::json::object ProfileJson(const RepLoad& load);
boost::json::object RepPoolViewJson(const std::string& rep, const RepPoolView& view);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_ASSIGNMENT_API_H_

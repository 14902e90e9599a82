// AdminApi: the managers' JSON API, mirroring the server's commands.
//   GET  /v1/admin/reps                     reps with their customer counts
//   GET  /v1/admin/territories              territories with their rep and customer counts
//   POST /v1/admin/territories/assign       {"territory": T, "rep": R}
//   POST /v1/admin/customers/reassign       {"customer": C, "to": R}
//   GET  /v1/admin/conflicts[?all=1]        edits made after reassignments, open ones by default
//   POST /v1/admin/conflicts/resolve        {"id": N, "action": "apply" | "dismiss"}
//   GET  /v1/admin/review/dismissals[?rep=R] the reps' dismissals of review-list entries, newest
//   first GET  /v1/admin/export?rep=R             the canonical export of R's replica (JSON lines)
//   GET  /v1/admin/grading                  the grading rules in force (JSON)
//   PUT  /v1/admin/grading                  new rules (the JSON of `grading show`), validated
//   POST /v1/admin/grade[?today=YYYY-MM-DD] grade every customer now
//   GET  /v1/admin/reports/{tiers,movement,at-risk,portfolio}   grading reports (report_api.h)
//   GET  /v1/admin/nightly/runs[?last=N]    the nightly job's run reports (nightly_api.h)
//   GET/POST /v1/admin/products, PUT /v1/admin/products/{part}   the product catalogue
//                                           (product_api.h)
//   GET  /v1/admin/records[/{table}]         any replicated table's rows, by the catalog
//                                           (record_api.h)
//   GET  /v1/conflicts                      (any rep) open conflicts on the caller's customers
//
// Thread safety: call with the store's mutex held (SyncService does).
#ifndef FIELDBOOK_SERVER_ADMIN_API_H_
#define FIELDBOOK_SERVER_ADMIN_API_H_

#include <boost/json.hpp>

#include "fieldbook/hlc.h"
#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

// A held edit as the admin API and `conflicts list --json` show it: id, customer, table, row,
// column, kind, value (its JSON), from_rep, owner_rep, status.
boost::json::object ConflictJson(const Conflict& c);

// A territory as the admin API and `territory list --json` show it: id, name, region, city, rep,
// customers.
boost::json::object TerritoryJson(const TerritoryInfo& t);

// `wall` gives "today" for grading and reports when the request does not name a day.
HttpResponse HandleAdminRequest(ServerStore& store, const HttpRequest& request,
                                const Principal& caller, WallClock& wall);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_ADMIN_API_H_

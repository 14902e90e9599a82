// The console's Dashboard figures that the grading reports (report_api.h) do not give, in the
// managers' JSON API (admin_api.cc hands the path over):
//   GET /v1/admin/dashboard[?replicas=N]
//     {"territories": [{"id", "name", "customers", "tiers": {"A": 3, "not graded": 1}}, ...]
//                      (by name; customers without a territory last, with id "" and name ""),
//      "review": {"held_edits": n, "duplicates": n}   (waiting on the Review page),
//      "replicas": [{"rep", "replica", "checked", "outcome", "rows_resent"}, ...]
//                      (each replica's latest verification, newest first; N: 1..1000, 200),
//      "grading_runs": 0, 1 or 2 (whether a tier migration can be shown)}
// Managers only (403); other methods 405.
//
// Thread safety: call with the store's mutex held (SyncService does).
#ifndef FIELDBOOK_SERVER_DASHBOARD_API_H_
#define FIELDBOOK_SERVER_DASHBOARD_API_H_

#include <optional>

#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The response for /v1/admin/dashboard; nullopt for any other path.
std::optional<HttpResponse> HandleDashboardRequest(ServerStore& store, const HttpRequest& request,
                                                   const Principal& caller);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_DASHBOARD_API_H_

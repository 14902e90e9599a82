// The nightly job in the managers' JSON API (admin_api.cc hands the runs over, SyncService the
// run):
//   GET /v1/admin/nightly/runs[?last=N]   the newest N runs (default 10, at most 100), newest
//                                         first, as nightly_report.h's JSON, in {"runs": [...]}
//   POST /v1/admin/nightly/run            run the job now (the console's "run now") on the
//                                         launcher's thread: 202 {"started": true, "state"}; 409
//                                         `nightly_running` naming who runs it (this server's
//                                         earlier run now, the schedule or another process
//                                         holding the lease); the body is {} or empty
//   GET /v1/admin/nightly/run             {"state": the launcher's last run, "lease": who holds
//                                         the lease now or null}; the page polls it
//
// Thread safety: call with the store's mutex held (SyncService does).
#ifndef FIELDBOOK_SERVER_NIGHTLY_API_H_
#define FIELDBOOK_SERVER_NIGHTLY_API_H_

#include <optional>

#include "fieldbook/hlc.h"
#include "http/http_types.h"
#include "nightly/nightly_launcher.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The response for a /v1/admin/nightly/ path; nullopt for any other path.
std::optional<HttpResponse> HandleNightlyAdminRequest(ServerStore& store,
                                                      const HttpRequest& request,
                                                      const Principal& caller);

// The response for /v1/admin/nightly/run; nullopt for any other path. A null `launcher` (a
// SyncService built without one) answers 503.
std::optional<HttpResponse> HandleNightlyLaunchRequest(NightlyLauncher* launcher,
                                                       ServerStore& store,
                                                       const HttpRequest& request,
                                                       const Principal& caller, WallClock& wall);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_API_H_

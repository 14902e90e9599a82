// The nightly job in the managers' JSON API (admin_api.cc hands these paths over):
//   GET /v1/admin/nightly/runs[?last=N]   the newest N runs (default 10, at most 100), newest
//                                         first, as nightly_report.h's JSON, in {"runs": [...]}
//
// Thread safety: call with the store's mutex held (SyncService does).
#ifndef FIELDBOOK_SERVER_NIGHTLY_API_H_
#define FIELDBOOK_SERVER_NIGHTLY_API_H_

#include <optional>

#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The response for a /v1/admin/nightly/ path; nullopt for any other path.
std::optional<HttpResponse> HandleNightlyAdminRequest(ServerStore& store,
                                                      const HttpRequest& request,
                                                      const Principal& caller);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_NIGHTLY_API_H_

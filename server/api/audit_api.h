// The audit log in the managers' JSON API (admin_api.cc hands this path over; manager token only):
//   GET /v1/admin/audit[?customer=C][&actor=A][&action=X][&since=T][&after=ID][&limit=N]
//     -> {"entries": [...oldest first...], "next": ID or null}
// `since` is a UTC time (2026-11-23T10:00:00Z) or a day (2026-11-23); `limit` 1..1000 (default
// 100); pass `next` as `after` for the following page. Entries are audit_store.h's JSON.
//
// Thread safety: call with the store's mutex held (SyncService does).
#ifndef FIELDBOOK_SERVER_AUDIT_API_H_
#define FIELDBOOK_SERVER_AUDIT_API_H_

#include <optional>

#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The response for /v1/admin/audit; nullopt for any other path.
std::optional<HttpResponse> HandleAuditAdminRequest(ServerStore& store, const HttpRequest& request);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_AUDIT_API_H_

// The admin API's generic, catalog-driven read of replicated tables (store/record_store.h), so a
// simple new table is readable by managers without an API file of its own:
//   GET /v1/admin/records                    {"tables": [name...]}
//   GET /v1/admin/records/{table}[?customer=C&after=ID&limit=N&deleted=1]
//       {"table", "rows": [{"id", column: value...}], "next": the last id when more may follow,
//       else null}; 404 for a table not in the catalog, 400 for a bad parameter or a customer
//       filter on a table of no customer.
// Managers only (the caller checks).
//
// Thread safety: call with the store's mutex held (SyncService does).
#ifndef FIELDBOOK_SERVER_API_RECORD_API_H_
#define FIELDBOOK_SERVER_API_RECORD_API_H_

#include <optional>

#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The answer for a /v1/admin/records route, or nullopt for any other path.
std::optional<HttpResponse> HandleRecordAdminRequest(ServerStore& store,
                                                     const HttpRequest& request);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_API_RECORD_API_H_

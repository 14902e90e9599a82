// The admin API's product catalogue routes (issues #17 and #18; docs/server.md, "Products"),
// mirroring `fieldbook-server product list|add|edit|deactivate`:
//   GET  /v1/admin/products[?q=TEXT&all=1&after=PART&limit=N]
//        {"products": [...], "next": the last part number when more may follow, else null};
//        q matches part number, name or brand; all=1 lists inactive products too.
//   POST /v1/admin/products           {"part_number", "name", "brand"?, "category"?, "unit"?,
//        "list_price_cents"?, "tier_prices"? {tier: cents}, "active"?} -> 201 {"product": ...};
//        409 when the part number is taken.
//   PUT  /v1/admin/products/{ref}     any of those fields (ref: the part number or the id)
//        -> {"product": ..., "changed": bool}; {"active": false} deactivates.
// Bodies are JSON objects; an unknown field, a wrong type or a value the rules refuse
// (product_store.h) is a 400 naming the field. Managers only (the caller checks).
//
// Thread safety: call with the store's mutex held (SyncService does).
#ifndef FIELDBOOK_SERVER_API_PRODUCT_API_H_
#define FIELDBOOK_SERVER_API_PRODUCT_API_H_

#include <optional>
#include <string>

#include "fieldbook/hlc.h"
#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The answer for a /v1/admin/products route, or nullopt for any other path. `actor` goes to the
// audit log ("manager:<rep>").
std::optional<HttpResponse> HandleProductAdminRequest(ServerStore& store, WallClock& wall,
                                                      const HttpRequest& request,
                                                      const std::string& actor);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_API_PRODUCT_API_H_

// The admin routes behind the console's Customers, Territories & reps, Grading and Review
// (duplicates) pages (issue #16; docs/server.md "The console's pages"). Each is an admin route like
// the others, so a script with a manager's token can do what the console does:
//
//   GET  /v1/admin/customers[?q&rep&territory&tier&city&offset&limit]   search
//   GET  /v1/admin/customers/archive?id=C                                one customer's archive
//   POST /v1/admin/customers/territory {"customer","territory","reason"?}
//   POST /v1/admin/customers/move {"filter":{...},"to","reason"?,"dry_run"?}   bulk, by filter
//   POST /v1/admin/territories {"name","region"?,"city"?,"rep"?}          create
//   PUT  /v1/admin/territories {"id","name"?,"region"?,"city"?,"rep"?}    edit
//   POST /v1/admin/reps {"id"?,"name","role"?,"regions"?,"phone"?,"email"?,"device"?}
//   GET  /v1/admin/duplicates[?status=open|merged|distinct|all&limit=N]
//   POST /v1/admin/duplicates/merge {"survivor","loser","reason"?}
//   POST /v1/admin/duplicates/distinct {"a","b","reason"?}
//   POST /v1/admin/grading/preview  <grading rules>                      nothing is saved
//   GET  /v1/admin/labels      the enumerations' labels in English and Chinese (lang_text.h)
//
// Bodies are JSON objects of at most 8 KiB (64 KiB for the grading preview) naming only their
// fields; a malformed field is 400 naming it ("field: why"), as the console shows it by the field.
//
// Thread safety: call with the store's lock held (SyncService does).
#ifndef FIELDBOOK_SERVER_API_CONSOLE_PAGES_API_H_
#define FIELDBOOK_SERVER_API_CONSOLE_PAGES_API_H_

#include <optional>
#include <string>

#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The answer when `request` is one of the routes above (the caller is a manager; `actor` names
// them for the audit log), else nullopt.
std::optional<HttpResponse> HandleConsolePagesRequest(ServerStore& store,
                                                      const HttpRequest& request,
                                                      const std::string& actor, WallClock& wall);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_API_CONSOLE_PAGES_API_H_

// The admin API's spreadsheet routes (issue #17), mirroring `fieldbook-server import` and
// `export KIND` (docs/import.md):
//   POST /v1/admin/import/{customers|contacts|orders|visits}
//        [?dry_run=1&encoding=auto|utf-8|gb18030&sheet=NAME&on_duplicate=skip|merge|flag]
//        body: the .csv or .xlsx file itself, as raw bytes (any Content-Type; not JSON, not
//        base64), at most ImportApiOptions::max_upload_bytes (413 on a larger Content-Length before
//        any byte is read). Answer: the import report (importer.h) as JSON; 400 naming the row
//        and column for a file that cannot be imported.
//   GET  /v1/admin/export/{customers|contacts|orders|visits}[?format=csv|xlsx&rep=R&territory=T]
//        the sheet (text/csv, or the xlsx bytes).
// Managers only (403 otherwise, decided on the header: a rep's upload is never read).
//
// Thread safety: HandleImportRequest is called with the store's mutex held (SyncService does);
// SaveUpload needs no lock.
#ifndef FIELDBOOK_SERVER_IMPORT_API_H_
#define FIELDBOOK_SERVER_IMPORT_API_H_

#include <string>

#include "fieldbook/hlc.h"
#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

struct ImportApiOptions {
  size_t max_upload_bytes = 32u << 20;  // capped by the HTTP server's body_limit too
};

bool IsImportRoute(const std::string& path);

// Writes an upload to a new temporary file (mode 0600) and returns its path; the caller removes
// it. Done before taking the store's lock.
Result<std::string> SaveUpload(const std::string& body);

HttpResponse HandleImportRequest(ServerStore& store, WallClock& wall, const HttpRequest& request,
                                 const Principal& caller, const std::string& upload_path);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORT_API_H_

// The admin API's spreadsheet routes (issue #17), mirroring `fieldbook-server import` and
// `export KIND` (docs/import.md):
//   POST /v1/admin/import/{customers|contacts|orders|visits|products}
//        [?dry_run=1&encoding=auto|utf-8|gb18030&sheet=NAME&on_duplicate=skip|merge|flag]
//        body: the .csv or .xlsx file itself, as raw bytes (any Content-Type; not JSON, not
//        base64), at most ImportApiOptions::max_upload_bytes (413 on a larger Content-Length before
//        any byte is read, or as soon as a chunked body passes it). The HTTP server streams the
//        body to a temporary file (HttpAdmission::body_to_file), never into memory; the import
//        reads that file and takes the store's lock one batch at a time, so devices keep syncing.
//        Answer: the import report (importer.h) as JSON; 400 naming the row and column for a
//        file that cannot be imported.
//        With `&job=1` the import runs as a job (import_jobs.h) and the answer comes at once:
//        202 {"job": ID, "poll": "/v1/admin/import/jobs/ID"} (and a Location header); 409
//        `import_running` while another job runs.
//   GET  /v1/admin/import/jobs/{id}
//        the job's progress (phase, rows of total_rows, bytes of total_bytes, issues) and, once it
//        ended, "status" and "result": what the synchronous POST would have answered. Only the
//        session (or bearer token) that started it sees it: 404 for anyone else, as for an
//        unknown id or one dropped (the latest ImportJobs::kKeptJobs ended jobs are kept).
//   GET  /v1/admin/export/{customers|contacts|orders|visits}[?format=csv|xlsx&rep=R&territory=T]
//        the sheet (text/csv, or the xlsx bytes).
// Managers only (403 otherwise, decided on the header: a rep's upload is never read).
//
// Thread safety: HandleImportRequest is called WITHOUT the store's lock: it takes it through
// `lock_store` (an import one batch at a time, an export for its whole run).
#ifndef FIELDBOOK_SERVER_IMPORT_API_H_
#define FIELDBOOK_SERVER_IMPORT_API_H_

#include <functional>
#include <mutex>
#include <string>

#include "api/import_jobs.h"
#include "fieldbook/hlc.h"
#include "http/http_types.h"
#include "store/server_store.h"

namespace fieldbook::server {

struct ImportApiOptions {
  // Streamed to disk, so not capped by the HTTP server's in-memory body_limit: 1,000,000 order
  // lines are about 62 MB of CSV.
  size_t max_upload_bytes = 256u << 20;
};

bool IsImportRoute(const std::string& path);

// `request.body_path`: the uploaded file (HttpAdmission::body_to_file).
// `jobs`: where `?job=1` imports run (null: such a request answers 503).
HttpResponse HandleImportRequest(ServerStore& store, WallClock& wall, const HttpRequest& request,
                                 const Principal& caller,
                                 const std::function<std::unique_lock<std::mutex>()>& lock_store,
                                 ImportJobs* jobs);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_IMPORT_API_H_

#include "api/import_api.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/console_api.h"
#include "api/http_json.h"
#include "auth/auth.h"
#include "commands/import_commands.h"
#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "fieldbook/utf8.h"
#include "import/import_preview.h"
#include "import/table_export.h"

namespace fieldbook::server {

namespace {

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

// An import's failure: a file that cannot be read is "invalid_file"; the rest by the one mapping.
HttpResponse StatusError(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) {
    return JsonError(400, "invalid_file", s.message(), s.phrase());
  }
  return StatusResponse(s);
}

// A new empty temporary file (mode 0600) for an xlsx export; the caller removes it.
Result<std::string> TempFile() {
  std::string path = (std::filesystem::temp_directory_path() / "fieldbook-export-XXXXXX").string();
  const int fd = mkstemp(path.data());
  if (fd < 0) return Status::Io("cannot create a temporary file for the export");
  ::close(fd);
  return path;
}

// Whose job it is: the console session (by the hash of its cookie) or the bearer token's device.
std::string JobOwner(const HttpRequest& request, const Principal& caller) {
  if (!BearerToken(request.authorization).empty()) {
    return "device:" + caller.rep_id + ":" + std::to_string(caller.device_id);
  }
  return "session:" + HashToken(CookieValue(request.cookie, kSessionCookie));
}

// GET /v1/admin/import/jobs/{id}: the caller's job (import_jobs.h); 404 for an unknown id, one
// dropped, and another session's or token's.
HttpResponse JobRequest(const ImportJobs* jobs, const HttpRequest& request, const Principal& caller,
                        const std::string& rest) {
  if (request.method != "GET") {
    return JsonError(405, "method_not_allowed", "use GET",
                     Phrase{"http_use_get", {{"path", PathOf(request.target)}}});
  }
  const std::string prefix = "jobs/";
  const std::string id = rest.rfind(prefix, 0) == 0 ? rest.substr(prefix.size()) : "";
  std::optional<boost::json::object> job;
  if (jobs != nullptr && !id.empty()) job = jobs->Get(id, JobOwner(request, caller));
  if (!job) return JsonError(404, "not_found", Phrase{"http_no_import_job", {{"id", id}}});
  return JsonResponse(*job);
}

}  // namespace

bool IsImportRoute(const std::string& path) {
  return path.rfind("/v1/admin/import/", 0) == 0 || path.rfind("/v1/admin/export/", 0) == 0;
}

HttpResponse HandleImportRequest(ServerStore& store, WallClock& wall, const HttpRequest& request,
                                 const Principal& caller,
                                 const std::function<std::unique_lock<std::mutex>()>& lock_store,
                                 ImportJobs* jobs) {
  if (!caller.is_manager()) {
    return JsonError(403, "forbidden", Phrase{"http_admin_needs_manager", {}});
  }
  const std::string path = PathOf(request.target);
  const bool import = path.rfind("/v1/admin/import/", 0) == 0;
  const std::string kind =
      path.substr(std::string(import ? "/v1/admin/import/" : "/v1/admin/export/").size());
  if (import && kind.rfind("jobs", 0) == 0) return JobRequest(jobs, request, caller, kind);
  if (import) {
    if (request.method != "POST") {
      return JsonError(405, "method_not_allowed", "POST the file to " + path,
                       Phrase{"http_use_post", {{"path", path}}});
    }
    std::error_code size_error;
    if (request.body_path.empty() ||
        std::filesystem::file_size(request.body_path, size_error) == 0 || size_error) {
      return JsonError(400, "invalid_file", Phrase{"http_upload_empty", {}});
    }
    ImportArgs args;
    args.kind = kind;
    args.dry_run = QueryParam(request.target, "dry_run") == "1" ||
                   QueryParam(request.target, "dry_run") == "true";
    const std::string encoding = QueryParam(request.target, "encoding");
    if (!encoding.empty()) args.encoding = encoding;
    args.sheet = QueryParam(request.target, "sheet");
    const std::string dup = QueryParam(request.target, "on_duplicate");
    if (!dup.empty()) args.on_duplicate = dup;
    args.today = QueryParam(request.target, "today");
    if (!args.today.empty() && !IsValidDate(args.today)) {
      return JsonError(400, "invalid_field", "today must be a date YYYY-MM-DD",
                       Phrase{"http_field_date", {{"field", "today"}}});
    }
    // Test hook: FIELDBOOK_TEST_IMPORT_BATCH_ROWS is the default (the browser test's page shows
    // three batches of a small file).
    int64_t default_batch = 5000;
    if (const char* rows = std::getenv("FIELDBOOK_TEST_IMPORT_BATCH_ROWS")) {
      default_batch = std::clamp<int64_t>(std::atoll(rows), 1, 100000);
    }
    const auto batch = IntParam(request.target, "batch_rows", 1, 100000, default_batch);
    if (!batch) return BadIntParam("batch_rows", 1, 100000);
    args.batch_rows = static_cast<size_t>(*batch);
    args.mapping_json = QueryParam(request.target, "mapping");
    auto options = MakeImportOptions(args);
    if (!options.ok()) {
      return JsonError(400, "invalid_field", options.status().message(), options.status().phrase());
    }
    options->path = request.body_path;
    options->lock_store = lock_store;
    if (QueryParam(request.target, "preview") == "1") {  // reads the file only: no lock
      auto preview = PreviewImport(*options);
      if (!preview.ok()) return StatusError(preview.status());
      return HttpResponse{200, "application/json", WriteJson(ImportPreviewJson(*preview)), {}};
    }
    const std::string name = QueryParam(request.target, "name");
    options->name = name.empty() ? "upload" : Utf8Prefix(Utf8Scrub(name), 200);
    options->actor = "manager:" + caller.rep_id;
    if (const char* pause = std::getenv("FIELDBOOK_TEST_IMPORT_PAUSE_MS")) {
      options->pause_between_batches_ms = std::atoll(pause);
    }
    auto run = [&store, &wall](const ImportOptions& o) {
      auto report = RunImport(store, wall, o);
      if (!report.ok()) return StatusError(report.status());
      return HttpResponse{200, "application/json", WriteJson(ImportReportJson(*report)), {}};
    };
    if (QueryParam(request.target, "job") != "1") return run(*options);
    if (jobs == nullptr) return JsonError(503, "unavailable", Phrase{"http_import_jobs_off", {}});
    // The job owns the upload from here: moved beside it, since the HTTP server removes the
    // request's file once this handler returns.
    options->path = request.body_path + ".job";
    std::error_code moved;
    std::filesystem::rename(request.body_path, options->path, moved);
    if (moved) return JsonError(500, "internal", Phrase{"http_upload_not_kept", {}});
    auto id = jobs->Start(JobOwner(request, caller), *options, run);
    if (!id.ok()) {
      if (id.status().code() == StatusCode::kConflict) {
        return JsonError(409, "import_running", id.status().message(), id.status().phrase());
      }
      return StatusResponse(id.status());
    }
    HttpResponse accepted = JsonResponse(
        boost::json::object{{"job", *id}, {"poll", "/v1/admin/import/jobs/" + *id}}, 202);
    accepted.headers.emplace_back("Location", "/v1/admin/import/jobs/" + *id);
    return accepted;
  }
  if (request.method != "GET") {
    return JsonError(405, "method_not_allowed", "use GET",
                     Phrase{"http_use_get", {{"path", PathOf(request.target)}}});
  }
  auto lock = lock_store();
  TableExportOptions o;
  auto parsed = ParseImportKind(kind);
  if (!parsed.ok()) {
    return JsonError(404, "not_found", parsed.status().message(), parsed.status().phrase());
  }
  o.kind = *parsed;
  o.format = QueryParam(request.target, "format");
  if (o.format.empty()) o.format = "csv";
  o.rep = QueryParam(request.target, "rep");
  o.territory = QueryParam(request.target, "territory");
  if (o.format == "csv") {
    std::ostringstream out;
    auto r = ExportTableCsv(store, o, out);
    if (!r.ok()) return StatusError(r.status());
    return HttpResponse{200, "text/csv; charset=utf-8", out.str(), {}};
  }
  if (o.format != "xlsx") {
    return JsonError(400, "invalid_field", "format must be csv or xlsx",
                     Phrase{"http_field_one_of", {{"field", "format"}, {"choices", "csv, xlsx"}}});
  }
  auto file = TempFile();
  if (!file.ok()) return StatusError(file.status());
  auto r = ExportTableXlsx(store, o, *file);
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(*file);
  if (!r.ok()) return StatusError(r.status());
  return HttpResponse{
      200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes.str(), {}};
}

}  // namespace fieldbook::server

#include "api/import_api.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/http_json.h"
#include "commands/import_commands.h"
#include "fieldbook/json.h"
#include "import/table_export.h"

namespace fieldbook::server {

namespace {

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

// An import's failure: a file that cannot be read is "invalid_file"; the rest by the one mapping.
HttpResponse StatusError(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) return JsonError(400, "invalid_file", s.message());
  return StatusResponse(s);
}

}  // namespace

bool IsImportRoute(const std::string& path) {
  return path.rfind("/v1/admin/import/", 0) == 0 || path.rfind("/v1/admin/export/", 0) == 0;
}

Result<std::string> SaveUpload(const std::string& body) {
  std::string path = (std::filesystem::temp_directory_path() / "fieldbook-upload-XXXXXX").string();
  const int fd = mkstemp(path.data());  // mode 0600
  if (fd < 0) return Status::Io("cannot create a temporary file for the upload");
  size_t done = 0;
  while (done < body.size()) {
    const ssize_t n = ::write(fd, body.data() + done, body.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return Status::Io("cannot write the upload to a temporary file");
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return path;
}

HttpResponse HandleImportRequest(ServerStore& store, WallClock& wall, const HttpRequest& request,
                                 const Principal& caller, const std::string& upload_path) {
  if (!caller.is_manager()) {
    return JsonError(403, "forbidden", "the admin API needs a manager's token");
  }
  const std::string path = PathOf(request.target);
  const bool import = path.rfind("/v1/admin/import/", 0) == 0;
  const std::string kind =
      path.substr(std::string(import ? "/v1/admin/import/" : "/v1/admin/export/").size());
  if (import) {
    if (request.method != "POST") {
      return JsonError(405, "method_not_allowed", "POST the file to " + path);
    }
    if (request.body.empty()) {
      return JsonError(400, "invalid_file", "the upload is empty: there is nothing to import");
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
    auto options = MakeImportOptions(args);
    if (!options.ok()) return JsonError(400, "invalid_field", options.status().message());
    options->path = upload_path;
    const std::string name = QueryParam(request.target, "name");
    options->name = name.empty() ? "upload" : name.substr(0, 200);
    options->actor = "manager:" + caller.rep_id;
    auto report = RunImport(store, wall, *options);
    if (!report.ok()) return StatusError(report.status());
    return HttpResponse{200, "application/json", WriteJson(ImportReportJson(*report)), {}};
  }
  if (request.method != "GET") return JsonError(405, "method_not_allowed", "use GET");
  TableExportOptions o;
  auto parsed = ParseImportKind(kind);
  if (!parsed.ok()) return JsonError(404, "not_found", parsed.status().message());
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
  if (o.format != "xlsx") return JsonError(400, "invalid_field", "format must be csv or xlsx");
  auto file = SaveUpload("");
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

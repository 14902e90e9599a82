#include "api/console_assets.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "api/console_api.h"
#include "auth/auth.h"

namespace fieldbook::server {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxFiles = 4096;
constexpr size_t kMaxTotalBytes = 64u << 20;
constexpr std::string_view kPrefix = "/console/";

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The file a path under /console/ names, or nullopt when the path is refused.
std::optional<std::string> RelativePath(std::string_view encoded) {
  std::string rel;
  for (size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '%') {
      if (i + 2 >= encoded.size()) return std::nullopt;
      const int hi = HexDigit(encoded[i + 1]), lo = HexDigit(encoded[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return std::nullopt;
    rel.push_back(c);
  }
  if (rel.empty()) return std::string("index.html");
  size_t start = 0;
  while (true) {
    const size_t end = rel.find('/', start);
    const std::string_view seg = std::string_view(rel).substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return std::nullopt;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return rel;
}

HttpResponse Redirect(const std::string& to, bool tls) {
  HttpResponse r{302, "text/plain; charset=utf-8", "see " + to + "\n", {}};
  r.headers.emplace_back("Location", to);
  r.headers.emplace_back("Cache-Control", "no-cache");
  AddSecurityHeaders(r, tls);
  return r;
}

HttpResponse Secured(HttpResponse r, bool tls) {
  AddSecurityHeaders(r, tls);
  return r;
}

}  // namespace

std::string ContentTypeFor(std::string_view name) {
  const size_t dot = name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool ConsoleAssets::IsConsolePath(std::string_view path) {
  return path == "/" || path == "/console" || path.substr(0, kPrefix.size()) == kPrefix;
}

std::string ConsoleAssets::DefaultDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (const fs::path& dir : {exe.parent_path() / "console",
                              exe.parent_path().parent_path() / "share/fieldbook/console"}) {
    if (fs::is_regular_file(dir / "index.html", ec)) return dir.string();
  }
  return "";
}

Result<std::shared_ptr<const ConsoleAssets>> ConsoleAssets::Load(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound("no console folder at " + dir);
  auto assets = std::make_shared<ConsoleAssets>();
  assets->dir_ = dir;
  size_t total = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    const std::string rel = fs::relative(it->path(), dir, ec).generic_string();
    if (ec) break;
    if (assets->files_.size() >= kMaxFiles) {
      return Status::ResourceExhausted("more than 4096 files in the console folder " + dir);
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) return Status::Io("cannot read " + it->path().string());
    File f{ContentTypeFor(rel), "", body.str()};
    total += f.body.size();
    if (total > kMaxTotalBytes) {
      return Status::ResourceExhausted("the console folder " + dir + " holds over 64 MiB");
    }
    f.etag = "\"" + HashToken(f.body).substr(0, 32) + "\"";
    assets->files_.emplace(rel, std::move(f));
  }
  if (ec) return Status::Io("cannot list the console folder " + dir + ": " + ec.message());
  if (!assets->files_.count("index.html")) {
    return Status::NotFound("the console folder " + dir + " has no index.html");
  }
  return std::shared_ptr<const ConsoleAssets>(std::move(assets));
}

HttpResponse ConsoleAssets::Serve(const HttpRequest& request) const {
  const std::string path = PathOf(request.target);
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = JsonError(405, "method_not_allowed", Phrase{"http_console_read_only", {}});
    r.headers.emplace_back("Allow", "GET, HEAD");
    return Secured(std::move(r), request.tls);
  }
  if (path == "/" || path == "/console") return Redirect("/console/", request.tls);
  const auto rel = RelativePath(std::string_view(path).substr(kPrefix.size()));
  if (!rel) {
    return Secured(JsonError(400, "bad_path", Phrase{"http_console_bad_path", {}}), request.tls);
  }
  const auto it = files_.find(*rel);
  if (it == files_.end()) {
    return Secured(JsonError(404, "not_found", Phrase{"http_console_no_file", {{"path", *rel}}}),
                   request.tls);
  }
  const File& f = it->second;
  HttpResponse r{200, f.content_type, "", {}};
  r.headers.emplace_back("ETag", f.etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (!request.if_none_match.empty() &&
      (request.if_none_match == f.etag || request.if_none_match == "*" ||
       request.if_none_match.find(f.etag) != std::string::npos)) {
    r.status = 304;
    r.content_type.clear();
  } else {
    r.body = f.body;
  }
  return Secured(std::move(r), request.tls);
}

HttpResponse ServeWithoutAssets(const HttpRequest& request) {
  const std::string path = PathOf(request.target);
  if ((request.method == "GET" || request.method == "HEAD") &&
      (path == "/" || path == "/console")) {
    return Redirect("/console/", request.tls);
  }
  return Secured(JsonError(404, "console_not_installed", Phrase{"http_console_not_installed", {}}),
                 request.tls);
}

}  // namespace fieldbook::server

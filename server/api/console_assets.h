// ConsoleAssets: the manager's console's static files (HTML, JavaScript modules, CSS, the ECharts
// build), read once at start from the folder the build or the install put them in, and served at
// /console/ (issue #16). `/` and `/console` redirect to /console/.
//
//  * Files are looked up in an in-memory table by their exact relative path, so nothing outside
//    the folder can be served; a path with `.` or `..` segments, an empty segment, a backslash, a
//    NUL or a bad %-escape is refused with 400 before any lookup.
//  * Content-Type by extension (text/html, text/javascript, text/css ... with charset=utf-8 for
//    text); an unknown extension is application/octet-stream. With X-Content-Type-Options: nosniff
//    the browser never guesses.
//  * Caching: every file has a strong ETag (part of its SHA-256) and `Cache-Control: no-cache`,
//    so browsers revalidate (If-None-Match -> 304) and an upgraded server is seen at once.
//  * Every answer carries the console's security headers (console_api.h, AddSecurityHeaders).
//  * Limits at load: at most 4096 files and 64 MiB in all; symbolic links are not followed.
//
// Thread safety: immutable after Load; Serve may be called from any thread concurrently.
#ifndef FIELDBOOK_SERVER_CONSOLE_ASSETS_H_
#define FIELDBOOK_SERVER_CONSOLE_ASSETS_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "fieldbook/status.h"
#include "http/http_types.h"

namespace fieldbook::server {

class ConsoleAssets {
 public:
  struct File {
    std::string content_type;
    std::string etag;
    std::string body;
  };

  // Reads every regular file under `dir`. kNotFound when `dir` is not a folder or holds no
  // index.html; kResourceExhausted over the limits.
  static Result<std::shared_ptr<const ConsoleAssets>> Load(const std::string& dir);
  // The folder the server was installed with: <exe>/console (a build tree) or
  // <exe>/../share/fieldbook/console (an install); "" when neither holds an index.html.
  static std::string DefaultDir();

  // True for "/", "/console" and "/console/...".
  static bool IsConsolePath(std::string_view path);
  // Answers GET and HEAD of a console path (anything else 405).
  HttpResponse Serve(const HttpRequest& request) const;

  size_t file_count() const { return files_.size(); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::map<std::string, File, std::less<>> files_;
};

// A console path without assets to serve: 404 naming the missing install (and the redirects).
HttpResponse ServeWithoutAssets(const HttpRequest& request);

// The content type served for a file name (by extension).
std::string ContentTypeFor(std::string_view name);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_CONSOLE_ASSETS_H_

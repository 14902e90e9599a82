// HttpRequest, HttpResponse and RequestHandler: the boundary between the HTTP transport
// (http_server.h) and what the service does with a request (sync_service.h, admin_api.h).
//
// A request reaches its handler in two steps: Admit() sees the request line and headers before
// any body byte is read and decides whether the body is wanted at all (authentication, routing,
// the route's body limit); Handle() then gets the whole request.
//
// Thread safety: RequestHandler::Admit and Handle are called concurrently from the server's
// worker threads; implementations synchronise their own state.
#ifndef FIELDBOOK_SERVER_HTTP_TYPES_H_
#define FIELDBOOK_SERVER_HTTP_TYPES_H_

#include <any>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/phrase.h"

namespace boost::json {
class value;
}

namespace fieldbook::server {

struct HttpRequest {
  HttpRequest() = default;
  HttpRequest(std::string method_, std::string target_, std::string authorization_,
              std::string content_type_, std::string body_, std::string remote_)
      : method(std::move(method_)),
        target(std::move(target_)),
        authorization(std::move(authorization_)),
        content_type(std::move(content_type_)),
        body(std::move(body_)),
        remote(std::move(remote_)) {}

  std::string method;         // "GET", "POST", ...
  std::string target;         // path and query, e.g. "/v1/sync"
  std::string authorization;  // the Authorization header, verbatim ("" when absent)
  std::string content_type;
  std::string body;  // Handle() only
  // Handle() only, on a route admitted with HttpAdmission::body_to_file: the 0600 temporary file
  // holding the body (`body` stays empty). The server removes it after Handle() returns.
  std::string body_path;
  std::string remote;                      // peer address, for logs
  std::string cookie;                      // the Cookie header ("" when absent)
  std::string csrf_token;                  // the X-CSRF-Token header (console_api.h)
  std::string if_none_match;               // the If-None-Match header (console assets)
  bool tls = false;                        // the request came over HTTPS
  std::optional<uint64_t> content_length;  // the declared length; none when chunked or absent
  bool has_body = false;                   // a body follows the header
  std::any admitted;  // what Admit() put into HttpAdmission::context, handed to Handle()
  // The body parsed as JSON, when the handler parsed it before taking any lock (sync_service).
  std::shared_ptr<const boost::json::value> json;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// The slowest average rate a body_to_file upload may arrive at (bytes per second).
inline constexpr size_t kMinFileBodyRate = 256u << 10;

// What Admit() decides about a request whose header has arrived.
struct HttpAdmission {
  // Set: answer this without reading the body (the connection then closes when a body was
  // announced, since it is never read).
  std::optional<HttpResponse> response;
  // The largest body this route accepts; the server's own body_limit caps it too. A larger
  // Content-Length is answered 413 before the body is read.
  size_t body_limit = SIZE_MAX;
  // Set: the body is streamed to a new temporary file (mode 0600, in TMPDIR) instead of memory,
  // and Handle() gets its path in HttpRequest::body_path. body_limit then applies alone (the
  // server's in-memory body_limit and in-flight budget do not: the body is on disk). Each read
  // must come within read_timeout of the previous one, and the whole body within read_timeout
  // plus body_limit at kMinFileBodyRate; a body cut short or too slow is never handed to Handle
  // (the connection closes, the file is removed).
  bool body_to_file = false;
  // A short, fixed name of the route for metrics (latency by route); keep the set small.
  std::string route = "other";
  std::any context;  // handed to Handle() as HttpRequest::admitted
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // The request line and headers of `head` (its body is empty). The default admits everything.
  virtual HttpAdmission Admit(const HttpRequest& head) {
    (void)head;
    return {};
  }
  virtual HttpResponse Handle(const HttpRequest& request) = 0;
};

// {"error":{"code":"...","message":"..."}} with the given status. An error with a phrase (a code
// and values, fieldbook/phrase.h) carries them beside it: "error_code": "http_unauthorized",
// "error_values": {...}, so a device renders it in the rep's language while an old one reads the
// English message as before. A 500 or 503 without a phrase is the server's own words (a path,
// SQL, a connection's error): they go to the log, and the answer is the code http_internal or
// http_unavailable with its English.
HttpResponse JsonError(int status, const std::string& code, const std::string& message,
                       const Phrase* phrase = nullptr);
// One of the server's own refusals (fieldbook/lang_text.h HttpRefusals: codes http_...): the
// message is its English with the values filled in, and the code and values ride beside it.
HttpResponse JsonError(int status, const std::string& code, const Phrase& refusal);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_HTTP_TYPES_H_

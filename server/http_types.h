// HttpRequest, HttpResponse and RequestHandler: the boundary between the HTTP transport
// (http_server.h) and what the service does with a request (sync_service.h, admin_api.h).
//
// Thread safety: RequestHandler::Handle is called concurrently from the server's worker threads;
// implementations synchronise their own state.
#ifndef FIELDBOOK_SERVER_HTTP_TYPES_H_
#define FIELDBOOK_SERVER_HTTP_TYPES_H_

#include <string>
#include <utility>
#include <vector>

namespace fieldbook::server {

struct HttpRequest {
  std::string method;         // "GET", "POST", ...
  std::string target;         // path and query, e.g. "/v1/sync"
  std::string authorization;  // the Authorization header, verbatim ("" when absent)
  std::string content_type;
  std::string body;
  std::string remote;  // peer address, for logs
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual HttpResponse Handle(const HttpRequest& request) = 0;
};

// {"error":{"code":"...","message":"..."}} with the given status.
HttpResponse JsonError(int status, const std::string& code, const std::string& message);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_HTTP_TYPES_H_

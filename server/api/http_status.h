// The server's one mapping from a Status to an HTTP answer (docs/server.md "Errors"). Every API
// that turns a store or engine Status into a response goes through it: the JSON APIs with
// StatusResponse (http_json.h), the import routes, and /v1/sync's refused pushes.
//
//   kInvalidArgument   400 invalid       the request is malformed or breaks a rule
//   kNotFound          404 not_found
//   kConflict          409 conflict      valid, but clashes with the current state
//   kRejected          422 rejected      refused by a policy (scope, immutability, limits)
//   kResourceExhausted 413 too_large
//   kUnavailable       503 unavailable   retrying later may help
//   kCorrupt, kIo, kInternal  500 internal  the server's own data or machine failed
//
// The /v1/sync wire (docs/sync.md, HttpWire::kSync) keeps the two answers devices have relied on
// since wire version 1: a refused push is 403 (clients treat 403 as "refused for good" and 422
// as a transient failure to retry), and damaged bytes are 400 (a push is decoded from the
// request). Everything else is the same table.
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_SERVER_HTTP_STATUS_H_
#define FIELDBOOK_SERVER_HTTP_STATUS_H_

#include <string_view>

#include "fieldbook/status.h"

namespace fieldbook::server {

enum class HttpWire {
  kJson,  // the JSON APIs: /v1/admin, /v1/pool, /v1/reports, /v1/admin/import
  kSync,  // /v1/sync's binary wire
};

// The HTTP status for a failed `code` (never kOk: 500).
int HttpStatusFor(StatusCode code, HttpWire wire = HttpWire::kJson);
// The JSON error's "error" value for `code` ("invalid", "not_found", ...).
std::string_view HttpErrorCodeFor(StatusCode code);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_HTTP_STATUS_H_

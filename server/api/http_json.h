// The small pieces the server's JSON APIs share (admin_api, report_api, assignment_api,
// nightly_api): a JSON reply, a store Status as a JSON error, and query parameters read from a
// request target. JsonError itself lives with the transport (http_types.h).
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_SERVER_HTTP_JSON_H_
#define FIELDBOOK_SERVER_HTTP_JSON_H_

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "http/http_types.h"

namespace fieldbook::server {

// `body` serialized, as application/json with `status`.
HttpResponse JsonResponse(const boost::json::value& body, int status = 200);

// A store Status as a JSON error, by the server's one mapping (http_status.h): kInvalidArgument
// 400, kNotFound 404, kConflict 409, kRejected 422, kResourceExhausted 413, kUnavailable 503,
// anything else 500.
HttpResponse StatusResponse(const Status& status);

// [to_json(item), ...] for each item of `items`.
template <typename Items, typename ToJson>
boost::json::array JsonArray(const Items& items, ToJson&& to_json) {
  boost::json::array out;
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

// A store's list as the answer {"<key>": [to_json(item), ...]}, or its error (StatusResponse).
template <typename T, typename ToJson>
HttpResponse ListResponse(const Result<std::vector<T>>& list, const char* key, ToJson&& to_json) {
  if (!list.ok()) return StatusResponse(list.status());
  return JsonResponse(boost::json::object{{key, JsonArray(*list, to_json)}});
}

// The request's JSON body: the value SyncService parsed before taking the store's lock
// (request.json), or, for a request that did not come through it, the body parsed into `storage`.
// A body that is not JSON reads as null.
const boost::json::value& RequestJson(const HttpRequest& request, boost::json::value& storage);

// The percent-decoded value of query parameter `name` in `target`; "1" for a bare "?name";
// "" when absent.
std::string QueryParam(const std::string& target, const std::string& name);

// A whole number in [lo, hi] from query parameter `name`: `fallback` when absent or empty;
// nullopt when malformed or out of range (answer it with BadIntParam).
std::optional<int64_t> IntParam(const std::string& target, const char* name, int64_t lo, int64_t hi,
                                int64_t fallback);
// The 400 for a query parameter IntParam refused, naming it and its range.
HttpResponse BadIntParam(const char* name, int64_t lo, int64_t hi);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_HTTP_JSON_H_

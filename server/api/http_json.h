// The small pieces the server's JSON APIs share (admin_api, report_api, assignment_api,
// nightly_api): a JSON reply, a store Status as a JSON error, and query parameters read from a
// request target. JsonError itself lives with the transport (http_types.h).
//
// Thread safety: pure functions; call from any thread.
#ifndef FIELDBOOK_SERVER_HTTP_JSON_H_
#define FIELDBOOK_SERVER_HTTP_JSON_H_

#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fieldbook/status.h"
#include "http/http_types.h"

namespace fieldbook::server {

// `body` serialized, as application/json with `status`.
HttpResponse JsonResponse(const boost::json::value& body, int status = 200);

// A refusal whose English a call site wrote before it sent a code (kept as "error"."message" for
// old readers and scripts), with the HttpRefusals code and values it means beside it
// (fieldbook/lang_text.h; JsonError of http_types.h).
HttpResponse JsonError(int status, const std::string& code, const std::string& message,
                       const Phrase& refusal);

// A store Status as a JSON error, by the server's one mapping (http_status.h): kInvalidArgument
// 400, kNotFound 404, kConflict 409, kRejected 422, kResourceExhausted 413, kUnavailable 503,
// anything else 500.
HttpResponse StatusResponse(const Status& status);

// `body` as the answer when `status` is OK, else its error (StatusResponse).
HttpResponse JsonResponseIf(const Status& status, const boost::json::value& body);

// A PUT or POST of new rules into `rules` (GradingStore, AssignmentStore): the body SyncService
// parsed before taking the store's lock when it was JSON, else its text (for the store's own
// error); the answer {"ok": true, "version": n}, or the store's error.
template <typename RulesStore>
HttpResponse SetRulesResponse(RulesStore& rules, const HttpRequest& request,
                              const std::string& actor) {
  auto version = request.json != nullptr && !request.json->is_null()
                     ? rules.SetParsedRules(*request.json, actor)
                     : rules.SetRules(request.body, actor);
  if (!version.ok()) return StatusResponse(version.status());
  return JsonResponse(boost::json::object{{"ok", true}, {"version", *version}});
}

// A described record (BOOST_DESCRIBE_STRUCT beside its type) as a JSON object: each described field
// under its own name, in the order described. The one writer of every record whose JSON names are
// its field names (an assignment move, an unplaced customer, a grade point, a demo rep).
template <typename T>
boost::json::object FieldsJson(const T& record) {
  boost::json::value v = boost::json::value_from(record);
  return std::move(v.as_object());
}

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

// The request's body as a JSON object (RequestJson), or the error answer: 413 "too_large" when it
// is larger than `max_bytes`, 400 "malformed" when it is not a JSON object.
std::variant<boost::json::object, HttpResponse> JsonObjectBody(const HttpRequest& request,
                                                               size_t max_bytes);

// `in` with its %XX escapes decoded ("%E5%BC%A0" -> "张"), and '+' as a space when `plus_is_space`
// (query strings; not path segments); a malformed escape is kept as written.
std::string PercentDecode(std::string_view in, bool plus_is_space);

// The percent-decoded value of query parameter `name` in `target`; "1" for a bare "?name";
// "" when absent.
std::string QueryParam(const std::string& target, const std::string& name);

// A whole number in [lo, hi] from query parameter `name`: `fallback` when absent or empty;
// nullopt when malformed or out of range (answer it with BadIntParam).
std::optional<int64_t> IntParam(const std::string& target, const char* name, int64_t lo, int64_t hi,
                                int64_t fallback);
// The 400 for a query parameter IntParam refused, naming it and its range.
HttpResponse BadIntParam(const char* name, int64_t lo, int64_t hi);
// The query parameters a route reads as texts, at most `max` bytes each: the refusal of the
// first one longer (400 invalid_field, http_query_too_long naming that one parameter, issue #19),
// with `english` the message old readers read; nullopt when every one fits.
std::optional<HttpResponse> LongQueryParam(
    std::initializer_list<std::pair<const char*, const std::string*>> params, size_t max,
    const std::string& english);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_HTTP_JSON_H_

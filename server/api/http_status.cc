#include "api/http_status.h"

namespace fieldbook::server {

namespace {

// The table of http_status.h: one row a code; codes not listed (kOk, kIo, kInternal) are 500
// "internal" on both wires.
struct HttpAnswer {
  StatusCode code;
  int json;                // HttpWire::kJson
  int sync;                // HttpWire::kSync
  std::string_view error;  // the JSON error's "error"
};

constexpr HttpAnswer kAnswers[] = {
    {StatusCode::kInvalidArgument, 400, 400, "invalid"},
    {StatusCode::kNotFound, 404, 404, "not_found"},
    {StatusCode::kConflict, 409, 409, "conflict"},
    {StatusCode::kRejected, 422, 403, "rejected"},
    {StatusCode::kResourceExhausted, 413, 413, "too_large"},
    {StatusCode::kUnavailable, 503, 503, "unavailable"},
    {StatusCode::kCorrupt, 500, 400, "internal"},
};
constexpr HttpAnswer kInternal{StatusCode::kInternal, 500, 500, "internal"};

const HttpAnswer& AnswerFor(StatusCode code) {
  for (const HttpAnswer& a : kAnswers) {
    if (a.code == code) return a;
  }
  return kInternal;
}

}  // namespace

int HttpStatusFor(StatusCode code, HttpWire wire) {
  const HttpAnswer& a = AnswerFor(code);
  return wire == HttpWire::kSync ? a.sync : a.json;
}

std::string_view HttpErrorCodeFor(StatusCode code) { return AnswerFor(code).error; }

}  // namespace fieldbook::server

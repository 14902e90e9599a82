// The server's one Status -> HTTP mapping (server/api/http_status.h), on the JSON APIs and on
// /v1/sync's wire, which keeps the answers devices depend on (client/sync/sync_engine.cc reads
// 403 as refused for good and anything it does not know as a failure to retry).
#include "api/http_status.h"

#include <gtest/gtest.h>

#include "api/http_json.h"

namespace fieldbook::server {
namespace {

TEST(HttpStatusTest, EveryStatusCodeHasOneAnswerOnTheJsonApis) {
  struct Case {
    StatusCode code;
    int http;
    const char* error;
  };
  const Case cases[] = {{StatusCode::kInvalidArgument, 400, "invalid"},
                        {StatusCode::kNotFound, 404, "not_found"},
                        {StatusCode::kConflict, 409, "conflict"},
                        {StatusCode::kRejected, 422, "rejected"},
                        {StatusCode::kResourceExhausted, 413, "too_large"},
                        {StatusCode::kUnavailable, 503, "unavailable"},
                        {StatusCode::kCorrupt, 500, "internal"},
                        {StatusCode::kIo, 500, "internal"},
                        {StatusCode::kInternal, 500, "internal"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(StatusCodeName(c.code)));
    EXPECT_EQ(HttpStatusFor(c.code), c.http);
    EXPECT_EQ(HttpErrorCodeFor(c.code), c.error);
    const HttpResponse r = StatusResponse(Status(c.code, "why"));
    EXPECT_EQ(r.status, c.http);
    EXPECT_NE(r.body.find(std::string("\"") + c.error + "\""), std::string::npos) << r.body;
    // The caller's own errors say why; a server-side failure's words (a 500's, a 503's) go to
    // the log only, the answer is its code (issue #19: http_json_test.cc
    // InternalErrorsAnswerACodeAndLogTheirDetail, StoreStatusesKeepTheirHttpStatus).
    EXPECT_EQ(r.body.find("why") != std::string::npos, c.http < 500) << r.body;
  }
}

TEST(HttpStatusTest, TheSyncWireKeepsRefusedAs403AndDamagedBytesAs400) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kRejected, HttpWire::kSync), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kCorrupt, HttpWire::kSync), 400);
  // The rest of the table is the JSON APIs'.
  for (StatusCode code : {StatusCode::kInvalidArgument, StatusCode::kNotFound,
                          StatusCode::kConflict, StatusCode::kResourceExhausted,
                          StatusCode::kUnavailable, StatusCode::kIo, StatusCode::kInternal}) {
    EXPECT_EQ(HttpStatusFor(code, HttpWire::kSync), HttpStatusFor(code)) << StatusCodeName(code);
  }
}

TEST(HttpStatusTest, EveryStatusCodeHasItsNameInLogsAndTheCli) {
  const std::pair<StatusCode, const char*> names[] = {
      {StatusCode::kOk, "ok"},
      {StatusCode::kInvalidArgument, "invalid_argument"},
      {StatusCode::kNotFound, "not_found"},
      {StatusCode::kConflict, "conflict"},
      {StatusCode::kRejected, "rejected"},
      {StatusCode::kCorrupt, "corrupt"},
      {StatusCode::kResourceExhausted, "resource_exhausted"},
      {StatusCode::kUnavailable, "unavailable"},
      {StatusCode::kIo, "io"},
      {StatusCode::kInternal, "internal"}};
  for (const auto& [code, name] : names) EXPECT_EQ(StatusCodeName(code), name);
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(99)), "unknown");
  EXPECT_EQ(Status::NotFound("no such rep").ToString(), "not_found: no such rep");
  EXPECT_EQ(Status::Ok().ToString(), "ok");
}

}  // namespace
}  // namespace fieldbook::server

// http_json: the JSON APIs' shared replies and query parameters.
#include "api/http_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string_view>

namespace fieldbook::server {
namespace {

std::string ErrorCode(const HttpResponse& r) {
  return std::string(boost::json::parse(r.body).at("error").at("code").as_string());
}

TEST(HttpJsonTest, QueryParametersArePercentDecoded) {
  EXPECT_EQ(QueryParam("/x?rep=rep%2Da&b=1", "rep"), "rep-a");
  EXPECT_EQ(QueryParam("/x?name=%E5%BC%A0+wei", "name"), "张 wei");
  EXPECT_EQ(QueryParam("/x?all", "all"), "1");
  EXPECT_EQ(QueryParam("/x?rep=a%zz", "rep"), "a%zz");  // malformed escapes stay as written
  EXPECT_EQ(QueryParam("/x", "rep"), "");
  EXPECT_EQ(QueryParam("/x?b=1&rep=r2", "rep"), "r2");
  EXPECT_EQ(QueryParam("/x?represent=1", "rep"), "");  // whole names only
}

TEST(HttpJsonTest, WholeNumberParametersAreCheckedAgainstTheirRange) {
  EXPECT_EQ(IntParam("/x", "limit", 1, 100, 10), 10);
  EXPECT_EQ(IntParam("/x?limit=", "limit", 1, 100, 10), 10);
  EXPECT_EQ(IntParam("/x?limit=100", "limit", 1, 100, 10), 100);
  EXPECT_EQ(IntParam("/x?limit=1", "limit", 1, 100, 10), 1);
  for (const char* bad : {"/x?limit=0", "/x?limit=101", "/x?limit=-5", "/x?limit=7x", "/x?limit=x",
                          "/x?limit=99999999999999999999"}) {
    EXPECT_FALSE(IntParam(bad, "limit", 1, 100, 10).has_value()) << bad;
  }
  const HttpResponse bad = BadIntParam("limit", 1, 100);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorCode(bad), "invalid_field");
  EXPECT_NE(bad.body.find("limit must be a whole number from 1 to 100"), std::string::npos)
      << bad.body;
}

TEST(HttpJsonTest, StoreStatusesMapToHttpStatuses) {
  struct Case {
    Status status;
    int http;
    const char* code;
  };
  const Case cases[] = {{Status::NotFound("no such rep"), 404, "not_found"},
                        {Status::InvalidArgument("bad day"), 400, "invalid"},
                        {Status::Conflict("taken"), 409, "conflict"},
                        {Status::Rejected("out of scope"), 422, "rejected"},
                        {Status::ResourceExhausted("too many"), 413, "too_large"},
                        {Status::Unavailable("lost the database"), 503, "unavailable"}};
  for (const Case& c : cases) {
    const HttpResponse r = StatusResponse(c.status);
    EXPECT_EQ(r.status, c.http) << c.status.ToString();
    EXPECT_EQ(ErrorCode(r), c.code) << c.status.ToString();
    // A 503's words are the store's: the log's (InternalErrorsAnswerACodeAndLogTheirDetail).
    if (c.http != 503) EXPECT_NE(r.body.find(c.status.message()), std::string::npos) << r.body;
  }
}

// A server-side failure (kInternal, kIo, kCorrupt, and a 500 a route writes itself) answers the
// code http_internal and its English "internal server error"; a 503 in a store's own words
// (libpq's text, a lost connection, a server shutting down) the code http_unavailable and its
// English. Their own words (a path, SQL, a connection) go to the log only, never to the caller
// (issue #19).
TEST(HttpJsonTest, InternalErrorsAnswerACodeAndLogTheirDetail) {
  struct Failure {
    Status status;
    std::string_view hidden;  // a word of the detail that must not reach the caller
  };
  const Failure failures[] = {
      {Status::Internal("disk on fire at /srv/fb/server.db"), "srv"},
      {Status(StatusCode::kIo, "write /srv/fb/server.db-wal: ENOSPC"), "srv"},
      {Status::Corrupt("page 17 of srv_pool is damaged"), "srv"},
      {Status::Unavailable("postgresql: cannot reconnect: FATAL: the database system is shutting "
                           "down (host srv-db-1)"),
       "shutting"},
      {Status::Unavailable("the server is shutting down"), "shutting"}};
  for (const auto& [s, hidden] : failures) {
    const bool unavailable = s.code() == StatusCode::kUnavailable;
    ::testing::internal::CaptureStderr();
    const HttpResponse r = StatusResponse(s);
    const std::string log = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(r.status, unavailable ? 503 : 500) << s.ToString();
    const boost::json::value body = boost::json::parse(r.body);
    EXPECT_EQ(body.at("error").at("code"), unavailable ? "unavailable" : "internal");
    EXPECT_EQ(body.at("error").at("message"), unavailable
                                                  ? "the server cannot answer just now; retry later"
                                                  : "internal server error");
    EXPECT_EQ(body.at("error_code"), unavailable ? "http_unavailable" : "http_internal");
    EXPECT_EQ(r.body.find(hidden), std::string::npos) << r.body;
    EXPECT_NE(log.find(unavailable ? "event=unavailable" : "event=internal_error"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find(s.message()), std::string::npos) << log;
  }
  // A route's own 500 in words (nightly_api, sync_api) is answered the same way.
  ::testing::internal::CaptureStderr();
  const HttpResponse own = JsonError(500, "internal", "internal: SELECT failed: no such table");
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(own.body.find("SELECT"), std::string::npos) << own.body;
  EXPECT_NE(log.find("SELECT failed"), std::string::npos) << log;
  // A busy server's 503 with a refusal of its own keeps it.
  const HttpResponse busy = JsonError(503, "busy", Phrase{"http_busy_queue", {}});
  EXPECT_EQ(boost::json::parse(busy.body).at("error_code"), "http_busy_queue");
  // A 500 with a refusal of its own (the upload could not be kept) says it as before.
  const HttpResponse kept = JsonError(500, "internal", Phrase{"http_upload_not_kept", {}});
  EXPECT_EQ(boost::json::parse(kept.body).at("error_code"), "http_upload_not_kept");
}

TEST(HttpJsonTest, JsonResponsesCarryTheBodyAndStatus) {
  const HttpResponse r = JsonResponse(boost::json::object{{"runs", 3}}, 201);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"runs":3})");
  EXPECT_EQ(JsonResponse(boost::json::array{}).status, 200);
}

}  // namespace
}  // namespace fieldbook::server

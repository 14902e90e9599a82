// The admin routes behind the console's pages (issue #16, api/console_pages_api.h) against the real
// fieldbook-server holding seed-demo's garages: customer search and archive, a customer's
// territory, moving customers by a filter, territories and reps created from the console, the
// grading preview — each with CSRF, session expiry and a rep's token refused; moves checked on a
// real device.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "integration/console_login.h"
#include "integration/server_fixture.h"
#include "integration/test_server_db.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {
namespace {

using namespace std::chrono_literals;

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class ConsolePagesTest : public ConsoleLogin<CliFixture> {
 protected:
  // seed-demo's 240 garages, made once per server build (SeedDemoOnce: ctest runs each test in a
  // process of its own); each test works on its own copy of that database.
  void SetUp() override {
    const SeededDemo seeded =
        SeedDemoOnce({"--customers", "240", "--today", "2026-11-30", "--json"});
    ASSERT_FALSE(seeded.file.empty());
    server_db_.LoadFrom(seeded.file);  // a copy (migrated on PostgreSQL)
    boost::json::value demo = ParseJson(seeded.out);
    for (const auto& r : JsonArr(demo, "reps")) tokens_[JsonStr(r, "id")] = JsonStr(r, "token");
    manager_ = AddManager();
  }
  RawReply Put(ConsoleClient& c, const std::string& target, const std::string& body) {
    return c.Request("PUT", target, body,
                     {{"Content-Type", "application/json"}, {"X-CSRF-Token", c.csrf}});
  }
  std::map<std::string, std::string> tokens_;
  std::string manager_;
};

// Every state-changing route of the pages: refused without the session's CSRF token (nothing
// changes), refused for a rep's token, and refused once the session has expired.
TEST_F(ConsolePagesTest, EveryPageRouteNeedsCsrfAManagerAndALiveSession) {
  // A session far longer than the test (the requests below may be slow on a loaded machine),
  // ended below as if its time had passed.
  ASSERT_NO_FATAL_FAILURE(StartServer(false, {"--console-session-seconds", "600"}));
  ConsoleClient c = LoggedIn();
  EXPECT_EQ(NewestSessionLifetimeMs(), 600 * 1000);
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"/v1/admin/customers/territory", R"({"customer":"x","territory":""})"},
      {"/v1/admin/customers/move", R"({"filter":{"city":"广州"},"to":"rep-li-na"})"},
      {"/v1/admin/territories", R"({"name":"新区"})"},
      {"/v1/admin/reps", R"({"id":"rep-new","name":"New Rep"})"},
      {"/v1/admin/duplicates/merge", R"({"survivor":"a","loser":"b"})"},
      {"/v1/admin/duplicates/distinct", R"({"a":"a","b":"b"})"},
      {"/v1/admin/grading/preview", R"({"window_days":365})"},
  };
  const std::string territories = c.Get("/v1/admin/territories").body;
  const std::string reps = c.Get("/v1/admin/reps").body;
  for (const auto& [route, body] : changes) {
    RawReply none = c.PostJson(route, body, /*with_csrf=*/false);
    EXPECT_EQ(none.status, 403) << route;
    EXPECT_TRUE(Has(none.body, "\"csrf\"")) << route << ": " << none.body;
    auto as_rep = Post(route, body, tokens_["rep-li-na"]);
    ASSERT_TRUE(as_rep.ok());
    EXPECT_EQ(as_rep->status, 403) << route;
  }
  RawReply put = c.Request("PUT", "/v1/admin/territories", R"({"id":"terr-gz-tianhe","name":"x"})",
                           {{"Content-Type", "application/json"}});
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(c.Get("/v1/admin/territories").body, territories);
  EXPECT_EQ(c.Get("/v1/admin/reps").body, reps);
  for (const char* read : {"/v1/admin/customers", "/v1/admin/duplicates"}) {
    EXPECT_EQ(c.Get(read).status, 200) << read;
    auto as_rep = Get(read, tokens_["rep-li-na"]);
    ASSERT_TRUE(as_rep.ok());
    EXPECT_EQ(as_rep->status, 403) << read;
  }
  // With the token they work; once the session's time has passed none does.
  EXPECT_EQ(c.PostJson("/v1/admin/grading/preview", R"({"window_days":365})").status, 200);
  ASSERT_NO_FATAL_FAILURE(ExpireConsoleSessions());
  EXPECT_EQ(c.Get("/v1/admin/customers").status, 401);
  EXPECT_EQ(c.PostJson("/v1/admin/territories", R"({"name":"新区"})").status, 401);
  EXPECT_EQ(c.PostJson("/v1/admin/grading/preview", R"({"window_days":365})").status, 401);
}

TEST_F(ConsolePagesTest, SearchFiltersPagesAndTheArchiveHoldsTheWholeCustomer) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_EQ(RunServerCommand({"grade", "--db", db_, "--today", "2026-11-30"}).exit_code, 0);
  ConsoleClient c = LoggedIn();
  boost::json::value all = ParseJson(c.Get("/v1/admin/customers?limit=1").body);
  EXPECT_EQ(JsonInt(all, "total"), 240);
  // A rep's customers, walked in pages of 25: each once, as many as the rep holds.
  boost::json::value reps = ParseJson(c.Get("/v1/admin/reps").body);
  int64_t li_na = -1;
  for (const auto& r : JsonArr(reps, "reps")) {
    if (JsonStr(r, "id") == "rep-li-na") li_na = JsonInt(r, "customers");
  }
  ASSERT_GT(li_na, 25);
  std::set<std::string> seen;
  for (int offset = 0; offset < 1000; offset += 25) {
    boost::json::value page = ParseJson(
        c.Get("/v1/admin/customers?rep=rep-li-na&limit=25&offset=" + std::to_string(offset)).body);
    EXPECT_EQ(JsonInt(page, "total"), li_na);
    if (JsonArr(page, "customers").empty()) break;
    for (const auto& row : JsonArr(page, "customers")) {
      EXPECT_EQ(JsonStr(row, "rep"), "rep-li-na");
      EXPECT_TRUE(seen.insert(JsonStr(row, "id")).second) << JsonStr(row, "id");
    }
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), li_na);
  // Filters combine; text matches a part of the name; odd input is just text.
  boost::json::value tier_a = ParseJson(c.Get("/v1/admin/customers?tier=A&limit=500").body);
  for (const auto& row : JsonArr(tier_a, "customers")) EXPECT_EQ(JsonStr(row, "tier"), "A");
  const std::string first_name = JsonStr(JsonArr(tier_a, "customers").at(0), "name");
  boost::json::value named = ParseJson(
      c.Get("/v1/admin/customers?q=" + std::string("%25") + "&limit=5").body);  // a literal '%'
  EXPECT_EQ(JsonInt(named, "total"), 0);
  EXPECT_EQ(c.Get("/v1/admin/customers?limit=0").status, 400);
  EXPECT_EQ(c.Get("/v1/admin/customers?limit=501").status, 400);
  EXPECT_EQ(c.Get("/v1/admin/customers?offset=-1").status, 400);

  // The archive of a customer with orders: every record, the grade's reasons and its history.
  const std::string id = JsonStr(JsonArr(tier_a, "customers").at(0), "id");
  ASSERT_EQ(RunServerCommand({"grade", "--db", db_, "--today", "2026-12-01"}).exit_code, 0);
  RawReply archive = c.Get("/v1/admin/customers/archive?id=" + id);
  ASSERT_EQ(archive.status, 200) << archive.body;
  boost::json::value a = ParseJson(archive.body);
  EXPECT_EQ(JsonStr(a.at("customer"), "id"), id);
  EXPECT_EQ(JsonStr(a.at("customer"), "name"), first_name);
  EXPECT_EQ(JsonStr(a.at("customer"), "grade_tier"), "A");
  EXPECT_GT(JsonArr(a.at("grade_reasons"), "reasons").size(), 3u);
  EXPECT_GE(JsonArr(a, "grade_history").size(), 1u);
  EXPECT_GT(JsonInt(a.at("totals"), "orders"), 0);
  EXPECT_EQ(static_cast<int64_t>(JsonArr(a.at("records"), "orders").size()),
            std::min<int64_t>(JsonInt(a.at("totals"), "orders"), 200));
  for (const auto& o : JsonArr(a.at("records"), "orders")) {
    EXPECT_EQ(JsonStr(o, "customer_id"), id);
    EXPECT_FALSE(JsonStr(o, "id").empty());
  }
  EXPECT_EQ(c.Get("/v1/admin/customers/archive?id=nope").status, 404);
  EXPECT_EQ(c.Get("/v1/admin/customers/archive").status, 400);
}

TEST_F(ConsolePagesTest, TerritoriesAndBulkMovesReachTheDevices) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ConsoleClient c = LoggedIn();
  // A new territory, then edited; a missing name is named.
  RawReply bad = c.PostJson("/v1/admin/territories", R"({"region":"GD-ZH"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "name: ")) << bad.body;
  RawReply made = c.PostJson("/v1/admin/territories", R"({"name":"珠海香洲","region":"GD-ZH"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string terr = JsonStr(ParseJson(made.body), "id");
  RawReply edited = Put(c, "/v1/admin/territories", R"({"id":")" + terr + R"(","city":"珠海"})");
  EXPECT_EQ(edited.status, 200) << edited.body;
  EXPECT_TRUE(Has(c.Get("/v1/admin/territories").body, "\"city\":\"珠海\"")) << terr;
  EXPECT_EQ(Put(c, "/v1/admin/territories", R"({"id":"no-such","name":"x"})").status, 404);

  // Bulk: Li Na's Guangzhou garages to Wang Qiang, checked first (nothing moves), then for real.
  ASSERT_NO_FATAL_FAILURE(Init("li", tokens_["rep-li-na"]));
  ASSERT_NO_FATAL_FAILURE(Init("wang", tokens_["rep-wang-qiang"]));
  Ok("li", {"sync"});
  Ok("wang", {"sync"});
  const std::string filter = R"({"filter":{"rep":"rep-li-na"},"to":"rep-wang-qiang")";
  RawReply dry = c.PostJson("/v1/admin/customers/move", filter + R"(,"dry_run":true})");
  ASSERT_EQ(dry.status, 200) << dry.body;
  const int64_t matched = JsonInt(ParseJson(dry.body), "matched");
  EXPECT_GT(matched, 10);
  EXPECT_EQ(JsonInt(ParseJson(dry.body), "moved"), 0);
  EXPECT_EQ(JsonInt(ParseJson(c.Get("/v1/admin/customers?rep=rep-li-na&limit=1").body), "total"),
            matched);
  EXPECT_EQ(c.PostJson("/v1/admin/customers/move", R"({"filter":{},"to":"rep-wang-qiang"})").status,
            400);
  EXPECT_EQ(
      c.PostJson("/v1/admin/customers/move", R"({"filter":{"rep":"rep-li-na"},"to":"mgr"})").status,
      404);
  RawReply moved =
      c.PostJson("/v1/admin/customers/move", filter + R"(,"reason":"Li Na on leave"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(JsonInt(ParseJson(moved.body), "moved"), matched);
  EXPECT_EQ(JsonInt(ParseJson(c.Get("/v1/admin/customers?rep=rep-li-na&limit=1").body), "total"),
            0);
  Ok("li", {"sync"});
  Ok("wang", {"sync"});
  boost::json::value li = OkJson("li", {"customer", "list"});
  ASSERT_TRUE(li.is_array());
  EXPECT_EQ(li.as_array().size(), 0u);
  EXPECT_EQ(Ok("wang", {"export"}), ServerExport("rep-wang-qiang"));
  boost::json::value audit =
      ParseJson(c.Get("/v1/admin/audit?action=customer.reassign&limit=1000").body);
  EXPECT_EQ(static_cast<int64_t>(JsonArr(audit, "entries").size()), matched);

  // One customer into the new territory: audited, and Wang Qiang's device sees it.
  const std::string one = JsonStr(
      JsonArr(ParseJson(c.Get("/v1/admin/customers?rep=rep-wang-qiang&limit=1").body), "customers")
          .at(0),
      "id");
  RawReply set = c.PostJson("/v1/admin/customers/territory",
                            R"({"customer":")" + one + R"(","territory":")" + terr + R"("})");
  EXPECT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(c.PostJson("/v1/admin/customers/territory",
                       R"({"customer":")" + one + R"(","territory":"nowhere"})")
                .status,
            404);
  Ok("wang", {"sync"});
  boost::json::value shown = OkJson("wang", {"customer", "show", one});
  EXPECT_EQ(JsonStr(shown.at("customer"), "territory_id"), terr);
}

TEST_F(ConsolePagesTest, ARepAddedFromTheConsoleSyncsWithItsFirstToken) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ConsoleClient c = LoggedIn();
  RawReply added = c.PostJson("/v1/admin/reps",
                              R"({"id":"rep-sun-li","name":"孙丽 Sun Li","regions":["GD-GZ"]})");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string token = JsonStr(ParseJson(added.body), "token");
  ASSERT_FALSE(token.empty());
  EXPECT_FALSE(Has(server_db_.AllStoredText(), token));  // stored hashed
  EXPECT_EQ(c.PostJson("/v1/admin/reps", R"({"id":"rep-sun-li","name":"again"})").status, 409);
  RawReply bad_id = c.PostJson("/v1/admin/reps", R"({"id":"a b","name":"x"})");
  EXPECT_EQ(bad_id.status, 400);
  EXPECT_TRUE(Has(bad_id.body, "id: ")) << bad_id.body;
  EXPECT_EQ(c.PostJson("/v1/admin/reps", R"({"name":"x","role":"boss"})").status, 400);
  EXPECT_EQ(c.PostJson("/v1/admin/reps", R"({"name":""})").status, 400);
  ASSERT_NO_FATAL_FAILURE(Init("sun", token));
  Ok("sun", {"sync"});
  boost::json::value profiles = ParseJson(c.Get("/v1/admin/assignment/profiles").body);
  bool found = false;
  for (const auto& p : JsonArr(profiles, "reps")) {
    if (JsonStr(p, "rep") != "rep-sun-li") continue;
    found = true;
    EXPECT_EQ(JsonArr(p, "regions").size(), 1u);
  }
  EXPECT_TRUE(found);
  auto audit = c.Get("/v1/admin/audit?action=rep.add");
  EXPECT_TRUE(Has(audit.body, "manager:mgr")) << audit.body;
}

TEST_F(ConsolePagesTest, GradingPreviewCountsWhatARunWouldMoveAndSavesNothing) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_EQ(RunServerCommand({"grade", "--db", db_, "--today", "2026-11-30"}).exit_code, 0);
  ConsoleClient c = LoggedIn();
  const std::string rules = c.Get("/v1/admin/grading").body;
  // A bad rule is refused naming its field; nothing is stored.
  RawReply bad = c.PostJson("/v1/admin/grading/preview?today=2026-11-30",
                            R"({"recency":{"method":"thresholds","thresholds":[60,30,120,240]}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "recency.thresholds: must be 4 ascending numbers")) << bad.body;
  // Tier A from 10 points instead of 12.
  const std::string lower = R"({"tiers":[{"name":"A","min_score":10},{"name":"B","min_score":8},)"
                            R"({"name":"C","min_score":6},{"name":"D","min_score":0}]})";
  RawReply preview = c.PostJson("/v1/admin/grading/preview?today=2026-11-30", lower);
  ASSERT_EQ(preview.status, 200) << preview.body;
  boost::json::value p = ParseJson(preview.body);
  EXPECT_EQ(JsonInt(p, "customers"), 240);
  const int64_t changed = JsonInt(p, "changed");
  EXPECT_GT(changed, 0);
  int64_t sum = 0;
  for (const auto& m : JsonArr(p, "moves")) {
    EXPECT_NE(JsonStr(m, "from"), JsonStr(m, "to"));
    sum += JsonInt(m, "customers");
  }
  EXPECT_EQ(sum, changed);
  EXPECT_EQ(c.Get("/v1/admin/grading").body, rules);  // nothing saved
  // Saving them and grading the same day moves exactly the customers the preview counted.
  auto set = Put(c, "/v1/admin/grading", lower);
  ASSERT_EQ(set.status, 200) << set.body;
  ASSERT_EQ(RunServerCommand({"grade", "--db", db_, "--today", "2026-11-30"}).exit_code, 0);
  boost::json::value movement = ParseJson(c.Get("/v1/admin/reports/movement").body);
  int64_t moved = 0;
  for (const auto& cell : JsonArr(movement, "cells")) {
    if (JsonStr(cell, "from") != JsonStr(cell, "to")) moved += JsonInt(cell, "customers");
  }
  EXPECT_EQ(moved, changed) << movement;
}

TEST_F(ConsolePagesTest, HostileBodiesAndQueriesAreRefusedAndChangeNothing) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ConsoleClient c = LoggedIn();
  const std::string territories = c.Get("/v1/admin/territories").body;
  const std::string reps = c.Get("/v1/admin/reps").body;
  const std::string big(9 * 1024, 'x');
  struct Case {
    std::string route, body;
    int status;
  };
  const std::vector<Case> cases = {
      {"/v1/admin/territories", R"({"name":")" + big + R"("})", 413},
      {"/v1/admin/territories", "[]", 400},
      {"/v1/admin/territories", "not json", 400},
      {"/v1/admin/territories", R"({"name":"x","name2":"y"})", 400},
      {"/v1/admin/territories", R"({"name":"a\nb"})", 400},
      {"/v1/admin/territories", R"({"name":7})", 400},
      {"/v1/admin/reps", R"({"id":"../../etc","name":"x"})", 400},
      {"/v1/admin/reps", R"({"name":"x","regions":"GD-GZ"})", 400},
      {"/v1/admin/reps", R"({"name":"x","regions":["a,b"]})", 400},
      {"/v1/admin/customers/move", R"({"filter":"rep-li-na","to":"rep-wang-qiang"})", 400},
      {"/v1/admin/customers/move",
       R"({"filter":{"rep":"rep-li-na","owner":"x"},"to":"rep-wang-qiang"})", 400},
      {"/v1/admin/customers/move",
       R"({"filter":{"rep":"rep-li-na"},"to":"rep-wang-qiang","dry_run":"no"})", 400},
      {"/v1/admin/customers/territory", R"({"customer":"x"})", 400},
      {"/v1/admin/grading/preview", std::string(70 * 1024, ' '), 413},
      {"/v1/admin/grading/preview", R"({"tiers":[{"name":"A","min_score":99}]})", 400},
  };
  for (const Case& k : cases) {
    RawReply r = c.PostJson(k.route, k.body);
    EXPECT_EQ(r.status, k.status) << k.route << " " << k.body.substr(0, 80) << " -> " << r.body;
  }
  // Query parameters are data, never SQL or patterns of their own.
  for (const char* q : {"%27%20OR%201%3D1--", "_", "%5C", "%25%25"}) {
    RawReply r = c.Get(std::string("/v1/admin/customers?q=") + q);
    EXPECT_EQ(r.status, 200) << q;
    EXPECT_EQ(JsonInt(ParseJson(r.body), "total"), 0) << q << ": " << r.body;
  }
  EXPECT_EQ(c.Get("/v1/admin/customers?city=" + std::string(300, 'x')).status, 400);
  EXPECT_EQ(c.Get("/v1/admin/duplicates?status=everything").status, 400);
  EXPECT_EQ(c.Get("/v1/admin/duplicates?limit=501").status, 400);
  EXPECT_EQ(c.Get("/v1/admin/territories").body, territories);
  EXPECT_EQ(c.Get("/v1/admin/reps").body, reps);
  EXPECT_EQ(c.Get("/healthz").status, 200);
}

}  // namespace
}  // namespace fieldbook::testing

// GET /v1/admin/nightly/runs: managers only, bounded, newest first. /v1/admin/nightly/run: run now
// on the launcher, refused while a run goes on here or the lease is held elsewhere.
#include "api/nightly_api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "store/nightly_store.h"
#include "support/server_store_fixture.h"

namespace fieldbook::server {
namespace {

class NightlyApiTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    NightlyStore nightly(*store_);
    for (int i = 0; i < 3; ++i) {
      auto id = nightly.CreateRun("schedule", 1000 + i, "2026-11-23", 0, "h");
      ASSERT_TRUE(id.ok());
      ASSERT_TRUE(nightly.BeginStep(*id, "grade", 0, 1000).ok());
      ASSERT_TRUE(nightly.FinishStep(*id, "grade", "done", R"({"changed":4})", "", 1001).ok());
      ASSERT_TRUE(nightly.FinishRun(*id, "succeeded", 2000).ok());
    }
  }
  HttpResponse Get(const std::string& target, const Principal& who) {
    auto r = HandleNightlyAdminRequest(*store_, HttpRequest{"GET", target, "", "", "", ""}, who);
    EXPECT_TRUE(r.has_value());
    return r.value_or(HttpResponse{});
  }

  Principal manager_{"mgr", "M", "manager"};
};

TEST_F(NightlyApiTest, ListsTheNewestRunsForManagers) {
  HttpResponse r = Get("/v1/admin/nightly/runs?last=2", manager_);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value body = boost::json::parse(r.body);
  const boost::json::array& runs = body.at("runs").as_array();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].at("id").as_int64(), 3);
  EXPECT_EQ(runs[1].at("id").as_int64(), 2);
  EXPECT_EQ(runs[0].at("summary").at("grades_changed").as_int64(), 4);
  EXPECT_EQ(
      boost::json::parse(Get("/v1/admin/nightly/runs", manager_).body).at("runs").as_array().size(),
      3u);
}

TEST_F(NightlyApiTest, RefusesRepsBadInputAndOtherRoutes) {
  EXPECT_EQ(Get("/v1/admin/nightly/runs", Principal{"rep-a", "A", "rep"}).status, 403);
  EXPECT_EQ(Get("/v1/admin/nightly/runs?last=0", manager_).status, 400);
  EXPECT_EQ(Get("/v1/admin/nightly/runs?last=101", manager_).status, 400);
  EXPECT_EQ(Get("/v1/admin/nightly/runs?last=x", manager_).status, 400);
  EXPECT_EQ(Get("/v1/admin/nightly/runs?last=99999999999999999999", manager_).status, 400);
  EXPECT_EQ(Get("/v1/admin/nightly/other", manager_).status, 404);
  auto post = HandleNightlyAdminRequest(
      *store_, HttpRequest{"POST", "/v1/admin/nightly/runs", "", "", "", ""}, manager_);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 405);
  EXPECT_FALSE(HandleNightlyAdminRequest(
                   *store_, HttpRequest{"GET", "/v1/admin/reps", "", "", "", ""}, manager_)
                   .has_value());
}

// A launcher whose runs last until `release` turns true.
struct HeldRuns {
  std::atomic<bool> release{false};
  std::atomic<int> runs{0};
  NightlyLauncher launcher{[this](const std::atomic<bool>& stop) -> Result<NightlyRunRecord> {
    ++runs;
    while (!release && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    NightlyRunRecord r;
    r.id = 41;
    r.status = "succeeded";
    return r;
  }};
};

class NightlyRunNowTest : public NightlyApiTest {
 protected:
  HttpResponse Call(NightlyLauncher* launcher, const std::string& method, const std::string& body,
                    const Principal& who) {
    auto r = HandleNightlyLaunchRequest(
        launcher, *store_, HttpRequest{method, "/v1/admin/nightly/run", "", "", body, ""}, who,
        wall_);
    EXPECT_TRUE(r.has_value());
    return r.value_or(HttpResponse{});
  }
  boost::json::value Json(const HttpResponse& r) { return boost::json::parse(r.body); }
};

TEST_F(NightlyRunNowTest, StartsOneRunAndRefusesASecondWhileItGoes) {
  HeldRuns held;
  HttpResponse idle = Call(&held.launcher, "GET", "", manager_);
  ASSERT_EQ(idle.status, 200) << idle.body;
  EXPECT_FALSE(Json(idle).at("state").at("running").as_bool());
  EXPECT_TRUE(Json(idle).at("lease").is_null());

  HttpResponse started = Call(&held.launcher, "POST", "{}", manager_);
  ASSERT_EQ(started.status, 202) << started.body;
  EXPECT_TRUE(Json(started).at("state").at("running").as_bool());
  EXPECT_EQ(Json(started).at("state").at("by").as_string(), "mgr");

  HttpResponse again = Call(&held.launcher, "POST", "", manager_);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_NE(again.body.find("nightly_running"), std::string::npos);
  EXPECT_NE(again.body.find("started by mgr"), std::string::npos) << again.body;
  // As a value too (issue #19): the code and who started it, for the console's language.
  EXPECT_EQ(Json(again).at("error_code").as_string(), "http_nightly_running");
  EXPECT_EQ(Json(again).at("error_values").at("by").as_string(), "mgr");

  held.release = true;
  for (int i = 0; i < 2000 && held.launcher.Now().running; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  HttpResponse done = Call(&held.launcher, "GET", "", manager_);
  EXPECT_FALSE(Json(done).at("state").at("running").as_bool()) << done.body;
  EXPECT_EQ(Json(done).at("state").at("run").as_int64(), 41);
  EXPECT_EQ(Json(done).at("state").at("outcome").as_string(), "succeeded");
  EXPECT_EQ(held.runs, 1);
}

TEST_F(NightlyRunNowTest, RefusesWhileAnotherProcessHoldsTheLease) {
  NightlyStore nightly(*store_);
  const int64_t now = static_cast<int64_t>(wall_.NowMs());
  ASSERT_TRUE(nightly.AcquireLease("other-host:99:1", now, 60000).ok());
  HeldRuns held;
  HttpResponse refused = Call(&held.launcher, "POST", "{}", manager_);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("other-host:99:1"), std::string::npos) << refused.body;
  EXPECT_EQ(Json(refused).at("error_code").as_string(), "http_nightly_lease");
  EXPECT_EQ(Json(refused).at("error_values").at("holder").as_string(), "other-host:99:1");
  EXPECT_EQ(held.runs, 0);
  EXPECT_FALSE(held.launcher.Now().running);
  HttpResponse state = Call(&held.launcher, "GET", "", manager_);
  EXPECT_EQ(Json(state).at("lease").at("holder").as_string(), "other-host:99:1");

  // An expired lease is free again (a crashed holder's run is taken over).
  LetLeasesExpire(61000);
  HttpResponse started = Call(&held.launcher, "POST", "{}", manager_);
  EXPECT_EQ(started.status, 202) << started.body;
  held.release = true;
}

TEST_F(NightlyRunNowTest, RefusesRepsOtherMethodsBadBodiesAndAServerWithoutALauncher) {
  HeldRuns held;
  EXPECT_EQ(Call(&held.launcher, "POST", "{}", Principal{"rep-a", "A", "rep"}).status, 403);
  EXPECT_EQ(Call(&held.launcher, "GET", "", Principal{"rep-a", "A", "rep"}).status, 403);
  EXPECT_EQ(Call(&held.launcher, "PUT", "{}", manager_).status, 405);
  EXPECT_EQ(Call(&held.launcher, "POST", "{\"steps\":[\"grade\"]}", manager_).status, 400);
  EXPECT_EQ(Call(&held.launcher, "POST", "[]", manager_).status, 400);
  EXPECT_EQ(Call(&held.launcher, "POST", "not json", manager_).status, 400);
  EXPECT_EQ(Call(&held.launcher, "POST", std::string(2000, ' '), manager_).status, 413);
  EXPECT_EQ(held.runs, 0);
  EXPECT_EQ(Call(nullptr, "POST", "{}", manager_).status, 503);
  EXPECT_FALSE(HandleNightlyLaunchRequest(
                   &held.launcher, *store_,
                   HttpRequest{"GET", "/v1/admin/nightly/runs", "", "", "", ""}, manager_, wall_)
                   .has_value());
}

}  // namespace
}  // namespace fieldbook::server

// GET /v1/admin/nightly/runs: managers only, bounded, newest first.
#include "api/nightly_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

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

}  // namespace
}  // namespace fieldbook::server

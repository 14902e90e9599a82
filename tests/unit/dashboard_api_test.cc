// GET /v1/admin/dashboard: tiers per territory, what waits for review, each replica's latest
// verification; managers only.
#include "api/dashboard_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/server_store_fixture.h"

namespace fieldbook::server {
namespace {

class DashboardApiTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    SqlDb& db = store_->sql();
    ASSERT_TRUE(db.ExecScript(R"sql(
      INSERT INTO territories (id, name) VALUES ('t-sz', '深圳'), ('t-gz', '广州'), ('t-old', 'Old');
      UPDATE territories SET deleted = 1 WHERE id = 't-old';
      INSERT INTO customers (id, name, territory_id, grade_tier) VALUES
        ('c1', 'a', 't-gz', 'A'), ('c2', 'b', 't-gz', 'A'), ('c3', 'c', 't-gz', 'B'),
        ('c4', 'd', 't-gz', NULL), ('c5', 'e', 't-sz', 'C'), ('c6', 'f', NULL, 'B'),
        ('c7', 'g', 't-old', 'A'), ('c8', 'h', 't-sz', 'A');
      UPDATE customers SET deleted = 1 WHERE id = 'c8';
      INSERT INTO srv_conflicts (customer_id, tbl, row_id, column_name, value_json, hlc, from_rep,
                                 created_ms, status) VALUES
        ('c1', 'customers', 'c1', 'notes', '"x"', 1, 'rep-a', 1, 'open'),
        ('c2', 'customers', 'c2', 'notes', '"y"', 2, 'rep-a', 1, 'open'),
        ('c3', 'customers', 'c3', 'notes', '"z"', 3, 'rep-a', 1, 'applied');
      INSERT INTO fb_possible_duplicates (customer_a, customer_b, reason, detected_ms, status) VALUES
        ('c1', 'c2', 'phone', 1, 'open'), ('c1', 'c3', 'phone', 1, 'distinct'),
        ('c5', 'c8', 'name', 1, 'open');
      INSERT INTO srv_verifications (rep_id, replica_id, checked_ms, outcome, buckets_compared,
                                     buckets_mismatched, buckets_resent, rows_resent, solicited)
      VALUES ('rep-a', 'dev-1', 1000, 'repaired', 8, 1, 1, 12, 1),
             ('rep-a', 'dev-1', 3000, 'match', 8, 0, 0, 0, 1),
             ('rep-b', 'dev-2', 2000, 'repaired', 8, 2, 2, 30, 1);
    )sql")
                    .ok());
  }
  HttpResponse Get(const std::string& target, const Principal& who) {
    auto r = HandleDashboardRequest(*store_, HttpRequest{"GET", target, "", "", "", ""}, who);
    EXPECT_TRUE(r.has_value());
    return r.value_or(HttpResponse{});
  }
  Principal manager_{"mgr", "M", "manager"};
};

TEST_F(DashboardApiTest, TiersPerTerritoryReviewCountsAndLatestChecks) {
  HttpResponse r = Get("/v1/admin/dashboard", manager_);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value body = boost::json::parse(r.body);
  const boost::json::array& terr = body.at("territories").as_array();
  ASSERT_EQ(terr.size(), 3u) << r.body;
  // By name (广州 before 深圳), then the customers without a live territory (c6, and c7 whose
  // territory was deleted); the deleted customer c8 is not counted.
  EXPECT_EQ(terr[0].at("id").as_string(), "t-gz");
  EXPECT_EQ(terr[0].at("customers").as_int64(), 4);
  EXPECT_EQ(terr[0].at("tiers").at("A").as_int64(), 2);
  EXPECT_EQ(terr[0].at("tiers").at("B").as_int64(), 1);
  EXPECT_EQ(terr[0].at("tiers").at("not graded").as_int64(), 1);
  EXPECT_EQ(terr[1].at("id").as_string(), "t-sz");
  EXPECT_EQ(terr[1].at("customers").as_int64(), 1);
  EXPECT_EQ(terr[2].at("id").as_string(), "");
  EXPECT_EQ(terr[2].at("customers").as_int64(), 2);
  EXPECT_EQ(terr[2].at("tiers").at("A").as_int64(), 1);
  EXPECT_EQ(terr[2].at("tiers").at("B").as_int64(), 1);

  EXPECT_EQ(body.at("review").at("held_edits").as_int64(), 2);
  EXPECT_EQ(body.at("review").at("duplicates").as_int64(), 1);  // c5/c8: c8 is gone

  const boost::json::array& replicas = body.at("replicas").as_array();
  ASSERT_EQ(replicas.size(), 2u);
  EXPECT_EQ(replicas[0].at("replica").as_string(), "dev-1");  // its latest check: a match
  EXPECT_EQ(replicas[0].at("outcome").as_string(), "match");
  EXPECT_EQ(replicas[1].at("replica").as_string(), "dev-2");
  EXPECT_EQ(replicas[1].at("outcome").as_string(), "repaired");
  EXPECT_EQ(replicas[1].at("rows_resent").as_int64(), 30);
  EXPECT_EQ(body.at("grading_runs").as_int64(), 0);
  const boost::json::value one =
      boost::json::parse(Get("/v1/admin/dashboard?replicas=1", manager_).body);
  EXPECT_EQ(one.at("replicas").as_array().size(), 1u);
}

TEST_F(DashboardApiTest, RefusesRepsBadInputAndOtherMethods) {
  EXPECT_EQ(Get("/v1/admin/dashboard", Principal{"rep-a", "A", "rep"}).status, 403);
  EXPECT_EQ(Get("/v1/admin/dashboard?replicas=0", manager_).status, 400);
  EXPECT_EQ(Get("/v1/admin/dashboard?replicas=x", manager_).status, 400);
  auto post = HandleDashboardRequest(
      *store_, HttpRequest{"POST", "/v1/admin/dashboard", "", "", "{}", ""}, manager_);
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 405);
  EXPECT_FALSE(HandleDashboardRequest(
                   *store_, HttpRequest{"GET", "/v1/admin/dashboards", "", "", "", ""}, manager_)
                   .has_value());
}

}  // namespace
}  // namespace fieldbook::server

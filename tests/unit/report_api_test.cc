// ReportApi in process: the grading reports over the admin API and the rep-facing /v1/reports,
// on a small hand-made book of customers graded twice (a manager lowers the bar for tier C in
// between), with every figure computed by hand below.
#include "api/report_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/admin_api.h"
#include "store/grading_store.h"
#include "support/server_store_fixture.h"

namespace fieldbook::server {
namespace {

Value T(const char* s) { return Value(std::string(s)); }
Value N(int64_t i) { return Value(i); }

// Frequency by thresholds (not quintiles) so every score below is computed by hand:
// F >= 2 orders scores 2, >= 4 scores 3, >= 8 scores 4, >= 12 scores 5.
constexpr const char* kRules =
    R"({"frequency": {"method": "thresholds", "thresholds": [2, 4, 8, 12]}})";
// The manager then lowers tier C from 6 to 4 points.
constexpr const char* kLowerC =
    R"({"frequency": {"method": "thresholds", "thresholds": [2, 4, 8, 12]},
        "tiers": [{"name": "A", "min_score": 12}, {"name": "B", "min_score": 9},
                  {"name": "C", "min_score": 4}, {"name": "D", "min_score": 0}]})";

// The fixture's clock starts at 2026-11-23T00:00Z.
class ReportApiTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    for (const char* rep : {"rep-a", "rep-b"}) {
      ASSERT_FALSE(AddRep(rep, rep).empty());
    }
    ASSERT_FALSE(AddRep("mgr", "Manager", "manager").empty());
  }

  void Write(const char* table, const char* id, std::vector<std::pair<std::string, Value>> cols) {
    auto r = store_->Write({RowWrite{table, id, std::move(cols)}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->rejections.empty()) << r->rejections[0].reason;
  }
  void Customer(const char* id, const char* owner) {
    Write("customers", id,
          {{"name", T(id)}, {"owner_rep_id", T(owner)}, {"created_at", T("2025-01-01T00:00:00Z")}});
  }
  void Order(const char* id, const char* customer, const char* day, int64_t cents,
             const char* voids = nullptr) {
    std::vector<std::pair<std::string, Value>> cols = {
        {"customer_id", T(customer)}, {"order_date", T(day)}, {"amount_cents", N(cents)}};
    if (voids != nullptr) cols.emplace_back("voids_id", T(voids));
    Write("orders", id, std::move(cols));
  }
  void Task(const char* id, const char* customer, const char* due, const char* status,
            int64_t deleted = 0) {
    Write("tasks", id,
          {{"customer_id", T(customer)},
           {"due_date", T(due)},
           {"status", T(status)},
           {"deleted", N(deleted)}});
  }
  void Visit(const char* id, const char* customer, const char* check_in, const char* follow_up) {
    Write("visits", id,
          {{"customer_id", T(customer)},
           {"check_in", T(check_in)},
           {"next_follow_up", T(follow_up)}});
  }

  // The book, as of 2026-11-23 (window 365 days: orders after 2025-11-23 count):
  //   a1 (rep-a): 4 orders of ¥10,000 a month apart (08-22 .. 11-20) and on 11-21 an order of
  //       ¥99,999 keyed wrong, corrected to ¥1 -> 5 orders, ¥40,001, last 2 days ago:
  //       R 5 + F 3 + M 3 = 11 -> B in both runs.
  //   a2 (rep-a): one ¥2,000 order 175 days ago: R 2 + F 1 + M 1 = 4 -> D, then C (>= 4);
  //       175 days against the default rhythm of 30 is 5.8x > 4x: churned.
  //   a3 (rep-a): a prospect without orders: 0 points -> D, lifecycle new.
  //   b1 (rep-b): ¥400,000 on 11-01 -> VIP by spend (>= ¥300,000); older orders of ¥1 on
  //       2025-11-23 (outside the window) and 2025-11-24 (inside).
  void SeedAndGradeTwice() {
    Customer("a1", "rep-a");
    Customer("a2", "rep-a");
    Customer("a3", "rep-a");
    Customer("b1", "rep-b");
    Order("o1", "a1", "2026-08-22", 1000000);
    Order("o2", "a1", "2026-09-21", 1000000);
    Order("o3", "a1", "2026-10-21", 1000000);
    Order("o4", "a1", "2026-11-20", 1000000);
    Order("o5", "a1", "2026-11-21", 9999900);
    Order("o6", "a1", "2026-11-21", 100, "o5");
    Order("o7", "a2", "2026-06-01", 200000);
    Order("o8", "b1", "2026-11-01", 40000000);
    Order("o9", "b1", "2025-11-23", 100);
    Order("o10", "b1", "2025-11-24", 100);
    Task("t1", "a1", "2026-11-23", "open");  // due today
    Task("t2", "a3", "2026-11-20", "open");  // overdue
    Task("t3", "a2", "2026-11-01", "done");
    Task("t4", "a2", "2026-11-22", "open", /*deleted=*/1);
    Visit("v1", "a1", "2026-11-10T02:00:00Z", "2026-11-22");  // promised, overdue
    Visit("v2", "a2", "2026-11-01T02:00:00Z", "2026-11-05");  // settled by v3
    Visit("v3", "a2", "2026-11-15T02:00:00Z", "2026-11-23");  // due today
    Visit("v4", "a3", "2026-11-02T02:00:00Z", "2026-11-30");  // not yet

    GradingStore grading(*store_);
    ASSERT_TRUE(grading.SetRules(kRules, "test").ok());
    auto first = grading.GradeAll(*ParseDay("2026-11-23"));
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ASSERT_TRUE(grading.SetRules(kLowerC, "test").ok());
    auto second = grading.GradeAll(*ParseDay("2026-11-23"));
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    ASSERT_EQ(second->changed, 1);  // only a2 moved
  }

  HttpResponse Get(const std::string& target, const Principal& who) {
    HttpRequest request;
    request.method = "GET";
    request.target = target;
    if (target.rfind("/v1/admin/", 0) == 0) return HandleAdminRequest(*store_, request, who, wall_);
    return HandleReportRequest(*store_, request, who, wall_);
  }

  boost::json::object Body(const HttpResponse& r) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return ec || !v.is_object() ? boost::json::object() : v.as_object();
  }

  // "from>to=n" for every cell, sorted.
  std::string Cells(const boost::json::object& movement) {
    std::string out;
    for (const auto& c : movement.at("cells").as_array()) {
      const auto& o = c.as_object();
      out += std::string(o.at("from").as_string()) + ">" + std::string(o.at("to").as_string()) +
             "=" + std::to_string(o.at("customers").as_int64()) + " ";
    }
    return out;
  }

  const Principal manager_{"mgr", "Manager", "manager"};
  const Principal rep_a_{"rep-a", "rep-a", "rep"};
  const Principal rep_b_{"rep-b", "rep-b", "rep"};
};

TEST_F(ReportApiTest, MovementBetweenTheTwoLatestRunsOrAnyTwoNamedOnes) {
  SeedAndGradeTwice();
  HttpResponse r = Get("/v1/admin/reports/movement", manager_);
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::object m = Body(r);
  EXPECT_EQ(m.at("from_run").as_int64(), 1);
  EXPECT_EQ(m.at("to_run").as_int64(), 2);
  EXPECT_EQ(m.at("from_today").as_string(), "2026-11-23");
  EXPECT_TRUE(m.at("rep").is_null());
  EXPECT_EQ(Cells(m), "B>B=1 D>C=1 D>D=1 VIP>VIP=1 ");

  // One rep's customers only.
  EXPECT_EQ(Cells(Body(Get("/v1/admin/reports/movement?rep=rep-a", manager_))),
            "B>B=1 D>C=1 D>D=1 ");
  // Named runs, either way round.
  EXPECT_EQ(Cells(Body(Get("/v1/admin/reports/movement?from=2&to=1", manager_))),
            "B>B=1 C>D=1 D>D=1 VIP>VIP=1 ");
  EXPECT_EQ(Cells(Body(Get("/v1/admin/reports/movement?from=1&to=1", manager_))),
            "B>B=1 D>D=2 VIP>VIP=1 ");
}

TEST_F(ReportApiTest, MovementRefusesBadOrMissingRunsWithClearErrors) {
  HttpResponse none = Get("/v1/admin/reports/movement", manager_);
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(none.body.find("no grading run yet"), std::string::npos) << none.body;
  SeedAndGradeTwice();
  HttpResponse missing = Get("/v1/admin/reports/movement?from=1&to=9", manager_);
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("no grading run 9"), std::string::npos) << missing.body;
  for (const char* bad : {"?from=x&to=2", "?from=1&to=-2", "?from=1&to=2.5", "?from=1"}) {
    HttpResponse r = Get(std::string("/v1/admin/reports/movement") + bad, manager_);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
  EXPECT_NE(Get("/v1/admin/reports/movement?from=1&to=x", manager_)
                .body.find("query parameter to must be a whole number"),
            std::string::npos);
}

TEST_F(ReportApiTest, PortfolioCountsTiersFollowUpsPromisedVisitsAndRevenueInTheWindow) {
  SeedAndGradeTwice();
  HttpResponse r = Get("/v1/admin/reports/portfolio?today=2026-11-23", manager_);
  ASSERT_EQ(r.status, 200) << r.body;
  boost::json::object p = Body(r);
  EXPECT_EQ(p.at("today").as_string(), "2026-11-23");
  EXPECT_EQ(p.at("window_days").as_int64(), 365);
  const auto& reps = p.at("reps").as_array();
  ASSERT_EQ(reps.size(), 2u);  // reps only, not the manager
  const auto& a = reps[0].as_object();
  EXPECT_EQ(a.at("rep").as_string(), "rep-a");
  EXPECT_EQ(a.at("customers").as_int64(), 3);
  EXPECT_EQ(boost::json::serialize(a.at("tiers")), R"({"B":1,"C":1,"D":1})");
  EXPECT_EQ(a.at("follow_ups_due").as_int64(), 1);      // t1
  EXPECT_EQ(a.at("follow_ups_overdue").as_int64(), 1);  // t2 (t3 done, t4 deleted)
  EXPECT_EQ(a.at("visits_due").as_int64(), 1);          // a2's latest visit, v3
  EXPECT_EQ(a.at("visits_overdue").as_int64(), 1);      // v1
  // 4 x ¥10,000 + the ¥1 correction (not the voided ¥99,999) + ¥2,000.
  EXPECT_EQ(a.at("revenue_cents").as_int64(), 4200100);
  const auto& b = reps[1].as_object();
  EXPECT_EQ(b.at("rep").as_string(), "rep-b");
  EXPECT_EQ(boost::json::serialize(b.at("tiers")), R"({"VIP":1})");
  EXPECT_EQ(b.at("revenue_cents").as_int64(), 40000100);  // 2025-11-23 is outside the window

  // A 30-day window keeps a1's orders after 10-24: ¥10,000 on 11-20 and the ¥1 correction.
  boost::json::object month =
      Body(Get("/v1/admin/reports/portfolio?rep=rep-a&window_days=30&today=2026-11-23", manager_));
  ASSERT_EQ(month.at("reps").as_array().size(), 1u);
  EXPECT_EQ(month.at("reps").as_array()[0].as_object().at("revenue_cents").as_int64(), 1000100);
  // The next day, t1 and v3 are overdue too.
  const boost::json::object next_day =
      Body(Get("/v1/admin/reports/portfolio?rep=rep-a&today=2026-11-24", manager_));
  const auto& later = next_day.at("reps").as_array()[0].as_object();
  EXPECT_EQ(later.at("follow_ups_due").as_int64(), 0);
  EXPECT_EQ(later.at("follow_ups_overdue").as_int64(), 2);
  EXPECT_EQ(later.at("visits_overdue").as_int64(), 2);

  for (const char* bad : {"?window_days=0", "?window_days=3651", "?window_days=ten",
                          "?today=2026-02-31", "?today=tomorrow"}) {
    HttpResponse refused = Get(std::string("/v1/admin/reports/portfolio") + bad, manager_);
    EXPECT_EQ(refused.status, 400) << bad << ": " << refused.body;
  }
  EXPECT_EQ(Get("/v1/admin/reports/portfolio?rep=nobody", manager_).status, 404);
}

TEST_F(ReportApiTest, AVoidCountsOnlyWithinItsOwnCustomer) {
  // Stored before the push gate checked voids (issue 13): a1's order and visit "void" b1's.
  Customer("a1", "rep-a");
  Customer("b1", "rep-b");
  Order("ob", "b1", "2026-11-01", 40000000);
  Order("oa", "a1", "2026-11-02", 100, "ob");
  Visit("vb", "b1", "2026-11-10T02:00:00Z", "2026-11-22");  // promised, overdue
  Write("visits", "va",
        {{"customer_id", T("a1")}, {"check_in", T("2026-11-11T02:00:00Z")}, {"voids_id", T("vb")}});
  HttpResponse r = Get("/v1/admin/reports/portfolio?today=2026-11-23", manager_);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::object body = Body(r);
  const auto& reps = body.at("reps").as_array();
  ASSERT_EQ(reps.size(), 2u);
  const auto& b = reps[1].as_object();
  EXPECT_EQ(b.at("rep").as_string(), "rep-b");
  EXPECT_EQ(b.at("revenue_cents").as_int64(), 40000000) << r.body;
  EXPECT_EQ(b.at("visits_overdue").as_int64(), 1);
}

TEST_F(ReportApiTest, TiersAndAtRiskKeepTheirShape) {
  SeedAndGradeTwice();
  boost::json::object tiers = Body(Get("/v1/admin/reports/tiers", manager_));
  EXPECT_EQ(boost::json::serialize(tiers.at("tiers")), R"({"B":1,"C":1,"D":1,"VIP":1})");
  boost::json::object risk = Body(Get("/v1/admin/reports/at-risk?limit=5", manager_));
  const auto& customers = risk.at("customers").as_array();
  ASSERT_EQ(customers.size(), 1u);
  const auto& a2 = customers[0].as_object();
  EXPECT_EQ(a2.at("id").as_string(), "a2");
  EXPECT_EQ(a2.at("lifecycle").as_string(), "churned");
  EXPECT_EQ(a2.at("rep").as_string(), "rep-a");
  EXPECT_NE(std::string(a2.at("reasons").as_string()).find("churned: no order for 175 days"),
            std::string::npos)
      << a2.at("reasons");
  EXPECT_EQ(Get("/v1/admin/reports/at-risk?limit=0", manager_).status, 400);
}

TEST_F(ReportApiTest, ARepSeesOnlyTheirOwnReportsWhateverTheyAskFor) {
  SeedAndGradeTwice();
  boost::json::object tiers = Body(Get("/v1/reports/tiers", rep_a_));
  EXPECT_EQ(tiers.at("rep").as_string(), "rep-a");
  EXPECT_EQ(boost::json::serialize(tiers.at("tiers")), R"({"B":1,"C":1,"D":1})");
  EXPECT_EQ(Cells(Body(Get("/v1/reports/movement", rep_b_))), "VIP>VIP=1 ");
  boost::json::object portfolio = Body(Get("/v1/reports/portfolio?today=2026-11-23", rep_a_));
  ASSERT_EQ(portfolio.at("reps").as_array().size(), 1u);
  EXPECT_EQ(portfolio.at("reps").as_array()[0].as_object().at("rep").as_string(), "rep-a");
  EXPECT_EQ(Body(Get("/v1/reports/at-risk", rep_b_)).at("customers").as_array().size(), 0u);

  // Asking for someone else's is refused, not answered with their data or silently narrowed.
  for (const char* kind : {"tiers", "movement", "at-risk", "portfolio"}) {
    HttpResponse r = Get(std::string("/v1/reports/") + kind + "?rep=rep-b", rep_a_);
    EXPECT_EQ(r.status, 403) << kind;
    EXPECT_EQ(r.body.find("VIP"), std::string::npos) << r.body;
  }
  // Naming themselves is fine; the manager's routes stay closed to reps.
  EXPECT_EQ(Get("/v1/reports/tiers?rep=rep-a", rep_a_).status, 200);
  EXPECT_EQ(Get("/v1/admin/reports/tiers?rep=rep-a", rep_a_).status, 403);

  // A manager's token may pick a rep on the same routes, or see everyone.
  EXPECT_EQ(Cells(Body(Get("/v1/reports/movement?rep=rep-b", manager_))), "VIP>VIP=1 ");
  EXPECT_EQ(Body(Get("/v1/reports/portfolio", manager_)).at("reps").as_array().size(), 2u);
  EXPECT_EQ(Get("/v1/reports/tiers?rep=nobody", manager_).status, 404);

  EXPECT_EQ(Get("/v1/reports/league-table", rep_a_).status, 404);
  HttpRequest post;
  post.method = "POST";
  post.target = "/v1/reports/tiers";
  EXPECT_EQ(HandleReportRequest(*store_, post, rep_a_, wall_).status, 405);
}

TEST_F(ReportApiTest, TodayComesFromTheInjectedClockUnlessADayIsGiven) {
  auto today = DayOrToday("", wall_);
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(FormatDay(*today), "2026-11-23");
  EXPECT_EQ(*DayOrToday("2026-12-01", wall_), *ParseDay("2026-12-01"));
  for (const char* bad : {"2026-02-31", "2026-12-01T08:00Z", "12/01/2026"}) {
    auto r = DayOrToday(bad, wall_);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(DayOrToday("soon", wall_).status().message().find("'soon'"), std::string::npos);

  // The admin API's grading run is dated by the same clock.
  Customer("a1", "rep-a");
  HttpRequest grade;
  grade.method = "POST";
  grade.target = "/v1/admin/grade";
  wall_.Advance(36 * 3600 * 1000);  // 2026-11-24T12:00Z
  HttpResponse r = HandleAdminRequest(*store_, grade, manager_, wall_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r).at("today").as_string(), "2026-11-24");
  grade.target = "/v1/admin/grade?today=2026-13-01";
  EXPECT_EQ(HandleAdminRequest(*store_, grade, manager_, wall_).status, 400);
}

}  // namespace
}  // namespace fieldbook::server

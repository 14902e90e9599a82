// Grading end to end with the real binaries: a rep's offline order gives a provisional grade on
// the device (fieldbook-cli), the server's next grade replaces it, a manager changes a rule and
// the grades move, and the reports reach managers (/v1/admin/reports) and the rep's device
// (/v1/reports, scoped to the token's rep) over HTTP, fetched and kept by the real client code.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <ctime>
#include <fstream>

#include "fieldbook/grading.h"
#include "integration/server_fixture.h"
#include "store/client_store.h"
#include "sync/http_client.h"
#include "sync/rep_reports.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

// "C>B=1 " for each cell of a movement report.
std::string Cells(const json::value& movement) {
  std::string out;
  for (const auto& c : movement.at("cells").as_array()) {
    out += std::string(c.at("from").as_string()) + ">" + std::string(c.at("to").as_string()) + "=" +
           std::to_string(c.at("customers").as_int64()) + " ";
  }
  return out;
}

class ReportIntegrationTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddRep("mgr", "周经理", "manager");
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei", "rep");
    token_b_ = AddRep("rep-b", "李娜 Li Na", "rep");
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  void Server(std::vector<std::string> args) {
    args.insert(args.end(), {"--db", db_});
    CommandResult r = RunServerCommand(args);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  }

  // GET with a token; the reply's JSON (status checked).
  json::value GetJson(const std::string& target, const std::string& token, int status = 200) {
    auto reply = Get(target, token);
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    if (!reply.ok()) return {};
    EXPECT_EQ(reply->status, status) << target << ": " << reply->body;
    return ParseJson(reply->body);
  }

  std::string manager_, token_a_, token_b_;
};

TEST_F(ReportIntegrationTest, AnOfflineOrderIsGradedOnTheDeviceUntilTheServersGradesMove) {
  const std::string today = LocalToday();
  const std::string tomorrow = FormatDay(*ParseDay(today) + 1);
  ASSERT_EQ(Cli("a", {"init", "--server", server_->url(), "--token", token_a_}).exit_code, 0);
  const json::value added =
      OkJson("a", {"customer", "add", "--name", "鑫达汽修", "--purchase-stage", "interested"});
  const std::string id(added.at("id").as_string());

  // Offline order: 4 x ¥120. Built-in rules, the only customer with orders on the device:
  // R 5 (today), F 1 (quintile of one), M 1 (¥480) = 7 -> C; first order today -> new.
  ASSERT_EQ(
      Cli("a", {"order", "add", "--customer", id, "--line", "BOSCH-0986452041:4:120"}).exit_code,
      0);
  json::value shown = OkJson("a", {"customer", "show", id});
  const json::value& grade = shown.at("grade");
  EXPECT_TRUE(grade.at("provisional").as_bool());
  EXPECT_EQ(grade.at("tier").as_string(), "C");
  EXPECT_EQ(grade.at("lifecycle").as_string(), "new");
  EXPECT_EQ(grade.at("purchase_stage").as_string(), "customer");
  EXPECT_TRUE(shown.at("server_grade").at("tier").is_null());  // the server's column: untouched
  // One grade everywhere (#19): the customer's row carries the grade shown, marked provisional,
  // and so does the list.
  EXPECT_EQ(shown.at("customer").at("grade_tier").as_string(), "C");
  EXPECT_TRUE(shown.at("customer").at("grade_provisional").as_bool());
  const json::value listed = OkJson("a", {"customer", "list", "--tier", "C"});
  ASSERT_EQ(listed.as_array().size(), 1u) << json::serialize(listed);
  EXPECT_EQ(listed.as_array()[0].at("id").as_string(), id);
  EXPECT_TRUE(listed.as_array()[0].at("grade_provisional").as_bool());
  const CommandResult human = Cli("a", {"customer", "show", id});
  EXPECT_NE(human.out.find("grade C [PROVISIONAL"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("purchase_stage: customer: has ordered (was interested)"),
            std::string::npos)
      << human.out;

  // Back in signal; the nightly grade (dated tomorrow) replaces the provisional grade.
  ASSERT_EQ(Cli("a", {"sync"}).exit_code, 0);
  Server({"grade", "--today", tomorrow});
  ASSERT_EQ(Cli("a", {"sync"}).exit_code, 0);
  shown = OkJson("a", {"customer", "show", id});
  EXPECT_FALSE(shown.at("grade").at("provisional").as_bool());
  EXPECT_EQ(shown.at("grade").at("tier").as_string(), "C");
  EXPECT_EQ(shown.at("grade").at("graded_at").as_string(), tomorrow);
  EXPECT_EQ(Cli("a", {"customer", "show", id}).out.find("PROVISIONAL"), std::string::npos);

  // A manager lowers tier B from 9 to 7 points; the next grade moves the garage to B.
  const std::string rules = dir_.File("rules.json");
  std::ofstream(rules) << R"({"tiers": [{"name": "A", "min_score": 12},
      {"name": "B", "min_score": 7}, {"name": "C", "min_score": 5}, {"name": "D", "min_score": 0}]})";
  Server({"grading", "set", rules});
  Server({"grade", "--today", tomorrow});
  ASSERT_EQ(Cli("a", {"sync"}).exit_code, 0);
  shown = OkJson("a", {"customer", "show", id});
  EXPECT_EQ(shown.at("grade").at("tier").as_string(), "B");
  EXPECT_EQ(shown.at("grade").at("rules_version").as_int64(), 1);

  // The rep's reports, scoped by the token.
  EXPECT_EQ(Cells(GetJson("/v1/reports/movement", token_a_)), "C>B=1 ");
  const json::value portfolio = GetJson("/v1/reports/portfolio?today=" + tomorrow, token_a_);
  ASSERT_EQ(portfolio.at("reps").as_array().size(), 1u);
  const json::value& mine = portfolio.at("reps").as_array()[0];
  EXPECT_EQ(mine.at("rep").as_string(), "rep-a");
  EXPECT_EQ(json::serialize(mine.at("tiers")), R"({"B":1})");
  EXPECT_EQ(mine.at("revenue_cents").as_int64(), 48000);
  EXPECT_EQ(json::serialize(GetJson("/v1/reports/tiers", token_b_).at("tiers")), "{}");
  GetJson("/v1/reports/movement?rep=rep-a", token_b_, 403);
  GetJson("/v1/reports/tiers", "", 401);
  GetJson("/v1/reports/tiers", "fbt_not-a-token", 401);
  EXPECT_EQ(Cells(GetJson("/v1/reports/movement?rep=rep-a", manager_)), "C>B=1 ");
  // The managers' routes: any two runs, any rep.
  EXPECT_EQ(Cells(GetJson("/v1/admin/reports/movement?from=1&to=2&rep=rep-a", manager_)), "C>B=1 ");
  EXPECT_EQ(GetJson("/v1/admin/reports/portfolio?rep=rep-b", manager_)
                .at("reps")
                .as_array()[0]
                .at("customers")
                .as_int64(),
            0);
  GetJson("/v1/admin/reports/movement", token_a_, 403);

  // The device fetches its reports with the real client code and keeps them for offline use.
  auto http = client::HttpClient::Create(server_->url());
  ASSERT_TRUE(http.ok());
  auto fetched = client::FetchServerReports(**http, token_a_, tomorrow);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  SystemWallClock wall;
  auto store = client::ClientStore::Open(dir_.File("a.db"), wall);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->grades().SaveServerReports(*fetched).ok());
  auto kept = (*store)->grades().ServerReports();
  ASSERT_TRUE(kept.ok() && kept->has_value());
  auto reports = client::ParseServerReports((*kept)->json);
  ASSERT_TRUE(reports.ok()) << reports.status().ToString();
  ASSERT_TRUE(reports->movement && reports->portfolio);
  EXPECT_EQ(reports->movement->from_run, 1);
  EXPECT_EQ(reports->movement->to_run, 2);
  ASSERT_EQ(reports->movement->cells.size(), 1u);
  EXPECT_EQ(reports->movement->cells[0].from, "C");
  EXPECT_EQ(reports->movement->cells[0].to, "B");
  EXPECT_EQ(reports->portfolio->rep_id, "rep-a");
  EXPECT_EQ(reports->portfolio->revenue_cents, 48000);
  // A refused token is an error the app can show, not an empty report.
  auto refused = client::FetchServerReports(**http, "fbt_not-a-token", tomorrow);
  EXPECT_EQ(refused.status().code(), StatusCode::kRejected);
}

TEST_F(ReportIntegrationTest, BeforeAnyGradingRunTheDeviceIsToldThereIsNoMovementYet) {
  GetJson("/v1/reports/movement", token_a_, 404);
  auto http = client::HttpClient::Create(server_->url());
  ASSERT_TRUE(http.ok());
  auto fetched = client::FetchServerReports(**http, token_a_, LocalToday());
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  auto reports = client::ParseServerReports(*fetched);
  ASSERT_TRUE(reports.ok());
  EXPECT_FALSE(reports->movement);
  ASSERT_TRUE(reports->portfolio);
  EXPECT_EQ(reports->portfolio->customers, 0);
  // A server that cannot be reached: kUnavailable (the app keeps its last copy).
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  auto offline = client::FetchServerReports(**http, token_a_, LocalToday());
  EXPECT_EQ(offline.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace fieldbook::testing

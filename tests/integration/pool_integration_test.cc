// Assignment and the public pool end to end: the real fieldbook-server binary on a loopback port,
// its commands (rep profile, assignment set, assign, pool ...), the HTTP routes /v1/pool and
// /v1/pool/claims, and reps' devices (real Replica + SyncEngine) that lose reclaimed or moved
// customers and gain claimed ones at their next sync.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "fieldbook/canonical_export.h"
#include "fieldbook/grading.h"
#include "integration/server_fixture.h"
#include "store/server_store.h"
#include "support/sync_fixture.h"
#include "sync/http_client.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {
namespace {

namespace json = boost::json;

class PoolIntegrationTest : public ServerFixture {
 protected:
  void SetUp() override {
    today_ = static_cast<int32_t>(wall_.NowMs() / 86400000);
    sync_page_rows_ = 100;
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_token_ = AddRep("mgr", "周经理 Manager Zhou", "manager");
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei", "rep");
    token_b_ = AddRep("rep-b", "李娜 Li Na", "rep");
    token_c_ = AddRep("rep-c", "赵敏 Zhao Min", "rep");
    Ok({"rep", "profile", "rep-a", "--db", db_, "--regions", "GD-GZ", "--skill", "senior",
        "--capacity", "120", "--capacity-a", "20", "--closer"});
    Ok({"rep", "profile", "rep-b", "--db", db_, "--regions", "GD-GZ", "--skill", "senior"});
    Ok({"rep", "profile", "rep-c", "--db", db_, "--regions", "GD-SZ", "--skill", "junior"});
    gz_ = Trim(Ok({"territory", "add", "--db", db_, "--name", "广州天河", "--region", "GD-GZ"}));
    sz_ = Trim(Ok({"territory", "add", "--db", db_, "--name", "深圳宝安", "--region", "GD-SZ"}));
    const std::string rules = dir_.File("rules.json");
    std::ofstream(rules) << R"({"pool":{"reclaim_days":{},"default_reclaim_days":30,)"
                            R"("warn_days":30,"max_wait_days":5,"daily_claims":3}})";
    Ok({"assignment", "set", "--db", db_, rules});
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  static std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  std::string Ok(const std::vector<std::string>& args) {
    CommandResult r = RunServerCommand(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err;
    return r.out;
  }

  // A garage in `territory` held by `owner`, written on the server (a device may not set a
  // customer's territory, issue 13); the owner's device receives it at its next sync.
  void AddCustomer(const std::string& id, const std::string& owner, const std::string& territory) {
    auto store = server::ServerStore::Open(db_, wall_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto written = (*store)->Write({RowWrite{"customers",
                                             id,
                                             {{"name", Value("汽修 " + id)},
                                              {"city", Value(std::string("广州"))},
                                              {"owner_rep_id", Value(owner)},
                                              {"territory_id", Value(territory)},
                                              {"customer_type", Value(std::string("garage"))}}}});
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    ASSERT_TRUE(written->rejections.empty()) << written->rejections[0].reason;
  }

  void AddVisit(Replica& r, const std::string& id, const std::string& customer,
                const std::string& rep, int32_t day) {
    ASSERT_TRUE(Exec(r.db(),
                     "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
                     "(?, ?, ?, ?, 'checked the stock')",
                     {Value(id), Value(customer), Value(rep), Value(FormatDay(day) + "T09:00:00Z")})
                    .ok());
  }

  int64_t CountIn(Replica& r, const std::string& sql) {
    const Value v = QueryValue(r.db(), sql);
    const auto* n = std::get_if<int64_t>(&v);
    return n == nullptr ? -1 : *n;
  }

  int32_t today_ = 0;
  std::string gz_, sz_, manager_token_, token_a_, token_b_, token_c_;
};

TEST_F(PoolIntegrationTest, TwoRepsRacingForAPooledCustomerOneWinsAndTheOtherIsToldWhy) {
  auto a = OpenReplica("a");
  auto b = OpenReplica("b");
  AddCustomer("c-pool", "rep-b", gz_);
  AddVisit(*b, "v-b", "c-pool", "rep-b", today_);
  ASSERT_TRUE(Sync(*b, token_b_).ok());
  ASSERT_TRUE(Sync(*a, token_a_).ok());

  Ok({"pool", "release", "c-pool", "--db", db_, "--reason", "李娜 moved to Foshan"});
  auto evicted = Sync(*b, token_b_);
  ASSERT_TRUE(evicted.ok()) << evicted.status().ToString();
  EXPECT_EQ(evicted->customers_evicted, 1u);
  EXPECT_EQ(CountIn(*b, "SELECT count(*) FROM customers"), 0);

  auto view = Get("/v1/pool", token_a_);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  ASSERT_EQ(view->status, 200) << view->body;
  json::object pool_view = ParseJson(view->body).as_object();
  ASSERT_EQ(pool_view["pool"].as_array().size(), 1u);
  json::object& entry = pool_view["pool"].as_array()[0].as_object();
  EXPECT_EQ(entry["id"].as_string(), "c-pool");
  EXPECT_EQ(entry["region"].as_string(), "GD-GZ");
  EXPECT_EQ(entry["reason"].as_string(), "李娜 moved to Foshan");
  EXPECT_TRUE(entry["claimable"].as_bool());

  // Both reps' devices come back online at once with a claim each.
  std::atomic<bool> go{false};
  std::string answer_a, answer_b;
  auto claim = [&](const std::string& token, const std::string& request_id, std::string* out) {
    while (!go.load()) std::this_thread::yield();
    auto reply = Post("/v1/pool/claims",
                      R"({"claims":[{"request_id":")" + request_id +
                          R"(","customer":"c-pool","requested_at_ms":)" +
                          std::to_string(wall_.NowMs()) + "}]}",
                      token);
    if (reply.ok() && reply->status == 200) *out = reply->body;
  };
  std::thread ta(claim, token_a_, "a-claim-1", &answer_a);
  std::thread tb(claim, token_b_, "b-claim-1", &answer_b);
  go = true;
  ta.join();
  tb.join();
  ASSERT_FALSE(answer_a.empty());
  ASSERT_FALSE(answer_b.empty());
  json::object ra = ParseJson(answer_a).as_object()["results"].as_array()[0].as_object();
  json::object rb = ParseJson(answer_b).as_object()["results"].as_array()[0].as_object();
  const bool a_won = ra["status"].as_string() == "granted";
  json::object& winner = a_won ? ra : rb;
  json::object& loser = a_won ? rb : ra;
  EXPECT_EQ(winner["status"].as_string(), "granted");
  EXPECT_EQ(loser["status"].as_string(), "refused");
  const std::string winner_rep = a_won ? "rep-a" : "rep-b";
  EXPECT_EQ(std::string(loser["reason"].as_string()).rfind("already claimed by ", 0), 0u)
      << loser["reason"].as_string();
  EXPECT_NE(std::string(loser["reason"].as_string()).find("(" + winner_rep + ")"),
            std::string::npos);

  // The winner's device gets the customer with its history at the next sync; the loser's not.
  Replica& win_replica = a_won ? *a : *b;
  Replica& lose_replica = a_won ? *b : *a;
  ASSERT_TRUE(Sync(win_replica, a_won ? token_a_ : token_b_).ok());
  ASSERT_TRUE(Sync(lose_replica, a_won ? token_b_ : token_a_).ok());
  EXPECT_EQ(QueryValue(win_replica.db(), "SELECT owner_rep_id FROM customers WHERE id = 'c-pool'"),
            Value(winner_rep));
  EXPECT_EQ(CountIn(win_replica, "SELECT count(*) FROM visits WHERE customer_id = 'c-pool'"), 1);
  EXPECT_EQ(CountIn(lose_replica, "SELECT count(*) FROM customers WHERE id = 'c-pool'"), 0);

  // The loser's device retries the same request (say, after a timeout): the same answer.
  const std::string loser_token = a_won ? token_b_ : token_a_;
  const std::string loser_request = a_won ? "b-claim-1" : "a-claim-1";
  auto retry = Post("/v1/pool/claims",
                    R"({"claims":[{"request_id":")" + loser_request + R"(","customer":"c-pool"}]})",
                    loser_token);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(ParseJson(retry->body).as_object()["results"].as_array()[0].as_object()["reason"],
            loser["reason"]);

  // Managers see who did what, when and why.
  auto audit = Get("/v1/admin/pool/audit?customer=c-pool", manager_token_);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->status, 200) << audit->body;
  json::array rows = ParseJson(audit->body).as_object()["audit"].as_array();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].as_object()["action"].as_string(), "claim_refused");
  EXPECT_EQ(rows[1].as_object()["action"].as_string(), "claim");
  EXPECT_EQ(rows[1].as_object()["rep"].as_string(), winner_rep);
  EXPECT_EQ(rows[1].as_object()["actor"].as_string(), "rep:" + winner_rep);
  EXPECT_EQ(rows[2].as_object()["action"].as_string(), "release");
  EXPECT_EQ(rows[2].as_object()["rep"].as_string(), "rep-b");
  // A command records the OS user running it (or its --actor), never a made-up "cli" (issue 13).
  EXPECT_EQ(std::string(rows[2].as_object()["actor"].as_string()).rfind("os:", 0), 0u);
  json::value cli_audit =
      ParseJson(Ok({"pool", "audit", "--db", db_, "--customer", "c-pool", "--json"}));
  EXPECT_EQ(cli_audit.as_array().size(), 3u);
  // Reps are not managers.
  auto forbidden = Get("/v1/admin/pool/audit", token_a_);
  ASSERT_TRUE(forbidden.ok());
  EXPECT_EQ(forbidden->status, 403);

  // The winner gives it back with a reason; their device lets it go at the next sync.
  const std::string winner_token = a_won ? token_a_ : token_b_;
  auto not_theirs =
      Post("/v1/pool/release", R"({"customer":"c-pool","reason":"too far"})", loser_token);
  ASSERT_TRUE(not_theirs.ok());
  EXPECT_EQ(not_theirs->status, 409) << not_theirs->body;
  auto released =
      Post("/v1/pool/release", R"({"customer":"c-pool","reason":"too far"})", winner_token);
  ASSERT_TRUE(released.ok());
  ASSERT_EQ(released->status, 200) << released->body;
  EXPECT_EQ(ParseJson(released->body).as_object()["status"].as_string(), "released");
  auto gone = Sync(win_replica, winner_token);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->customers_evicted, 1u);
  EXPECT_EQ(CountIn(win_replica, "SELECT count(*) FROM customers WHERE id = 'c-pool'"), 0);
}

TEST_F(PoolIntegrationTest, ARepsDeviceLosesAReclaimedCustomerAndGainsAClaimedOne) {
  auto a = OpenReplica("a");
  auto b = OpenReplica("b");
  AddCustomer("c-old", "rep-a", gz_);   // no visit: reclaim due 30 days from today
  AddCustomer("c-busy", "rep-a", gz_);  // a visit dated day +20 keeps it 20 days longer
  AddVisit(*a, "v-busy", "c-busy", "rep-a", today_ + 20);
  AddCustomer("c-b", "rep-b", gz_);
  AddVisit(*b, "v-b", "c-b", "rep-b", today_ + 20);  // not due in the reclaims below either
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  ASSERT_TRUE(Sync(*b, token_b_).ok());

  // The rep is warned (warn_days 30 here) about both: c-busy's visit is dated in the future, and
  // a visit counts from its own date only (by the reclaims below, as of later days, it does).
  auto view = Get("/v1/pool", token_a_);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->status, 200) << view->body;
  json::object v = ParseJson(view->body).as_object();
  json::array warnings = v["warnings"].as_array();
  ASSERT_EQ(warnings.size(), 2u) << view->body;
  EXPECT_EQ(warnings[0].as_object()["id"].as_string(), "c-busy");
  EXPECT_EQ(warnings[1].as_object()["id"].as_string(), "c-old");
  EXPECT_EQ(warnings[1].as_object()["deadline"].as_string(), FormatDay(today_ + 30));
  EXPECT_EQ(warnings[1].as_object()["days_left"].as_int64(), 30);
  EXPECT_TRUE(warnings[1].as_object()["last_activity"].is_null());
  EXPECT_EQ(v["policy"].as_object()["daily_claims"].as_int64(), 3);
  EXPECT_EQ(v["policy"].as_object()["holding_cap"].as_int64(), 120);

  // Three days past the deadline rep-a's devices have not synced since it: the reclaim waits.
  json::value waiting =
      ParseJson(Ok({"pool", "reclaim", "--db", db_, "--today", FormatDay(today_ + 33), "--json"}));
  EXPECT_TRUE(waiting.as_object()["reclaimed"].as_array().empty());
  ASSERT_EQ(waiting.as_object()["waiting"].as_array().size(), 1u);
  EXPECT_EQ(waiting.as_object()["waiting"].as_array()[0].as_object()["id"].as_string(), "c-old");
  // After max_wait_days (5) it happens anyway.
  json::value reclaimed =
      ParseJson(Ok({"pool", "reclaim", "--db", db_, "--today", FormatDay(today_ + 36), "--json"}));
  json::array done = reclaimed.as_object()["reclaimed"].as_array();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].as_object()["id"].as_string(), "c-old");
  EXPECT_NE(
      std::string(done[0].as_object()["reason"].as_string()).find("waited the maximum 5 days"),
      std::string::npos);

  // A manager puts rep-b's customer into the pool; rep-a claims it over HTTP.
  Ok({"pool", "release", "c-b", "--db", db_, "--reason", "rebalancing"});
  auto claimed =
      Post("/v1/pool/claims", R"({"claims":[{"request_id":"r-1","customer":"c-b"}]})", token_a_);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->status, 200) << claimed->body;
  EXPECT_EQ(ParseJson(claimed->body).as_object()["results"].as_array()[0].as_object()["status"],
            "granted");

  // One sync: c-old leaves the device, c-b arrives with rep-b's visit, c-busy stays.
  auto report = Sync(*a, token_a_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->customers_evicted, 1u);
  EXPECT_EQ(CountIn(*a, "SELECT count(*) FROM customers WHERE id = 'c-old'"), 0);
  EXPECT_EQ(CountIn(*a, "SELECT count(*) FROM customers WHERE id = 'c-busy'"), 1);
  EXPECT_EQ(QueryValue(a->db(), "SELECT owner_rep_id FROM customers WHERE id = 'c-b'"),
            Value(std::string("rep-a")));
  EXPECT_EQ(CountIn(*a, "SELECT count(*) FROM visits WHERE customer_id = 'c-b'"), 1);
  auto exported = CanonicalExport(a->db(), a->catalog());
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(*exported, ServerExport("rep-a"));
  // And rep-b's device lets c-b go.
  auto b_report = Sync(*b, token_b_);
  ASSERT_TRUE(b_report.ok());
  EXPECT_EQ(b_report->customers_evicted, 1u);
  EXPECT_EQ(CountIn(*b, "SELECT count(*) FROM customers"), 0);
}

TEST_F(PoolIntegrationTest, AManagerRebalancesATerritoryWithADryRunThenApplies) {
  auto a = OpenReplica("a");
  auto c = OpenReplica("c");
  AddCustomer("c-sz", "rep-a", sz_);  // a GD-SZ garage held by a GD-GZ rep
  AddCustomer("c-gz", "rep-a", gz_);
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  ASSERT_TRUE(Sync(*c, token_c_).ok());

  json::value dry =
      ParseJson(Ok({"assign", "--db", db_, "--territory", sz_, "--dry-run", "--json"}));
  json::array moves = dry.as_object()["moves"].as_array();
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0].as_object()["customer"].as_string(), "c-sz");
  EXPECT_EQ(moves[0].as_object()["to"].as_string(), "rep-c");
  EXPECT_EQ(moves[0].as_object()["reason"].as_string(),
            "region mismatch: customer in GD-SZ, rep-a serves GD-GZ");
  EXPECT_FALSE(dry.as_object()["applied"].as_bool());
  const std::string human = Ok({"assign", "--db", db_, "--territory", sz_, "--dry-run"});
  EXPECT_NE(human.find("rep-a -> rep-c"), std::string::npos) << human;
  EXPECT_NE(human.find("dry run: nothing changed"), std::string::npos);
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  EXPECT_EQ(CountIn(*a, "SELECT count(*) FROM customers"), 2);  // the dry run moved nothing

  const std::string applied = Ok({"assign", "--db", db_, "--territory", sz_});
  EXPECT_NE(applied.find("applied: 1 customers reassigned"), std::string::npos) << applied;
  auto lost = Sync(*a, token_a_);
  ASSERT_TRUE(lost.ok());
  EXPECT_EQ(lost->customers_evicted, 1u);
  EXPECT_EQ(CountIn(*a, "SELECT count(*) FROM customers"), 1);
  ASSERT_TRUE(Sync(*c, token_c_).ok());
  EXPECT_EQ(QueryValue(c->db(), "SELECT owner_rep_id FROM customers WHERE id = 'c-sz'"),
            Value(std::string("rep-c")));
  // Nothing more to do: the plan is stable.
  json::value again = ParseJson(Ok({"assign", "--db", db_, "--dry-run", "--json"}));
  EXPECT_TRUE(again.as_object()["moves"].as_array().empty());
  // `rep list` shows the profiles.
  const std::string reps = Ok({"rep", "list", "--db", db_});
  EXPECT_NE(reps.find("senior"), std::string::npos) << reps;
  EXPECT_NE(reps.find("closer"), std::string::npos);
}

}  // namespace
}  // namespace fieldbook::testing

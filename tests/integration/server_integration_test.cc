// fieldbook-server end to end: the real binary on a loopback port, driven by the real client code
// (Replica + SyncEngine + HttpSyncTransport) and by the server's own commands.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "fieldbook/change_set_codec.h"
#include "integration/server_fixture.h"
#include "support/sync_fixture.h"
#include "sync/http_client.h"
#include "sync/sync_engine.h"

namespace fieldbook::testing {
namespace {

using client::HttpSyncTransport;

class ServerIntegrationTest : public ServerFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_token_ = AddRep("mgr", "Manager Zhou", "manager");
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei", "rep");
    token_b_ = AddRep("rep-b", "李娜 Li Na", "rep");
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  void AddCustomer(Replica& r, const std::string& id, const std::string& name,
                   const std::string& owner) {
    ASSERT_TRUE(Exec(r.db(),
                     "INSERT INTO customers (id, name, city, owner_rep_id, customer_type) "
                     "VALUES (?, ?, '广州', ?, 'garage')",
                     {S(id.c_str()), S(name.c_str()), S(owner.c_str())})
                    .ok());
  }

  void AddVisit(Replica& r, const std::string& id, const std::string& customer,
                const std::string& rep, const std::string& notes) {
    ASSERT_TRUE(Exec(r.db(),
                     "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
                     "(?, ?, ?, '2026-11-23T09:00:00Z', ?)",
                     {S(id.c_str()), S(customer.c_str()), S(rep.c_str()), S(notes.c_str())})
                    .ok());
  }

  std::string manager_token_, token_a_, token_b_;
};

TEST_F(ServerIntegrationTest, HealthMetricsAndClearErrors) {
  auto health = Get("/healthz");
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(health->status, 200);
  auto metrics = Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("fieldbook_open_sessions"), std::string::npos);

  const std::string empty_request = EncodeSyncRequest(SyncRequest{});
  auto no_token = Post("/v1/sync", empty_request, "", "application/x-fieldbook-sync");
  ASSERT_TRUE(no_token.ok());
  EXPECT_EQ(no_token->status, 401);
  auto wrong_token = Post("/v1/sync", empty_request, "fbt_not-a-real-token");
  ASSERT_TRUE(wrong_token.ok());
  EXPECT_EQ(wrong_token->status, 401);
  auto garbage = Post("/v1/sync", "definitely not cap'n proto", token_a_);
  ASSERT_TRUE(garbage.ok());
  EXPECT_EQ(garbage->status, 400);
  EXPECT_NE(garbage->body.find("\"error\""), std::string::npos) << garbage->body;
  auto manager_sync = Post("/v1/sync", empty_request, manager_token_);
  ASSERT_TRUE(manager_sync.ok());
  EXPECT_EQ(manager_sync->status, 403);
  auto rep_admin = Get("/v1/admin/reps", token_a_);
  ASSERT_TRUE(rep_admin.ok());
  EXPECT_EQ(rep_admin->status, 403);
  auto who = Get("/v1/whoami", token_a_);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->status, 200);
  EXPECT_EQ(JsonStr(ParseJson(who->body), "rep"), "rep-a");
  EXPECT_EQ(JsonStr(ParseJson(who->body), "role"), "rep");
  auto manager_admin = Get("/v1/admin/reps", manager_token_);
  ASSERT_TRUE(manager_admin.ok());
  EXPECT_EQ(manager_admin->status, 200);
  EXPECT_NE(manager_admin->body.find("rep-a"), std::string::npos);

  // A disabled rep's device is refused at once, even while the server runs.
  ASSERT_EQ(RunServerCommand({"rep", "disable", "--db", db_, "--rep", "rep-b"}).exit_code, 0);
  auto replica = OpenReplica("b");
  auto refused = Sync(*replica, token_b_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("device token"), std::string::npos);

  // The server survived all of that.
  auto again = Get("/healthz");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 200);
}

TEST_F(ServerIntegrationTest, ABodyOverTheLimitIs413AndTheServerKeepsServing) {
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  ASSERT_TRUE(server_->Start({"--body-limit-mb", "1"})) << server_->Log();
  auto big = Post("/v1/sync", std::string(2 << 20, 'x'), token_a_, "application/x-fieldbook-sync");
  if (big.ok()) {
    EXPECT_EQ(big->status, 413);  // or the server closed the connection mid-body
  }
  auto health = Get("/healthz");
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(health->status, 200);
}

TEST_F(ServerIntegrationTest, ARepPullsOnlyTheirOwnCustomersAndCannotTouchOthers) {
  auto a = OpenReplica("a");
  auto b = OpenReplica("b");
  AddCustomer(*a, "ca1", "鑫达汽修", "rep-a");
  AddCustomer(*a, "ca2", "Bright Auto", "rep-a");
  AddVisit(*a, "va1", "ca1", "rep-a", "换了刹车片");
  AddCustomer(*b, "cb1", "顺通汽配 (B's)", "rep-b");
  AddVisit(*b, "vb1", "cb1", "rep-b", "B's secret visit");
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  ASSERT_TRUE(Sync(*b, token_b_).ok());
  ASSERT_TRUE(Sync(*a, token_a_).ok());

  const std::string a_export = ReplicaExport(*a);
  EXPECT_EQ(a_export, ServerExport("rep-a"));
  EXPECT_EQ(a_export.find("顺通汽配"), std::string::npos);
  EXPECT_EQ(a_export.find("B's secret visit"), std::string::npos);
  EXPECT_EQ(ReplicaExport(*b), ServerExport("rep-b"));

  // A forges an edit of B's customer: refused with a reason, B's data untouched.
  ChangeSet forged;
  forged.set_id = "forged-by-a";
  forged.replica_id = a->replica_id();
  const uint32_t self = forged.OriginIndex(a->replica_id());
  forged.rows.push_back({"customers", "cb1", {{"name", S("hijacked"), a->clock().Now(), self}}});
  forged.rows.push_back({"customers", "ca1", {{"notes", S("fine"), a->clock().Now(), self}}});
  SyncRequest request;
  request.replica_id = a->replica_id();
  request.has_push = true;
  request.push = forged;
  auto transport = HttpSyncTransport::Create(server_->url(), token_a_);
  ASSERT_TRUE(transport.ok());
  auto response = (*transport)->Exchange(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  ASSERT_EQ(response->push_result.rejections.size(), 1u);
  EXPECT_EQ(response->push_result.rejections[0].code, "out_of_scope");
  EXPECT_EQ(response->push_result.rows_accepted, 1u);
  EXPECT_EQ(ServerExport("rep-b").find("hijacked"), std::string::npos);
  // Pulling never leaks B's rows either, whatever cursor A claims.
  EXPECT_EQ(response->pull.rows.size() + 0, response->pull.rows.size());
  for (const RowChange& row : response->pull.rows) EXPECT_NE(row.row_id, "cb1");
}

TEST_F(ServerIntegrationTest, AReassignedCustomerMovesWithItsHistoryAndNothingIsLost) {
  auto a = OpenReplica("a");
  auto b = OpenReplica("b");
  AddCustomer(*a, "c1", "鑫达汽修", "rep-a");
  AddVisit(*a, "v-before", "c1", "rep-a", "first visit");
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  ASSERT_TRUE(Sync(*b, token_b_).ok());

  // A, offline, edits the phone before the move...
  ASSERT_TRUE(Exec(a->db(), "UPDATE customers SET phone = '13800138000' WHERE id = 'c1'").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // ...a manager moves the customer to B (through the admin API, while A is offline)...
  auto moved =
      Post("/v1/admin/customers/reassign", R"({"customer":"c1","to":"rep-b"})", manager_token_);
  ASSERT_TRUE(moved.ok());
  ASSERT_EQ(moved->status, 200) << moved->body;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // ...and A, still offline, logs a visit, an order and edits the notes after the move.
  AddVisit(*a, "v-after", "c1", "rep-a", "visited after the move");
  ASSERT_TRUE(Exec(a->db(),
                   "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, "
                   "currency) VALUES ('o1', 'c1', 'rep-a', '2026-11-23', 99000, 'CNY')")
                  .ok());
  ASSERT_TRUE(
      Exec(a->db(), "UPDATE customers SET notes = 'wants Bosch pads' WHERE id = 'c1'").ok());

  auto report = Sync(*a, token_a_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->customers_evicted, 1u);
  // The customer left A's replica; A's late field edit is in A's review list with the reason.
  EXPECT_EQ(QueryValue(a->db(), "SELECT count(*) FROM customers"), I(0));
  EXPECT_EQ(QueryValue(a->db(), "SELECT count(*) FROM visits"), I(0));
  auto review = a->ReviewList();
  ASSERT_TRUE(review.ok());
  ASSERT_EQ(review->size(), 1u);
  EXPECT_EQ((*review)[0].code, "reassigned");
  EXPECT_EQ(*a->PendingWriteCount(), 0);

  // B gets the customer with its whole history: both visits and the order, attributed to A,
  // and the phone edited before the move; the late notes edit waits in the conflict list.
  ASSERT_TRUE(Sync(*b, token_b_).ok());
  EXPECT_EQ(QueryValue(b->db(), "SELECT owner_rep_id FROM customers WHERE id = 'c1'"), S("rep-b"));
  EXPECT_EQ(QueryValue(b->db(), "SELECT phone FROM customers WHERE id = 'c1'"), S("13800138000"));
  EXPECT_TRUE(IsNull(QueryValue(b->db(), "SELECT notes FROM customers WHERE id = 'c1'")));
  EXPECT_EQ(QueryValue(b->db(), "SELECT count(*) FROM visits WHERE customer_id = 'c1'"), I(2));
  EXPECT_EQ(QueryValue(b->db(), "SELECT rep_id FROM orders WHERE id = 'o1'"), S("rep-a"));
  EXPECT_EQ(ReplicaExport(*b), ServerExport("rep-b"));
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));

  CommandResult conflicts = RunServerCommand({"conflicts", "list", "--db", db_, "--json"});
  ASSERT_EQ(conflicts.exit_code, 0) << conflicts.err;
  EXPECT_NE(conflicts.out.find("wants Bosch pads"), std::string::npos) << conflicts.out;
  EXPECT_NE(conflicts.out.find("\"owner_rep\":\"rep-b\""), std::string::npos);
  auto mine = Get("/v1/conflicts", token_b_);  // B reviews it
  ASSERT_TRUE(mine.ok());
  EXPECT_NE(mine->body.find("wants Bosch pads"), std::string::npos);
  // B's manager applies it; it reaches B as an ordinary change.
  auto applied =
      Post("/v1/admin/conflicts/resolve", R"({"id":1,"action":"apply"})", manager_token_);
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->status, 200) << applied->body;
  ASSERT_TRUE(Sync(*b, token_b_).ok());
  EXPECT_EQ(QueryValue(b->db(), "SELECT notes FROM customers WHERE id = 'c1'"),
            S("wants Bosch pads"));
}

TEST_F(ServerIntegrationTest, ATerritoryMovedByCommandReachesBothReps) {
  auto a = OpenReplica("a");
  auto b = OpenReplica("b");
  CommandResult t =
      RunServerCommand({"territory", "add", "--db", db_, "--name", "天河", "--city", "广州"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const std::string territory = t.out.substr(0, t.out.find('\n'));
  ASSERT_EQ(RunServerCommand(
                {"territory", "assign", "--db", db_, "--territory", territory, "--rep", "rep-a"})
                .exit_code,
            0);
  AddCustomer(*a, "c1", "Golden Wrench", "rep-a");
  AddCustomer(*a, "c2", "华信修理厂", "rep-a");
  ASSERT_TRUE(Exec(a->db(), "UPDATE customers SET notes = 'x' WHERE id = 'c1'").ok());
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  // Customers created by A are A's; the manager files them under the territory, then moves it.
  ASSERT_EQ(
      RunServerCommand({"customer", "reassign", "--db", db_, "--customer", "c1", "--to", "rep-a"})
          .exit_code,
      0);
  CommandResult moved = RunServerCommand(
      {"territory", "assign", "--db", db_, "--territory", territory, "--rep", "rep-b"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  ASSERT_TRUE(Sync(*b, token_b_).ok());
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));
  EXPECT_EQ(ReplicaExport(*b), ServerExport("rep-b"));
}

TEST_F(ServerIntegrationTest, ARetriedPushChangesNothingAndGetsTheSameAnswer) {
  auto a = OpenReplica("a");
  AddCustomer(*a, "c1", "鑫达汽修", "rep-a");
  auto push = a->PreparePush();
  ASSERT_TRUE(push.ok() && push->has_value());
  SyncRequest request;
  request.replica_id = a->replica_id();
  request.has_push = true;
  request.push = **push;
  auto transport = HttpSyncTransport::Create(server_->url(), token_a_);
  ASSERT_TRUE(transport.ok());
  auto first = (*transport)->Exchange(request);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto seq_after_first = Get("/healthz");
  auto second = (*transport)->Exchange(request);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->push_result, first->push_result);
  auto seq_after_second = Get("/healthz");
  EXPECT_EQ(seq_after_second->body, seq_after_first->body);
}

TEST_F(ServerIntegrationTest, EveryAcknowledgedPushSurvivesSigkill) {
  auto a = OpenReplica("a");
  std::mt19937 rng(7);
  std::set<std::string> acknowledged;
  int created = 0;
  for (int round = 0; round < 3; ++round) {
    std::atomic<bool> stop{false};
    std::atomic<bool> acknowledged_this_round{false};
    const int kill_after_ms = static_cast<int>(rng() % 400);
    std::thread killer([&] {
      // The kill lands after at least one acknowledged push of this round (a loaded machine can
      // take longer than any fixed delay for its first sync), then 0-400 ms later: between or
      // during the next pushes, whichever comes.
      for (int i = 0; i < 600 && !acknowledged_this_round; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
      server_->Stop(SIGKILL);
      stop = true;
    });
    while (!stop) {
      std::vector<std::string> batch;
      for (int i = 0; i < 5; ++i) {
        const std::string id = "k" + std::to_string(created++);
        AddCustomer(*a, id, "garage " + id, "rep-a");
        batch.push_back(id);
      }
      auto synced = Sync(*a, token_a_);
      if (synced.ok() && *a->PendingWriteCount() == 0) {
        // Everything created so far was acknowledged by the server.
        for (int i = 0; i < created; ++i) acknowledged.insert("k" + std::to_string(i));
        acknowledged_this_round = true;
      }
    }
    killer.join();
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }
  ASSERT_FALSE(acknowledged.empty());
  const std::string exported = ServerExport("rep-a");
  for (const std::string& id : acknowledged) {
    EXPECT_NE(exported.find("\"id\":\"" + id + "\""), std::string::npos) << id << " was lost";
  }
  // And what was not acknowledged is still on the device and lands now.
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  EXPECT_EQ(*a->PendingWriteCount(), 0);
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));
  EXPECT_EQ(QueryValue(a->db(), "SELECT count(*) FROM customers"), I(created));
}

TEST_F(ServerIntegrationTest, ACursorOlderThanHistoryRebuildsAfterItsChangesLand) {
  auto a = OpenReplica("a");
  AddCustomer(*a, "c1", "鑫达汽修", "rep-a");
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  AddCustomer(*a, "c2", "offline garage", "rep-a");  // not yet synced
  auto b = OpenReplica("b");
  AddCustomer(*b, "cb", "B's garage", "rep-b");
  ASSERT_TRUE(Sync(*b, token_b_).ok());
  // The hub's sequence number now: /healthz says it on SQLite; on PostgreSQL /healthz is liveness
  // alone (it never reads the shared database), so the operator's SQL reads it.
  int64_t seq = -1;
  if (server_db_.postgres()) {
    seq = server_db_.QueryInt("SELECT value FROM fb_hub_seq");
  } else {
    auto health = Get("/healthz");
    ASSERT_TRUE(health.ok());
    seq = JsonInt(ParseJson(health->body), "seq");
  }
  ASSERT_GT(seq, 0);
  ASSERT_EQ(
      RunServerCommand({"history", "trim", "--db", db_, "--before-seq", std::to_string(seq + 1)})
          .exit_code,
      0);
  auto report = Sync(*a, token_a_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->rebuilt);
  EXPECT_NE(ServerExport("rep-a").find("offline garage"), std::string::npos);
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));
}

TEST_F(ServerIntegrationTest, SigtermLetsInFlightSyncsFinishAndExitsCleanly) {
  auto a = OpenReplica("a");
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    int n = 0;
    while (!stop) {
      AddCustomer(*a, "t" + std::to_string(n++), "garage", "rep-a");
      if (!Sync(*a, token_a_).ok()) ++failures;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Log();
  stop = true;
  writer.join();
  EXPECT_NE(server_->Log().find("event=stopped"), std::string::npos);
  ASSERT_TRUE(server_->Start());
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));
}

TEST_F(ServerIntegrationTest, ServeTakesItsOptionsFromAConfigFile) {
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  const std::string config = dir_.File("fieldbook.toml");
  std::ofstream(config) << "[serve]\nbody-limit-mb = 1\npage-rows = 7\n";
  ASSERT_TRUE(server_->Start({"--config", config})) << server_->Log();
  auto big = Post("/v1/sync", std::string(2 << 20, 'x'), token_a_, "application/x-fieldbook-sync");
  if (big.ok()) {
    EXPECT_EQ(big->status, 413);
  }
  auto a = OpenReplica("a");
  for (int i = 0; i < 20; ++i) AddCustomer(*a, "c" + std::to_string(i), "garage", "rep-a");
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  auto fresh = OpenReplica("a2");
  SyncRequest request;
  request.replica_id = fresh->replica_id();
  auto transport = HttpSyncTransport::Create(server_->url(), token_a_);
  ASSERT_TRUE(transport.ok());
  auto page = (*transport)->Exchange(request);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_LE(page->pull.rows.size(), 7u);  // the configured page size
  EXPECT_TRUE(page->more);
}

TEST(ServerCommands, SeedDemoIsDeterministicForASeedAndDate) {
  TempDir dir;
  std::string exports[2];
  for (int i = 0; i < 2; ++i) {
    const std::string db = dir.File("demo" + std::to_string(i) + ".db");
    CommandResult seeded = RunServerCommand(
        {"seed-demo", "--db", db, "--customers", "40", "--today", "2026-11-23", "--json"});
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
    EXPECT_NE(seeded.out.find("fbt_"), std::string::npos);  // tokens are printed once
    CommandResult exported = RunServerCommand({"export", "--db", db, "--rep", "rep-zhang-wei"});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    exports[i] = exported.out;
  }
  EXPECT_EQ(exports[0], exports[1]);
  EXPECT_NE(exports[0].find("\"table\":\"visits\""), std::string::npos);
  EXPECT_NE(exports[0].find("\"table\":\"orders\""), std::string::npos);
  // Seeding twice into one database is refused rather than duplicated.
  CommandResult again = RunServerCommand(
      {"seed-demo", "--db", dir.File("demo0.db"), "--customers", "40", "--today", "2026-11-23"});
  EXPECT_EQ(again.exit_code, 1);
}

TEST(ServerCommands, MisuseExitsNonZeroWithAOneLineReason) {
  CommandResult none = RunServerCommand({});
  EXPECT_EQ(none.exit_code, 2);
  CommandResult unknown = RunServerCommand({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("fieldbook-server:"), std::string::npos);
  CommandResult bad_role =
      RunServerCommand({"rep", "add", "--db", "/tmp/never.db", "--name", "x", "--role", "boss"});
  EXPECT_EQ(bad_role.exit_code, 2);
  TempDir dir;
  CommandResult missing = RunServerCommand({"serve", "--db", dir.File("missing.db")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("init"), std::string::npos) << missing.err;
  CommandResult help = RunServerCommand({"territory", "assign", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--territory"), std::string::npos);
}

}  // namespace
}  // namespace fieldbook::testing

namespace fieldbook::testing {
namespace {

TEST_F(ServerIntegrationTest, GradesAndRulesReachTheRepsDeviceAndManagersSeeThemMove) {
  auto a = OpenReplica("a");
  AddCustomer(*a, "c1", "鑫达汽修", "rep-a");
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(Exec(a->db(),
                     "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, "
                     "currency) VALUES (?, 'c1', 'rep-a', ?, 4000000, 'CNY')",
                     {S(("o" + std::to_string(i)).c_str()),
                      S(("2026-1" + std::to_string(i % 2) + "-0" + std::to_string(i + 1)).c_str())})
                    .ok());
  }
  ASSERT_TRUE(Sync(*a, token_a_).ok());

  CommandResult graded = RunServerCommand({"grade", "--db", db_, "--today", "2026-11-23"});
  ASSERT_EQ(graded.exit_code, 0) << graded.err;
  EXPECT_NE(graded.out.find("graded 1 customers"), std::string::npos) << graded.out;
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  // ¥240,000 in the window: tier by R+F+M with the default rules, and the reasons come along.
  const Value tier = QueryValue(a->db(), "SELECT grade_tier FROM customers WHERE id = 'c1'");
  ASSERT_TRUE(std::holds_alternative<std::string>(tier));
  const Value reasons = QueryValue(a->db(), "SELECT grade_reasons FROM customers WHERE id = 'c1'");
  EXPECT_NE(std::get<std::string>(reasons).find("monetary"), std::string::npos);

  // A manager lowers the VIP threshold: the rules reach the device, the grade moves.
  const std::string rules = dir_.File("rules.json");
  std::ofstream(rules) << R"({"vip": {"min_monetary_yuan": 100000}})";
  CommandResult set = RunServerCommand({"grading", "set", "--db", db_, rules});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ASSERT_EQ(RunServerCommand({"grade", "--db", db_, "--today", "2026-11-23"}).exit_code, 0);
  ASSERT_TRUE(Sync(*a, token_a_).ok());
  EXPECT_EQ(QueryValue(a->db(), "SELECT grade_tier FROM customers WHERE id = 'c1'"), S("VIP"));
  EXPECT_EQ(QueryValue(a->db(), "SELECT version FROM grading_rules WHERE id = 'current'"), I(1));
  CommandResult movement = RunServerCommand({"report", "movement", "--db", db_, "--csv"});
  ASSERT_EQ(movement.exit_code, 0) << movement.err;
  EXPECT_NE(movement.out.find("VIP"), std::string::npos) << movement.out;

  // The rules are read-only on devices; bad rules are refused with the field named.
  ASSERT_TRUE(
      Exec(a->db(), "UPDATE grading_rules SET rules_json = '{}' WHERE id = 'current'").ok());
  auto pushed = Sync(*a, token_a_);
  ASSERT_TRUE(pushed.ok());
  EXPECT_EQ(pushed->rows_rejected, 1u);
  std::ofstream(rules) << R"({"monetary": {"method": "thresholds", "thresholds": [3, 2, 1, 0]}})";
  CommandResult bad = RunServerCommand({"grading", "set", "--db", db_, rules});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("monetary.thresholds: must be 4 ascending numbers between 0 and "),
            std::string::npos)
      << bad.err;
  // The same refusal in the manager's language (issue #19: `--lang zh`; the locale otherwise).
  CommandResult zh = RunServerCommand({"--lang", "zh", "grading", "set", "--db", db_, rules});
  EXPECT_EQ(zh.exit_code, 1);
  EXPECT_NE(zh.err.find("monetary.thresholds：必须是 0 到 "), std::string::npos) << zh.err;
  EXPECT_EQ(zh.err.find("must be"), std::string::npos) << zh.err;
  auto via_api = Post("/v1/admin/grading", R"({"window_days": 2})", manager_token_);
  ASSERT_TRUE(via_api.ok());
  EXPECT_EQ(via_api->status, 400);
  EXPECT_NE(via_api->body.find("window_days: must be between 7 and 3650, not 2"), std::string::npos)
      << via_api->body;
  // ... with its code and values beside the English, for the console to show in its language.
  EXPECT_NE(via_api->body.find(R"("error_code":"http_rule_between")"), std::string::npos)
      << via_api->body;
  EXPECT_NE(via_api->body.find(R"("field":"window_days")"), std::string::npos) << via_api->body;
  auto report = Get("/v1/admin/reports/tiers", manager_token_);
  ASSERT_TRUE(report.ok());
  EXPECT_NE(report->body.find("\"VIP\":1"), std::string::npos) << report->body;
}

}  // namespace
}  // namespace fieldbook::testing

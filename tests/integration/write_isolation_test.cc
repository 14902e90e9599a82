// Issue 13, write isolation, against the real server: rep-a's device pushes crafted change sets at
// rep-b's customers (a column named twice, a void of another rep's order, a fact in another rep's
// name, a new customer in another rep's territory). Nothing reaches rep-b's data or device.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fieldbook/change_set_codec.h"
#include "integration/server_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

class WriteIsolationIntegrationTest : public ServerFixture {
 protected:
  static constexpr int kVictimCustomers = 120;

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei");
    token_b_ = AddRep("rep-b", "李娜 Li Na");
    CommandResult t = RunServerCommand(
        {"territory", "add", "--db", db_, "--name", "天河", "--region", "GD-GZ", "--city", "广州"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    territory_ = t.out.substr(0, t.out.find('\n'));
    ASSERT_EQ(RunServerCommand(
                  {"territory", "assign", "--db", db_, "--territory", territory_, "--rep", "rep-b"})
                  .exit_code,
              0);
    ASSERT_NO_FATAL_FAILURE(StartServer());
    a_ = OpenReplica("a");
    b_ = OpenReplica("b");
    ASSERT_TRUE(a_ && b_);
    ASSERT_TRUE(
        Exec(a_->db(),
             "INSERT INTO customers (id, name, owner_rep_id) VALUES ('ca', 'A''s', 'rep-a')")
            .ok());
    ASSERT_TRUE(
        Exec(a_->db(), "INSERT INTO contacts (id, customer_id, name) VALUES ('ka', 'ca', '王师傅')")
            .ok());
    ASSERT_TRUE(Exec(a_->db(),
                     "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents) "
                     "VALUES ('oa', 'ca', 'rep-a', '2026-11-20', 100)")
                    .ok());
    for (int i = 0; i < kVictimCustomers; ++i) {
      const std::string c = "cb" + std::to_string(i);
      ASSERT_TRUE(Exec(b_->db(), "INSERT INTO customers (id, name, owner_rep_id) VALUES (?, ?, ?)",
                       {S(c.c_str()), S(("B's garage " + c).c_str()), S("rep-b")})
                      .ok());
      ASSERT_TRUE(Exec(b_->db(),
                       "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents) "
                       "VALUES (?, ?, 'rep-b', '2026-11-01', 4000000)",
                       {S(("ob" + std::to_string(i)).c_str()), S(c.c_str())})
                      .ok());
    }
    ASSERT_TRUE(Sync(*a_, token_a_).ok());
    ASSERT_TRUE(Sync(*b_, token_b_).ok());
    b_server_before_ = ServerExport("rep-b");
    b_device_before_ = ReplicaExport(*b_);
    ASSERT_EQ(b_server_before_, b_device_before_);
  }

  ColumnChange Col(const char* name, Value v, uint64_t later_ms = 0) {
    return ColumnChange{name, std::move(v), Hlc::FromParts(wall_.NowMs() + later_ms, ++counter_),
                        0};
  }

  // rep-a's device pushes `rows` (pulling nothing new: its cursor is far ahead).
  Result<client::HttpReply> Attack(std::vector<RowChange> rows) {
    SyncRequest request;
    request.replica_id = a_->replica_id();
    request.has_push = true;
    request.push.set_id = "attack-" + std::to_string(++sets_);
    request.push.replica_id = a_->replica_id();
    request.push.OriginIndex(a_->replica_id());
    request.push.rows = std::move(rows);
    request.pull_cursor = a_->cursor();
    return Post("/v1/sync", EncodeSyncRequest(request), token_a_, "application/x-fieldbook-sync");
  }

  // The push result of an accepted request; the codes of its rejections, in order.
  std::vector<std::string> Rejections(const client::HttpReply& reply) {
    std::vector<std::string> codes;
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto response = DecodeSyncResponse(reply.body);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    if (!response.ok()) return codes;
    for (const RowRejection& r : response->push_result.rejections) codes.push_back(r.code);
    return codes;
  }

  void ExpectVictimUntouched() {
    EXPECT_EQ(ServerExport("rep-b"), b_server_before_);
    auto synced = Sync(*b_, token_b_);
    ASSERT_TRUE(synced.ok()) << synced.status().ToString();
    EXPECT_EQ(ReplicaExport(*b_), b_device_before_);
  }

  std::string token_a_, token_b_, territory_;
  std::unique_ptr<Replica> a_, b_;
  std::string b_server_before_, b_device_before_;
  uint16_t counter_ = 0;
  int sets_ = 0;
};

TEST_F(WriteIsolationIntegrationTest, ARowNamingAColumnTwiceIsRefusedWithA400) {
  const std::vector<std::vector<RowChange>> attacks = {
      // A new contact and a new visit: own customer first, the victim's second, stamped later.
      {{"contacts",
        "k-planted",
        {Col("customer_id", S("ca")), Col("name", S("planted")),
         Col("customer_id", S("cb7"), 60000)}}},
      {{"visits",
        "v-planted",
        {Col("customer_id", S("ca")), Col("rep_id", S("rep-a")), Col("notes", S("planted")),
         Col("customer_id", S("cb7"), 60000)}}},
      // Moving an existing contact into the victim's customer.
      {{"contacts", "ka", {Col("customer_id", S("ca")), Col("customer_id", S("cb7"), 60000)}}},
      // A new customer owned first by the attacker, then by the victim.
      {{"customers",
        "c-planted",
        {Col("name", S("planted")), Col("owner_rep_id", S("rep-a")),
         Col("owner_rep_id", S("rep-b"), 60000)}}},
  };
  for (size_t i = 0; i < attacks.size(); ++i) {
    auto reply = Attack(attacks[i]);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    EXPECT_EQ(reply->status, 400) << "attack " << i << ": " << reply->body;
    EXPECT_NE(reply->body.find("appears twice"), std::string::npos) << reply->body;
  }
  ExpectVictimUntouched();
  EXPECT_EQ(ServerExport("rep-a").find("planted"), std::string::npos);
}

TEST_F(WriteIsolationIntegrationTest, VoidsForeignRepIdsAndTerritoriesAreRefusedPerRow) {
  auto reply = Attack({
      // A void of the victim's order from the attacker's own customer.
      {"orders",
       "o-void",
       {Col("customer_id", S("ca")), Col("rep_id", S("rep-a")), Col("amount_cents", I(0)),
        Col("voids_id", S("ob7"))}},
      // A visit in the victim's name.
      {"visits",
       "v-as-b",
       {Col("customer_id", S("ca")), Col("rep_id", S("rep-b")), Col("notes", S("as B"))}},
      // A new customer in the victim's territory (its rep would hold it).
      {"customers",
       "c-in-b-territory",
       {Col("name", S("planted")), Col("owner_rep_id", S("rep-a")),
        Col("territory_id", S(territory_.c_str()))}},
      // An honest correction of the attacker's own order is still accepted.
      {"orders",
       "o-fix",
       {Col("customer_id", S("ca")), Col("rep_id", S("rep-a")), Col("amount_cents", I(90)),
        Col("voids_id", S("oa"))}},
  });
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(Rejections(*reply),
            (std::vector<std::string>{"invalid", "invalid", "read_only_column"}));
  ExpectVictimUntouched();
  const std::string a_export = ServerExport("rep-a");
  EXPECT_NE(a_export.find("o-fix"), std::string::npos);
  EXPECT_EQ(a_export.find("o-void"), std::string::npos);
  EXPECT_EQ(a_export.find("v-as-b"), std::string::npos);
  EXPECT_EQ(a_export.find("c-in-b-territory"), std::string::npos);
  // The victim's revenue is whole.
  const std::string manager = AddRep("mgr", "Manager", "manager");
  auto portfolio = Get("/v1/admin/reports/portfolio?rep=rep-b&today=2026-11-23", manager);
  ASSERT_TRUE(portfolio.ok());
  ASSERT_EQ(portfolio->status, 200) << portfolio->body;
  const boost::json::value body = ParseJson(portfolio->body);
  const auto& reps = JsonArr(body, "reps");
  ASSERT_EQ(reps.size(), 1u);
  EXPECT_EQ(JsonInt(reps[0], "revenue_cents"), int64_t{4000000} * kVictimCustomers);
}

// Issue 13 item 9: every number from the network is range-checked with a clear 400.
TEST_F(WriteIsolationIntegrationTest, NumbersOutOfRangeAreRefusedWithA400) {
  auto sync = [&](const SyncRequest& request) {
    return Post("/v1/sync", EncodeSyncRequest(request), token_a_, "application/x-fieldbook-sync");
  };
  SyncRequest pull;
  pull.replica_id = a_->replica_id();
  for (uint64_t cursor : {uint64_t{1} << 63, ~uint64_t{0}}) {
    // 2^63 used to wrap to a negative sequence and re-send the whole scope.
    pull.pull_cursor = cursor;
    auto reply = sync(pull);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    EXPECT_EQ(reply->status, 400) << cursor << ": " << reply->body.substr(0, 200);
    EXPECT_NE(reply->body.find("out of range"), std::string::npos) << reply->body.substr(0, 200);
  }
  SyncRequest stamped;
  stamped.replica_id = a_->replica_id();
  stamped.pull_cursor = a_->cursor();
  stamped.has_push = true;
  stamped.push.set_id = "far-future";
  stamped.push.replica_id = a_->replica_id();
  stamped.push.OriginIndex(a_->replica_id());
  stamped.push.rows.push_back(
      {"customers", "ca", {{"notes", S("x"), Hlc((uint64_t{1} << 63) + 5), 0}}});
  auto reply = sync(stamped);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 400) << reply->body.substr(0, 200);
  // A cursor in range still works.
  pull.pull_cursor = a_->cursor();
  auto fine = sync(pull);
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(fine->status, 200);

  // The admin API's numbers too.
  const std::string manager = AddRep("mgr", "Manager", "manager");
  for (const char* id : {"\"12abc\"", "\"-1\"", "\"99999999999999999999\"", "\"0\""}) {
    auto resolve = Post("/v1/admin/conflicts/resolve",
                        std::string("{\"id\": ") + id + ", \"action\": \"dismiss\"}", manager);
    ASSERT_TRUE(resolve.ok());
    EXPECT_EQ(resolve->status, 400) << id << ": " << resolve->body;
  }
  for (const char* limit : {"-1", "5x", "0", "18446744073709551617"}) {
    auto audit = Get(std::string("/v1/admin/pool/audit?limit=") + limit, manager);
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->status, 400) << limit << ": " << audit->body;
  }
}

}  // namespace
}  // namespace fieldbook::testing

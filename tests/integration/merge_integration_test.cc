// Merging duplicate garages (issue #16) end to end: two reps' real replicas, hundreds of customers
// each with their visits, orders, lines, contacts, tasks and feedback, synced in small pages; the
// duplicate the hub flags; a manager's merge through the admin API; both devices at their next
// sync. The server's export of each rep and the device's own export must then be the same.
#include <gtest/gtest.h>

#include <string>

#include "integration/console_client.h"
#include "integration/server_fixture.h"
#include "support/sync_fixture.h"

namespace fieldbook::testing {
namespace {

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class MergeTest : public ServerFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(InitDb());
    manager_ = AddRep("mgr", "Zhou Min", "manager");
    token_a_ = AddRep("rep-a", "张伟 Zhang Wei");
    token_b_ = AddRep("rep-b", "李娜 Li Na");
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  // A garage of `rep` with `n` visits, orders (one line each), and a few contacts, tasks and
  // feedback, ids prefixed by the garage's id.
  void AddGarage(Replica& r, const std::string& id, const std::string& name,
                 const std::string& phone, const std::string& rep, int n) {
    Db& db = r.db();
    ASSERT_TRUE(Exec(db,
                     "INSERT INTO customers (id, name, city, phone, owner_rep_id, customer_type, "
                     "address) VALUES (?, ?, '广州', ?, ?, 'garage', ?)",
                     {S(id.c_str()), S(name.c_str()), phone.empty() ? Value() : S(phone.c_str()),
                      S(rep.c_str()), n % 2 ? S("天河路 1 号") : Value()})
                    .ok());
    for (int i = 0; i < n; ++i) {
      const std::string k = id + "-" + std::to_string(i);
      ASSERT_TRUE(Exec(db,
                       "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
                       "(?, ?, ?, '2026-11-2' || ? || 'T09:00:00Z', 'visit')",
                       {S(("v" + k).c_str()), S(id.c_str()), S(rep.c_str()), I(i % 9)})
                      .ok());
      ASSERT_TRUE(
          Exec(db,
               "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, "
               "currency) VALUES (?, ?, ?, '2026-11-1' || ? , ?, 'CNY')",
               {S(("o" + k).c_str()), S(id.c_str()), S(rep.c_str()), I(i % 9), I(10000 + i)})
              .ok());
      ASSERT_TRUE(Exec(db,
                       "INSERT INTO order_lines (id, order_id, customer_id, part_no, quantity, "
                       "unit_price_cents) VALUES (?, ?, ?, 'BP-01', 2, 5000)",
                       {S(("l" + k).c_str()), S(("o" + k).c_str()), S(id.c_str())})
                      .ok());
    }
    for (int i = 0; i < 3; ++i) {
      const std::string k = id + "-" + std::to_string(i);
      ASSERT_TRUE(Exec(db, "INSERT INTO contacts (id, customer_id, name) VALUES (?, ?, ?)",
                       {S(("c" + k).c_str()), S(id.c_str()), S(("contact " + k).c_str())})
                      .ok());
      ASSERT_TRUE(Exec(db,
                       "INSERT INTO tasks (id, customer_id, rep_id, due_date, kind, status, "
                       "title) VALUES (?, ?, ?, '2026-12-10', 'call', 'open', 'call back')",
                       {S(("t" + k).c_str()), S(id.c_str()), S(rep.c_str())})
                      .ok());
      ASSERT_TRUE(Exec(db,
                       "INSERT INTO feedback (id, customer_id, rep_id, created_at, "
                       "satisfaction) VALUES (?, ?, ?, '2026-11-20T10:00:00Z', 4)",
                       {S(("f" + k).c_str()), S(id.c_str()), S(rep.c_str())})
                      .ok());
    }
  }

  // `n` preferences of a garage (customer_preferences, migration 0021), the last one removed.
  void AddPreferences(Replica& r, const std::string& id, const std::string& rep, int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(
          Exec(r.db(),
               "INSERT INTO customer_preferences (id, customer_id, kind, value, note, "
               "created_by, created_at, deleted) VALUES (?, ?, 'brand', ?, 'prefers', ?, "
               "'2026-11-20T10:00:00Z', ?)",
               {S(("p" + id + "-" + std::to_string(i)).c_str()), S(id.c_str()),
                S(("博世 " + std::to_string(i)).c_str()), S(rep.c_str()), I(i + 1 == n ? 1 : 0)})
              .ok());
    }
  }

  // One sync: every round until the device is up to date, 50 rows a page.
  void SyncAll(Replica& r, const std::string& token) {
    auto report = Sync(r, token);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->rows_rejected, 0u);
  }

  int64_t Count(Replica& r, const std::string& sql) {
    Value v = QueryValue(r.db(), sql);
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -1;
  }

  std::string Merge(const std::string& survivor, const std::string& loser, int* status) {
    auto reply = Post(
        "/v1/admin/duplicates/merge",
        R"({"survivor":")" + survivor + R"(","loser":")" + loser + R"(","reason":"same garage"})",
        manager_);
    EXPECT_TRUE(reply.ok());
    *status = reply.ok() ? reply->status : 0;
    return reply.ok() ? reply->body : "";
  }

  std::string manager_, token_a_, token_b_;
};

TEST_F(MergeTest, TwoRepsDuplicateMergesIntoOneAndBothDevicesFollow) {
  auto a = OpenReplica("a");
  auto b = OpenReplica("b");
  ASSERT_TRUE(a && b);
  // 60 garages each (420 rows), so the merge's rows travel among many pages of 50 (9 and more).
  ASSERT_TRUE(Exec(a->db(), "BEGIN").ok());
  ASSERT_TRUE(Exec(b->db(), "BEGIN").ok());
  for (int i = 0; i < 60; ++i) {
    ASSERT_NO_FATAL_FAILURE(
        AddGarage(*a, "a" + std::to_string(i), "A 修理厂 " + std::to_string(i), "", "rep-a", 2));
    ASSERT_NO_FATAL_FAILURE(
        AddGarage(*b, "b" + std::to_string(i), "B 修理厂 " + std::to_string(i), "", "rep-b", 2));
  }
  // The same garage, met by both reps offline: same phone, spelled differently.
  ASSERT_NO_FATAL_FAILURE(AddGarage(*a, "dup-a", "鑫达汽修厂", "13800138000", "rep-a", 40));
  ASSERT_NO_FATAL_FAILURE(AddGarage(*b, "dup-b", "鑫达汽修", "+86 138-0013-8000", "rep-b", 31));
  // Their preferences (a table the merge once listed by hand and missed): 2 live on the survivor,
  // 4 live and 1 removed on the loser.
  ASSERT_NO_FATAL_FAILURE(AddPreferences(*a, "dup-a", "rep-a", 3));
  ASSERT_NO_FATAL_FAILURE(AddPreferences(*b, "dup-b", "rep-b", 5));
  ASSERT_TRUE(Exec(a->db(), "COMMIT").ok());
  ASSERT_TRUE(Exec(b->db(), "COMMIT").ok());
  ASSERT_NO_FATAL_FAILURE(SyncAll(*a, token_a_));
  ASSERT_NO_FATAL_FAILURE(SyncAll(*b, token_b_));

  auto flagged = Get("/v1/admin/duplicates", manager_);
  ASSERT_TRUE(flagged.ok());
  ASSERT_EQ(flagged->status, 200) << flagged->body;
  boost::json::value list = ParseJson(flagged->body);
  ASSERT_EQ(JsonArr(list, "duplicates").size(), 1u) << flagged->body;
  const boost::json::value& pair = JsonArr(list, "duplicates")[0];
  EXPECT_EQ(JsonStr(pair.at("a"), "id"), "dup-a");
  EXPECT_EQ(JsonStr(pair.at("b"), "id"), "dup-b");
  EXPECT_EQ(JsonStr(pair.at("a"), "rep"), "rep-a");
  EXPECT_EQ(JsonStr(pair.at("b"), "rep"), "rep-b");
  EXPECT_EQ(JsonInt(pair.at("b").at("records"), "visits"), 31);
  EXPECT_TRUE(Has(JsonStr(pair, "reason"), "same phone")) << flagged->body;

  int status = 0;
  const std::string merged = Merge("dup-a", "dup-b", &status);
  ASSERT_EQ(status, 200) << merged;
  boost::json::value report = ParseJson(merged);
  EXPECT_EQ(JsonInt(report.at("moved"), "visits"), 31);
  EXPECT_EQ(JsonInt(report.at("moved"), "orders"), 31);
  EXPECT_EQ(JsonInt(report.at("moved"), "order_lines"), 31);
  EXPECT_EQ(JsonInt(report.at("moved"), "contacts"), 3);
  EXPECT_EQ(JsonInt(report.at("moved"), "tasks"), 3);
  EXPECT_EQ(JsonInt(report.at("moved"), "feedback"), 3);
  EXPECT_EQ(JsonInt(report.at("moved"), "customer_preferences"), 5) << merged;
  // dup-a had no address (40 visits: even); it takes dup-b's (31: odd).
  EXPECT_TRUE(Has(merged, "\"address\"")) << merged;

  ASSERT_NO_FATAL_FAILURE(SyncAll(*a, token_a_));
  ASSERT_NO_FATAL_FAILURE(SyncAll(*b, token_b_));
  // Rep A's device: the survivor with both reps' records.
  for (const char* table : {"visits", "orders", "order_lines"}) {
    EXPECT_EQ(
        Count(*a, std::string("SELECT count(*) FROM ") + table + " WHERE customer_id = 'dup-a'"),
        71)
        << table;
  }
  for (const char* table : {"contacts", "tasks", "feedback"}) {
    EXPECT_EQ(
        Count(*a, std::string("SELECT count(*) FROM ") + table + " WHERE customer_id = 'dup-a'"), 6)
        << table;
  }
  EXPECT_EQ(Count(*a, "SELECT count(*) FROM visits WHERE rep_id = 'rep-b'"), 31);
  EXPECT_EQ(Count(*a,
                  "SELECT count(*) FROM customer_preferences WHERE customer_id = 'dup-a' AND "
                  "deleted = 0"),
            6);
  EXPECT_EQ(Count(*a,
                  "SELECT count(*) FROM customer_preferences WHERE created_by = 'rep-b' AND "
                  "customer_id = 'dup-a' AND deleted = 0"),
            4);
  EXPECT_EQ(QueryValue(a->db(), "SELECT address FROM customers WHERE id = 'dup-a'"),
            S("天河路 1 号"));
  // Rep B's device: the loser and everything of it are gone; its other garages stay.
  EXPECT_EQ(Count(*b, "SELECT count(*) FROM customers WHERE id IN ('dup-a', 'dup-b')"), 0);
  for (const char* table : {"visits", "orders", "order_lines", "contacts", "tasks", "feedback",
                            "customer_preferences"}) {
    EXPECT_EQ(Count(*b, std::string("SELECT count(*) FROM ") + table +
                            " WHERE customer_id IN ('dup-a', 'dup-b')"),
              0)
        << table;
  }
  EXPECT_EQ(Count(*b, "SELECT count(*) FROM customers"), 60);
  // Each device holds exactly what the server says its rep holds.
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));
  EXPECT_EQ(ReplicaExport(*b), ServerExport("rep-b"));

  // The pair is settled, audited once, and cannot be merged again.
  auto open = Get("/v1/admin/duplicates", manager_);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(JsonArr(ParseJson(open->body), "duplicates").size(), 0u) << open->body;
  auto done = Get("/v1/admin/duplicates?status=merged", manager_);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(JsonArr(ParseJson(done->body), "duplicates").size(), 1u) << done->body;
  auto audit = Get("/v1/admin/audit?action=customer.merge", manager_);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(JsonArr(ParseJson(audit->body), "entries").size(), 1u) << audit->body;
  EXPECT_TRUE(Has(audit->body, "manager:mgr")) << audit->body;
  std::string again = Merge("dup-a", "dup-b", &status);
  EXPECT_EQ(status, 409) << again;
  again = Merge("dup-b", "dup-a", &status);
  EXPECT_EQ(status, 409) << again;
}

TEST_F(MergeTest, OneRepsDuplicateFoldsIntoTheSurvivorOnItsDevice) {
  auto a = OpenReplica("a");
  ASSERT_TRUE(a);
  ASSERT_TRUE(Exec(a->db(), "BEGIN").ok());
  for (int i = 0; i < 150; ++i) {
    ASSERT_NO_FATAL_FAILURE(
        AddGarage(*a, "a" + std::to_string(i), "修理厂 " + std::to_string(i), "", "rep-a", 2));
  }
  // Same name and city, no phone: flagged by name.
  ASSERT_NO_FATAL_FAILURE(AddGarage(*a, "x1", "顺风 汽修", "", "rep-a", 12));
  ASSERT_NO_FATAL_FAILURE(AddGarage(*a, "x2", "顺风汽修", "", "rep-a", 7));
  ASSERT_TRUE(Exec(a->db(), "COMMIT").ok());
  ASSERT_NO_FATAL_FAILURE(SyncAll(*a, token_a_));
  auto flagged = Get("/v1/admin/duplicates", manager_);
  ASSERT_TRUE(flagged.ok());
  ASSERT_TRUE(Has(flagged->body, "\"x2\"")) << flagged->body;

  int status = 0;
  const std::string merged = Merge("x2", "x1", &status);
  ASSERT_EQ(status, 200) << merged;
  ASSERT_NO_FATAL_FAILURE(SyncAll(*a, token_a_));
  EXPECT_EQ(Count(*a, "SELECT count(*) FROM customers WHERE id = 'x1'"), 0);
  EXPECT_EQ(Count(*a, "SELECT count(*) FROM visits WHERE customer_id = 'x2'"), 19);
  EXPECT_EQ(Count(*a, "SELECT count(*) FROM order_lines WHERE customer_id = 'x2'"), 19);
  EXPECT_EQ(Count(*a, "SELECT count(*) FROM visits WHERE customer_id = 'x1'"), 0);
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));
}

// Work logged offline on a garage that a manager merges away meanwhile (the rep's device has not
// heard of the merge yet) is stored under the survivor, and reaches the survivor's devices.
TEST_F(MergeTest, OfflineWorkOnAMergedAwayGarageFollowsTheMerge) {
  sync_page_rows_ = 23;
  auto a = OpenReplica("a");
  auto b = OpenReplica("b");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(Exec(a->db(), "BEGIN").ok());
  ASSERT_TRUE(Exec(b->db(), "BEGIN").ok());
  for (int i = 0; i < 60; ++i) {
    ASSERT_NO_FATAL_FAILURE(
        AddGarage(*a, "a" + std::to_string(i), "A 修理厂 " + std::to_string(i), "", "rep-a", 2));
    ASSERT_NO_FATAL_FAILURE(
        AddGarage(*b, "b" + std::to_string(i), "B 修理厂 " + std::to_string(i), "", "rep-b", 2));
  }
  ASSERT_NO_FATAL_FAILURE(AddGarage(*a, "dup-a", "鑫达汽修厂", "13800138000", "rep-a", 4));
  ASSERT_NO_FATAL_FAILURE(AddGarage(*b, "dup-b", "鑫达汽修", "13800138000", "rep-b", 3));
  // Rep A's own duplicate, and a chain: y1 merged into y2, then y2 into y3.
  ASSERT_NO_FATAL_FAILURE(AddGarage(*a, "x1", "顺风汽修", "", "rep-a", 2));
  ASSERT_NO_FATAL_FAILURE(AddGarage(*a, "x2", "顺风 汽修", "", "rep-a", 2));
  for (const char* y : {"y1", "y2", "y3"}) {
    ASSERT_NO_FATAL_FAILURE(AddGarage(*a, y, std::string("永安 ") + y, "", "rep-a", 1));
  }
  ASSERT_TRUE(Exec(a->db(), "COMMIT").ok());
  ASSERT_TRUE(Exec(b->db(), "COMMIT").ok());
  ASSERT_NO_FATAL_FAILURE(SyncAll(*a, token_a_));
  ASSERT_NO_FATAL_FAILURE(SyncAll(*b, token_b_));

  // Offline, rep B works on its garage: 400 new rows of every kind (its device does not know of
  // the merge to come). Rep A logs visits on x1 and y1.
  ASSERT_TRUE(Exec(b->db(), "BEGIN").ok());
  for (int i = 0; i < 60; ++i) {
    const std::string k = "late-" + std::to_string(i);
    ASSERT_TRUE(Exec(b->db(),
                     "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
                     "(?, 'dup-b', 'rep-b', '2026-12-01T09:00:00Z', 'offline visit')",
                     {S(("v" + k).c_str())})
                    .ok());
    ASSERT_TRUE(Exec(b->db(),
                     "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, "
                     "currency) VALUES (?, 'dup-b', 'rep-b', '2026-12-01', 20000, 'CNY')",
                     {S(("o" + k).c_str())})
                    .ok());
    ASSERT_TRUE(Exec(b->db(),
                     "INSERT INTO order_lines (id, order_id, customer_id, part_no, quantity, "
                     "unit_price_cents) VALUES (?, ?, 'dup-b', 'BP-02', 4, 5000)",
                     {S(("l" + k).c_str()), S(("o" + k).c_str())})
                    .ok());
    ASSERT_TRUE(Exec(b->db(),
                     "INSERT INTO feedback (id, customer_id, rep_id, created_at, satisfaction) "
                     "VALUES (?, 'dup-b', 'rep-b', '2026-12-01T10:00:00Z', 5)",
                     {S(("f" + k).c_str())})
                    .ok());
    if (i < 40) {
      ASSERT_TRUE(Exec(b->db(),
                       "INSERT INTO tasks (id, customer_id, rep_id, due_date, kind, status, "
                       "title) VALUES (?, 'dup-b', 'rep-b', '2026-12-12', 'call', 'open', 'call')",
                       {S(("t" + k).c_str())})
                      .ok());
      ASSERT_TRUE(Exec(b->db(),
                       "INSERT INTO contacts (id, customer_id, name) VALUES (?, 'dup-b', ?)",
                       {S(("c" + k).c_str()), S(("联系人 " + k).c_str())})
                      .ok());
    }
  }
  ASSERT_NO_FATAL_FAILURE(AddPreferences(*b, "dup-b", "rep-b", 40));
  ASSERT_TRUE(Exec(b->db(), "COMMIT").ok());
  for (const char* g : {"x1", "y1"}) {
    for (int i = 0; i < 25; ++i) {
      ASSERT_TRUE(Exec(a->db(),
                       "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
                       "(?, ?, 'rep-a', '2026-12-02T09:00:00Z', 'offline visit')",
                       {S(("v" + std::string(g) + "-late-" + std::to_string(i)).c_str()), S(g)})
                      .ok());
    }
  }

  int status = 0;
  std::string merged = Merge("dup-a", "dup-b", &status);
  ASSERT_EQ(status, 200) << merged;
  merged = Merge("x2", "x1", &status);
  ASSERT_EQ(status, 200) << merged;
  merged = Merge("y2", "y1", &status);
  ASSERT_EQ(status, 200) << merged;
  merged = Merge("y3", "y2", &status);
  ASSERT_EQ(status, 200) << merged;

  // Rep B's device comes back: nothing refused, everything stored under the survivor.
  ASSERT_NO_FATAL_FAILURE(SyncAll(*b, token_b_));
  ASSERT_NO_FATAL_FAILURE(SyncAll(*a, token_a_));
  const std::pair<const char*, int64_t> expected[] = {
      {"visits", 3 + 4 + 60}, {"orders", 3 + 4 + 60}, {"order_lines", 3 + 4 + 60},
      {"feedback", 6 + 60},   {"tasks", 6 + 40},      {"contacts", 6 + 40}};
  for (const auto& [table, n] : expected) {
    EXPECT_EQ(
        Count(*a, std::string("SELECT count(*) FROM ") + table + " WHERE customer_id = 'dup-a'"), n)
        << table;
    EXPECT_EQ(
        Count(*a, std::string("SELECT count(*) FROM ") + table + " WHERE customer_id = 'dup-b'"), 0)
        << table;
  }
  EXPECT_EQ(Count(*a,
                  "SELECT count(*) FROM customer_preferences WHERE customer_id = 'dup-a' AND "
                  "deleted = 0 AND created_by = 'rep-b'"),
            39);
  EXPECT_EQ(Count(*a,
                  "SELECT count(*) FROM visits WHERE customer_id = 'dup-a' AND rep_id = "
                  "'rep-b' AND notes = 'offline visit'"),
            60);
  // Rep A's own offline visits follow x1 into x2, and y1 through y2 into y3, on its device too.
  EXPECT_EQ(Count(*a, "SELECT count(*) FROM visits WHERE customer_id = 'x2'"), 2 + 2 + 25);
  EXPECT_EQ(Count(*a, "SELECT count(*) FROM visits WHERE customer_id = 'y3'"), 3 + 25);
  EXPECT_EQ(Count(*a, "SELECT count(*) FROM visits WHERE customer_id IN ('x1', 'y1', 'y2')"), 0);
  // Rep B's device holds neither garage any more; both devices hold what the server says.
  EXPECT_EQ(Count(*b, "SELECT count(*) FROM visits WHERE customer_id IN ('dup-a', 'dup-b')"), 0);
  EXPECT_EQ(Count(*b, "SELECT count(*) FROM customers"), 60);
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));
  EXPECT_EQ(ReplicaExport(*b), ServerExport("rep-b"));
  auto archive = Get("/v1/admin/customers/archive?id=dup-b", manager_);
  ASSERT_TRUE(archive.ok());
  EXPECT_FALSE(Has(archive->body, "offline visit")) << archive->body;
}

// A crafted push naming a merged-away garage of another rep is refused: the merge does not open
// the survivor to reps who never held either garage.
TEST_F(MergeTest, APushNamingAnotherRepsMergedGarageIsRefused) {
  const std::string token_c = AddRep("rep-c", "王芳 Wang Fang");
  auto a = OpenReplica("a");
  auto b = OpenReplica("b");
  auto c = OpenReplica("c");
  ASSERT_TRUE(a && b && c);
  ASSERT_NO_FATAL_FAILURE(AddGarage(*a, "dup-a", "鑫达汽修厂", "13800138000", "rep-a", 2));
  ASSERT_NO_FATAL_FAILURE(AddGarage(*b, "dup-b", "鑫达汽修", "13800138000", "rep-b", 2));
  ASSERT_NO_FATAL_FAILURE(AddGarage(*c, "c1", "王记修车", "", "rep-c", 1));
  ASSERT_NO_FATAL_FAILURE(SyncAll(*a, token_a_));
  ASSERT_NO_FATAL_FAILURE(SyncAll(*b, token_b_));
  ASSERT_NO_FATAL_FAILURE(SyncAll(*c, token_c));
  int status = 0;
  const std::string merged = Merge("dup-a", "dup-b", &status);
  ASSERT_EQ(status, 200) << merged;
  const std::string before = ServerExport("rep-a");

  // Rep C names the merged-away garage in a visit, an order line, a contact and a preference.
  ASSERT_TRUE(Exec(c->db(),
                   "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
                   "('v-evil', 'dup-b', 'rep-c', '2026-12-01T09:00:00Z', 'planted')")
                  .ok());
  ASSERT_TRUE(Exec(c->db(),
                   "INSERT INTO order_lines (id, order_id, customer_id, part_no, quantity, "
                   "unit_price_cents) VALUES ('l-evil', 'odup-b-0', 'dup-b', 'X', 1, 1)")
                  .ok());
  ASSERT_TRUE(
      Exec(c->db(), "INSERT INTO contacts (id, customer_id, name) VALUES ('c-evil', 'dup-b', 'x')")
          .ok());
  ASSERT_NO_FATAL_FAILURE(AddPreferences(*c, "dup-b", "rep-c", 1));
  auto report = Sync(*c, token_c);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows_rejected, 4u);
  EXPECT_EQ(ServerExport("rep-a"), before);
  auto archive = Get("/v1/admin/customers/archive?id=dup-a", manager_);
  ASSERT_TRUE(archive.ok());
  EXPECT_FALSE(Has(archive->body, "planted")) << archive->body;
  EXPECT_FALSE(Has(archive->body, "c-evil")) << archive->body;
  // Rep A, who holds the survivor, may name the loser: its row is stored under the survivor.
  ASSERT_TRUE(Exec(a->db(),
                   "INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES "
                   "('v-ok', 'dup-b', 'rep-a', '2026-12-01T09:00:00Z', 'named the loser')")
                  .ok());
  ASSERT_NO_FATAL_FAILURE(SyncAll(*a, token_a_));
  EXPECT_EQ(Count(*a, "SELECT count(*) FROM visits WHERE id = 'v-ok' AND customer_id = 'dup-a'"),
            1);
  EXPECT_EQ(ReplicaExport(*a), ServerExport("rep-a"));
}

TEST_F(MergeTest, BadMergeRequestsChangeNothing) {
  auto a = OpenReplica("a");
  ASSERT_TRUE(a);
  ASSERT_NO_FATAL_FAILURE(AddGarage(*a, "g1", "Bright Auto", "13900000000", "rep-a", 3));
  ASSERT_NO_FATAL_FAILURE(AddGarage(*a, "g2", "Bright Auto 2", "13900000000", "rep-a", 3));
  ASSERT_NO_FATAL_FAILURE(SyncAll(*a, token_a_));
  const std::string before = ServerExport("rep-a");
  int status = 0;
  EXPECT_EQ((Merge("g1", "g1", &status), status), 400);
  EXPECT_EQ((Merge("g1", "nope", &status), status), 404);
  EXPECT_EQ((Merge("nope", "g2", &status), status), 404);
  for (const std::string& body :
       {std::string(R"({"survivor":"g1"})"), std::string(R"({"survivor":"g1","loser":7})"),
        std::string(R"({"survivor":"g1","loser":"g2","extra":1})"),
        std::string(R"({"survivor":"g1","loser":"g2\u0000"})"), std::string("[1]"),
        std::string(R"({"survivor":")") + std::string(100, 'x') + R"(","loser":"g2"})"}) {
    auto r = Post("/v1/admin/duplicates/merge", body, manager_);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 400) << body << " -> " << r->body;
  }
  // A rep's token may not merge; "distinct" needs a flagged pair.
  auto rep = Post("/v1/admin/duplicates/merge", R"({"survivor":"g1","loser":"g2"})", token_a_);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->status, 403);
  auto unflagged = Post("/v1/admin/duplicates/distinct", R"({"a":"g1","b":"a-none"})", manager_);
  ASSERT_TRUE(unflagged.ok());
  EXPECT_EQ(unflagged->status, 404) << unflagged->body;
  EXPECT_EQ(ServerExport("rep-a"), before);
  // Marked distinct, the pair leaves the open list and stays as it was.
  auto distinct = Post("/v1/admin/duplicates/distinct", R"({"a":"g2","b":"g1"})", manager_);
  ASSERT_TRUE(distinct.ok());
  EXPECT_EQ(distinct->status, 200) << distinct->body;
  auto open = Get("/v1/admin/duplicates", manager_);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(JsonArr(ParseJson(open->body), "duplicates").size(), 0u) << open->body;
  EXPECT_EQ(ServerExport("rep-a"), before);
}

}  // namespace
}  // namespace fieldbook::testing

// The server's stores on the storage seam (issue #15): each store family moved onto SqlDb runs on
// SQLite and on PostgreSQL and answers the same. Every test runs once per backend (/Sqlite,
// /Postgres) on the hub's tables (SqlBackendTest::Migrate), seeded with a distributor's worth of
// rows: 8 reps (a manager, six reps, one disabled), 8 territories, 360 customers (every 17th
// deleted, every 9th of no territory), each held by one of the six reps, their visits and orders.
// Pages are always smaller than the data, so paging is exercised, and every expectation is
// computed from the seed, not from the other backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_db.h"
#include "postgres/sql_backend.h"
#include "store/audit_store.h"
#include "store/console_store.h"
#include "store/dashboard_store.h"
#include "store/device_tokens.h"
#include "store/import_store.h"
#include "store/nightly_store.h"
#include "store/record_store.h"
#include "store/review_store.h"
#include "support/fake_clock.h"

namespace fieldbook::testing {
namespace {

using server::AuditEntry;
using server::AuditFilter;
using server::AuditStore;

constexpr int kCustomers = 360;
constexpr int kReps = 6;
constexpr int kTerritories = 8;

std::string Num(int n, int width) {
  std::string s = std::to_string(n);
  return std::string(static_cast<size_t>(std::max(0, width - static_cast<int>(s.size()))), '0') + s;
}
std::string CustomerId(int i) { return "cus-" + Num(i, 3); }
std::string RepId(int r) { return "rep-" + Num(r, 2); }  // 1..kReps
std::string TerritoryId(int t) { return "ter-" + Num(t, 2); }
bool Deleted(int i) { return i % 17 == 0; }
// Customer i's territory (1..kTerritories), or 0 for none.
int TerritoryOf(int i) { return i % 9 == 0 ? 0 : 1 + i % kTerritories; }
std::string TierOf(int i) {
  static const char* kTiers[] = {"A", "B", "C", ""};
  return kTiers[i % 4];
}
int HolderOf(int i) { return 1 + i % kReps; }

// The catalog of a SQLite hub, loaded once: PostgreSQL's tables have the same columns in the same
// order.
const Catalog& HubCatalog() {
  static const Catalog catalog = [] {
    std::unique_ptr<Db> db = std::move(Db::Open(":memory:")).value();
    EXPECT_TRUE(ApplyMigrations(*db, HubMigrations()).ok());
    return std::move(Catalog::Load(*db)).value();
  }();
  return catalog;
}

class StoresBothTest : public SqlBackendTest {
 protected:
  void SetUp() override {
    SqlBackendTest::SetUp();
    auto going = [&] { return !IsSkipped() && !HasFatalFailure(); };
    if (going()) Migrate();  // the hub's tables
    if (going()) Seed();
  }

  // Runs `sql` with `values` bound in order; fails the test on an error.
  void Exec(const std::string& sql, std::initializer_list<Value> values) {
    auto stmt = sql_db().Prepare(sql);
    ASSERT_TRUE(stmt.ok()) << stmt.status().ToString() << "\n" << sql;
    int i = 1;
    for (const Value& v : values) (*stmt)->Bind(i++, v);
    Status run = (*stmt)->Run();
    ASSERT_TRUE(run.ok()) << run.ToString() << "\n" << sql;
  }

  void Seed() {
    auto txn = sql_db().Begin();
    ASSERT_TRUE(txn.ok());
    Exec("INSERT INTO reps (id, name, role, active, deleted) VALUES (?, ?, ?, ?, 0)",
         {"mgr-1", "Manager Wu", "manager", int64_t{1}});
    for (int r = 1; r <= kReps; ++r) {
      Exec("INSERT INTO reps (id, name, role, active, deleted) VALUES (?, ?, ?, ?, 0)",
           {RepId(r), "Rep " + std::to_string(r), "rep", int64_t{1}});
    }
    Exec("INSERT INTO reps (id, name, role, active, deleted) VALUES (?, ?, ?, ?, 0)",
         {"rep-99", "Gone Rep", "rep", int64_t{0}});
    for (int t = 1; t <= kTerritories; ++t) {
      Exec("INSERT INTO territories (id, name, region, deleted) VALUES (?, ?, ?, 0)",
           {TerritoryId(t), "Territory " + Num(t, 2), "R" + std::to_string(t % 3)});
    }
    for (int i = 1; i <= kCustomers; ++i) {
      const int t = TerritoryOf(i);
      Exec(
          "INSERT INTO customers (id, name, city, phone, territory_id, grade_tier, created_at, "
          "owner_rep_id, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {CustomerId(i), (i % 2 ? "鑫达汽修 " : "Garage ") + Num(i, 3),
           i % 3 ? Value("广州") : Value("佛山"), "138" + Num(i, 8),
           t ? Value(TerritoryId(t)) : Value(), TierOf(i).empty() ? Value() : Value(TierOf(i)),
           "2026-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10), RepId(HolderOf(i)),
           int64_t{Deleted(i) ? 1 : 0}});
      if (!Deleted(i)) {
        Exec("INSERT INTO srv_scope (rep_id, customer_id) VALUES (?, ?)",
             {RepId(HolderOf(i)), CustomerId(i)});
      }
      for (int v = 0; v < i % 4; ++v) {
        Exec("INSERT INTO visits (id, customer_id, rep_id, check_in, notes) VALUES (?, ?, ?, ?, ?)",
             {"vis-" + Num(i, 3) + "-" + std::to_string(v), CustomerId(i), RepId(HolderOf(i)),
              "2026-11-0" + std::to_string(1 + v), "visit " + std::to_string(v)});
      }
      if (i % 5 == 0) {
        Exec(
            "INSERT INTO orders (id, customer_id, rep_id, order_date, amount_cents, currency) "
            "VALUES (?, ?, ?, ?, ?, 'CNY')",
            {"ord-" + Num(i, 3), CustomerId(i), RepId(HolderOf(i)), "2026-11-15",
             int64_t{i * 1000 + 99}});
        Exec(
            "INSERT INTO order_lines (id, order_id, customer_id, part_no, description, quantity, "
            "unit_price_cents) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {"lin-" + Num(i, 3), "ord-" + Num(i, 3), CustomerId(i), "BRK-" + Num(i % 7, 2),
             "刹车片", int64_t{1 + i % 3}, int64_t{i * 1000 + 99}});
      }
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  // The live customers, and those of one rep (rep 0: everyone's).
  static std::vector<std::string> LiveCustomers(int rep = 0) {
    std::vector<std::string> out;
    for (int i = 1; i <= kCustomers; ++i) {
      if (!Deleted(i) && (rep == 0 || HolderOf(i) == rep)) out.push_back(CustomerId(i));
    }
    return out;
  }

  SqlDb& sql_db() { return sql(); }

  FakeWallClock wall_;
  const Catalog& catalog_ = HubCatalog();
};

// --- AuditStore: append, then page through with every filter ------------------------------------

TEST_P(StoresBothTest, AuditLogPagesAndFiltersAsWritten) {
  AuditStore audit(sql_db(), wall_);
  const std::vector<std::string> actors = {"mgr-1", "nightly", "import", "rep-01", "system"};
  const std::vector<std::string> actions = {"customer.reassign", "pool.claim", "device.revoke"};
  std::map<std::string, int> by_actor, by_customer, by_action;
  std::vector<int64_t> ids;
  for (int k = 0; k < 450; ++k) {
    wall_.Advance(1000);
    AuditEntry e;
    e.actor = actors[static_cast<size_t>(k) % actors.size()];
    e.action = actions[static_cast<size_t>(k / 2) % actions.size()];
    e.customer_id = k % 4 == 0 ? "" : CustomerId(1 + k % 40);
    e.subject = k % 3 ? "" : RepId(1 + k % kReps);
    e.before = {{"holder", RepId(1 + k % kReps)}};
    e.after = {{"holder", k % 2 ? boost::json::value(nullptr) : boost::json::value("rep-02")},
               {"n", k}};
    e.reason = k % 7 ? "moved for the route 路线" : std::string(2500, 'x');  // cut to 2,000
    auto id = audit.Record(e);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_TRUE(ids.empty() || *id > ids.back());
    ids.push_back(*id);
    ++by_actor[e.actor];
    ++by_action[e.action];
    if (!e.customer_id.empty()) ++by_customer[e.customer_id];
  }
  // Everything, 37 at a time, oldest first; long reasons cut.
  std::vector<int64_t> seen;
  size_t longest = 0;
  AuditFilter all;
  all.limit = 37;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 20);
    auto page = audit.List(all);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const AuditEntry& e : page->entries) {
      seen.push_back(e.id);
      longest = std::max(longest, e.reason.size());
    }
    if (page->next == 0) break;
    EXPECT_EQ(page->entries.size(), 37u);
    all.after_id = page->next;
  }
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(longest, AuditStore::kMaxReasonBytes);
  // Each filter alone counts what was written.
  auto count = [&](AuditFilter f) {
    f.limit = 1000;
    auto page = audit.List(f);
    EXPECT_TRUE(page.ok());
    return page.ok() ? static_cast<int>(page->entries.size()) : -1;
  };
  for (const auto& [actor, n] : by_actor) EXPECT_EQ(count({.actor = actor}), n) << actor;
  for (const auto& [action, n] : by_action) EXPECT_EQ(count({.action = action}), n) << action;
  for (const auto& [customer, n] : by_customer) {
    EXPECT_EQ(count({.customer = customer}), n) << customer;
  }
  // Since a time: the last 100 entries.
  EXPECT_EQ(count({.since_ms = static_cast<int64_t>(wall_.NowMs()) - 99 * 1000}), 100);
  // One entry read back whole, the long reason cut.
  AuditFilter one{.customer = CustomerId(2), .limit = 1};
  auto page = audit.List(one);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  const AuditEntry& e = page->entries[0];
  EXPECT_EQ(e.actor, "nightly");  // entry 1
  EXPECT_EQ(e.reason, "moved for the route 路线");
  EXPECT_EQ(e.subject, "");
  EXPECT_EQ(e.after.at("n").as_int64(), 1);
  EXPECT_TRUE(e.after.at("holder").is_null());
  EXPECT_EQ(e.before.at("holder").as_string(), "rep-02");
}

// --- DeviceTokens: issue, authenticate, revoke, list, syncs -------------------------------------

TEST_P(StoresBothTest, DeviceTokensIssueAuthenticateAndRevoke) {
  auto opened = server::DeviceTokens::Open(sql_db(), wall_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  server::DeviceTokens& tokens = **opened;
  // A second Open finds the same key: tokens stay valid.
  std::map<std::string, std::pair<std::string, std::string>> token_of;  // token -> (rep, device)
  for (int r = 1; r <= kReps; ++r) {
    for (int d = 0; d < 3; ++d) {
      auto issued = tokens.Issue(RepId(r), d == 2 ? "平板 " + std::to_string(r) : "");
      ASSERT_TRUE(issued.ok()) << issued.status().ToString();
      EXPECT_EQ(issued->first.device,
                d == 2 ? "平板 " + std::to_string(r) : "device-" + std::to_string(d + 1));
      token_of[issued->second] = {RepId(r), issued->first.device};
    }
  }
  auto again = server::DeviceTokens::Open(sql_db(), wall_);
  ASSERT_TRUE(again.ok());
  for (const auto& [token, who] : token_of) {
    auto found = (*again)->Authenticate(token);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->rep_id, who.first);
    EXPECT_EQ((*found)->device, who.second);
    EXPECT_EQ((*found)->role, "rep");
  }
  auto unknown = tokens.Authenticate(std::string(43, 'A'));
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  // A name in use is refused; a revoked device's name is free again.
  EXPECT_EQ(tokens.Issue(RepId(3), "device-2").status().code(), StatusCode::kConflict);
  auto revoked = tokens.Revoke(RepId(3), "device-2", 0, "mgr-1");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_TRUE(revoked->revoked);
  EXPECT_EQ(tokens.Revoke(RepId(3), "", revoked->id, "mgr-1").status().code(),
            StatusCode::kConflict);
  for (const auto& [token, who] : token_of) {
    if (who != std::pair<std::string, std::string>{RepId(3), "device-2"}) continue;
    auto found = tokens.Authenticate(token);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value());
  }
  auto reissued = tokens.Issue(RepId(3), "device-2");
  ASSERT_TRUE(reissued.ok()) << reissued.status().ToString();
  // Unnamed: the first free number after the rep's 4 devices.
  auto next = tokens.Issue(RepId(3), "");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->first.device, "device-5");
  // Lists: per rep in id order, everyone's by rep.
  auto rep3 = tokens.List(RepId(3));
  ASSERT_TRUE(rep3.ok());
  ASSERT_EQ(rep3->size(), 5u);
  EXPECT_TRUE((*rep3)[1].revoked);
  EXPECT_EQ((*rep3)[1].revoked_by, "mgr-1");
  auto everyone = tokens.List("");
  ASSERT_TRUE(everyone.ok());
  EXPECT_EQ(everyone->size(), static_cast<size_t>(kReps * 3 + 2));
  EXPECT_TRUE(std::is_sorted(everyone->begin(), everyone->end(),
                             [](const auto& a, const auto& b) { return a.rep_id < b.rep_id; }));
  // Syncs: the latest time wins, an older report is ignored.
  const int64_t id = (*rep3)[0].id;
  ASSERT_TRUE(tokens.RecordSyncs({{id, 5000, "10.0.0.1"}, {id, 4000, "10.0.0.2"}}).ok());
  auto synced = tokens.Find(RepId(3), "", id);
  ASSERT_TRUE(synced.ok());
  EXPECT_EQ(synced->last_sync_ms, 5000);
  EXPECT_EQ(synced->last_address, "10.0.0.1");
  // A disabled rep's devices no longer authenticate.
  Exec("UPDATE reps SET active = 0 WHERE id = ?", {RepId(4)});
  for (const auto& [token, who] : token_of) {
    if (who.first != RepId(4)) continue;
    auto found = tokens.Authenticate(token);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value());
  }
}

// --- ConsoleStore: passwords and sessions --------------------------------------------------------

TEST_P(StoresBothTest, ConsoleSessionsLiveUntilTheyExpireOrEnd) {
  server::ConsoleStore console(sql_db());
  EXPECT_EQ(console.SetPassword(RepId(1), "$argon2id$x", 1).code(), StatusCode::kRejected);
  EXPECT_EQ(console.SetPassword("nobody", "$argon2id$x", 1).code(), StatusCode::kNotFound);
  ASSERT_TRUE(console.SetPassword("mgr-1", "$argon2id$first", 1).ok());
  std::vector<std::string> tokens;
  for (int k = 0; k < 40; ++k) {
    auto session = console.CreateSession("mgr-1", 1000 + k, 10'000, "10.0.0." + std::to_string(k));
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    EXPECT_EQ(session->expires_ms, 11'000 + k);
    tokens.push_back(session->token);
  }
  auto count = console.CountSessionsForTesting("mgr-1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 40);
  int64_t expires = 0;
  auto who = console.Lookup(tokens[7], 10'500, &expires);
  ASSERT_TRUE(who.ok());
  ASSERT_TRUE(who->has_value());
  EXPECT_EQ((*who)->rep_id, "mgr-1");
  EXPECT_EQ(expires, 11'007);
  // Expired at its time; a new session forgets the expired ones.
  auto late = console.Lookup(tokens[7], 11'007);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());
  ASSERT_TRUE(console.CreateSession("mgr-1", 11'020, 10'000, "").ok());
  count = console.CountSessionsForTesting("mgr-1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 40 - 21 + 1);
  ASSERT_TRUE(console.End(tokens[30]).ok());
  auto ended = console.Lookup(tokens[30], 11'020);
  ASSERT_TRUE(ended.ok());
  EXPECT_FALSE(ended->has_value());
  // A new password ends every session.
  ASSERT_TRUE(console.SetPassword("mgr-1", "$argon2id$second", 12'000).ok());
  count = console.CountSessionsForTesting("mgr-1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
  auto account = console.Account("mgr-1");
  ASSERT_TRUE(account.ok());
  ASSERT_TRUE(account->has_value());
  EXPECT_EQ((*account)->password_hash, "$argon2id$second");
  EXPECT_EQ((*account)->role, "manager");
}

// --- RecordStore: any catalog table, paged ------------------------------------------------------

TEST_P(StoresBothTest, RecordsPageThroughEveryTable) {
  server::RecordStore records(sql_db(), catalog_);
  auto list_all = [&](server::RecordQuery q) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = records.List(q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const auto& row : page->rows) ids.emplace_back(row.at("id").as_string().c_str());
      if (page->next.empty()) break;
      q.after = page->next;
    }
    return ids;
  };
  EXPECT_EQ(list_all({.table = "customers", .limit = 23}), LiveCustomers());
  std::vector<std::string> every;
  for (int i = 1; i <= kCustomers; ++i) every.push_back(CustomerId(i));
  EXPECT_EQ(list_all({.table = "customers", .limit = 50, .include_deleted = true}), every);
  // A customer's visits; a table of no customer (reps): no customer parameter at all.
  EXPECT_EQ(list_all({.table = "visits", .customer = CustomerId(7), .limit = 2}),
            (std::vector<std::string>{"vis-007-0", "vis-007-1", "vis-007-2"}));
  EXPECT_EQ(list_all({.table = "reps", .limit = 3}).size(), static_cast<size_t>(kReps + 2));
  // Values as stored: text, integer, NULL.
  auto page = records.List({.table = "orders", .customer = CustomerId(10), .limit = 5});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].at("amount_cents").as_int64(), 10'099);
  EXPECT_EQ(page->rows[0].at("currency").as_string(), "CNY");
  EXPECT_TRUE(page->rows[0].at("notes").is_null());
  EXPECT_EQ(records.List({.table = "reps", .customer = CustomerId(1)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(records.List({.table = "srv_secrets"}).status().code(), StatusCode::kNotFound);
}

// --- ReviewStore and DashboardStore: the managers' reads ----------------------------------------

TEST_P(StoresBothTest, ReviewListAndDashboardCountWhatIsThere) {
  for (int k = 1; k <= 150; ++k) {
    Exec(
        "INSERT INTO review_dismissals (id, customer_id, rep_id, tbl, row_id, code, refused, "
        "dismissed_at, note, _seq) VALUES (?, ?, ?, 'customers', ?, 'held', ?, ?, ?, ?)",
        {"dis-" + Num(k, 3), CustomerId(k), RepId(1 + k % kReps), CustomerId(k),
         k % 10 ? Value("{\"city\":\"深圳\"}") : Value("not json"), "2026-11-20T10:00:00Z",
         k % 3 ? Value("checked with the owner") : Value(), int64_t{1000 + k}});
  }
  server::ReviewStore review(sql_db());
  auto newest = review.Dismissals("", 40);
  ASSERT_TRUE(newest.ok()) << newest.status().ToString();
  ASSERT_EQ(newest->size(), 40u);
  EXPECT_EQ((*newest)[0].id, "dis-150");
  EXPECT_EQ((*newest)[39].id, "dis-111");
  EXPECT_EQ((*newest)[0].customer_name, "Garage 150");
  EXPECT_EQ((*newest)[0].note, "");  // NULL reads as ""
  auto of_rep = review.Dismissals(RepId(2), 1000);
  ASSERT_TRUE(of_rep.ok());
  EXPECT_EQ(of_rep->size(), 25u);
  for (const auto& d : *of_rep) EXPECT_EQ(d.rep_id, RepId(2));

  for (int k = 0; k < 30; ++k) {
    Exec(
        "INSERT INTO srv_conflicts (customer_id, tbl, row_id, column_name, value_json, hlc, "
        "from_rep, created_ms, status) VALUES (?, 'customers', ?, 'city', '\"x\"', 1, ?, 1, ?)",
        {CustomerId(k + 1), CustomerId(k + 1), RepId(1), k % 3 ? "open" : "dismissed"});
  }
  // Pairs count only while both customers are live (every 17th is deleted).
  int live_pairs = 0;
  for (int k = 1; k < 60; k += 2) {
    Exec(
        "INSERT INTO fb_possible_duplicates (customer_a, customer_b, reason, detected_ms) "
        "VALUES (?, ?, 'phone', 1)",
        {CustomerId(k), CustomerId(k + 1)});
    live_pairs += !Deleted(k) && !Deleted(k + 1);
  }
  for (int k = 0; k < 24; ++k) {
    wall_.Advance(1);
    Exec(
        "INSERT INTO srv_verifications (rep_id, replica_id, checked_ms, outcome, "
        "buckets_compared, buckets_mismatched, buckets_resent, rows_resent, solicited) VALUES "
        "(?, ?, ?, ?, 64, 0, 0, ?, 0)",
        {RepId(1 + k % kReps), "replica-" + std::to_string(k % 8), int64_t{100 + k},
         k % 5 ? "match" : "repaired", int64_t{k}});
  }
  server::DashboardStore dashboard(sql_db());
  auto counts = dashboard.Review();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->held_edits, 20);
  EXPECT_EQ(counts->duplicates, live_pairs);
  auto checks = dashboard.LatestChecks(5);
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  ASSERT_EQ(checks->size(), 5u);  // the latest check of each of 8 replicas, newest first
  EXPECT_EQ((*checks)[0].replica_id, "replica-7");
  EXPECT_EQ((*checks)[0].checked_ms, 123);
  EXPECT_EQ((*checks)[4].replica_id, "replica-3");

  auto tiers = dashboard.TiersByTerritory();
  ASSERT_TRUE(tiers.ok()) << tiers.status().ToString();
  std::map<std::string, std::map<std::string, int64_t>> want;
  for (int i = 1; i <= kCustomers; ++i) {
    if (Deleted(i)) continue;
    const int t = TerritoryOf(i);
    ++want[t ? TerritoryId(t) : ""][TierOf(i).empty() ? "not graded" : TierOf(i)];
  }
  ASSERT_EQ(tiers->size(), static_cast<size_t>(kTerritories + 1));
  EXPECT_EQ(tiers->back().territory_id, "");  // customers of no territory last
  for (const auto& t : *tiers) {
    EXPECT_EQ(t.tiers, want[t.territory_id]) << t.territory_id;
    int64_t sum = 0;
    for (const auto& [tier, n] : t.tiers) sum += n;
    EXPECT_EQ(t.customers, sum);
  }
  EXPECT_EQ((*tiers)[0].name, "Territory 01");
}

// --- NightlyStore: runs and steps ---------------------------------------------------------------

TEST_P(StoresBothTest, NightlyRunsAndStepsAreKept) {
  server::NightlyStore nightly(sql_db(), catalog_);
  auto none = nightly.LastStartedMs();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0);
  std::vector<int64_t> runs;
  for (int k = 0; k < 30; ++k) {
    auto run = nightly.CreateRun(k % 4 ? "schedule" : "manual", 1000 * (k + 1),
                                 "2026-11-" + Num(1 + k % 28, 2), 500 + 10 * k, "host-a");
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    runs.push_back(*run);
    const char* steps[] = {"grade", "reclaim", "compact"};
    for (int s = 0; s < 3; ++s) {
      Status begun = nightly.BeginStep(*run, steps[s], s, 1000 * (k + 1) + s);
      ASSERT_TRUE(begun.ok()) << begun.ToString();
      if (k == 29 && s == 2) break;  // the last run stops in its last step
      ASSERT_TRUE(
          nightly.SaveStepProgress(*run, steps[s], "{\"done\":" + std::to_string(s) + "}").ok());
      ASSERT_TRUE(nightly
                      .FinishStep(*run, steps[s], s == 1 && k % 7 == 0 ? "failed" : "done", "",
                                  s == 1 && k % 7 == 0 ? "lost the lease" : "", 1000 * (k + 1) + 9)
                      .ok());
    }
    if (k < 29) ASSERT_TRUE(nightly.FinishRun(*run, k % 7 ? "succeeded" : "failed", 1).ok());
  }
  EXPECT_EQ(nightly.FinishStep(runs[0], "nosuch", "done", "", "", 1).code(), StatusCode::kNotFound);
  // A retried step counts its attempts.
  Status retry = nightly.BeginStep(runs[3], "reclaim", 1, 99);
  ASSERT_TRUE(retry.ok()) << retry.ToString();
  auto last = nightly.Runs(12);
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  ASSERT_EQ(last->size(), 12u);
  EXPECT_EQ((*last)[0].id, runs[29]);
  EXPECT_EQ((*last)[11].id, runs[18]);
  ASSERT_EQ((*last)[0].steps.size(), 3u);
  EXPECT_EQ((*last)[0].steps[2].status, "running");
  EXPECT_EQ((*last)[0].steps[1].report_json, "{\"done\":1}");
  auto unfinished = nightly.UnfinishedRun();
  ASSERT_TRUE(unfinished.ok());
  ASSERT_TRUE(unfinished->has_value());
  EXPECT_EQ((*unfinished)->id, runs[29]);
  ASSERT_TRUE(nightly.ResumeRun(runs[29], "host-b").ok());
  auto resumed = nightly.Run(runs[29]);
  ASSERT_TRUE(resumed.ok());
  ASSERT_TRUE(resumed->has_value());
  EXPECT_EQ((*resumed)->holder, "host-b");
  EXPECT_EQ((*resumed)->resumed, 1);
  auto retried = nightly.Run(runs[3]);
  ASSERT_TRUE(retried.ok());
  ASSERT_TRUE(retried->has_value());
  EXPECT_EQ((*retried)->steps[1].attempts, 2);
  EXPECT_EQ((*retried)->steps[1].status, "running");
  auto failed = nightly.Run(runs[7]);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ((*failed)->status, "failed");
  EXPECT_EQ((*failed)->steps[1].error, "lost the lease");
  auto finished = nightly.LastFinishedStartMs();
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(*finished, 29'000);
  auto started = nightly.LastStartedMs();
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(*started, 30'000);
  auto seq = nightly.SeqAtOrBefore(10'500);
  ASSERT_TRUE(seq.ok());
  ASSERT_TRUE(seq->has_value());
  EXPECT_EQ(**seq, 590u);
  auto before_all = nightly.SeqAtOrBefore(999);
  ASSERT_TRUE(before_all.ok());
  EXPECT_FALSE(before_all->has_value());
}

// --- NightlyStore: the lease (SQLite: srv_nightly_lease; PostgreSQL: PgLease) -------------------

TEST_P(StoresBothTest, NightlyLeaseHasOneHolderAtATime) {
  server::NightlyStore nightly(sql_db(), catalog_);
  const int64_t now = 1'795'392'000'000;
  const int64_t minute = 60'000;
  auto lease = nightly.Lease();
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_FALSE(lease->has_value());
  Status taken = nightly.AcquireLease("host-a", now, minute);
  ASSERT_TRUE(taken.ok()) << taken.ToString();
  EXPECT_EQ(nightly.AcquireLease("host-b", now + 1, minute).code(), StatusCode::kConflict);
  ASSERT_TRUE(nightly.AcquireLease("host-a", now + 2, minute).ok());  // its own again
  Status renewed = nightly.RenewLease("host-a", now + 3, minute, 7);
  ASSERT_TRUE(renewed.ok()) << renewed.ToString();
  EXPECT_EQ(nightly.RenewLease("host-b", now + 3, minute, 8).code(), StatusCode::kConflict);
  // "holder/run", or "none".
  auto held = [&]() -> std::string {
    auto now_held = nightly.Lease();
    if (!now_held.ok()) return now_held.status().ToString();
    if (!now_held->has_value()) return "none";
    return (*now_held)->holder + "/" + std::to_string((*now_held)->run_id);
  };
  EXPECT_EQ(held(), "host-a/7");
  ASSERT_TRUE(nightly.ReleaseLease("host-b").ok());  // not the holder: nothing happens
  EXPECT_EQ(nightly.AcquireLease("host-b", now + 4, minute).code(), StatusCode::kConflict);
  ASSERT_TRUE(nightly.ReleaseLease("host-a").ok());
  ASSERT_TRUE(nightly.AcquireLease("host-b", now + 5, 1).ok());  // 1 ms
  // A holder that stops renewing is taken over once its lease has expired (SQLite: by the
  // callers' clock; PostgreSQL: by the database's, so wait for it).
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Status took_over = nightly.AcquireLease("host-c", now + 1000, minute);
  ASSERT_TRUE(took_over.ok()) << took_over.ToString();
  EXPECT_EQ(nightly.RenewLease("host-b", now + 1001, minute, 0).code(), StatusCode::kConflict);
  EXPECT_EQ(held(), "host-c/0");
  ASSERT_TRUE(nightly.ReleaseLease("host-c").ok());
  EXPECT_EQ(held(), "none");
}

// --- ImportStore: keys and the export's reads ---------------------------------------------------

TEST_P(StoresBothTest, ImportKeysAndExportReads) {
  server::ImportStore import(sql_db(), catalog_);
  std::vector<server::ImportStore::Key> keys;
  for (int i = 1; i <= 300; ++i) {
    keys.emplace_back("customer", "x:EXT-" + Num(i, 4), CustomerId(i));
    keys.emplace_back("customer", "h:" + Num(i * 7919 % 100003, 6), CustomerId(i));
  }
  // A key given twice in one call, and again later: the last row wins.
  keys.emplace_back("customer", "x:EXT-0005", CustomerId(6));
  ASSERT_TRUE(import.PutKeys(keys).ok());
  ASSERT_TRUE(import.PutKeys({{"order", "x:ORD-1", "ord-005"}}).ok());
  auto row = import.RowOfKey("customer", "x:EXT-0005");
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->value_or(""), CustomerId(6));
  row = import.RowOfKey("customer", "x:EXT-0299");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->value_or(""), CustomerId(299));
  row = import.RowOfKey("order", "x:EXT-0299");
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(row->has_value());
  auto external = import.ExternalIdOf("customer", CustomerId(6));
  ASSERT_TRUE(external.ok());
  EXPECT_EQ(*external, "EXT-0005");  // the first of its two 'x:' keys
  external = import.ExternalIdOf("customer", CustomerId(301));
  ASSERT_TRUE(external.ok());
  EXPECT_EQ(*external, "");
  auto live = import.LiveCustomer(CustomerId(17));
  ASSERT_TRUE(live.ok());
  EXPECT_FALSE(live->has_value());  // deleted
  auto holder = import.HolderOf(CustomerId(8));
  ASSERT_TRUE(holder.ok());
  EXPECT_EQ(*holder, RepId(HolderOf(8)));
  ASSERT_TRUE(import.BulkWrites(true).ok());
  ASSERT_TRUE(import.BulkWrites(false).ok());

  // One rep's customers, as the export reads them, in id order.
  std::vector<std::string> ids;
  ASSERT_TRUE(import
                  .ForEachRow("customers", {"id", "name", "grade_tier"}, RepId(2), "",
                              [&](const std::vector<Value>& v) {
                                ids.push_back(std::get<std::string>(v[0]));
                                return Status::Ok();
                              })
                  .ok());
  EXPECT_EQ(ids, LiveCustomers(2));
  // One territory's orders with their lines; a caller's error stops the walk and is returned.
  std::vector<std::string> orders;
  ASSERT_TRUE(import
                  .ForEachOrderLine("", TerritoryId(3),
                                    [&](const std::vector<Value>& v) {
                                      orders.push_back(std::get<std::string>(v[0]));
                                      EXPECT_EQ(std::get<int64_t>(v[4]), std::get<int64_t>(v[11]));
                                      return Status::Ok();
                                    })
                  .ok());
  std::vector<std::string> want;
  for (int i = 5; i <= kCustomers; i += 5) {
    if (TerritoryOf(i) == 3) want.push_back("ord-" + Num(i, 3));
  }
  EXPECT_EQ(orders, want);
  int calls = 0;
  Status stopped = import.ForEachRow("visits", {"id"}, "", "", [&](const std::vector<Value>&) {
    return ++calls == 10 ? Status::Conflict("enough") : Status::Ok();
  });
  EXPECT_EQ(stopped.code(), StatusCode::kConflict);
  EXPECT_EQ(calls, 10);
  EXPECT_EQ(import.ForEachRow("visits", {"no_such"}, "", "", nullptr).code(),
            StatusCode::kInvalidArgument);
}

FB_BOTH_BACKENDS(StoresBothTest);

}  // namespace
}  // namespace fieldbook::testing

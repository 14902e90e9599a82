// ClientStore's grades: provisional grades computed on the device when the rep records an order, a
// visit or feedback offline, cleared by the server's next grade; the tier and at-risk reports over
// the replica; the device's copy of the server's reports. Every expected grade is worked out by
// hand in the comments from the engine's rules (shared/include/fieldbook/grading.h).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "fieldbook/hub.h"
#include "store/client_store.h"
#include "support/fake_clock.h"
#include "support/sync_fixture.h"
#include "support/temp_dir.h"

namespace fieldbook::testing {
namespace {

using client::ClientStore;
using client::CustomerGrade;
using client::GradeView;
using client::NewFeedback;
using client::NewOrder;
using client::NewVisit;

// Frequency by thresholds so that no score depends on who else is on the device:
// >= 2 orders scores 2, >= 4 scores 3, >= 8 scores 4, >= 12 scores 5.
constexpr const char* kRules =
    R"({"version":1,"frequency":{"method":"thresholds","thresholds":[2,4,8,12]}})";

class ClientStoreGradesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Today() is the rep's local date: pin the zone so that it is 2026-11-23.
    setenv("TZ", "UTC", 1);
    tzset();
  }

  void SetUp() override {
    auto store = ClientStore::Open(dir_.File("replica.db"), wall_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->SaveSettings({"http://127.0.0.1:9", "fbt_secret", "rep-a", "张伟"}).ok());
    auto hub = Hub::Open(dir_.File("hub.db"), wall_);
    ASSERT_TRUE(hub.ok()) << hub.status().ToString();
    hub_ = std::move(*hub);
  }

  void Sync() {
    Status s = SyncOnce(store_->replica(), *hub_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // The server's grading job writes a grade (as GradingStore::GradeAll does).
  void ServerGrades(const std::string& customer, std::vector<std::pair<std::string, Value>> cols) {
    auto r = hub_->Write("customers", customer, cols);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  void HubOrder(const std::string& id, const std::string& customer, const char* day,
                int64_t cents) {
    auto r = hub_->Write("orders", id,
                         {{"customer_id", Value(customer)},
                          {"rep_id", S("rep-a")},
                          {"order_date", S(day)},
                          {"amount_cents", I(cents)},
                          {"currency", S("CNY")}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  std::string Order(const std::string& customer, int64_t quantity, int64_t unit_cents) {
    NewOrder o;
    o.customer_id = customer;
    o.lines = {{"BOSCH-0986452041", "", quantity, unit_cents}};
    auto added = store_->facts().AddOrder(o);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->id : "";
  }

  GradeView Grades(const std::string& customer) {
    auto g = store_->grades().ForCustomer(customer);
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? *g : GradeView{};
  }

  // The English of a part's reasons, joined by "; " (the churn risk's adjustments are reasons of
  // their own).
  static std::string Reason(const CustomerGrade& g, const std::string& rule) {
    std::vector<GradeReason> of_rule;
    for (const GradeReason& r : g.reasons) {
      if (r.rule == rule) of_rule.push_back(r);
    }
    if (of_rule.empty()) return "(no " + rule + " reason)";
    return JoinReasons(Lang::kEnglish, of_rule);
  }

  TempDir dir_;
  FakeWallClock wall_;  // 2026-11-23T00:00Z
  std::unique_ptr<ClientStore> store_;
  std::unique_ptr<Hub> hub_;
};

TEST_F(ClientStoreGradesTest, AFirstOfflineOrderMakesAProspectANewCustomerUntilTheServerGrades) {
  auto id = store_->customers().Add(
      {{"name", "顺通汽配"}, {"purchase_stage", "interested"}, {"relationship", "potential"}});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_FALSE(Grades(*id).provisional);  // nothing recorded yet, never graded

  // Offline: 4 brake pads at ¥120 = ¥480, today. With the built-in rules (no rules replicated
  // yet): last order 0 days ago -> R 5; 1 order, the only customer with orders on the device ->
  // F quintile 1; ¥480 < ¥5,000 -> M 1; 7 points >= 6 -> C. Average ¥480 < ¥3,000 -> low.
  // First order 0 days ago -> new; 0x its rhythm -> churn 1/(1+e^4) = 0.018 -> 0.02.
  Order(*id, 4, 12000);
  const GradeView view = Grades(*id);
  ASSERT_TRUE(view.provisional);
  const CustomerGrade& p = *view.provisional;
  EXPECT_TRUE(p.provisional);
  EXPECT_EQ(&view.shown(), &*view.provisional);
  EXPECT_EQ(p.tier, "C");
  EXPECT_EQ(p.recency, 5);
  EXPECT_EQ(p.frequency, 1);
  EXPECT_EQ(p.monetary, 1);
  EXPECT_EQ(p.ticket_class, "low");
  EXPECT_EQ(p.lifecycle, "new");
  EXPECT_DOUBLE_EQ(*p.churn_risk, 0.02);
  EXPECT_EQ(p.purchase_stage, "customer");
  EXPECT_EQ(p.relationship, "existing");
  EXPECT_EQ(p.graded_at, "");  // not based on any server grade
  EXPECT_EQ(p.local_facts, 1);
  EXPECT_EQ(p.computed_at, "2026-11-23T00:00:00Z");
  ASSERT_FALSE(p.reasons.empty());
  EXPECT_EQ(p.reasons[0].rule, "provisional");
  EXPECT_NE(p.reasons[0].detail.find("from 1 order recorded here (the server has not graded"),
            std::string::npos)
      << p.reasons[0].detail;
  EXPECT_EQ(Reason(p, "tier"), "C: R+F+M = 7 >= 6");
  EXPECT_EQ(Reason(p, "purchase_stage"), "customer: has ordered (was interested)");
  EXPECT_EQ(Reason(p, "lifecycle"), "new: first order 0 days ago");

  // The server's columns are untouched, and nothing of the provisional grade is pushed: the
  // outbox holds the customer, the order and its line, nothing else.
  Db& db = store_->replica().db();
  EXPECT_EQ(QueryValue(db, "SELECT grade_tier FROM customers WHERE id = ?", {Value(*id)}), Value());
  EXPECT_EQ(QueryValue(db, "SELECT purchase_stage FROM customers WHERE id = ?", {Value(*id)}),
            S("interested"));
  EXPECT_EQ(
      QueryValue(db, "SELECT group_concat(tbl) FROM (SELECT tbl FROM fb_outbox ORDER BY seq)"),
      S("3,7,8"));  // customers, orders, order_lines

  // The push reaches the server; the server grades the same day (before or after the order
  // arrived: the device cannot tell), which does not clear the provisional grade...
  Sync();
  ServerGrades(*id, {{"grade_tier", S("D")},
                     {"grade_lifecycle", S("new")},
                     {"grade_reasons", S(R"({"rules_version":0,"reasons":[]})")},
                     {"graded_at", S("2026-11-23")}});
  Sync();
  EXPECT_TRUE(Grades(*id).provisional);
  // ...its next day's grade does, and the server's grade is shown.
  ServerGrades(*id, {{"grade_tier", S("C")},
                     {"grade_recency", I(5)},
                     {"grade_frequency", I(1)},
                     {"grade_monetary", I(1)},
                     {"grade_lifecycle", S("new")},
                     {"grade_churn_risk", Value(0.03)},
                     {"grade_reasons",
                      S(R"({"rules_version":0,"reasons":[{"rule":"tier","detail":"C: 7 >= 6"}]})")},
                     {"graded_at", S("2026-11-24")}});
  Sync();
  const GradeView after = Grades(*id);
  EXPECT_FALSE(after.provisional);
  EXPECT_FALSE(after.shown().provisional);
  EXPECT_EQ(after.shown().tier, "C");
  EXPECT_EQ(after.shown().graded_at, "2026-11-24");
  EXPECT_DOUBLE_EQ(*after.shown().churn_risk, 0.03);
  EXPECT_EQ(Reason(after.shown(), "tier"), "C: 7 >= 6");
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM fb_provisional_grades"), I(0));
  // ShowCustomer carries the same.
  auto profile = store_->customers().Show(*id);
  ASSERT_TRUE(profile.ok());
  EXPECT_FALSE(profile->grade.provisional);
  EXPECT_EQ(profile->grade.server.tier, "C");
}

TEST_F(ClientStoreGradesTest, QuintilesRankAmongTheCustomersOnTheDevice) {
  // Built-in rules: frequency by quintiles. The others on the device, in the 365-day window:
  //   x: 3 orders; y: 2 orders, one voided by the other -> 1; z: one order 400 days ago -> none.
  for (const char* id : {"x", "y", "z"}) {
    ASSERT_TRUE(hub_->Write("customers", id, {{"name", S(id)}, {"owner_rep_id", S("rep-a")}}).ok());
  }
  HubOrder("x1", "x", "2026-10-01", 100000);
  HubOrder("x2", "x", "2026-10-15", 100000);
  HubOrder("x3", "x", "2026-11-01", 100000);
  HubOrder("y1", "y", "2026-09-01", 100000);
  ASSERT_TRUE(hub_->Write("orders", "y2",
                          {{"customer_id", S("y")},
                           {"order_date", S("2026-09-02")},
                           {"amount_cents", I(90000)},
                           {"voids_id", S("y1")}})
                  .ok());
  HubOrder("z1", "z", "2025-10-19", 100000);
  Sync();
  auto id = store_->customers().Add({{"name", "新客户"}});
  ASSERT_TRUE(id.ok());
  Order(*id, 1, 24000);
  Order(*id, 1, 24000);
  // Orders in the window among those with any: y 1, this one 2, x 3. Two is better than one of
  // the three: 1 + 5 * 1 / 3 = 2. (Counting y's voided order, or z's old one, would give 1 or 3.)
  const GradeView view = Grades(*id);
  ASSERT_TRUE(view.provisional);
  EXPECT_EQ(view.provisional->frequency, 2);
  EXPECT_EQ(view.provisional->recency, 5);
  EXPECT_EQ(view.provisional->monetary, 1);
  EXPECT_EQ(view.provisional->tier, "C");  // 8 points
  EXPECT_EQ(view.provisional->local_facts, 2);
  EXPECT_NE(view.provisional->reasons[0].detail.find(
                "from 2 orders recorded here (the server has not graded this customer yet)"),
            std::string::npos)
      << view.provisional->reasons[0].detail;
  // The quintiles' population is a reason of its own (a code with its values, issue #19).
  ASSERT_GE(view.provisional->reasons.size(), 2u);
  EXPECT_EQ(view.provisional->reasons[1].rule, "provisional");
  EXPECT_EQ(view.provisional->reasons[1].code, "provisional_quintiles");
  EXPECT_EQ(view.provisional->reasons[1].detail,
            "quintiles rank among the 4 customers with orders on this device");
}

TEST_F(ClientStoreGradesTest, OnlyWhatTheRecordsChangeMovesAServerGrade) {
  // A customer the server graded yesterday, quiet since February, by the replicated rules.
  ASSERT_TRUE(
      hub_->Write("grading_rules", "current", {{"version", I(1)}, {"rules_json", S(kRules)}}).ok());
  const std::string quiet = "c-quiet";
  ASSERT_TRUE(hub_->Write("customers", quiet,
                          {{"name", S("鑫隆轮胎店")},
                           {"owner_rep_id", S("rep-a")},
                           {"relationship", S("existing")},
                           {"purchase_stage", S("customer")},
                           {"created_at", S("2025-01-01T00:00:00Z")}})
                  .ok());
  HubOrder("o1", quiet, "2025-12-01", 1000000);  // 357 days ago
  HubOrder("o2", quiet, "2026-01-01", 1000000);  // 326
  HubOrder("o3", quiet, "2026-02-01", 1000000);  // 295
  // The server's grade. Its M (2) is not what the device would compute (3): it stays, since the
  // order below does not change M.
  ServerGrades(
      quiet, {{"grade_tier", S("C")},
              {"grade_recency", I(1)},
              {"grade_frequency", I(2)},
              {"grade_monetary", I(2)},
              {"grade_ticket_class", S("high")},
              {"grade_lifecycle", S("churned")},
              {"grade_churn_risk", Value(1.0)},
              {"grade_reasons",
               S(R"({"rules_version":1,"reasons":[{"rule":"monetary","detail":"server says M 2"},)"
                 R"({"rule":"lifecycle","detail":"server says churned"}]})")},
              {"graded_at", S("2026-11-22")},
              {"grade_rules_version", I(1)}});
  Sync();

  // A visit changes nothing the server grades (only the visits per 30 days: 1 * 30 / 365).
  NewVisit v;
  v.customer_id = quiet;
  v.check_in = "2026-11-23T02:00:00Z";
  ASSERT_TRUE(store_->facts().LogVisit(v).ok());
  GradeView view = Grades(quiet);
  ASSERT_TRUE(view.provisional);
  EXPECT_EQ(view.provisional->tier, "C");
  EXPECT_EQ(view.provisional->lifecycle, "churned");
  EXPECT_EQ(view.provisional->monetary, 2);
  EXPECT_DOUBLE_EQ(*view.provisional->visits_per_30_days, 0.08);
  EXPECT_EQ(view.provisional->graded_at, "2026-11-22");
  EXPECT_EQ(Reason(*view.provisional, "lifecycle"), "server says churned");

  // An order today: without it R 1 (295 days > 240), F 2 (3 orders), M 3 (¥30,000), C, churned
  // (gaps 31, 31: 295 / 31 = 9.5x > 4x). With it: R 5, F 3 (4 orders), M 3 (¥36,000), 11 -> B;
  // the 295-day gap after a 31-day rhythm (> 4 x 31) and an order 0 days ago -> won back; churn
  // 0.02. M and the ticket class (¥9,000 vs ¥10,000 average: high either way) keep the server's.
  Order(quiet, 10, 60000);  // ¥6,000
  view = Grades(quiet);
  ASSERT_TRUE(view.provisional);
  const CustomerGrade& p = *view.provisional;
  EXPECT_EQ(p.recency, 5);
  EXPECT_EQ(p.frequency, 3);
  EXPECT_EQ(p.monetary, 2);  // the server's
  EXPECT_EQ(p.tier, "B");
  EXPECT_EQ(p.ticket_class, "high");
  EXPECT_EQ(p.lifecycle, "won_back");
  EXPECT_DOUBLE_EQ(*p.churn_risk, 0.02);
  EXPECT_EQ(p.rules_version, 1);
  EXPECT_EQ(p.local_facts, 2);
  EXPECT_EQ(Reason(p, "tier"), "B: R+F+M = 11 >= 9");
  // M keeps the server's score, but its explanation takes the device's figures (the server's
  // "server says M 2" predates the order): ¥36,000 would score 3 here.
  EXPECT_EQ(
      Reason(p, "monetary"),
      "¥36,000.00 in the last 365 days, scores 2 (the server's score; these figures would score "
      "3 on this device)");
  EXPECT_NE(Reason(p, "lifecycle").find("won back: ordered again after 295 quiet days"),
            std::string::npos)
      << Reason(p, "lifecycle");
  EXPECT_NE(p.reasons[0].detail.find("from 1 order and 1 visit recorded here since the server's "
                                     "grade of 2026-11-22"),
            std::string::npos)
      << p.reasons[0].detail;

  // Unhappy feedback on top: churn 0.018 + 0.15 = 0.17 (without the records: 1.0 + 0.15 -> 1.0).
  ASSERT_TRUE(store_->facts().AddFeedback(NewFeedback{quiet, 1, "价格太高"}).ok());
  view = Grades(quiet);
  ASSERT_TRUE(view.provisional);
  EXPECT_DOUBLE_EQ(*view.provisional->churn_risk, 0.17);
  EXPECT_EQ(view.provisional->local_facts, 3);
  EXPECT_NE(Reason(*view.provisional, "churn_risk").find("low satisfaction 1/5 (+0.15)"),
            std::string::npos);
  // The server's own columns never moved.
  EXPECT_EQ(view.server.tier, "C");
  EXPECT_EQ(view.server.lifecycle, "churned");
}

TEST_F(ClientStoreGradesTest, AnOrderRecordedHereRefreshesTheFiguresOfScoresItDoesNotMove) {
  // The server graded a regular customer yesterday: last order 10 days before, R 5 (<= 30 days),
  // F 3 (4 orders: >= 4 by kRules), M 2 (¥8,000: >= 5,000). Its reasons carry its figures.
  ASSERT_TRUE(
      hub_->Write("grading_rules", "current", {{"version", I(1)}, {"rules_json", S(kRules)}}).ok());
  const std::string regular = "c-regular";
  ASSERT_TRUE(hub_->Write("customers", regular,
                          {{"name", S("顺通汽配")},
                           {"owner_rep_id", S("rep-a")},
                           {"relationship", S("existing")},
                           {"purchase_stage", S("customer")},
                           {"created_at", S("2025-01-01T00:00:00Z")}})
                  .ok());
  HubOrder("r1", regular, "2026-08-13", 200000);
  HubOrder("r2", regular, "2026-09-13", 200000);
  HubOrder("r3", regular, "2026-10-13", 200000);
  HubOrder("r4", regular, "2026-11-13", 200000);
  ServerGrades(regular,
               {{"grade_tier", S("B")},
                {"grade_recency", I(5)},
                {"grade_frequency", I(3)},
                {"grade_monetary", I(2)},
                {"grade_lifecycle", S("active")},
                {"grade_churn_risk", Value(0.1)},
                {"grade_reasons",
                 S(R"({"rules_version":1,"reasons":[)"
                   R"({"rule":"recency","detail":"last order 9 days ago, scores 5"},)"
                   R"({"rule":"frequency","detail":"4 orders in the last 365 days, scores 3"},)"
                   R"({"rule":"monetary","detail":"¥8000 in the last 365 days, scores 2"}]})")},
                {"graded_at", S("2026-11-22")},
                {"grade_rules_version", I(1)}});
  Sync();

  // A small order today (¥100): R stays 5, F stays 3 (5 orders: >= 4, < 8), M stays 2 (¥8,100).
  // No score moves, so every score is the server's; the figures are the device's, up to date.
  Order(regular, 1, 10000);
  const GradeView view = Grades(regular);
  ASSERT_TRUE(view.provisional);
  const CustomerGrade& p = *view.provisional;
  EXPECT_EQ(p.recency, 5);
  EXPECT_EQ(p.frequency, 3);
  EXPECT_EQ(p.monetary, 2);
  EXPECT_EQ(Reason(p, "recency"), "last order 0 days ago, scores 5");
  EXPECT_EQ(Reason(p, "frequency"), "5 orders in the last 365 days, scores 3");
  EXPECT_EQ(Reason(p, "monetary"), "¥8,100.00 in the last 365 days, scores 2");

  // A visit alone records no order: the server's figures stay (nothing made them stale).
  const std::string other = "c-other";
  ASSERT_TRUE(hub_->Write("customers", other,
                          {{"name", S("广达汽修")},
                           {"owner_rep_id", S("rep-a")},
                           {"created_at", S("2025-01-01T00:00:00Z")}})
                  .ok());
  HubOrder("x1", other, "2026-11-13", 200000);
  ServerGrades(other, {{"grade_tier", S("C")},
                       {"grade_recency", I(5)},
                       {"grade_reasons",
                        S(R"({"rules_version":1,"reasons":[)"
                          R"({"rule":"recency","detail":"last order 9 days ago, scores 5"}]})")},
                       {"graded_at", S("2026-11-22")}});
  Sync();
  NewVisit v;
  v.customer_id = other;
  ASSERT_TRUE(store_->facts().LogVisit(v).ok());
  const GradeView after_visit = Grades(other);
  ASSERT_TRUE(after_visit.provisional);
  EXPECT_EQ(Reason(*after_visit.provisional, "recency"), "last order 9 days ago, scores 5");
}

TEST_F(ClientStoreGradesTest, TiersAndAtRiskCountTheGradeShownInTheRulesOrder) {
  ASSERT_TRUE(
      hub_->Write("grading_rules", "current", {{"version", I(1)}, {"rules_json", S(kRules)}}).ok());
  auto customer = [this](const char* id, const char* tier, const char* lifecycle, double risk,
                         const char* reasons) {
    std::vector<std::pair<std::string, Value>> cols = {{"name", S(id)},
                                                       {"owner_rep_id", S("rep-a")}};
    if (tier != nullptr) {
      cols.insert(cols.end(), {{"grade_tier", S(tier)},
                               {"grade_lifecycle", S(lifecycle)},
                               {"grade_churn_risk", Value(risk)},
                               {"grade_reasons", S(reasons)},
                               {"graded_at", S("2026-11-22")}});
    }
    ASSERT_TRUE(hub_->Write("customers", id, cols).ok());
  };
  customer("c1", "A", "active", 0.1, "{}");
  customer("c2", "D", "at_risk", 0.7,
           R"({"rules_version":1,"reasons":[{"rule":"tier","detail":"D"},)"
           R"({"rule":"lifecycle","detail":"at risk: no order for 70 days"},)"
           R"({"rule":"churn_risk","detail":"churn risk 0.70 from 2.3x"}]})");
  customer("c3", "VIP", "churned", 0.9, "{}");
  customer("c4", nullptr, nullptr, 0, nullptr);
  customer("c5", "Z", "active", 0.2, "{}");  // a tier the rules no longer have
  // c2 ordered monthly, then nothing for 70 days: 70 / 30.5 = 2.3x its rhythm > 2x, at risk.
  HubOrder("o1", "c2", "2026-07-15", 100000);
  HubOrder("o2", "c2", "2026-08-15", 100000);
  HubOrder("o3", "c2", "2026-09-14", 100000);
  Sync();
  // c4, never graded, orders today: provisional R 5 + F 1 + M 1 = 7 -> C, new.
  Order("c4", 1, 10000);

  auto tiers = store_->grades().TierDistribution();
  ASSERT_TRUE(tiers.ok()) << tiers.status().ToString();
  std::string shown;
  for (const auto& t : *tiers) {
    shown += (t.tier.empty() ? "-" : t.tier) + ":" + std::to_string(t.customers) + "/" +
             std::to_string(t.provisional) + " ";
  }
  EXPECT_EQ(shown, "VIP:1/0 A:1/0 C:1/1 D:1/0 Z:1/0 ");

  auto risk = store_->grades().AtRiskCustomers(10);
  ASSERT_TRUE(risk.ok()) << risk.status().ToString();
  ASSERT_EQ(risk->size(), 2u);
  EXPECT_EQ((*risk)[0].customer_id, "c3");  // riskiest first
  EXPECT_EQ((*risk)[1].customer_id, "c2");
  EXPECT_EQ((*risk)[1].lifecycle, "at_risk");
  EXPECT_DOUBLE_EQ((*risk)[1].churn_risk, 0.7);
  EXPECT_EQ((*risk)[1].reasons, "at risk: no order for 70 days; churn risk 0.70 from 2.3x");
  EXPECT_FALSE((*risk)[1].provisional);
  EXPECT_EQ(store_->grades().AtRiskCustomers(1)->size(), 1u);

  // An order from c2 today makes it active again on the device (0 days quiet; first order 131
  // days ago, so not new): it leaves the at-risk list until the server says otherwise.
  Order("c2", 1, 10000);
  risk = store_->grades().AtRiskCustomers(10);
  ASSERT_TRUE(risk.ok());
  ASSERT_EQ(risk->size(), 1u);
  EXPECT_EQ((*risk)[0].customer_id, "c3");
  EXPECT_EQ(store_->grades().ForCustomer("c2")->shown().lifecycle, "active");
}

TEST_F(ClientStoreGradesTest, ACustomerPurgedFromTheDeviceTakesItsProvisionalGradeAlong) {
  auto id = store_->customers().Add({{"name", "宏发汽修"}});
  ASSERT_TRUE(id.ok());
  Order(*id, 1, 5000);
  Sync();  // pushed: the device may now let it go
  ChangeSet purge;
  purge.replica_id = hub_->hub_id();
  purge.set_id = "purge";
  purge.cursor = store_->replica().cursor();
  purge.evicted_customers = {*id};
  auto applied = store_->replica().ApplyPull(purge);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(QueryValue(store_->replica().db(), "SELECT count(*) FROM fb_provisional_grades"), I(0));
  EXPECT_EQ(store_->grades().ForCustomer(*id).status().code(), StatusCode::kNotFound);
}

TEST_F(ClientStoreGradesTest, TheServersReportsAreKeptForThisRepOnly) {
  auto none = store_->grades().ServerReports();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  wall_.Advance(3600 * 1000);
  ASSERT_TRUE(store_->grades().SaveServerReports(R"({"movement":null})").ok());
  auto kept = store_->grades().ServerReports();
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->json, R"({"movement":null})");
  EXPECT_EQ((*kept)->fetched_ms, static_cast<int64_t>(FakeWallClock::kDefaultStartMs + 3600000));
  // The device is set up again for another rep: the copy is not theirs.
  ASSERT_TRUE(store_->SaveSettings({"http://127.0.0.1:9", "fbt_other", "rep-b", "李娜"}).ok());
  EXPECT_FALSE(store_->grades().ServerReports()->has_value());
}

}  // namespace
}  // namespace fieldbook::testing

// Grading with hand-computed expectations on small data sets.
#include "fieldbook/grading.h"

#include <gtest/gtest.h>

#include <random>

namespace fieldbook {
namespace {

const int32_t kToday = *ParseDay("2026-11-23");

// Explicit thresholds everywhere so that expectations can be worked out by hand.
GradingRules HandRules() {
  GradingRules r;
  r.frequency = {ScoreRule::Method::kThresholds, {2, 4, 8, 16}};
  return r;
}

CustomerHistory Customer(const std::string& id, int created_days_ago = 400) {
  CustomerHistory c;
  c.customer_id = id;
  c.created_day = kToday - created_days_ago;
  c.relationship = "potential";
  c.purchase_stage = "interested";
  return c;
}

void AddOrder(CustomerHistory& c, int days_ago, double yuan, std::string id = "",
              std::string voids = "") {
  if (id.empty()) id = c.customer_id + "-o" + std::to_string(c.orders.size());
  c.orders.push_back(OrderFact{id, kToday - days_ago, static_cast<int64_t>(yuan * 100), voids});
}

// Orders every `every` days from `first_days_ago` until `last_days_ago`.
void AddRhythm(CustomerHistory& c, int first_days_ago, int last_days_ago, int every, double yuan) {
  for (int d = first_days_ago; d >= last_days_ago; d -= every) AddOrder(c, d, yuan);
}

Grade GradeOne(const CustomerHistory& c, const GradingRules& rules = HandRules()) {
  return GradeCustomers({c}, rules, kToday)[0];
}

TEST(Days, ParseAndFormatRoundTrip) {
  EXPECT_EQ(*ParseDay("1970-01-01"), 0);
  EXPECT_EQ(*ParseDay("2026-11-23T08:15:00Z"), *ParseDay("2026-11-23"));
  EXPECT_EQ(FormatDay(kToday), "2026-11-23");
  EXPECT_EQ(FormatDay(*ParseDay("2024-02-29")), "2024-02-29");
  EXPECT_FALSE(ParseDay("23/11/2026").has_value());
  EXPECT_FALSE(ParseDay("2026-13-01").has_value());
}

TEST(Grading, AnEmptyHistoryIsANewProspectInTheLowestTier) {
  const Grade g = GradeOne(Customer("c", 10));
  EXPECT_EQ(g.recency + g.frequency + g.monetary, 0);
  EXPECT_EQ(g.tier, "D");
  EXPECT_EQ(g.lifecycle, "new");
  EXPECT_EQ(g.ticket_class, "");
  EXPECT_EQ(g.churn_risk, 0);
  EXPECT_EQ(g.purchase_stage, "interested");  // no order: the data decide nothing
  EXPECT_FALSE(g.reasons.empty());
}

TEST(Grading, ASingleOrderMakesAProspectACustomer) {
  CustomerHistory c = Customer("c");
  AddOrder(c, 1, 6000);
  const Grade g = GradeOne(c);
  EXPECT_EQ(g.recency, 5);              // 1 day <= 30
  EXPECT_EQ(g.frequency, 1);            // 1 order < 2
  EXPECT_EQ(g.monetary, 2);             // ¥6,000 >= ¥5,000
  EXPECT_EQ(g.tier, "C");               // 8 >= 6
  EXPECT_EQ(g.ticket_class, "high");    // ¥6,000 average >= ¥3,000
  EXPECT_EQ(g.lifecycle, "new");        // first order a day ago
  EXPECT_DOUBLE_EQ(g.rhythm_days, 30);  // the default rhythm for one order
  EXPECT_EQ(g.churn_risk, 0.02);        // 1/(1+e^(2*(2-1/30))) = 0.019
  EXPECT_EQ(g.purchase_stage, "customer");
  EXPECT_EQ(g.relationship, "existing");
}

TEST(Grading, ThresholdBoundariesAreInclusive) {
  CustomerHistory at = Customer("at");
  AddOrder(at, 30, 20000);  // exactly 30 days, exactly ¥20,000
  const Grade a = GradeOne(at);
  EXPECT_EQ(a.recency, 5);
  EXPECT_EQ(a.monetary, 3);
  CustomerHistory past = Customer("past");
  AddOrder(past, 31, 19999.99);
  const Grade p = GradeOne(past);
  EXPECT_EQ(p.recency, 4);
  EXPECT_EQ(p.monetary, 2);

  // R+F+M exactly at a tier's minimum reaches it: 5 (2 days) + 4 (8 orders) + 3 (¥24,000) = 12.
  CustomerHistory tier = Customer("tier");
  for (int i = 0; i < 8; ++i) AddOrder(tier, 2 + 40 * i, 3000);
  const Grade t = GradeOne(tier);
  EXPECT_EQ(t.recency + t.frequency + t.monetary, 12);
  EXPECT_EQ(t.tier, "A");
}

TEST(Grading, QuintilesRankAgainstThePopulationAndTiesShareAScore) {
  GradingRules rules = HandRules();
  rules.frequency.method = ScoreRule::Method::kQuantiles;
  std::vector<CustomerHistory> population;
  for (int n = 1; n <= 5; ++n) {
    CustomerHistory c = Customer("c" + std::to_string(n));
    for (int i = 0; i < n; ++i) AddOrder(c, 10 + i, 1000);
    population.push_back(c);
  }
  auto grades = GradeCustomers(population, rules, kToday);
  EXPECT_EQ(grades[0].frequency, 1);  // nobody orders less
  EXPECT_EQ(grades[2].frequency, 3);  // 2 of 5 order less
  EXPECT_EQ(grades[4].frequency, 5);  // 4 of 5 order less

  std::vector<CustomerHistory> tied;
  for (int n = 0; n < 5; ++n) {
    CustomerHistory c = Customer("t" + std::to_string(n));
    AddOrder(c, 10, 1000);
    tied.push_back(c);
  }
  for (const Grade& g : GradeCustomers(tied, rules, kToday)) EXPECT_EQ(g.frequency, 1);
}

TEST(Grading, VoidedOrdersDoNotCountAndCorrectionsCountTheirOwnAmount) {
  CustomerHistory c = Customer("c");
  AddOrder(c, 5, 100000, "o1");
  AddOrder(c, 5, 10000, "o2", /*voids=*/"o1");  // o1 was keyed wrong: ¥10,000, not ¥100,000
  AddOrder(c, 3, 50000, "o3");
  AddOrder(c, 3, 0, "o4", /*voids=*/"o3");  // o3 cancelled outright
  const Grade g = GradeOne(c);
  EXPECT_EQ(g.monetary, 2);   // ¥10,000 counted
  EXPECT_EQ(g.frequency, 2);  // o2 and o4 count as orders: >= 2
  bool explained = false;
  for (const GradeReason& r : g.reasons)
    explained |= r.detail.find("¥10,000.00 ") != std::string::npos;
  EXPECT_TRUE(explained);
}

TEST(Grading, AVoidCancelsItsOrderAndIsNoOrderItselfAndVoidingIsFinal) {
  CustomerHistory c = Customer("c");
  AddOrder(c, 40, 2000, "o1");
  AddOrder(c, 5, 400000, "o2");  // the ¥99,999,999-style typo that made the garage VIP
  const Grade before = GradeOne(c);
  EXPECT_EQ(before.tier, "VIP");
  EXPECT_EQ(before.frequency, 2);
  // `order void o2`: a row voiding o2 with no amount.
  OrderFact v{"v1", kToday - 1, 0, "o2", /*is_void=*/true};
  c.orders.push_back(v);
  const Grade voided = GradeOne(c);
  EXPECT_NE(voided.tier, "VIP");
  EXPECT_EQ(voided.frequency, 1);  // only o1: the void is no order and o2 no longer counts
  EXPECT_EQ(voided.monetary, 1);   // ¥2,000
  EXPECT_EQ(voided.recency, 4);    // the last order is o1, 40 days ago (the void is no order)
  EXPECT_EQ(voided.last_order_day, kToday - 40);
  // Voiding the void, or voiding o2 again, changes nothing: voiding is final.
  c.orders.push_back(OrderFact{"v2", kToday, 0, "v1", true});
  c.orders.push_back(OrderFact{"v3", kToday, 0, "o2", true});
  const Grade again = GradeOne(c);
  EXPECT_EQ(again.tier, voided.tier);
  EXPECT_EQ(again.frequency, 1);
  EXPECT_EQ(again.monetary, 1);
  EXPECT_EQ(again.last_order_day, kToday - 40);
  // Every order voided: no orders at all.
  c.orders.push_back(OrderFact{"v4", kToday, 0, "o1", true});
  const Grade none = GradeOne(c);
  EXPECT_EQ(none.frequency + none.monetary + none.recency, 0);
}

TEST(Grading, GradeAmongTheOthersFiguresEqualsGradingEveryone) {
  // Property: for random populations (orders, corrections, voids, future orders, quiet and
  // prospect customers), grading one customer against the others' figures alone gives exactly
  // the grade GradeCustomers gives it among everyone, under quintile and threshold rules.
  std::mt19937 rng(20261206);
  GradingRules quintiles;
  quintiles.recency = {ScoreRule::Method::kQuantiles, {}};
  quintiles.monetary = {ScoreRule::Method::kQuantiles, {}};
  for (const GradingRules& rules : {quintiles, GradingRules{}, HandRules()}) {
    for (int round = 0; round < 40; ++round) {
      std::vector<CustomerHistory> all;
      const int n = 1 + static_cast<int>(rng() % 25);
      for (int i = 0; i < n; ++i) {
        CustomerHistory c = Customer("c" + std::to_string(i), static_cast<int>(rng() % 800));
        const int orders = static_cast<int>(rng() % 12);
        for (int k = 0; k < orders; ++k) {
          const std::string id = c.customer_id + "-o" + std::to_string(k);
          const int days_ago = static_cast<int>(rng() % 500) - 10;
          switch (rng() % 6) {
            case 0:  // a correction of an earlier order
              AddOrder(c, days_ago, static_cast<double>(rng() % 9000), id,
                       k > 0 ? c.customer_id + "-o" + std::to_string(rng() % k) : "");
              break;
            case 1:  // a void
              if (k > 0) {
                c.orders.push_back(OrderFact{id, kToday - days_ago, 0,
                                             c.customer_id + "-o" + std::to_string(rng() % k),
                                             true});
              }
              break;
            default:
              AddOrder(c, days_ago, static_cast<double>(rng() % 20000), id);
          }
        }
        for (int v = static_cast<int>(rng() % 5); v > 0; --v) {
          c.visit_days.push_back(kToday - static_cast<int>(rng() % 400));
        }
        all.push_back(std::move(c));
      }
      const std::vector<Grade> everyone = GradeCustomers(all, rules, kToday);
      for (size_t i = 0; i < all.size(); ++i) {
        std::vector<CustomerHistory> others = all;
        others.erase(others.begin() + static_cast<std::ptrdiff_t>(i));
        const Grade one =
            GradeAmong(all[i], RankingPopulationOf(others, rules, kToday), rules, kToday);
        const Grade& g = everyone[i];
        ASSERT_EQ(one.tier, g.tier) << all[i].customer_id;
        ASSERT_EQ(one.recency, g.recency);
        ASSERT_EQ(one.frequency, g.frequency);
        ASSERT_EQ(one.monetary, g.monetary);
        ASSERT_EQ(one.lifecycle, g.lifecycle);
        ASSERT_EQ(one.churn_risk, g.churn_risk);
        ASSERT_EQ(one.ReasonsJson(1), g.ReasonsJson(1));
      }
    }
  }
}

TEST(Grading, AtRiskIsMeasuredAgainstEachCustomersOwnRhythm) {
  CustomerHistory weekly = Customer("weekly");
  AddRhythm(weekly, 364, 20, 7, 2000);  // every 7 days, last order 20 days ago
  CustomerHistory monthly = Customer("monthly");
  AddRhythm(monthly, 380, 20, 30, 8000);  // every 30 days, last order 20 days ago
  auto grades = GradeCustomers({weekly, monthly}, HandRules(), kToday);
  EXPECT_DOUBLE_EQ(grades[0].rhythm_days, 7);
  EXPECT_EQ(grades[0].lifecycle, "at_risk");  // 20/7 = 2.9x > 2x
  EXPECT_DOUBLE_EQ(grades[1].rhythm_days, 30);
  EXPECT_EQ(grades[1].lifecycle, "active");  // 20/30 = 0.7x
  EXPECT_GT(grades[0].churn_risk, 0.5);
  EXPECT_LT(grades[1].churn_risk, 0.1);

  CustomerHistory lapsed = Customer("lapsed");
  AddRhythm(lapsed, 364, 30, 7, 2000);  // weekly buyer quiet for 30 days: 4.3x
  EXPECT_EQ(GradeOne(lapsed).lifecycle, "churned");
}

TEST(Grading, ACustomerWhoComesBackAfterChurningIsWonBack) {
  CustomerHistory c = Customer("c");
  AddRhythm(c, 300, 160, 14, 3000);  // every 14 days until 160 days ago...
  AddOrder(c, 5, 3000);              // ...then nothing until 5 days ago
  const Grade g = GradeOne(c);
  EXPECT_EQ(g.lifecycle, "won_back");
}

TEST(Grading, VipBySpendOrRelationship) {
  CustomerHistory big = Customer("big");
  AddOrder(big, 10, 320000);
  const Grade b = GradeOne(big);
  EXPECT_EQ(b.tier, "VIP");
  EXPECT_EQ(b.relationship, "vip");
  CustomerHistory friendly = Customer("friendly");
  friendly.relationship = "vip";
  EXPECT_EQ(GradeOne(friendly).tier, "VIP");
  GradingRules no_relationship_vip = HandRules();
  no_relationship_vip.vip_by_relationship = false;
  EXPECT_EQ(GradeOne(friendly, no_relationship_vip).tier, "D");
}

TEST(Grading, LowSatisfactionRaisesChurnRisk) {
  CustomerHistory happy = Customer("happy"), unhappy = Customer("unhappy");
  for (CustomerHistory* c : {&happy, &unhappy}) AddRhythm(*c, 300, 20, 10, 1000);
  happy.satisfaction = {5, 4};
  unhappy.satisfaction = {1, 2};
  auto grades = GradeCustomers({happy, unhappy}, HandRules(), kToday);
  EXPECT_NEAR(grades[1].churn_risk - grades[0].churn_risk, 0.20, 0.011);
}

TEST(GradingRules, DefaultsRoundTripThroughJson) {
  auto rules = ParseGradingRules(DefaultGradingRulesJson());
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(GradingRulesToJson(*rules), DefaultGradingRulesJson());
  auto partial = ParseGradingRules(R"({"version": 3, "ticket": {"high_average_yuan": 500}})");
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->version, 3);
  EXPECT_EQ(partial->high_ticket_yuan, 500);
  EXPECT_EQ(partial->window_days, 365);  // the rest keeps its default
}

TEST(GradingRules, ErrorsNameTheBadField) {
  auto message = [](const char* json) { return ParseGradingRules(json).status().message(); };
  EXPECT_EQ(message(R"({"monetary": {"method": "thresholds", "thresholds": [1, 2]}})"),
            "monetary.thresholds: must be 4 ascending numbers");
  EXPECT_EQ(message(R"({"recency": {"method": "guess"}})"),
            "recency.method: must be \"thresholds\" or \"quantiles\", not \"guess\"");
  EXPECT_EQ(message(R"({"tiers": [{"name": "A", "min_score": 9, "colour": "gold"}]})"),
            "tiers[0].colour: unknown field");
  EXPECT_EQ(message(R"({"tiers": [{"name": "A", "min_score": 9}]})"),
            "tiers: the last tier must have min_score 0 so that every customer gets one");
  EXPECT_EQ(message(R"({"lifecycle": {"at_risk_factor": 3, "churned_factor": 2}})"),
            "lifecycle.churned_factor: must be greater than lifecycle.at_risk_factor");
  EXPECT_EQ(message(R"({"window_days": 0})"), "window_days: must be between 7 and 3650, not 0");
  EXPECT_EQ(message(R"({"windows": 30})"), "windows: unknown field");
  EXPECT_NE(message("not json").find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace fieldbook

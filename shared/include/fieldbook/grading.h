// Customer grading: rules as data (GradingRules, parsed from a documented JSON form and validated
// with errors that name the bad field) and the engine that applies them (GradeCustomers).
//
// For each customer, from its orders, visits and feedback, the engine computes:
//   * recency, frequency and monetary scores (1..5; 0 = no orders in the window), each by fixed
//     thresholds or by quintiles of the graded population;
//   * a value tier: VIP (by spend or relationship), else the first tier whose minimum R+F+M score
//     the customer reaches (default A/B/C/D);
//   * the average-ticket class (high / low 客单) against a threshold;
//   * interaction frequency (visits per 30 days in the window);
//   * a lifecycle stage — new, active, at_risk, churned, won_back — where "at risk" and "churned"
//     are measured against the customer's OWN ordering rhythm (median days between orders), so a
//     monthly buyer is not at risk after ten quiet days while a weekly buyer is;
//   * a churn-risk score in [0, 1];
//   * the purchase stage and relationship where the data decide them (a first order makes a
//     prospect a customer).
// Every result carries its explanation: which rule, which values.
//
// Orders voided by a correction (another order whose voids_id names them) do not count; the
// correcting order counts with its own amount. A void (an order row whose voids_id names another
// and that carries no amount: `fieldbook-cli order void`) cancels that order and is no order
// itself. Voiding is final: a voided order stays voided whatever voids it (voiding a void, or a
// second void of the same order, changes nothing).
//
// Thread safety: GradingRules is a value type; GradeCustomers is a pure function (thread-safe).
#ifndef FIELDBOOK_GRADING_H_
#define FIELDBOOK_GRADING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fieldbook/dates.h"  // ParseDay, FormatDay: the days the rules count in
#include "fieldbook/lang_text.h"
#include "fieldbook/status.h"

namespace boost::json {
class value;
}

namespace fieldbook {

struct ScoreRule {
  enum class Method { kThresholds, kQuantiles } method = Method::kThresholds;
  // kThresholds: four ascending cut points. Recency (days since the last order, lower is better):
  // <= t[0] scores 5, <= t[1] 4, <= t[2] 3, <= t[3] 2, else 1. Frequency (orders in the window)
  // and monetary (yuan in the window), higher is better: >= t[3] scores 5, >= t[2] 4, >= t[1] 3,
  // >= t[0] 2, else 1.
  std::vector<double> thresholds;
};

struct TierRule {
  std::string name;
  int min_score = 0;  // minimum R+F+M (3..15)
};

struct GradingRules {
  int version = 1;
  int window_days = 365;
  ScoreRule recency{ScoreRule::Method::kThresholds, {30, 60, 120, 240}};
  ScoreRule frequency{ScoreRule::Method::kQuantiles, {}};
  ScoreRule monetary{ScoreRule::Method::kThresholds, {5000, 20000, 60000, 150000}};
  std::vector<TierRule> tiers = {{"A", 12}, {"B", 9}, {"C", 6}, {"D", 0}};
  std::string vip_tier = "VIP";
  double vip_min_monetary_yuan = 300000;  // spend in the window that makes a customer VIP
  bool vip_by_relationship = true;        // relationship 'vip' makes the tier VIP too
  double high_ticket_yuan = 3000;         // average order at or above: "high" 客单
  int new_customer_days = 90;             // first order (or creation) this recent: "new"
  double at_risk_factor = 2.0;            // quiet for more than this many rhythms: at risk
  double churned_factor = 4.0;            // ... this many: churned
  int min_rhythm_days = 7;                // a rhythm is never taken as shorter than this
  int default_rhythm_days = 30;           // rhythm of a customer with one order
  int won_back_days = 90;                 // an order after a churned gap, this recent: won back
};

// Parses and validates rules. Missing fields take the defaults above; unknown fields and bad
// values are errors that name the field ("monetary.thresholds: must be 4 ascending numbers").
Result<GradingRules> ParseGradingRules(std::string_view json);
// The same for rules already parsed as JSON (the server parses request bodies before it takes
// the store's lock).
Result<GradingRules> ParseGradingRules(const boost::json::value& root);
std::string GradingRulesToJson(const GradingRules& rules);
// The default rules as documented JSON, for `grading show` on a fresh server.
std::string DefaultGradingRulesJson();

struct OrderFact {
  std::string id;
  int32_t day = 0;
  int64_t amount_cents = 0;
  std::string voids_id;  // this order corrects (replaces) that one
  bool is_void = false;  // a void of voids_id (no amount): cancels it and counts as no order
};

struct CustomerHistory {
  std::string customer_id;
  int32_t created_day = 0;
  std::string relationship;    // potential / existing / vip (may be empty)
  std::string purchase_stage;  // aware / interested / deciding / customer (may be empty)
  std::vector<OrderFact> orders;
  std::vector<int32_t> visit_days;
  std::vector<int> satisfaction;  // feedback scores 1..5
};

// One reason of a grade, stored as a value: a code and its named values (lang_text.h renders it
// in the reader's language) and, for readers that know no codes (and rows written before codes),
// its English sentence. JSON: {"rule":"recency","code":"recency_days","detail":"last order 9 days
// ago, scores 5","days":9,"score":5}; a row without "code" is shown as its detail.
struct GradeReason {
  std::string rule;    // "recency", "tier", "lifecycle", ...
  std::string detail;  // the English sentence: "last order 12 days ago, scores 5"
  std::string code;    // "recency_days" ("" in rows written before codes)
  TextValues values;   // {"days","12"}, {"score","5"}
};
// A reason with its English sentence filled from the code's English text.
GradeReason MakeReason(std::string rule, std::string code, TextValues values);
// A reason in `lang`: the code's text, or the stored sentence when the code is unknown.
std::string ReasonText(Lang lang, const GradeReason& reason);
// "recency: last order 9 days ago, scores 5" / "最近购买：上次下单在 9 天前，得 5 分".
std::string ReasonLine(Lang lang, const GradeReason& reason);
// Reasons' texts in `lang` joined by "; " ("；" in Chinese), without their rules.
std::string JoinReasons(Lang lang, const std::vector<GradeReason>& reasons);
// Reasons as stored (the object's "reasons" array, values included), and read back: malformed
// entries are skipped; values longer than `max_text` bytes are cut off.
std::string ReasonsArrayJson(const std::vector<GradeReason>& reasons);
std::vector<GradeReason> ReasonsFromJson(const boost::json::value& reasons, size_t max_text);

struct Grade {
  std::string customer_id;
  std::string tier;
  int recency = 0, frequency = 0, monetary = 0;  // 0 = no orders in the window
  std::string ticket_class;                      // "high", "low", or "" without orders
  double visits_per_30_days = 0;
  std::string lifecycle;  // new, active, at_risk, churned, won_back
  double churn_risk = 0;  // 0..1
  std::string purchase_stage;
  std::string relationship;
  int32_t last_order_day = -1;
  double rhythm_days = 0;
  std::vector<GradeReason> reasons;

  // The explanation as JSON: {"rules_version":1,"reasons":[{"rule":..,"code":..,"detail":..,
  // values...},...]}.
  std::string ReasonsJson(int rules_version) const;
};

// Grades every customer as of `today`. Quantile methods rank each customer among `customers`.
std::vector<Grade> GradeCustomers(const std::vector<CustomerHistory>& customers,
                                  const GradingRules& rules, int32_t today);

// The figures quantile methods rank customers by, each sorted ascending: the days since the last
// order (customers with an order up to today), and the orders and the yuan in the window
// (customers with an order in it).
struct RankingPopulation {
  std::vector<double> recency_days;
  std::vector<double> frequency;
  std::vector<double> monetary_yuan;
};
RankingPopulation RankingPopulationOf(const std::vector<CustomerHistory>& customers,
                                      const GradingRules& rules, int32_t today);
// Grades one customer ranked among customers whose figures are `others` (`c` not among them):
// the grade GradeCustomers gives `c` in a population of `c` and those customers, without their
// histories (the device keeps only their figures: client/store/grade_population.h).
Grade GradeAmong(const CustomerHistory& c, const RankingPopulation& others,
                 const GradingRules& rules, int32_t today);

}  // namespace fieldbook

#endif  // FIELDBOOK_GRADING_H_

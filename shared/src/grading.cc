#include "fieldbook/grading.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <unordered_set>

#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"
#include "fieldbook/refusal_status.h"
#include "json_text.h"

namespace fieldbook {

namespace {

std::string Fmt(const char* format, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, a);
  return buf;
}

// "9", "4.70" (lang_text.h).
std::string Num(double v) { return NumberText(v); }

// --- rules JSON ---------------------------------------------------------------------------

class RulesReader : public JsonErrors {
 public:
  void Number(const boost::json::object& o, const char* key, const std::string& where, double lo,
              double hi, double& out) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr) return;
    const std::optional<double> n = JsonNumber(*v);
    if (!n) {
      Fail(where, "http_rule_not_number");
      return;
    }
    const double d = *n;
    if (!(d >= lo && d <= hi)) {
      Fail(where, "http_rule_between", {{"lo", Num(lo)}, {"hi", Num(hi)}, {"value", Num(d)}});
      return;
    }
    out = d;
  }

  void Integer(const boost::json::object& o, const char* key, const std::string& where, int lo,
               int hi, int& out) {
    double d = out;
    Number(o, key, where, lo, hi, d);
    if (d != std::floor(d)) {
      Fail(where, "http_rule_whole");
      return;
    }
    out = static_cast<int>(d);
  }

  void Text(const boost::json::object& o, const char* key, const std::string& where,
            std::string& out) {
    const boost::json::value* v = o.if_contains(key);
    if (v == nullptr) return;
    if (!v->is_string() || v->as_string().empty() || v->as_string().size() > 32) {
      Fail(where, "http_rule_short_text");
      return;
    }
    out = std::string(v->as_string());
  }

  void Score(const boost::json::object& root, const char* key, double max_threshold,
             ScoreRule& rule) {
    const std::string where(key);
    const boost::json::object* o = Object(root, key, where);
    if (o == nullptr) return;
    OnlyKeys(*o, where, {"method", "thresholds"});
    std::string method = rule.method == ScoreRule::Method::kQuantiles ? "quantiles" : "thresholds";
    Text(*o, "method", where + ".method", method);
    if (method == "quantiles") {
      rule.method = ScoreRule::Method::kQuantiles;
    } else if (method == "thresholds") {
      rule.method = ScoreRule::Method::kThresholds;
    } else {
      Fail(where + ".method", "http_rule_method", {{"value", method}});
      return;
    }
    if (const boost::json::value* t = o->if_contains("thresholds")) {
      if (!t->is_array() || t->as_array().size() != 4) {
        Fail(where + ".thresholds", "http_rule_thresholds");
        return;
      }
      std::vector<double> values;
      for (const boost::json::value& x : t->as_array()) {
        if (!x.is_number()) {
          Fail(where + ".thresholds", "http_rule_thresholds");
          return;
        }
        values.push_back(x.to_number<double>());
      }
      for (size_t i = 0; i < values.size(); ++i) {
        if (values[i] < 0 || values[i] > max_threshold || (i > 0 && values[i] <= values[i - 1])) {
          Fail(where + ".thresholds", "http_rule_thresholds_between", {{"hi", Num(max_threshold)}});
          return;
        }
      }
      rule.thresholds = values;
    }
    if (rule.method == ScoreRule::Method::kThresholds && rule.thresholds.size() != 4) {
      Fail(where + ".thresholds", "http_rule_thresholds_required");
    }
  }
};

// --- scoring --------------------------------------------------------------------------------

int ThresholdScoreLowerBetter(double value, const std::vector<double>& t) {
  for (int i = 0; i < 4; ++i) {
    if (value <= t[i]) return 5 - i;
  }
  return 1;
}

int ThresholdScoreHigherBetter(double value, const std::vector<double>& t) {
  for (int i = 3; i >= 0; --i) {
    if (value >= t[i]) return i + 2;
  }
  return 1;
}

// Rank-based quintile: the share of the population strictly worse than `value`, in fifths. Tied
// values share a score, and one value alone in the population scores 1.
int QuantileScore(double value, const std::vector<double>& sorted_ascending, bool higher_better) {
  const size_t n = sorted_ascending.size();
  if (n == 0) return 1;
  size_t worse;
  if (higher_better) {
    worse = static_cast<size_t>(
        std::lower_bound(sorted_ascending.begin(), sorted_ascending.end(), value) -
        sorted_ascending.begin());
  } else {
    worse = static_cast<size_t>(sorted_ascending.end() - std::upper_bound(sorted_ascending.begin(),
                                                                          sorted_ascending.end(),
                                                                          value));
  }
  const int score = 1 + static_cast<int>(5 * worse / n);
  return std::min(score, 5);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

struct Facts {
  std::vector<int32_t> order_days;  // effective orders, ascending, distinct days
  int orders_in_window = 0;
  int64_t cents_in_window = 0;
  int orders_first_half = 0, orders_second_half = 0;
  int32_t first_order_day = -1, last_order_day = -1;
};

Facts Summarise(const CustomerHistory& c, const GradingRules& rules, int32_t today) {
  Facts f;
  // Corrections are rare: only build the set of voided ids when some order voids another.
  std::unordered_set<std::string> voided;
  for (const OrderFact& o : c.orders) {
    if (!o.voids_id.empty()) voided.insert(o.voids_id);
  }
  const bool any_voided = !voided.empty();
  const int32_t window_start = today - rules.window_days;  // exclusive
  const int32_t half = today - rules.window_days / 2;
  std::vector<int32_t> days;
  for (const OrderFact& o : c.orders) {
    if (o.is_void || (any_voided && voided.count(o.id) > 0) || o.day > today) continue;
    days.push_back(o.day);
    if (o.day > window_start) {
      ++f.orders_in_window;
      f.cents_in_window += o.amount_cents;
      (o.day > half ? f.orders_second_half : f.orders_first_half)++;
    }
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  f.order_days = std::move(days);
  if (!f.order_days.empty()) {
    f.first_order_day = f.order_days.front();
    f.last_order_day = f.order_days.back();
  }
  return f;
}

}  // namespace

Result<GradingRules> ParseGradingRules(std::string_view json) {
  FB_ASSIGN_OR_RETURN(
      const boost::json::value root,
      ParseJson(json, JsonRefusals{"http_grading_rules_json", "http_grading_rules_too_large",
                                   "grading rules are not valid JSON"}));
  return ParseGradingRules(root);
}

Result<GradingRules> ParseGradingRules(const boost::json::value& root) {
  if (!root.is_object()) {
    return RefusalStatus(StatusCode::kInvalidArgument, {"http_grading_rules_object", {}});
  }
  const boost::json::object& o = root.as_object();
  GradingRules r;
  RulesReader in;
  in.OnlyKeys(o, "",
              {"version", "window_days", "recency", "frequency", "monetary", "tiers", "vip",
               "ticket", "lifecycle", "comment"});
  // The server numbers the versions it stores; a version in the text is informational.
  in.Integer(o, "version", "version", 0, 1000000, r.version);
  in.Integer(o, "window_days", "window_days", 7, 3650, r.window_days);
  in.Score(o, "recency", 3650, r.recency);
  in.Score(o, "frequency", 100000, r.frequency);
  in.Score(o, "monetary", 1e12, r.monetary);
  if (const boost::json::value* t = o.if_contains("tiers")) {
    if (!t->is_array() || t->as_array().empty() || t->as_array().size() > 10) {
      in.Fail("tiers", "http_rule_tiers");
    } else {
      r.tiers.clear();
      std::set<std::string> names;
      for (size_t i = 0; i < t->as_array().size(); ++i) {
        const std::string where = JsonPath("tiers", i);
        const boost::json::value& tv = t->as_array()[i];
        if (!tv.is_object()) {
          in.Fail(where, "http_rule_not_object");
          break;
        }
        in.OnlyKeys(tv.as_object(), where, {"name", "min_score"});
        TierRule tier;
        in.Text(tv.as_object(), "name", where + ".name", tier.name);
        tier.min_score = -1;
        in.Integer(tv.as_object(), "min_score", where + ".min_score", 0, 15, tier.min_score);
        if (tier.name.empty()) in.Fail(where + ".name", "http_rule_required");
        if (tier.min_score < 0) in.Fail(where + ".min_score", "http_rule_required");
        if (!names.insert(tier.name).second) {
          in.Fail(where + ".name", "http_rule_repeats", {{"value", tier.name}});
        }
        if (!r.tiers.empty() && tier.min_score >= r.tiers.back().min_score) {
          in.Fail(where + ".min_score", "http_rule_tier_order");
        }
        r.tiers.push_back(tier);
      }
      if (in.ok() && r.tiers.back().min_score != 0) {
        in.Fail("tiers", "http_rule_last_tier");
      }
    }
  }
  if (const boost::json::object* v = in.Object(o, "vip", "vip")) {
    in.OnlyKeys(*v, "vip", {"tier", "min_monetary_yuan", "by_relationship"});
    in.Text(*v, "tier", "vip.tier", r.vip_tier);
    in.Number(*v, "min_monetary_yuan", "vip.min_monetary_yuan", 0, 1e12, r.vip_min_monetary_yuan);
    in.Bool(*v, "by_relationship", "vip.by_relationship", r.vip_by_relationship);
  }
  if (const boost::json::object* v = in.Object(o, "ticket", "ticket")) {
    in.OnlyKeys(*v, "ticket", {"high_average_yuan"});
    in.Number(*v, "high_average_yuan", "ticket.high_average_yuan", 0.01, 1e9, r.high_ticket_yuan);
  }
  if (const boost::json::object* v = in.Object(o, "lifecycle", "lifecycle")) {
    in.OnlyKeys(*v, "lifecycle",
                {"new_customer_days", "at_risk_factor", "churned_factor", "min_rhythm_days",
                 "default_rhythm_days", "won_back_days"});
    in.Integer(*v, "new_customer_days", "lifecycle.new_customer_days", 1, 3650,
               r.new_customer_days);
    in.Number(*v, "at_risk_factor", "lifecycle.at_risk_factor", 1.0, 100, r.at_risk_factor);
    in.Number(*v, "churned_factor", "lifecycle.churned_factor", 1.0, 1000, r.churned_factor);
    in.Integer(*v, "min_rhythm_days", "lifecycle.min_rhythm_days", 1, 365, r.min_rhythm_days);
    in.Integer(*v, "default_rhythm_days", "lifecycle.default_rhythm_days", 1, 3650,
               r.default_rhythm_days);
    in.Integer(*v, "won_back_days", "lifecycle.won_back_days", 1, 3650, r.won_back_days);
    if (in.ok() && r.churned_factor <= r.at_risk_factor) {
      in.Fail("lifecycle.churned_factor", "http_rule_greater",
              {{"other", "lifecycle.at_risk_factor"}});
    }
  }
  if (!in.ok()) return in.status();
  return r;
}

// Whole numbers print as integers ("30", not "3E1"): the rules are edited by people.
boost::json::value JsonNumber(double d) {
  if (d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
  return d;
}

std::string GradingRulesToJson(const GradingRules& r) {
  auto score = [](const ScoreRule& s) {
    boost::json::object o{
        {"method", s.method == ScoreRule::Method::kQuantiles ? "quantiles" : "thresholds"}};
    if (s.method == ScoreRule::Method::kThresholds) {
      boost::json::array t;
      for (double d : s.thresholds) t.push_back(JsonNumber(d));
      o["thresholds"] = t;
    }
    return o;
  };
  boost::json::array tiers;
  for (const TierRule& t : r.tiers) {
    tiers.push_back(boost::json::object{{"name", t.name}, {"min_score", t.min_score}});
  }
  boost::json::object o{
      {"version", r.version},
      {"window_days", r.window_days},
      {"recency", score(r.recency)},
      {"frequency", score(r.frequency)},
      {"monetary", score(r.monetary)},
      {"tiers", tiers},
      {"vip", boost::json::object{{"tier", r.vip_tier},
                                  {"min_monetary_yuan", JsonNumber(r.vip_min_monetary_yuan)},
                                  {"by_relationship", r.vip_by_relationship}}},
      {"ticket", boost::json::object{{"high_average_yuan", JsonNumber(r.high_ticket_yuan)}}},
      {"lifecycle", boost::json::object{{"new_customer_days", r.new_customer_days},
                                        {"at_risk_factor", JsonNumber(r.at_risk_factor)},
                                        {"churned_factor", JsonNumber(r.churned_factor)},
                                        {"min_rhythm_days", r.min_rhythm_days},
                                        {"default_rhythm_days", r.default_rhythm_days},
                                        {"won_back_days", r.won_back_days}}}};
  return WriteJson(o);
}

std::string DefaultGradingRulesJson() { return GradingRulesToJson(GradingRules{}); }

namespace {

// A value that reads as a JSON number and reads back as the same text ("9", "-0.35", "4.70"; not
// "1.00", which would come back as "1") is stored as one; other values as text.
bool IsJsonNumber(std::string_view s) {
  size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  const size_t int_start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == int_start || (s[int_start] == '0' && i - int_start > 1)) return false;
  if (i < s.size() && s[i] == '.') {
    const size_t frac = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == frac) return false;
  }
  if (i != s.size() || s.size() >= 32) return false;
  return s.find('.') == std::string_view::npos ||
         NumberText(std::strtod(std::string(s).c_str(), nullptr)) == s;
}

bool IsReservedKey(std::string_view key) {
  return key == "rule" || key == "code" || key == "detail";
}

}  // namespace

GradeReason MakeReason(std::string rule, std::string code, TextValues values) {
  GradeReason r{std::move(rule), "", std::move(code), std::move(values)};
  r.detail = ReasonText(Lang::kEnglish, r);
  return r;
}

std::string ReasonText(Lang lang, const GradeReason& reason) {
  if (reason.code.empty() || FindText(CommonTexts(), reason.code) == nullptr) {
    return reason.detail.empty() ? reason.code : reason.detail;
  }
  std::string text = Say(lang, Phrase{reason.code, reason.values});
  // A score shown from the server beside the device's figures says so (client/store/grades.cc).
  for (const auto& [name, value] : reason.values) {
    if (name == "device_score") {
      text += Say(lang, Phrase{"score_kept_from_server", {{"device_score", value}}});
    }
  }
  return text;
}

std::string ReasonLine(Lang lang, const GradeReason& reason) {
  return std::string(CodeLabel(lang, "rule", reason.rule)) +
         (lang == Lang::kChinese ? "：" : ": ") + ReasonText(lang, reason);
}

std::string JoinReasons(Lang lang, const std::vector<GradeReason>& reasons) {
  std::vector<std::string> texts;
  for (const GradeReason& r : reasons) texts.push_back(ReasonText(lang, r));
  return JoinTexts(lang, texts, /*clauses=*/true);
}

std::string ReasonsArrayJson(const std::vector<GradeReason>& reasons) {
  std::string out = "[";
  for (const GradeReason& r : reasons) {
    if (out.size() > 1) out += ',';
    out += "{\"rule\":";
    AppendJsonString(out, r.rule);
    if (!r.code.empty()) {
      out += ",\"code\":";
      AppendJsonString(out, r.code);
    }
    out += ",\"detail\":";
    AppendJsonString(out, r.detail);
    for (const auto& [key, value] : r.values) {
      if (IsReservedKey(key)) continue;
      out += ',';
      AppendJsonString(out, key);
      out += ':';
      if (IsJsonNumber(value)) {
        out += value;
      } else {
        AppendJsonString(out, value);
      }
    }
    out += '}';
  }
  return out + "]";
}

std::vector<GradeReason> ReasonsFromJson(const boost::json::value& reasons, size_t max_text) {
  std::vector<GradeReason> out;
  const boost::json::array* list = reasons.if_array();
  if (list == nullptr) return out;
  auto text = [max_text](const boost::json::value& v) -> std::optional<std::string> {
    if (const boost::json::string* s = v.if_string()) {
      return std::string(s->data(), std::min(s->size(), max_text));
    }
    if (v.is_int64()) return std::to_string(v.as_int64());
    if (v.is_uint64()) return std::to_string(v.as_uint64());
    if (v.is_double() && std::isfinite(v.as_double())) return NumberText(v.as_double());
    return std::nullopt;
  };
  for (const boost::json::value& v : *list) {
    const boost::json::object* o = v.if_object();
    if (o == nullptr) continue;
    const boost::json::value* rule = o->if_contains("rule");
    const boost::json::value* detail = o->if_contains("detail");
    if (rule == nullptr || !rule->is_string() || detail == nullptr || !detail->is_string()) {
      continue;
    }
    GradeReason r{*text(*rule), *text(*detail), "", {}};
    if (const boost::json::value* code = o->if_contains("code"); code && code->is_string()) {
      r.code = *text(*code);
    }
    for (const auto& [key, value] : *o) {
      if (IsReservedKey(key)) continue;
      if (std::optional<std::string> t = text(value)) {
        r.values.emplace_back(std::string(key.substr(0, std::min(key.size(), max_text))), *t);
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string Grade::ReasonsJson(int rules_version) const {
  return "{\"rules_version\":" + std::to_string(rules_version) +
         ",\"reasons\":" + ReasonsArrayJson(reasons) + "}";
}

namespace {

// Adds a customer's figures to the populations of the quantile methods: customers with orders
// (in the window, for F and M). `sorted`: keep them sorted (else the caller sorts).
void AddFigures(const Facts& f, int32_t today, RankingPopulation* p, bool sorted) {
  auto add = [sorted](std::vector<double>& v, double x) {
    v.insert(sorted ? std::upper_bound(v.begin(), v.end(), x) : v.end(), x);
  };
  if (f.last_order_day >= 0) add(p->recency_days, today - f.last_order_day);
  if (f.orders_in_window > 0) {
    add(p->frequency, f.orders_in_window);
    add(p->monetary_yuan, static_cast<double>(f.cents_in_window) / 100.0);
  }
}

Grade GradeOne(const CustomerHistory& c, const Facts& f, const RankingPopulation& pop,
               const GradingRules& rules, int32_t today);

}  // namespace

RankingPopulation RankingPopulationOf(const std::vector<CustomerHistory>& customers,
                                      const GradingRules& rules, int32_t today) {
  RankingPopulation pop;
  for (const CustomerHistory& c : customers) {
    AddFigures(Summarise(c, rules, today), today, &pop, /*sorted=*/false);
  }
  std::sort(pop.recency_days.begin(), pop.recency_days.end());
  std::sort(pop.frequency.begin(), pop.frequency.end());
  std::sort(pop.monetary_yuan.begin(), pop.monetary_yuan.end());
  return pop;
}

Grade GradeAmong(const CustomerHistory& c, const RankingPopulation& others,
                 const GradingRules& rules, int32_t today) {
  const Facts f = Summarise(c, rules, today);
  RankingPopulation pop = others;
  AddFigures(f, today, &pop, /*sorted=*/true);
  return GradeOne(c, f, pop, rules, today);
}

std::vector<Grade> GradeCustomers(const std::vector<CustomerHistory>& customers,
                                  const GradingRules& rules, int32_t today) {
  std::vector<Facts> facts;
  facts.reserve(customers.size());
  for (const CustomerHistory& c : customers) facts.push_back(Summarise(c, rules, today));
  RankingPopulation pop;
  for (const Facts& f : facts) AddFigures(f, today, &pop, /*sorted=*/false);
  std::sort(pop.recency_days.begin(), pop.recency_days.end());
  std::sort(pop.frequency.begin(), pop.frequency.end());
  std::sort(pop.monetary_yuan.begin(), pop.monetary_yuan.end());
  std::vector<Grade> out;
  out.reserve(customers.size());
  for (size_t i = 0; i < customers.size(); ++i) {
    out.push_back(GradeOne(customers[i], facts[i], pop, rules, today));
  }
  return out;
}

namespace {

Grade GradeOne(const CustomerHistory& c, const Facts& f, const RankingPopulation& pop,
               const GradingRules& rules, int32_t today) {
  const std::vector<double>& recency_pop = pop.recency_days;
  const std::vector<double>& frequency_pop = pop.frequency;
  const std::vector<double>& monetary_pop = pop.monetary_yuan;
  {
    Grade g;
    g.customer_id = c.customer_id;
    g.relationship = c.relationship;
    g.purchase_stage = c.purchase_stage;
    g.last_order_day = f.last_order_day;
    auto reason = [&g](std::string rule, std::string code, TextValues values) {
      g.reasons.push_back(MakeReason(std::move(rule), std::move(code), std::move(values)));
    };
    const bool ordered = f.last_order_day >= 0;
    const double spend = static_cast<double>(f.cents_in_window) / 100.0;

    // R, F, M.
    if (ordered) {
      const int days = today - f.last_order_day;
      g.recency = rules.recency.method == ScoreRule::Method::kQuantiles
                      ? QuantileScore(days, recency_pop, /*higher_better=*/false)
                      : ThresholdScoreLowerBetter(days, rules.recency.thresholds);
      reason("recency",
             rules.recency.method == ScoreRule::Method::kQuantiles ? "recency_days_quintile"
                                                                   : "recency_days",
             {{"days", std::to_string(days)}, {"score", std::to_string(g.recency)}});
    } else {
      reason("recency", "recency_none", {});
    }
    if (f.orders_in_window > 0) {
      g.frequency =
          rules.frequency.method == ScoreRule::Method::kQuantiles
              ? QuantileScore(f.orders_in_window, frequency_pop, true)
              : ThresholdScoreHigherBetter(f.orders_in_window, rules.frequency.thresholds);
      g.monetary = rules.monetary.method == ScoreRule::Method::kQuantiles
                       ? QuantileScore(spend, monetary_pop, true)
                       : ThresholdScoreHigherBetter(spend, rules.monetary.thresholds);
      const std::string window = std::to_string(rules.window_days);
      reason("frequency", "frequency_orders",
             {{"orders", std::to_string(f.orders_in_window)},
              {"window", window},
              {"score", std::to_string(g.frequency)}});
      reason("monetary", "monetary_spend",
             {{"spend", Num(spend)}, {"window", window}, {"score", std::to_string(g.monetary)}});
    } else {
      reason("frequency", "frequency_none", {{"window", std::to_string(rules.window_days)}});
    }

    // Tier.
    const int total = g.recency + g.frequency + g.monetary;
    const bool vip_spend = f.orders_in_window > 0 && spend >= rules.vip_min_monetary_yuan;
    const bool vip_relation = rules.vip_by_relationship && c.relationship == "vip";
    if (vip_spend || vip_relation) {
      g.tier = rules.vip_tier;
      if (vip_spend) {
        reason("tier", "tier_vip_spend",
               {{"tier", rules.vip_tier},
                {"spend", Num(spend)},
                {"min", Num(rules.vip_min_monetary_yuan)}});
      } else {
        reason("tier", "tier_vip_relationship", {{"tier", rules.vip_tier}});
      }
    } else {
      for (const TierRule& t : rules.tiers) {
        if (total >= t.min_score) {
          g.tier = t.name;
          reason("tier", "tier_score",
                 {{"tier", t.name},
                  {"total", std::to_string(total)},
                  {"min", std::to_string(t.min_score)}});
          break;
        }
      }
    }

    // Average ticket.
    if (f.orders_in_window > 0) {
      const double average = spend / f.orders_in_window;
      g.ticket_class = average >= rules.high_ticket_yuan ? "high" : "low";
      reason("ticket", "ticket_" + g.ticket_class,
             {{"average", Num(average)}, {"threshold", Num(rules.high_ticket_yuan)}});
    }

    // Interaction frequency.
    int visits = 0;
    for (int32_t d : c.visit_days) visits += d > today - rules.window_days && d <= today;
    g.visits_per_30_days = std::round(visits * 30.0 / rules.window_days * 100.0) / 100.0;

    // Rhythm and lifecycle.
    std::vector<double> gaps;
    for (size_t k = 1; k < f.order_days.size(); ++k) {
      gaps.push_back(f.order_days[k] - f.order_days[k - 1]);
    }
    auto rhythm_of = [&](const std::vector<double>& v) {
      const double r = v.empty() ? rules.default_rhythm_days : Median(v);
      return std::max(r, static_cast<double>(rules.min_rhythm_days));
    };
    g.rhythm_days = rhythm_of(gaps);
    if (!ordered) {
      const bool young = today - c.created_day <= rules.new_customer_days;
      g.lifecycle = "new";
      if (young) {
        reason("lifecycle", "lifecycle_new_no_order", {});
      } else {
        reason("lifecycle", "lifecycle_new_no_order_long",
               {{"days", std::to_string(rules.new_customer_days)}});
      }
    } else {
      const double quiet = today - f.last_order_day;
      const double factor = quiet / g.rhythm_days;
      std::vector<double> before_last(gaps.begin(), gaps.empty() ? gaps.end() : gaps.end() - 1);
      const double rhythm_before = rhythm_of(before_last);
      const bool comeback = gaps.size() >= 2 &&
                            gaps.back() > rules.churned_factor * rhythm_before &&
                            quiet <= rules.won_back_days;
      if (factor > rules.churned_factor || factor > rules.at_risk_factor) {
        const bool churned = factor > rules.churned_factor;
        g.lifecycle = churned ? "churned" : "at_risk";
        reason("lifecycle", churned ? "lifecycle_churned" : "lifecycle_at_risk",
               {{"quiet", Num(quiet)},
                {"factor", Num(factor)},
                {"limit", Num(churned ? rules.churned_factor : rules.at_risk_factor)},
                {"rhythm", Num(g.rhythm_days)}});
      } else if (comeback) {
        g.lifecycle = "won_back";
        reason("lifecycle", "lifecycle_won_back",
               {{"gap", Num(gaps.back())},
                {"limit", Num(rules.churned_factor)},
                {"rhythm", Num(rhythm_before)}});
      } else if (today - f.first_order_day <= rules.new_customer_days) {
        g.lifecycle = "new";
        reason("lifecycle", "lifecycle_new_first_order",
               {{"days", std::to_string(today - f.first_order_day)}});
      } else {
        g.lifecycle = "active";
        reason("lifecycle", "lifecycle_active",
               {{"quiet", Num(quiet)}, {"rhythm", Num(g.rhythm_days)}});
      }

      // Churn risk: how far past its own rhythm, adjusted by satisfaction and trend.
      double risk = 1.0 / (1.0 + std::exp(-2.0 * (factor - rules.at_risk_factor)));
      std::vector<std::pair<std::string, TextValues>> adjustments;
      double satisfaction = 0;
      for (int s : c.satisfaction) satisfaction += s;
      if (!c.satisfaction.empty()) {
        satisfaction /= static_cast<double>(c.satisfaction.size());
        if (satisfaction <= 2.0) {
          risk += 0.15;
          adjustments.push_back(
              {"churn_risk_low_satisfaction", {{"satisfaction", Num(satisfaction)}}});
        } else if (satisfaction >= 4.0) {
          risk -= 0.05;
          adjustments.push_back({"churn_risk_satisfied", {{"satisfaction", Num(satisfaction)}}});
        }
      }
      if (f.orders_first_half >= 4 && f.orders_second_half * 2 < f.orders_first_half) {
        risk += 0.1;
        adjustments.push_back({"churn_risk_orders_halved",
                               {{"before", std::to_string(f.orders_first_half)},
                                {"after", std::to_string(f.orders_second_half)}}});
      }
      g.churn_risk = std::round(std::clamp(risk, 0.0, 1.0) * 100.0) / 100.0;
      // The risk, then each adjustment as a reason of its own (shown joined by "; ").
      reason("churn_risk", "churn_risk_rhythm",
             {{"risk", Fmt("%.2f", g.churn_risk)}, {"factor", Num(factor)}});
      for (auto& [code, values] : adjustments) reason("churn_risk", code, std::move(values));

      // What the data decide about the relationship.
      if (g.purchase_stage != "customer") {
        reason("purchase_stage", "stage_ordered",
               {{"was", g.purchase_stage.empty() ? std::string("unset") : g.purchase_stage}});
        g.purchase_stage = "customer";
      }
      if (g.relationship.empty() || g.relationship == "potential") {
        reason("relationship", "relationship_ordered", {});
        g.relationship = "existing";
      }
      if (vip_spend && g.relationship != "vip") {
        reason("relationship", "relationship_vip_spend", {});
        g.relationship = "vip";
      }
    }
    return g;
  }
}

}  // namespace

}  // namespace fieldbook

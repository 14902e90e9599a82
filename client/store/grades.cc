// Grades (grades.h): provisional grades computed on the device after the rep records an order, a
// visit or feedback, the grade shown per customer, the tier and at-risk reports over the replica,
// and the device's copy of the server's reports. fb_provisional_grades is in
// schema/sql/replica/0007_provisional_grades.sql.
#include "store/grades.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fieldbook/dates.h"
#include "fieldbook/grading.h"
#include "fieldbook/json.h"
#include "fieldbook/json_reader.h"
#include "fieldbook/replica.h"
#include "fieldbook/sqlite_db.h"
#include "store/grade_population.h"
#include "store/rows.h"
#include "store/settings.h"

namespace fieldbook::client {

namespace {

using internal::ForEachCustomerRow;
using internal::NowIso;
using internal::ReadFoundRow;
using internal::Stmt;
using internal::TodayOf;

// Texts in stored grade reasons and fact lists are this device's own writes; a bound all the same.
constexpr size_t kMaxStoredText = 64 * 1024;
constexpr size_t kMaxStoredItems = 100000;

// {"rules_version":N,"reasons":[{"rule","code","detail",values...}...]} -> reasons (grading.h);
// malformed parts are skipped.
std::vector<GradeReason> ParseReasons(const std::string& json, int64_t* rules_version) {
  if (json.empty()) return {};
  Result<boost::json::object> o = ParseJsonObject(json, "grade reasons");
  if (!o.ok()) return {};
  const JsonReader r(*o, "grade reasons", kMaxStoredText);
  if (Result<std::optional<int64_t>> version = r.IntOrNull("rules_version");
      version.ok() && *version && rules_version != nullptr) {
    *rules_version = **version;
  }
  Result<const boost::json::array*> reasons = r.Array("reasons", kMaxStoredItems);
  if (!reasons.ok()) return {};
  return ReasonsFromJson(**reasons, kMaxStoredText);
}

std::string ReasonsJson(const std::vector<GradeReason>& reasons, int64_t rules_version) {
  return "{\"rules_version\":" + std::to_string(rules_version) +
         ",\"reasons\":" + ReasonsArrayJson(reasons) + "}";
}

// The lifecycle and churn-risk explanations, as the server's at-risk report gives them.
std::vector<GradeReason> RiskReasons(const std::string& reasons_json) {
  std::vector<GradeReason> out;
  for (GradeReason& r : ParseReasons(reasons_json, nullptr)) {
    if (r.rule == "lifecycle" || r.rule == "churn_risk") out.push_back(std::move(r));
  }
  return out;
}

// The facts recorded on this device since the server's grade: [["orders", id], ...].
using FactList = std::vector<std::pair<std::string, std::string>>;

FactList ParseFacts(const std::string& json) {
  FactList out;
  Result<boost::json::value> v = ParseJson(json, "the facts since the server's grade");
  if (!v.ok() || !v->is_array()) return out;
  for (const boost::json::value& f : v->as_array()) {
    const boost::json::array* pair = f.if_array();
    if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() ||
        !(*pair)[1].is_string()) {
      continue;
    }
    out.emplace_back(std::string((*pair)[0].as_string()), std::string((*pair)[1].as_string()));
  }
  return out;
}

std::string FactsJson(const FactList& facts) {
  boost::json::array out;
  for (const auto& [table, id] : facts) out.push_back(boost::json::array{table, id});
  return WriteJson(out);
}

// How many orders, visits and feedback `facts` holds, as a reason's value: "1 2 0" ({facts:facts}
// in fieldbook/lang_text.h says "1 order and 2 visits").
TextValues CountFacts(const FactList& facts) {
  int orders = 0, visits = 0, feedback = 0;
  for (const auto& f : facts) {
    orders += f.first == "orders";
    visits += f.first == "visits";
    feedback += f.first == "feedback";
  }
  return {{"facts",
           std::to_string(orders) + " " + std::to_string(visits) + " " + std::to_string(feedback)}};
}

bool UsesQuantiles(const GradingRules& rules) {
  return rules.recency.method == ScoreRule::Method::kQuantiles ||
         rules.frequency.method == ScoreRule::Method::kQuantiles ||
         rules.monetary.method == ScoreRule::Method::kQuantiles;
}

// The parts of a grade, in the order their reasons are shown.
constexpr const char* kParts[] = {"recency",    "frequency",      "monetary",
                                  "tier",       "ticket",         "lifecycle",
                                  "churn_risk", "purchase_stage", "relationship"};

bool PartDiffers(const char* part, const Grade& a, const Grade& b) {
  const std::string p = part;
  if (p == "recency") return a.recency != b.recency;
  if (p == "frequency") return a.frequency != b.frequency;
  if (p == "monetary") return a.monetary != b.monetary;
  if (p == "tier") return a.tier != b.tier;
  if (p == "ticket") return a.ticket_class != b.ticket_class;
  if (p == "lifecycle") return a.lifecycle != b.lifecycle;
  if (p == "churn_risk") return std::fabs(a.churn_risk - b.churn_risk) > 1e-9;
  if (p == "purchase_stage") return a.purchase_stage != b.purchase_stage;
  return a.relationship != b.relationship;
}

// Recency, frequency and monetary: parts whose reasons give figures of the customer's orders.
bool IsOrderFigure(const char* part) {
  const std::string p = part;
  return p == "recency" || p == "frequency" || p == "monetary";
}

int ScoreOf(const char* part, const Grade& g) {
  const std::string p = part;
  return p == "recency" ? g.recency : p == "frequency" ? g.frequency : g.monetary;
}

// The device's reason for `part` (the last one in `reasons`) states the device's score; the score
// shown is the server's: "…, scores 3" -> "…, scores 2 (the server's score; these figures would
// score 3 on this device)" (the value device_score: grading.h's ReasonText says so).
void KeepScoreInReason(std::vector<GradeReason>& reasons, const char* part, int device_score,
                       int shown_score) {
  if (device_score == shown_score || reasons.empty() || reasons.back().rule != part) return;
  GradeReason& r = reasons.back();
  TextValues values = r.values;
  for (auto& [key, value] : values) {
    if (key == "score") value = std::to_string(shown_score);
  }
  values.emplace_back("device_score", std::to_string(device_score));
  r = MakeReason(r.rule, r.code, std::move(values));
}

// Columns 0-6 of a grade's row: tier, recency, frequency, monetary, ticket class, lifecycle and
// churn risk (the server's grade on the customer row and the provisional grade list them alike).
void ReadGradeFigures(Statement& s, CustomerGrade& g) {
  g.tier = s.Text(0);
  g.recency = s.IntOrNull(1);
  g.frequency = s.IntOrNull(2);
  g.monetary = s.IntOrNull(3);
  g.ticket_class = s.Text(4);
  g.lifecycle = s.Text(5);
  g.churn_risk = s.RealOrNull(6);
}

}  // namespace

Grades::Grades(Replica& replica, WallClock& wall, SettingsTable& settings)
    : replica_(replica), wall_(wall), settings_(settings), population_(replica.db()) {}

Status Grades::RegradeProvisionally(const std::string& customer_id, const char* fact_table,
                                    const std::string& fact_id) {
  Db& db = replica_.db();

  // The customer and the server's grade of it.
  Grade server;
  std::string graded_at;
  int64_t server_rules_version = 0;
  CustomerHistory target;
  target.customer_id = customer_id;
  FB_RETURN_IF_ERROR(ReadFoundRow(
      db,
      "SELECT created_at, relationship, purchase_stage, grade_tier, grade_recency, "
      "grade_frequency, grade_monetary, grade_ticket_class, grade_lifecycle, grade_churn_risk, "
      "grade_reasons, graded_at, grade_stage, grade_relationship FROM customers WHERE id = ?",
      {customer_id}, "customer", customer_id, [&](Statement& s) {
        const std::optional<int32_t> created = ParseDay(s.Text(0));
        target.relationship = s.Text(1);
        target.purchase_stage = s.Text(2);
        server.tier = s.Text(3);
        server.recency = static_cast<int>(s.IsNull(4) ? 0 : s.Int(4));
        server.frequency = static_cast<int>(s.IsNull(5) ? 0 : s.Int(5));
        server.monetary = static_cast<int>(s.IsNull(6) ? 0 : s.Int(6));
        server.ticket_class = s.Text(7);
        server.lifecycle = s.Text(8);
        server.churn_risk = s.IsNull(9) ? 0 : s.Real(9);
        server.reasons = ParseReasons(s.Text(10), &server_rules_version);
        graded_at = s.Text(11);
        // The server's computed stage and relationship (grade_stage, grade_relationship) sit
        // beside the rep's own fields; before the server computed them, the rep's stand in.
        server.purchase_stage = s.IsNull(12) ? target.purchase_stage : s.Text(12);
        server.relationship = s.IsNull(13) ? target.relationship : s.Text(13);
        const std::optional<int32_t> today = ParseDay(TodayOf(wall_));
        target.created_day = created.value_or(today.value_or(0));
      }));
  const bool server_graded = !graded_at.empty() || !server.tier.empty();

  // What was recorded here since the server's grade, with this fact.
  FactList facts;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare("SELECT local_facts FROM fb_provisional_grades "
                                                    "WHERE customer_id = ?"));
    Stmt s(raw);
    s->Bind(1, customer_id);
    FB_ASSIGN_OR_RETURN(bool found, s->Step());
    if (found) facts = ParseFacts(s->Text(0));
  }
  if (std::find(facts.begin(), facts.end(), std::make_pair(std::string(fact_table), fact_id)) ==
      facts.end()) {
    facts.emplace_back(fact_table, fact_id);
  }
  std::set<std::pair<std::string, std::string>> recorded(facts.begin(), facts.end());

  // The rules the server grades by, as replicated (the built-in defaults before any were set).
  GradingRules rules;
  int64_t rules_version = 0;
  std::string rules_error;  // the rules on this device could not be read
  {
    FB_ASSIGN_OR_RETURN(Statement * raw, db.Prepare("SELECT version, rules_json FROM grading_rules "
                                                    "WHERE id = 'current' AND deleted = 0"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool found, s->Step());
    if (found && !s->IsNull(1)) {
      auto parsed = ParseGradingRules(s->Text(1));
      if (parsed.ok()) {
        rules = *parsed;
        rules_version = s->IsNull(0) ? 0 : s->Int(0);
      } else {
        rules_error = parsed.status().message();
      }
    }
  }
  const std::optional<int32_t> today_day = ParseDay(TodayOf(wall_));
  if (!today_day) return Status::Internal("cannot read today's date " + TodayOf(wall_));
  const int32_t today = *today_day;

  // The customer's history, as the server reads it (GradingStore::GradeAll), split into what the
  // server could have seen and what was recorded here.
  CustomerHistory before = target;
  FB_RETURN_IF_ERROR(ForEachCustomerRow(
      db, "SELECT id, order_date, amount_cents, voids_id FROM orders WHERE customer_id = ?",
      customer_id, [&](Statement& s) {
        const std::optional<int32_t> day = ParseDay(s.Text(1));
        if (!day) return;
        // A void carries no amount (orders.h): it cancels the order it names and is none itself.
        OrderFact o{s.Text(0), *day, s.IsNull(2) ? 0 : s.Int(2), s.Text(3),
                    /*is_void=*/s.IsNull(2) && !s.IsNull(3)};
        if (recorded.count({"orders", o.id}) == 0) before.orders.push_back(o);
        target.orders.push_back(std::move(o));
      }));
  FB_RETURN_IF_ERROR(ForEachCustomerRow(db, "SELECT id, check_in FROM visits WHERE customer_id = ?",
                                        customer_id, [&](Statement& s) {
                                          const std::optional<int32_t> day = ParseDay(s.Text(1));
                                          if (!day) return;
                                          if (recorded.count({"visits", s.Text(0)}) == 0)
                                            before.visit_days.push_back(*day);
                                          target.visit_days.push_back(*day);
                                        }));
  FB_RETURN_IF_ERROR(ForEachCustomerRow(
      db,
      "SELECT id, satisfaction FROM feedback WHERE customer_id = ? AND satisfaction IS NOT NULL "
      "AND id NOT IN (SELECT x.voids_id FROM feedback x WHERE x.customer_id = "
      "feedback.customer_id AND x.voids_id IS NOT NULL)",
      customer_id, [&](Statement& s) {
        const int score = static_cast<int>(s.Int(1));
        if (recorded.count({"feedback", s.Text(0)}) == 0) before.satisfaction.push_back(score);
        target.satisfaction.push_back(score);
      }));

  // Quintiles rank a customer among others: here, the customers with orders on this device. A
  // ranking needs three figures per customer — the day of the last order, and the orders and
  // spend in the window — so SQL sums them (voided and future orders left out, as the engine
  // does) and each other customer enters as stand-in orders carrying exactly those figures: the
  // last order with the window's spend, then one empty order per other order in the window.
  RankingPopulation others;
  if (UsesQuantiles(rules)) {
    // The other customers' figures, kept up to date incrementally (grade_population.h).
    FB_ASSIGN_OR_RETURN(others, population_.Others(customer_id, today, rules.window_days));
  }

  // Graded with and without what was recorded here, among the same population.
  const Grade with = GradeAmong(target, others, rules, today);
  const Grade without = GradeAmong(before, others, rules, today);

  // Each part the recorded facts change takes the device's value; the others stay the server's.
  Grade shown = with;
  std::vector<GradeReason> reasons;
  TextValues note = CountFacts(facts);
  note.insert(note.begin(), {"day", TodayOf(wall_)});
  if (server_graded) note.emplace_back("graded_at", graded_at.empty() ? "-" : graded_at);
  reasons.push_back(MakeReason("provisional",
                               server_graded ? "provisional_since_server" : "provisional_first",
                               std::move(note)));
  if (UsesQuantiles(rules)) {
    const size_t ranked = others.recency_days.size() + (target.orders.empty() ? 0 : 1);
    reasons.push_back(MakeReason("provisional", "provisional_quintiles",
                                 {{"customers", std::to_string(ranked)}}));
  }
  if (!rules_error.empty()) {
    reasons.push_back(
        MakeReason("provisional", "provisional_rules_unreadable", {{"error", rules_error}}));
  }
  const bool recorded_order =
      std::any_of(facts.begin(), facts.end(), [](const auto& f) { return f.first == "orders"; });
  for (const char* part : kParts) {
    const bool take_device = !server_graded || PartDiffers(part, with, without);
    // A part kept from the server keeps the server's explanation (if it gave one), except that
    // after an order recorded here the server's R, F and M figures (days since the last order,
    // orders and spend in the window) are stale: the device's figures are shown with the score.
    const bool stale = !take_device && recorded_order && IsOrderFigure(part);
    for (const GradeReason& r : take_device || stale ? with.reasons : server.reasons) {
      if (r.rule == part) reasons.push_back(r);
    }
    if (take_device) continue;
    const std::string p = part;
    if (p == "recency") shown.recency = server.recency;
    if (p == "frequency") shown.frequency = server.frequency;
    if (p == "monetary") shown.monetary = server.monetary;
    if (stale) KeepScoreInReason(reasons, part, ScoreOf(part, with), ScoreOf(part, shown));
    if (p == "tier") shown.tier = server.tier;
    if (p == "ticket") shown.ticket_class = server.ticket_class;
    if (p == "lifecycle") shown.lifecycle = server.lifecycle;
    if (p == "churn_risk") shown.churn_risk = server.churn_risk;
    if (p == "purchase_stage") shown.purchase_stage = server.purchase_stage;
    if (p == "relationship") shown.relationship = server.relationship;
  }

  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      db.Prepare("INSERT INTO fb_provisional_grades (customer_id, tier, recency, frequency, "
                 "monetary, ticket_class, lifecycle, churn_risk, visits_per_30_days, "
                 "purchase_stage, relationship, reasons, rules_version, computed_at, "
                 "computed_day, based_on_graded_at, local_facts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                 "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) ON CONFLICT (customer_id) "
                 "DO UPDATE SET tier = ?2, recency = ?3, frequency = ?4, monetary = ?5, "
                 "ticket_class = ?6, lifecycle = ?7, churn_risk = ?8, visits_per_30_days = ?9, "
                 "purchase_stage = ?10, relationship = ?11, reasons = ?12, rules_version = ?13, "
                 "computed_at = ?14, computed_day = ?15, based_on_graded_at = ?16, "
                 "local_facts = ?17"));
  Stmt s(raw);
  auto text_or_null = [&s](int index, const std::string& text) {
    if (text.empty()) {
      s->BindNull(index);
    } else {
      s->Bind(index, text);
    }
  };
  s->Bind(1, customer_id)
      .Bind(2, shown.tier)
      .Bind(3, int64_t{shown.recency})
      .Bind(4, int64_t{shown.frequency})
      .Bind(5, int64_t{shown.monetary});
  text_or_null(6, shown.ticket_class);
  s->Bind(7, shown.lifecycle).Bind(8, shown.churn_risk).Bind(9, with.visits_per_30_days);
  text_or_null(10, shown.purchase_stage);
  text_or_null(11, shown.relationship);
  s->Bind(12, ReasonsJson(reasons, rules_version))
      .Bind(13, rules_version)
      .Bind(14, NowIso(wall_))
      .Bind(15, TodayOf(wall_));
  text_or_null(16, graded_at);
  s->Bind(17, FactsJson(facts));
  return s->Run();
}

Result<GradeView> Grades::ForCustomer(const std::string& ref) {
  FB_ASSIGN_OR_RETURN(std::string id, internal::ResolveCustomerId(replica_.db(), ref));
  Db& db = replica_.db();
  GradeView view;
  FB_RETURN_IF_ERROR(ReadFoundRow(
      db,
      "SELECT grade_tier, grade_recency, grade_frequency, grade_monetary, grade_ticket_class, "
      "grade_lifecycle, grade_churn_risk, grade_reasons, graded_at, grade_rules_version, "
      "grade_stage, grade_relationship FROM customers WHERE id = ?",
      {id}, "customer", ref, [&](Statement& s) {
        CustomerGrade& g = view.server;
        ReadGradeFigures(s, g);
        g.reasons = ParseReasons(s.Text(7), &g.rules_version);
        g.graded_at = s.Text(8);
        if (!s.IsNull(9)) g.rules_version = s.Int(9);
        g.purchase_stage = s.Text(10);
        g.relationship = s.Text(11);
      }));
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      db.Prepare("SELECT tier, recency, frequency, monetary, ticket_class, lifecycle, churn_risk, "
                 "visits_per_30_days, purchase_stage, relationship, reasons, rules_version, "
                 "computed_at, based_on_graded_at, local_facts FROM fb_provisional_grades "
                 "WHERE customer_id = ?"));
  Stmt s(raw);
  s->Bind(1, id);
  FB_ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return view;
  CustomerGrade g;
  g.provisional = true;
  ReadGradeFigures(*raw, g);
  g.visits_per_30_days = raw->RealOrNull(7);
  g.purchase_stage = s->Text(8);
  g.relationship = s->Text(9);
  g.reasons = ParseReasons(s->Text(10), nullptr);
  g.rules_version = s->Int(11);
  g.computed_at = s->Text(12);
  g.graded_at = s->Text(13);
  g.local_facts = static_cast<int64_t>(ParseFacts(s->Text(14)).size());
  view.provisional = std::move(g);
  return view;
}

Result<std::vector<TierShare>> Grades::TierDistribution() {
  Db& db = replica_.db();
  // The rules' order of tiers (VIP first).
  std::vector<std::string> order;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        db.Prepare("SELECT rules_json FROM grading_rules WHERE id = 'current' "
                                   "AND deleted = 0"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool found, s->Step());
    GradingRules rules;
    if (found) {
      if (auto parsed = ParseGradingRules(s->Text(0)); parsed.ok()) rules = *parsed;
    }
    order.push_back(rules.vip_tier);
    for (const TierRule& t : rules.tiers) order.push_back(t.name);
  }
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      db.Prepare("SELECT coalesce(p.tier, nullif(c.grade_tier, ''), ''), count(*), "
                 "count(p.customer_id) FROM customers c LEFT JOIN fb_provisional_grades p ON "
                 "p.customer_id = c.id WHERE c.deleted = 0 GROUP BY 1"));
  Stmt s(raw);
  std::map<std::string, TierShare> by_tier;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    by_tier[s->Text(0)] = TierShare{s->Text(0), s->Int(1), s->Int(2)};
  }
  std::vector<TierShare> out;
  for (const std::string& tier : order) {
    auto it = by_tier.find(tier);
    if (it == by_tier.end()) continue;
    out.push_back(it->second);
    by_tier.erase(it);
  }
  const auto ungraded = by_tier.find("");
  for (const auto& [tier, share] : by_tier) {
    if (!tier.empty()) out.push_back(share);
  }
  if (ungraded != by_tier.end()) out.push_back(ungraded->second);
  return out;
}

Result<std::vector<AtRiskEntry>> Grades::AtRiskCustomers(size_t limit) {
  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      replica_.db().Prepare(
          "SELECT c.id, coalesce(nullif(c.name, ''), c.name_latin, c.id), "
          "coalesce(p.tier, c.grade_tier, ''), coalesce(p.lifecycle, c.grade_lifecycle) AS lc, "
          "coalesce(p.churn_risk, c.grade_churn_risk, 0) AS risk, "
          "coalesce(p.reasons, c.grade_reasons, ''), p.customer_id IS NOT NULL "
          "FROM customers c LEFT JOIN fb_provisional_grades p ON p.customer_id = c.id "
          "WHERE c.deleted = 0 AND lc IN ('at_risk', 'churned') "
          "ORDER BY risk DESC, c.name, c.id LIMIT ?"));
  Stmt s(raw);
  s->Bind(1, static_cast<int64_t>(limit));
  std::vector<AtRiskEntry> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    std::vector<GradeReason> why = RiskReasons(s->Text(5));
    std::string english = JoinReasons(Lang::kEnglish, why);
    out.push_back(AtRiskEntry{s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Real(4),
                              std::move(english), std::move(why), s->Int(6) != 0});
  }
  return out;
}

Result<std::optional<CachedServerReports>> Grades::ServerReports() {
  FB_ASSIGN_OR_RETURN(std::string json, settings_.Get("reports_json"));
  FB_ASSIGN_OR_RETURN(std::string fetched, settings_.Get("reports_fetched_ms"));
  FB_ASSIGN_OR_RETURN(std::string for_rep, settings_.Get("reports_rep"));
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.Get("rep_id"));
  if (json.empty() || for_rep != rep) return std::optional<CachedServerReports>();
  CachedServerReports out;
  out.json = std::move(json);
  out.fetched_ms = std::strtoll(fetched.c_str(), nullptr, 10);
  return std::optional<CachedServerReports>(std::move(out));
}

Status Grades::SaveServerReports(const std::string& json) {
  FB_ASSIGN_OR_RETURN(std::string rep, settings_.Get("rep_id"));
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_.db()));
  FB_RETURN_IF_ERROR(settings_.Put("reports_json", json));
  FB_RETURN_IF_ERROR(settings_.Put("reports_fetched_ms", std::to_string(wall_.NowMs())));
  FB_RETURN_IF_ERROR(settings_.Put("reports_rep", rep));
  return txn->Commit();
}

}  // namespace fieldbook::client

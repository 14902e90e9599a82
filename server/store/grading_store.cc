#include "store/grading_store.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <unordered_map>

#include "fieldbook/columns.h"
#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "store/audit_store.h"
#include "store/store_dialect.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A stored reason's texts and values are the server's own writes; a bound all the same.
constexpr size_t kMaxReasonText = 4096;

// Reps' customers: a join clause and its parameter, or nothing for everyone.
constexpr const char* kScopeFilter =
    "(?1 = '' OR c.id IN (SELECT customer_id FROM srv_scope WHERE rep_id = ?1))";

// The "as of" day of run `id`, or kNotFound.
Result<std::string> RunDay(SqlDb& db, int64_t id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      db.Prepare("SELECT today FROM srv_grade_runs WHERE id = ?"));
  stmt->Bind(1, id);
  FB_ASSIGN_OR_RETURN(std::optional<std::string> day,
                      ReadOneRow(*stmt, [](SqlStatement& s) { return s.Text(0); }));
  if (!day) return Status::NotFound("no grading run " + std::to_string(id));
  return *day;
}

// The columns a run writes, in the order of Previous::stored.
constexpr const char* kGradeColumns[] = {
    "grade_tier",         "grade_recency",       "grade_frequency",  "grade_monetary",
    "grade_ticket_class", "grade_lifecycle",     "grade_churn_risk", "grade_reasons",
    "graded_at",          "grade_rules_version", "grade_stage",      "grade_relationship"};
constexpr size_t kGradeColumnCount = sizeof kGradeColumns / sizeof kGradeColumns[0];

// A customer's grade as stored before a run.
struct Previous {
  std::string tier, ticket, lifecycle;
  int64_t r = -1, f = -1, m = -1;
  std::vector<Value> stored;  // kGradeColumns' values
};

// Every live customer's history (orders, visits, feedback), in one pass per table, and its grade
// as stored, in id order. Call inside a transaction or a read snapshot.
struct Everyone {
  std::vector<CustomerHistory> customers;
  std::vector<Previous> previous;
};

Result<Everyone> LoadEveryone(SqlDb& db, int32_t today) {
  Everyone out;
  std::unordered_map<std::string, size_t> index;
  FB_ASSIGN_OR_RETURN(
      SqlStatement * load,
      db.Prepare("SELECT id, created_at, relationship, purchase_stage, grade_tier, grade_recency, "
                 "grade_frequency, grade_monetary, grade_ticket_class, grade_lifecycle, "
                 "grade_churn_risk, grade_reasons, graded_at, grade_rules_version, grade_stage, "
                 "grade_relationship FROM customers WHERE deleted = 0 ORDER BY " +
                 ByteOrder(db, "id")));
  FB_RETURN_IF_ERROR(VisitRows(*load, [&](SqlStatement& r) {
    CustomerHistory c;
    c.customer_id = r.Text(0);
    c.created_day = ParseDay(r.Text(1)).value_or(today);
    c.relationship = r.Text(2);
    c.purchase_stage = r.Text(3);
    Previous p{r.Text(4),
               r.Text(8),
               r.Text(9),
               r.IsNull(5) ? -1 : r.Int(5),
               r.IsNull(6) ? -1 : r.Int(6),
               r.IsNull(7) ? -1 : r.Int(7),
               {}};
    p.stored.reserve(kGradeColumnCount);
    for (size_t k = 0; k < kGradeColumnCount; ++k)
      p.stored.push_back(r.Get(4 + static_cast<int>(k)));
    index.emplace(c.customer_id, out.customers.size());
    out.customers.push_back(std::move(c));
    out.previous.push_back(std::move(p));
  }));
  FB_ASSIGN_OR_RETURN(SqlStatement * orders,
                      db.Prepare("SELECT customer_id, id, order_date, amount_cents, voids_id "
                                 "FROM orders"));
  FB_RETURN_IF_ERROR(VisitRows(*orders, [&](SqlStatement& r) {
    auto it = index.find(r.Text(0));
    auto day = ParseDay(r.Text(2));
    if (it == index.end() || !day) return;
    out.customers[it->second].orders.push_back(OrderFact{r.Text(1), *day,
                                                         r.IsNull(3) ? 0 : r.Int(3), r.Text(4),
                                                         /*is_void=*/r.IsNull(3) && !r.IsNull(4)});
  }));
  FB_ASSIGN_OR_RETURN(SqlStatement * visits,
                      db.Prepare("SELECT customer_id, check_in FROM visits"));
  FB_RETURN_IF_ERROR(VisitRows(*visits, [&](SqlStatement& r) {
    auto it = index.find(r.Text(0));
    auto day = ParseDay(r.Text(1));
    if (it != index.end() && day) out.customers[it->second].visit_days.push_back(*day);
  }));
  FB_ASSIGN_OR_RETURN(
      SqlStatement * feedback,
      db.Prepare("SELECT customer_id, satisfaction FROM feedback WHERE satisfaction IS NOT NULL "
                 "AND id NOT IN (SELECT x.voids_id FROM feedback x WHERE x.customer_id = "
                 "feedback.customer_id AND x.voids_id IS NOT NULL)"));
  FB_RETURN_IF_ERROR(VisitRows(*feedback, [&](SqlStatement& r) {
    auto it = index.find(r.Text(0));
    if (it != index.end()) {
      out.customers[it->second].satisfaction.push_back(static_cast<int>(r.Int(1)));
    }
  }));

  return out;
}

// Runs `counts` (a query of the number of days = ?2 and < ?2 for rep ?1) into `due` and `overdue`
// (0 where nothing counts).
Status CountDueAndOverdue(SqlStatement& counts, const std::string& rep, const std::string& today,
                          int64_t& due, int64_t& overdue) {
  counts.Bind(1, rep).Bind(2, today);
  return VisitRows(counts, [&](SqlStatement& r) {
    due = r.Int(0);  // NULL (nothing to count) reads as 0
    overdue = r.Int(1);
  });
}

}  // namespace

Result<int32_t> DayOrToday(std::string_view text, WallClock& wall) {
  if (text.empty()) return DayOfMs(static_cast<int64_t>(wall.NowMs()));
  const std::optional<int32_t> day = ParseDate(text);
  if (!day) {
    return Status::InvalidArgument("today must be a date YYYY-MM-DD, not '" + std::string(text) +
                                   "'");
  }
  return *day;
}

Result<std::pair<GradingRules, int>> GradingStore::CurrentRules() {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      store_.sql().Prepare("SELECT version, rules_json FROM grading_rules "
                                           "WHERE id = 'current' AND deleted = 0"));
  FB_ASSIGN_OR_RETURN(auto stored, ReadOneRow(*stmt, [](SqlStatement& s) {
                        return std::make_pair(static_cast<int>(s.Int(0)), s.TextOrNull(1));
                      }));
  if (!stored || !stored->second) return std::make_pair(GradingRules{}, 0);
  const int version = stored->first;
  const std::string& json = *stored->second;
  FB_ASSIGN_OR_RETURN(GradingRules rules, ParseGradingRules(json));
  return std::make_pair(rules, version);
}

std::string GradingStore::RulesJson(const std::pair<GradingRules, int>& rules_and_version) {
  GradingRules shown = rules_and_version.first;
  shown.version = rules_and_version.second;
  return GradingRulesToJson(shown);
}

Result<int> GradingStore::SetRules(const std::string& json, const std::string& actor) {
  FB_ASSIGN_OR_RETURN(GradingRules parsed, ParseGradingRules(json));
  return StoreRules(std::move(parsed), actor);
}

Result<int> GradingStore::SetParsedRules(const boost::json::value& json, const std::string& actor) {
  FB_ASSIGN_OR_RETURN(GradingRules parsed, ParseGradingRules(json));
  return StoreRules(std::move(parsed), actor);
}

Result<int> GradingStore::StoreRules(GradingRules parsed, const std::string& actor) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(auto current, CurrentRules());
  const int version = current.second + 1;
  parsed.version = version;
  const std::string canonical = GradingRulesToJson(parsed);
  FB_ASSIGN_OR_RETURN(SqlStatement * history,
                      db.Prepare("INSERT INTO srv_grading_rules_history (version, rules_json, "
                                 "set_by, set_ms) VALUES (?, ?, ?, ?)"));
  history->Bind(1, int64_t{version}).Bind(2, canonical).Bind(3, actor).Bind(4, NowMs());
  FB_RETURN_IF_ERROR(history->Run());
  FB_ASSIGN_OR_RETURN(PushResult written,
                      store_.Write({RowWrite{"grading_rules",
                                             "current",
                                             {{"version", int64_t{version}},
                                              {"rules_json", canonical},
                                              {"updated_at", FormatDay(DayOfMs(NowMs()))},
                                              {"updated_by", actor}}}}));
  (void)written;
  GradingRules before = current.first;
  before.version = current.second;
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "grading.rules";
  audit.subject = "grading";
  boost::system::error_code ec;
  audit.before = {{"version", current.second}, {"rules", ReadJson(GradingRulesToJson(before), ec)}};
  audit.after = {{"version", version}, {"rules", ReadJson(canonical, ec)}};
  FB_RETURN_IF_ERROR(store_.Audit(std::move(audit)));
  FB_RETURN_IF_ERROR(txn->Commit());
  return version;
}

Result<GradeRun> GradingStore::GradeAll(int32_t today) {
  // One transaction (the steps are savepoints inside it): nothing half-written.
  FB_ASSIGN_OR_RETURN(auto txn, store_.sql().Begin());
  FB_ASSIGN_OR_RETURN(GradeRun run, GradeAllInSteps(today, 0, nullptr));
  FB_RETURN_IF_ERROR(txn->Commit());
  return run;
}

Result<GradeRun> GradingStore::GradeAllInSteps(
    int32_t today, size_t step, const std::function<std::unique_lock<std::mutex>()>& lock) {
  const auto started = std::chrono::steady_clock::now();
  auto hold = [&] { return lock ? lock() : std::unique_lock<std::mutex>(); };
  SqlDb& db = store_.sql();
  Everyone everyone;
  GradingRules rules;
  int rules_version = 0;
  int64_t run_id = 0;
  {
    auto held = hold();
    FB_ASSIGN_OR_RETURN(auto rules_and_version, CurrentRules());
    rules = std::move(rules_and_version.first);
    rules_version = rules_and_version.second;
    FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
    FB_ASSIGN_OR_RETURN(everyone, LoadEveryone(db, today));
    FB_ASSIGN_OR_RETURN(SqlStatement * run,
                        db.Prepare("INSERT INTO srv_grade_runs (today, rules_version, started_ms, "
                                   "customers) VALUES (?, ?, ?, ?) RETURNING id"));
    BindValues(*run, {FormatDay(today), int64_t{rules_version}, NowMs(),
                      static_cast<int64_t>(everyone.customers.size())});
    FB_ASSIGN_OR_RETURN(run_id, ReadNewId(*run, "the grading run"));
    FB_RETURN_IF_ERROR(txn->Commit());
  }
  // Pure computation: no lock needed.
  const std::vector<Grade> grades = GradeCustomers(everyone.customers, rules, today);
  const std::vector<Previous>& previous = everyone.previous;

  int changed = 0;
  const std::string graded_at = FormatDay(today);
  if (step == 0) step = grades.size();
  for (size_t from = 0; from < grades.size(); from += step) {
    const size_t to = std::min(grades.size(), from + step);
    auto held = hold();
    FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
    FB_ASSIGN_OR_RETURN(SqlStatement * history,
                        db.Prepare("INSERT INTO srv_grade_history (customer_id, run_id, tier, "
                                   "recency, frequency, monetary, ticket_class, lifecycle, "
                                   "churn_risk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    std::vector<RowWrite> batch;
    auto flush = [&]() -> Status {
      if (batch.empty()) return Status::Ok();
      FB_ASSIGN_OR_RETURN(PushResult written, store_.WriteBulk(batch, {}));
      (void)written;
      batch.clear();
      return Status::Ok();
    };
    for (size_t i = from; i < to; ++i) {
      const Grade& g = grades[i];
      const Previous& p = previous[i];
      const bool moved = g.tier != p.tier || g.recency != p.r || g.frequency != p.f ||
                         g.monetary != p.m || g.ticket_class != p.ticket ||
                         g.lifecycle != p.lifecycle;
      if (moved) {
        ++changed;
        history->Reset();
        BindValues(*history,
                   {g.customer_id, run_id, g.tier, int64_t{g.recency}, int64_t{g.frequency},
                    int64_t{g.monetary}, g.ticket_class, g.lifecycle, g.churn_risk});
        FB_RETURN_IF_ERROR(history->Run());
      }
      // The stage and relationship the data decide go beside the rep's own fields, never over
      // them (docs/grading.md): a rep's later edit of purchase_stage or relationship is never lost.
      Value values[kGradeColumnCount] = {
          g.tier,
          int64_t{g.recency},
          int64_t{g.frequency},
          int64_t{g.monetary},
          g.ticket_class,
          g.lifecycle,
          g.churn_risk,
          g.ReasonsJson(rules_version),
          graded_at,
          int64_t{rules_version},
          g.purchase_stage.empty() ? Value() : Value(g.purchase_stage),
          g.relationship.empty() ? Value() : Value(g.relationship)};
      // Only the columns whose value differs from the stored one: a customer whose grade, reasons
      // and day are what they were is not written at all, so neither the hub nor the devices pay
      // for it (issue #17: an import of orders regrades everyone, most of them unchanged).
      RowWrite w{"customers", g.customer_id, {}};
      for (size_t k = 0; k < kGradeColumnCount; ++k) {
        if (values[k] != p.stored[k])
          w.columns.emplace_back(kGradeColumns[k], std::move(values[k]));
      }
      if (w.columns.empty()) continue;
      batch.push_back(std::move(w));
      if (batch.size() >= 2000) FB_RETURN_IF_ERROR(flush());
    }
    FB_RETURN_IF_ERROR(flush());
    FB_RETURN_IF_ERROR(txn->Commit());
  }
  {
    auto held = hold();
    FB_ASSIGN_OR_RETURN(SqlStatement * finish,
                        db.Prepare("UPDATE srv_grade_runs SET finished_ms = ?, changed = ? "
                                   "WHERE id = ?"));
    finish->Bind(1, NowMs()).Bind(2, int64_t{changed}).Bind(3, run_id);
    FB_RETURN_IF_ERROR(finish->Run());
  }
  GradeRun out;
  out.run_id = run_id;
  out.today = FormatDay(today);
  out.rules_version = rules_version;
  out.customers = static_cast<int>(grades.size());
  out.changed = changed;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

Result<std::vector<GradeRun>> GradingStore::Runs(size_t last) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      store_.sql().Prepare("SELECT id, today, rules_version, customers, changed, "
                           "coalesce(finished_ms - started_ms, 0) FROM srv_grade_runs "
                           "ORDER BY id DESC LIMIT ?"));
  stmt->Bind(1, static_cast<int64_t>(last));
  std::vector<GradeRun> out;
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](SqlStatement& r) {
    out.push_back(GradeRun{r.Int(0), r.Text(1), static_cast<int>(r.Int(2)),
                           static_cast<int>(r.Int(3)), static_cast<int>(r.Int(4)),
                           r.Int(5) / 1000.0});
  }));
  return out;
}

Result<std::vector<TierCount>> GradingStore::Tiers(const std::string& rep) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      store_.sql().Prepare(std::string("SELECT coalesce(c.grade_tier, 'not graded'), count(*) "
                                       "FROM customers c WHERE c.deleted = 0 AND ") +
                           kScopeFilter + " GROUP BY 1 ORDER BY " +
                           (store_.sql().dialect() == SqlDialect::kPostgres
                                ? ByteOrder(store_.sql(), "coalesce(c.grade_tier, 'not graded')")
                                : std::string("1"))));
  stmt->Bind(1, rep);
  std::vector<TierCount> out;
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](SqlStatement& r) {
    out.push_back(TierCount{r.Text(0), r.Int(1)});
  }));
  return out;
}

Result<TierMovement> GradingStore::Movement(const std::string& rep, int64_t from, int64_t to) {
  TierMovement m;
  if (from == 0 || to == 0) {
    FB_ASSIGN_OR_RETURN(std::vector<GradeRun> runs, Runs(2));
    if (runs.empty()) return Status::NotFound("no grading run yet: run fieldbook-server grade");
    m.to_run = to != 0 ? to : runs[0].run_id;
    m.from_run = from != 0 ? from : (runs.size() > 1 ? runs[1].run_id : 0);
  } else {
    m.from_run = from;
    m.to_run = to;
  }
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(m.to_today, RunDay(db, m.to_run));
  if (m.from_run != 0) {
    FB_ASSIGN_OR_RETURN(m.from_today, RunDay(db, m.from_run));
  }
  // A customer's tier at run R is its latest history row at or before R.
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      store_.sql().Prepare(
          std::string("WITH at_to AS (SELECT h.customer_id, h.tier FROM srv_grade_history h "
                      "WHERE h.run_id = (SELECT max(run_id) FROM srv_grade_history x "
                      "WHERE x.customer_id = h.customer_id AND x.run_id <= ?3)), "
                      "at_from AS (SELECT h.customer_id, h.tier FROM srv_grade_history h "
                      "WHERE h.run_id = (SELECT max(run_id) FROM srv_grade_history x "
                      "WHERE x.customer_id = h.customer_id AND x.run_id <= ?2)) "
                      "SELECT coalesce(f.tier, '-'), t.tier, count(*) FROM at_to t "
                      "JOIN customers c ON c.id = t.customer_id AND c.deleted = 0 "
                      "LEFT JOIN at_from f ON f.customer_id = t.customer_id WHERE ") +
          kScopeFilter + " GROUP BY 1, 2"));
  stmt->Bind(1, rep).Bind(2, m.from_run).Bind(3, m.to_run);
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](SqlStatement& r) {
    m.cells[{r.Text(0), r.Text(1)}] = r.Int(2);
  }));
  return m;
}

Result<std::vector<AtRiskCustomer>> GradingStore::AtRisk(const std::string& rep, size_t limit) {
  FB_ASSIGN_OR_RETURN(
      SqlStatement * stmt,
      store_.sql().Prepare(
          std::string("SELECT c.id, c.name, c.owner_rep_id, c.grade_tier, c.grade_lifecycle, "
                      "c.grade_churn_risk, c.grade_reasons FROM customers c WHERE c.deleted = 0 "
                      "AND c.grade_lifecycle IN ('at_risk', 'churned') AND ") +
          kScopeFilter + " ORDER BY c.grade_churn_risk DESC" +
          // SQLite sorts NULL first, so last when descending; PostgreSQL the other way round.
          NullsAsSqlite(store_.sql(), /*descending=*/true) + ", " +
          ByteOrder(store_.sql(), "c.id") + " LIMIT ?2"));
  stmt->Bind(1, rep).Bind(2, static_cast<int64_t>(limit));
  std::vector<AtRiskCustomer> out;
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](SqlStatement& r) {
    AtRiskCustomer a{
        r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.IsNull(5) ? 0 : r.Real(5), "", {}};
    // The lifecycle and churn-risk reasons (values, shown per language; malformed ones skipped).
    boost::system::error_code ec;
    const boost::json::value reasons = ReadJson(r.Text(6), ec);
    if (const boost::json::object* o = ec ? nullptr : reasons.if_object()) {
      if (const boost::json::value* list = o->if_contains("reasons")) {
        for (GradeReason& why : ReasonsFromJson(*list, kMaxReasonText)) {
          if (why.rule == "lifecycle" || why.rule == "churn_risk") a.why.push_back(std::move(why));
        }
      }
    }
    a.reasons = JoinReasons(Lang::kEnglish, a.why);
    out.push_back(std::move(a));
  }));
  return out;
}

Result<std::vector<PortfolioRow>> GradingStore::Portfolio(const std::string& rep, int32_t today,
                                                          int window_days) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(SqlStatement * reps,
                      db.Prepare("SELECT id, name FROM reps WHERE deleted = 0 AND role = 'rep' "
                                 "AND (?1 = '' OR id = ?1) ORDER BY " +
                                 ByteOrder(db, "id")));
  reps->Bind(1, rep);
  std::vector<PortfolioRow> out;
  FB_RETURN_IF_ERROR(VisitRows(*reps, [&](SqlStatement& r) {
    PortfolioRow p;
    p.rep_id = r.Text(0);
    p.rep_name = r.Text(1);
    out.push_back(std::move(p));
  }));
  const std::string today_text = FormatDay(today);
  const std::string since = FormatDay(today - window_days);
  for (PortfolioRow& p : out) {
    FB_ASSIGN_OR_RETURN(SqlStatement * tiers,
                        db.Prepare("SELECT coalesce(c.grade_tier, 'not graded'), count(*) FROM "
                                   "customers c JOIN srv_scope s ON s.customer_id = c.id "
                                   "WHERE s.rep_id = ? AND c.deleted = 0 GROUP BY 1"));
    tiers->Bind(1, p.rep_id);
    FB_RETURN_IF_ERROR(VisitRows(*tiers, [&](SqlStatement& r) {
      p.customers_by_tier[r.Text(0)] = r.Int(1);
      p.customers += r.Int(1);
    }));
    FB_ASSIGN_OR_RETURN(
        SqlStatement * tasks,
        db.Prepare("SELECT sum(CASE WHEN t.due_date = ?2 THEN 1 END), sum(CASE WHEN "
                   "t.due_date < ?2 THEN 1 END) FROM tasks t "
                   "JOIN srv_scope s ON s.customer_id = t.customer_id "
                   "JOIN customers c ON c.id = t.customer_id AND c.deleted = 0 "
                   "WHERE s.rep_id = ?1 AND t.deleted = 0 AND t.status = 'open'"));
    FB_RETURN_IF_ERROR(
        CountDueAndOverdue(*tasks, p.rep_id, today_text, p.follow_ups_due, p.follow_ups_overdue));
    // Follow-ups promised at each customer's latest visit (corrected visits do not count).
    FB_ASSIGN_OR_RETURN(
        SqlStatement * promised,
        db.Prepare("WITH live AS (SELECT v.customer_id, v.check_in, v.next_follow_up FROM visits v "
                   "JOIN srv_scope s ON s.customer_id = v.customer_id WHERE s.rep_id = ?1 AND "
                   "v.id NOT IN (SELECT x.voids_id FROM visits x WHERE x.customer_id = "
                   "v.customer_id AND x.voids_id IS NOT NULL)), "
                   "latest AS (SELECT customer_id, max(check_in) AS last_in FROM live "
                   "GROUP BY customer_id), "
                   "due AS (SELECT v.customer_id, max(v.next_follow_up) AS f FROM live v "
                   "JOIN latest l ON l.customer_id = v.customer_id AND v.check_in = l.last_in "
                   "JOIN customers c ON c.id = v.customer_id AND c.deleted = 0 "
                   "WHERE v.next_follow_up IS NOT NULL AND v.next_follow_up <> '' "
                   "GROUP BY v.customer_id) "
                   "SELECT sum(CASE WHEN f = ?2 THEN 1 END), sum(CASE WHEN f < ?2 THEN 1 END) "
                   "FROM due"));
    FB_RETURN_IF_ERROR(
        CountDueAndOverdue(*promised, p.rep_id, today_text, p.visits_due, p.visits_overdue));
    FB_ASSIGN_OR_RETURN(
        SqlStatement * revenue,
        db.Prepare("SELECT coalesce(sum(o.amount_cents), 0) FROM orders o JOIN srv_scope s ON "
                   "s.customer_id = o.customer_id JOIN customers c ON c.id = o.customer_id AND "
                   "c.deleted = 0 WHERE s.rep_id = ?1 AND o.order_date > ?2 AND "
                   "o.order_date <= ?3 AND o.id NOT IN (SELECT x.voids_id FROM orders x "
                   "WHERE x.customer_id = o.customer_id AND x.voids_id IS NOT NULL)"));
    revenue->Bind(1, p.rep_id).Bind(2, since).Bind(3, today_text);
    FB_ASSIGN_OR_RETURN(p.revenue_cents, ReadInt(*revenue));
  }
  return out;
}

Result<GradePreview> GradingStore::Preview(const GradingRules& rules, int32_t today) {
  SqlDb& db = store_.sql();
  FB_ASSIGN_OR_RETURN(auto current, CurrentRules());
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> snapshot, db.BeginRead());
  FB_ASSIGN_OR_RETURN(Everyone everyone, LoadEveryone(db, today));
  const std::vector<Grade> now = GradeCustomers(everyone.customers, current.first, today);
  const std::vector<Grade> then = GradeCustomers(everyone.customers, rules, today);
  GradePreview preview;
  preview.rules_version = current.second;
  preview.customers = static_cast<int>(now.size());
  for (size_t i = 0; i < now.size() && i < then.size(); ++i) {
    if (now[i].tier == then[i].tier) continue;
    ++preview.changed;
    ++preview.moves[{now[i].tier, then[i].tier}];
  }
  return preview;
}

}  // namespace fieldbook::server

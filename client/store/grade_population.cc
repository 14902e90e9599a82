// GradePopulation (grade_population.h): the kept ranking figures of provisional grading.
#include "store/grade_population.h"

#include <algorithm>
#include <string>
#include <vector>

#include "fieldbook/dates.h"
#include "store/rows.h"

namespace fieldbook::client {

namespace {

using internal::ForEachRow;
using internal::RunWrite;
using internal::Stmt;

// Per customer: the last order's day, and the orders and cents in the window. ?1 is the day
// before the window (exclusive), ?2 today; FILTER narrows the orders. Voids, voided orders,
// orders after today and deleted customers' orders are left out.
#define FB_POPULATION_FIGURES(FILTER)                                                         \
  "SELECT o.customer_id, max(substr(o.order_date, 1, 10)), "                                  \
  "count(CASE WHEN substr(o.order_date, 1, 10) > ?1 THEN 1 END), "                            \
  "coalesce(sum(CASE WHEN substr(o.order_date, 1, 10) > ?1 THEN o.amount_cents END), 0) "     \
  "FROM orders o WHERE " FILTER                                                               \
  " AND o.customer_id IS NOT NULL "                                                           \
  "AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id AND c.deleted <> 0) " \
  "AND substr(o.order_date, 1, 10) <= ?2 "                                                    \
  "AND o.id NOT IN (SELECT x.voids_id FROM orders x WHERE x.customer_id = o.customer_id AND " \
  "x.voids_id IS NOT NULL) "                                                                  \
  "AND NOT (o.voids_id IS NOT NULL AND o.amount_cents IS NULL) "                              \
  "GROUP BY o.customer_id"

// Adds one customer's figures (as FB_POPULATION_FIGURES reads them) to `pop`.
void AddFigures(const std::string& last_day, int64_t in_window, int64_t cents, int32_t today,
                RankingPopulation* pop) {
  const std::optional<int32_t> last = ParseDay(last_day);
  if (!last) return;
  pop->recency_days.push_back(today - *last);
  if (in_window > 0) {
    pop->frequency.push_back(static_cast<double>(in_window));
    pop->monetary_yuan.push_back(static_cast<double>(cents) / 100.0);
  }
}

// The ranking population of the customers `sql` reads (last day, orders and cents in the window,
// from column `first` on), each figure sorted.
Result<RankingPopulation> ReadPopulation(Db& db, const char* sql,
                                         std::initializer_list<Value> params, int first,
                                         int32_t today) {
  RankingPopulation pop;
  FB_RETURN_IF_ERROR(ForEachRow(db, sql, params, [&](Statement& s) {
    AddFigures(s.Text(first), s.Int(first + 1), s.Int(first + 2), today, &pop);
  }));
  std::sort(pop.recency_days.begin(), pop.recency_days.end());
  std::sort(pop.frequency.begin(), pop.frequency.end());
  std::sort(pop.monetary_yuan.begin(), pop.monetary_yuan.end());
  return pop;
}

}  // namespace

Status GradePopulation::Refresh(int32_t today, int window_days) {
  const std::string window_start = FormatDay(today - window_days);
  const std::string today_text = FormatDay(today);
  bool current = false;
  {
    FB_ASSIGN_OR_RETURN(Statement * raw, db_.Prepare("SELECT today, window_days FROM "
                                                     "fb_grade_population_basis WHERE one = 1"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool found, s->Step());
    current = found && s->Text(0) == today_text && s->Int(1) == window_days;
  }
  std::vector<std::string> dirty;
  if (current) {
    FB_RETURN_IF_ERROR(ForEachRow(db_, "SELECT customer_id FROM fb_grade_population_dirty", {},
                                  [&](Statement& s) { dirty.push_back(s.Text(0)); }));
    int64_t kept = 0;
    {
      FB_ASSIGN_OR_RETURN(Statement * count,
                          db_.Prepare("SELECT count(*) FROM fb_grade_population"));
      Stmt c(count);
      FB_ASSIGN_OR_RETURN(bool row, c->Step());
      kept = row ? c->Int(0) : 0;
    }
    // Many changed at once (a big pull): recomputing everything is cheaper.
    if (static_cast<int64_t>(dirty.size()) > std::max<int64_t>(64, kept / 10)) current = false;
  }
  if (!current) {
    FB_RETURN_IF_ERROR(RunWrite(db_, "DELETE FROM fb_grade_population"));
    FB_RETURN_IF_ERROR(RunWrite(db_,
                                "INSERT INTO fb_grade_population (customer_id, last_day, "
                                "orders_in_window, cents_in_window) " FB_POPULATION_FIGURES("1"),
                                {Value(window_start), Value(today_text)}));
    FB_RETURN_IF_ERROR(RunWrite(db_,
                                "INSERT INTO fb_grade_population_basis (one, today, window_days) "
                                "VALUES (1, ?1, ?2) ON CONFLICT (one) DO UPDATE SET today = ?1, "
                                "window_days = ?2",
                                {Value(today_text), Value(int64_t{window_days})}));
    FB_RETURN_IF_ERROR(RunWrite(db_, "DELETE FROM fb_grade_population_dirty"));
    FB_ASSIGN_OR_RETURN(Statement * count, db_.Prepare("SELECT count(*) FROM fb_grade_population"));
    Stmt c(count);
    FB_ASSIGN_OR_RETURN(bool row, c->Step());
    last_refreshed_ = row ? c->Int(0) : 0;
    return Status::Ok();
  }
  for (const std::string& id : dirty) {
    FB_RETURN_IF_ERROR(
        RunWrite(db_, "DELETE FROM fb_grade_population WHERE customer_id = ?", {Value(id)}));
    FB_RETURN_IF_ERROR(
        RunWrite(db_,
                 "INSERT INTO fb_grade_population (customer_id, last_day, "
                 "orders_in_window, cents_in_window) " FB_POPULATION_FIGURES("o.customer_id = ?3"),
                 {Value(window_start), Value(today_text), Value(id)}));
    FB_RETURN_IF_ERROR(
        RunWrite(db_, "DELETE FROM fb_grade_population_dirty WHERE customer_id = ?", {Value(id)}));
  }
  last_refreshed_ = static_cast<int64_t>(dirty.size());
  return Status::Ok();
}

Result<RankingPopulation> GradePopulation::Others(const std::string& customer_id, int32_t today,
                                                  int window_days) {
  FB_RETURN_IF_ERROR(Refresh(today, window_days));
  return ReadPopulation(db_,
                        "SELECT last_day, orders_in_window, cents_in_window FROM "
                        "fb_grade_population WHERE customer_id <> ?",
                        {customer_id}, 0, today);
}

Result<RankingPopulation> GradePopulation::FullRecompute(const std::string& customer_id,
                                                         int32_t today, int window_days) {
  return ReadPopulation(db_, FB_POPULATION_FIGURES("o.customer_id <> ?3"),
                        {FormatDay(today - window_days), FormatDay(today), customer_id}, 1, today);
}

}  // namespace fieldbook::client

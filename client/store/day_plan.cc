#include "store/day_plan.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include "fieldbook/dates.h"
#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "store/rows.h"

namespace fieldbook::client {

using internal::ForEachRow;
using internal::Stmt;

namespace {

// A follow-up's first columns, the same in both of its queries: its id (into `id`), the
// customer's id and name, the due date, the shown tier and whether that is provisional.
PlanItem ReadFollowUp(const Statement& s, std::string PlanItem::*id, const std::string& today) {
  PlanItem item;
  item.kind = PlanItem::Kind::kFollowUp;
  ReadTextColumns(
      s, 0, {&(item.*id), &item.customer_id, &item.customer_name, &item.due_date, &item.tier});
  item.tier_provisional = s.Int(5) != 0;
  item.days_overdue = DaysBetween(item.due_date, today);
  return item;
}

}  // namespace

Result<std::vector<PlanItem>> DayPlan::For(const std::string& today, size_t limit) {
  if (!IsValidDate(today)) {
    return Invalid("err_date_format", {{"value", today}});
  }
  if (limit == 0) return std::vector<PlanItem>();
  Db& db = db_;
  std::vector<PlanItem> follow_ups;
  FB_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT t.id, t.customer_id, c.name, t.due_date, " FB_SHOWN_TIER ", " FB_SHOWN_PROVISIONAL
      ", t.kind, t.title FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE t.deleted = "
      "0 AND t.status = 'open' AND c.deleted = 0 AND t.due_date IS NOT NULL AND t.due_date <> '' "
      "AND t.due_date <= ? ORDER BY t.due_date, c.name, t.id",
      {today}, [&](Statement& s) {
        PlanItem item = ReadFollowUp(s, &PlanItem::task_id, today);
        const bool overdue = item.days_overdue > 0;
        const std::string kind = s.Text(6);
        Phrase why{kind.empty() ? (overdue ? "plan_plain_task_overdue" : "plan_plain_task_due")
                                : (overdue ? "plan_task_overdue" : "plan_task_due"),
                   {{"kind", kind}, {"title", s.Text(7)}}};
        if (overdue) {
          why.values.emplace_back("due", item.due_date);
          why.values.emplace_back("days", std::to_string(item.days_overdue));
        }
        item.why = {std::move(why)};
        item.reason = SayAll(Lang::kEnglish, item.why);
        follow_ups.push_back(std::move(item));
      }));
  // Follow-ups promised at a customer's latest visit: a later visit settles them.
  std::set<std::string> seen;
  FB_RETURN_IF_ERROR(
      ForEachRow(
          db,
          "WITH live AS (SELECT v.* FROM visits v WHERE " FB_LIVE_VISIT "),"
          " latest AS (SELECT customer_id, max(check_in) AS last_in FROM live GROUP BY customer_id)"
          " SELECT v.id, v.customer_id, c.name, v.next_follow_up, " FB_SHOWN_TIER
          ", " FB_SHOWN_PROVISIONAL ", date(v.check_in, 'localtime')"
          " FROM live v JOIN latest l ON l.customer_id = v.customer_id"
          "   AND v.check_in = l.last_in JOIN customers c ON c.id = v.customer_id"
          " WHERE c.deleted = 0 AND v.next_follow_up IS NOT NULL"
          "   AND v.next_follow_up <> '' AND v.next_follow_up <= ?"
          " ORDER BY v.next_follow_up, c.name, v.id",
          {today}, [&](Statement& s) {
            PlanItem item = ReadFollowUp(s, &PlanItem::visit_id, today);
            if (!seen.insert(item.customer_id).second) return;
            const std::string visit_day = s.Text(6);
            item.why = {item.days_overdue > 0
                            ? Phrase{"plan_visit_follow_up_overdue",
                                     {{"visit_day", visit_day},
                                      {"due", item.due_date},
                                      {"days", std::to_string(item.days_overdue)}}}
                            : Phrase{"plan_visit_follow_up_due", {{"visit_day", visit_day}}}};
            item.reason = SayAll(Lang::kEnglish, item.why);
            follow_ups.push_back(std::move(item));
          }));
  // Most overdue first; on the same day, tasks before visit follow-ups (stable).
  std::stable_sort(follow_ups.begin(), follow_ups.end(),
                   [](const PlanItem& a, const PlanItem& b) { return a.due_date < b.due_date; });
  std::vector<PlanItem> plan;
  std::set<std::string> planned;
  for (PlanItem& item : follow_ups) {
    if (plan.size() >= limit) return plan;
    planned.insert(item.customer_id);
    plan.push_back(std::move(item));
  }

  FB_ASSIGN_OR_RETURN(
      Statement * raw,
      db.Prepare(
          "WITH last AS (SELECT v.customer_id, max(v.check_in) AS last_in FROM visits v"
          "   WHERE " FB_LIVE_VISIT " GROUP BY v.customer_id)"
          " SELECT c.id, c.name, " FB_SHOWN_TIER ", " FB_SHOWN_CHURN_RISK ","
          "   CAST(julianday(?1) - julianday(date(l.last_in, 'localtime')) AS INTEGER)"
          "     AS days,"
          "   CASE coalesce(" FB_SHOWN_TIER ", 'C') WHEN 'VIP' THEN -1 WHEN 'A' THEN 0"
          "     WHEN 'B' THEN 1 WHEN 'D' THEN 3 ELSE 2 END AS tier_rank, " FB_SHOWN_PROVISIONAL
          " FROM customers c LEFT JOIN last l ON l.customer_id = c.id"
          " WHERE c.deleted = 0 AND (days IS NULL OR days > 0)"
          " ORDER BY tier_rank, days IS NOT NULL, days DESC,"
          "   coalesce(" FB_SHOWN_CHURN_RISK ", 0) DESC, c.name, c.id"
          " LIMIT ?2"));
  Stmt s(raw);
  s->Bind(1, today).Bind(2, static_cast<int64_t>(limit + planned.size()));
  while (plan.size() < limit) {
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    PlanItem item;
    item.kind = PlanItem::Kind::kSuggestedVisit;
    item.customer_id = s->Text(0);
    if (planned.count(item.customer_id)) continue;
    item.customer_name = s->Text(1);
    item.tier = s->Text(2);
    item.tier_provisional = s->Int(6) != 0;
    item.churn_risk = s->RealOrNull(3);
    item.days_since_visit = s->IntOrNull(4);
    item.why.push_back(item.tier.empty()
                           ? Phrase{"plan_tier_ungraded", {}}
                           : Phrase{item.tier_provisional ? "plan_tier_provisional" : "plan_tier",
                                    {{"tier", item.tier}}});
    item.why.push_back(
        item.days_since_visit
            ? Phrase{"plan_last_visit", {{"days", std::to_string(*item.days_since_visit)}}}
            : Phrase{"plan_never_visited", {}});
    if (item.churn_risk && *item.churn_risk > 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", *item.churn_risk);
      item.why.push_back(Phrase{"plan_churn_risk", {{"risk", buf}}});
    }
    item.reason = SayAll(Lang::kEnglish, item.why);
    plan.push_back(std::move(item));
  }
  return plan;
}

}  // namespace fieldbook::client

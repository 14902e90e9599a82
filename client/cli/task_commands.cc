// fieldbook-cli task add/done/list and plan (cli_commands.h).
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

int RunTaskAdd(const CliContext& ctx, const NewTask& task) {
  const char* what = "task add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  return AnswerAdded(ctx, what, store->tasks().Add(task), "added task", " due " + task.due_date);
}

int RunTaskDone(const CliContext& ctx, const std::string& task) {
  const char* what = "task done";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  Status s = store->tasks().Complete(task);
  if (!s.ok()) return Fail(ctx, what, s);
  return Answer(ctx, json::object{{"id", task}, {"status", "done"}}, "task " + task + " done");
}

int RunTaskList(const CliContext& ctx, const TaskFilter& filter) {
  const char* what = "task list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto tasks = store->tasks().List(filter);
  if (!tasks.ok()) return Fail(ctx, what, tasks.status());
  if (ctx.json) {
    PrintJsonList(*tasks);
    return kExitOk;
  }
  for (const Task& t : *tasks) {
    std::cout << t.id << "  " << Or(t.due_date, "(no date)") << "  " << t.status << "  " << t.kind
              << "  \"" << t.title << "\"  " << t.customer_name << "\n";
  }
  std::cout << Plural(static_cast<int64_t>(tasks->size()), "task", "tasks") << "\n";
  return kExitOk;
}

int RunPlan(const CliContext& ctx, const std::string& date, size_t limit) {
  const char* what = "plan";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  const std::string today = date.empty() ? store->Today() : date;
  auto plan = store->plan().For(today, limit);
  if (!plan.ok()) return Fail(ctx, what, plan.status());
  // Computed on this device: a visit or an order logged offline counts at once.
  auto warnings = store->pool().ReclaimWarnings(today);
  if (!warnings.ok()) return Fail(ctx, what, warnings.status());
  // Birthdays and care tasks of the days ahead (store/care.h).
  auto care_days = store->care().Days();
  if (!care_days.ok()) return Fail(ctx, what, care_days.status());
  auto care = store->care().Upcoming(today, *care_days);
  if (!care.ok()) return Fail(ctx, what, care.status());
  if (ctx.json) {
    json::array items;
    for (const PlanItem& p : *plan) {
      const bool follow_up = p.kind == PlanItem::Kind::kFollowUp;
      items.push_back(json::object{{"kind", follow_up ? "follow_up" : "suggested_visit"},
                                   {"customer_id", p.customer_id},
                                   {"customer_name", TextOrNull(p.customer_name)},
                                   {"task_id", TextOrNull(p.task_id)},
                                   {"visit_id", TextOrNull(p.visit_id)},
                                   {"due_date", TextOrNull(p.due_date)},
                                   {"days_overdue", p.days_overdue},
                                   {"tier", TextOrNull(p.tier)},
                                   {"tier_provisional", p.tier_provisional},
                                   {"days_since_visit", OptOrNull(p.days_since_visit)},
                                   {"churn_risk", OptOrNull(p.churn_risk)},
                                   {"reason", p.reason},
                                   {"why", PhrasesJson(p.why)}});
    }
    json::array reclaim;
    for (const ReclaimWarning& w : *warnings) reclaim.push_back(ToJson(w));
    PrintJson(json::object{{"date", today},
                           {"items", std::move(items)},
                           {"reclaim_warnings", std::move(reclaim)},
                           {"care", CareJson(*care)},
                           {"care_days", *care_days}});
    return kExitOk;
  }
  // First: losing a customer to the pool is what a visit today can still prevent.
  if (!warnings->empty()) {
    std::cout << "Public pool (公海) warnings:\n";
    for (const ReclaimWarning& w : *warnings) {
      std::cout << "  ! " << w.message << "\n"
                << "    " << w.customer_id << "\n";
    }
  }
  std::cout << "Plan for " << today << ":\n";
  if (plan->empty()) std::cout << "  nothing due and no customers to suggest\n";
  for (size_t i = 0; i < plan->size(); ++i) {
    const PlanItem& p = (*plan)[i];
    std::cout << (i < 9 ? " " : "") << i + 1 << ". "
              << (p.kind == PlanItem::Kind::kFollowUp ? "[follow-up] " : "[visit]     ")
              << p.customer_name << " — " << SayAll(LangOf(ctx), p.why) << "\n"
              << "               " << p.customer_id << "\n";
  }
  PrintCare(*care, today, *care_days, LangOf(ctx));
  return kExitOk;
}

}  // namespace fieldbook::client::cli

// fieldbook-cli task add/done/list and plan (cli_commands.h).
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_commands.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "fieldbook/dates.h"

namespace fieldbook::client::cli {

namespace json = boost::json;

// A reclaim warning in the rep's language, from its values (the store's `message` is English,
// for --json readers): "鑫达汽修: will return to the public pool in 3 days unless ...".
std::string ReclaimText(Lang lang, const ReclaimWarning& w) {
  const std::string who = w.name.empty() ? w.customer_id : w.name;
  const std::string activity = w.last_activity.empty()
                                   ? Render(lang, "cli_reclaim_no_activity")
                                   : Render(lang, "cli_reclaim_last_activity", {w.last_activity});
  if (w.days_until > 1) {
    return Render(lang, "cli_reclaim_in_days", {who, std::to_string(w.days_until), activity});
  }
  if (w.days_until == 1) return Render(lang, "cli_reclaim_tomorrow", {who, activity});
  return Render(lang, "cli_reclaim_due", {who, AddDays(w.deadline, 1), activity});
}

int RunTaskAdd(const CliContext& ctx, const NewTask& task) {
  const char* what = "task add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  return AnswerAdded(ctx, what, store->tasks().Add(task), Render(LangOf(ctx), "cli_added_task"),
                     Render(LangOf(ctx), "cli_task_due", {task.due_date}));
}

int RunTaskDone(const CliContext& ctx, const std::string& task) {
  const char* what = "task done";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  Status s = store->tasks().Complete(task);
  if (!s.ok()) return Fail(ctx, what, s);
  return Answer(ctx, json::object{{"id", task}, {"status", "done"}},
                Render(LangOf(ctx), "cli_task_done", {task}));
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
  const Lang lang = LangOf(ctx);
  for (const Task& t : *tasks) {
    std::cout << t.id << "  " << (t.due_date.empty() ? Render(lang, "cli_no_date") : t.due_date)
              << "  " << EnumText(lang, "task_status", t.status) << "  "
              << EnumText(lang, "task_kind", t.kind) << "  \"" << t.title << "\"  "
              << t.customer_name << "\n";
  }
  std::cout << Count(lang, "cli_tasks", static_cast<int64_t>(tasks->size())) << "\n";
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
  const Lang lang = LangOf(ctx);
  if (!warnings->empty()) {
    std::cout << Render(lang, "cli_plan_pool_warnings") << "\n";
    for (const ReclaimWarning& w : *warnings) {
      std::cout << "  ! " << ReclaimText(lang, w) << "\n"
                << "    " << w.customer_id << "\n";
    }
  }
  std::cout << Render(lang, "cli_plan_for", {today}) << "\n";
  if (plan->empty()) std::cout << Render(lang, "cli_plan_nothing") << "\n";
  for (size_t i = 0; i < plan->size(); ++i) {
    const PlanItem& p = (*plan)[i];
    std::cout << (i < 9 ? " " : "") << i + 1 << ". "
              << Render(lang, p.kind == PlanItem::Kind::kFollowUp ? "cli_plan_follow_up"
                                                                  : "cli_plan_visit")
              << p.customer_name << " — " << SayAll(lang, p.why) << "\n"
              << "               " << p.customer_id << "\n";
  }
  PrintCare(*care, today, *care_days, lang);
  return kExitOk;
}

}  // namespace fieldbook::client::cli

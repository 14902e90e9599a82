// fieldbook-cli care list|task|days: customer care (issue #18; store/care.h) — birthdays of
// customers and contacts and the care tasks of the days ahead, and a care task made from a
// birthday. `plan` shows the same care items after the day's plan (task_commands.cc). This family
// wires itself (command_family.h).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/command_family.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "store/care.h"

namespace fieldbook::client::cli {

namespace {

namespace json = boost::json;

int RunCareList(const CliContext& ctx, const std::string& date, int64_t days) {
  const char* what = "care list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  const std::string today = date.empty() ? store->Today() : date;
  auto window = days >= 0 ? Result<int64_t>(days) : store->care().Days();
  if (!window.ok()) return Fail(ctx, what, window.status());
  auto items = store->care().Upcoming(today, *window);
  if (!items.ok()) return Fail(ctx, what, items.status());
  if (ctx.json) {
    PrintJson(json::object{{"date", today}, {"days", *window}, {"care", CareJson(*items)}});
    return kExitOk;
  }
  PrintCare(*items, today, *window, LangOf(ctx));
  return kExitOk;
}

int RunCareTask(const CliContext& ctx, const std::string& customer, const std::string& contact,
                const std::string& title) {
  const char* what = "care task";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  return AnswerAdded(ctx, what,
                     store->care().ScheduleBirthday(store->tasks(), store->Today(), customer,
                                                    contact, title, LangOf(ctx)),
                     Render(LangOf(ctx), "cli_added_care_task"));
}

void AddCareCommands(CLI::App& app, CliWiring& w) {
  (void)app;
  CLI::App* care = w.group("care", "help_care");

  auto date = std::make_shared<std::string>();
  auto days = std::make_shared<int64_t>(-1);
  CLI::App* list = w.leaf(care, "list", "help_care_list");
  list->add_option("--date", *date, w.help("help_care_list_date"));
  list->add_option("--days", *days, w.help("help_care_list_days"));
  list->callback([&w, date, days] {
    w.action = [&w, date, days] { return RunCareList(w.ctx, *date, *days); };
  });

  auto customer = std::make_shared<std::string>();
  auto contact = std::make_shared<std::string>();
  auto title = std::make_shared<std::string>();
  CLI::App* task = w.leaf(care, "task", "help_care_task");
  task->add_option("customer", *customer, w.help("help_customer_ref"))->required();
  task->add_option("--contact", *contact, w.help("help_care_task_contact"));
  task->add_option("--title", *title, w.help("help_care_task_title"));
  task->callback([&w, customer, contact, title] {
    w.action = [&w, customer, contact, title] {
      return RunCareTask(w.ctx, *customer, *contact, *title);
    };
  });

  AddNumberSetting(
      w, care,
      {"days", "help_care_days", "days", "help_care_days_set", "care days", "days",
       [](ClientStore& store, int64_t n) { return store.care().SetDays(n); },
       [](ClientStore& store) { return store.care().Days(); },
       [](Lang lang, int64_t n) { return Render(lang, "cli_care_days", {std::to_string(n)}); }});
}

const CommandFamily kCareCommands{"care", &AddCareCommands};

}  // namespace

json::array CareJson(const std::vector<CareItem>& items) {
  json::array out;
  for (const CareItem& c : items) {
    out.push_back(
        json::object{{"kind", c.kind == CareItem::Kind::kBirthday ? "birthday" : "care_task"},
                     {"customer_id", c.customer_id},
                     {"customer_name", TextOrNull(c.customer_name)},
                     {"contact_id", TextOrNull(c.contact_id)},
                     {"contact_name", TextOrNull(c.contact_name)},
                     {"task_id", TextOrNull(c.task_id)},
                     {"date", c.date},
                     {"days_until", c.days_until},
                     {"reason", c.reason},
                     {"why", PhrasesJson({c.why})}});
  }
  return out;
}

void PrintCare(const std::vector<CareItem>& items, const std::string& today, int64_t days,
               Lang lang) {
  std::cout << Render(lang, "cli_care_head", {today, std::to_string(days)}) << "\n";
  if (items.empty()) std::cout << Render(lang, "cli_care_none") << "\n";
  for (const CareItem& c : items) {
    std::cout << "  * " << Say(lang, c.why, c.reason) << "\n";
    if (c.kind == CareItem::Kind::kBirthday) {
      // The command that makes a care task of it.
      std::cout << "      "
                << Render(
                       lang, "cli_care_make_task",
                       {c.customer_id + (c.contact_id.empty() ? "" : " --contact " + c.contact_id)})
                << "\n";
    } else {
      std::cout << "      " << Render(lang, "cli_care_task_id", {c.task_id}) << "\n";
    }
  }
}

}  // namespace fieldbook::client::cli

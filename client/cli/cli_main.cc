// fieldbook-cli: a rep's Fieldbook on the command line, working offline against the local replica
// and syncing with the server when it can. main() parses the command line and calls the commands
// declared in cli_commands.h (one file per command family in client/cli/); families that wire
// themselves (command_family.h) add their subcommands after main's own.
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <map>

#include "cli/cli_commands.h"
#include "cli/command_family.h"
#include "cli/help_format.h"
#include "fieldbook/command_line.h"

namespace {

using namespace fieldbook::client;
using namespace fieldbook::client::cli;

std::string OptionName(const std::string& field) {
  std::string name = "--" + field;
  for (char& c : name) {
    if (c == '_') c = '-';
  }
  return name;
}

// The named customer-field options (--name, --name-latin, --phone, ...) plus the generic
// --set FIELD=VALUE; only the options given become fields of the write.
struct FieldOptions {
  std::map<std::string, std::string> values;
  std::map<std::string, CLI::Option*> options;
  std::vector<std::string> set;
  std::vector<std::string> clear;

  void Add(CLI::App* cmd, bool with_clear, Lang lang) {
    for (const EditableField& f : Customers::EditableFields()) {
      options[f.name] = cmd->add_option(OptionName(f.name), values[f.name], HelpText(lang, f.help));
    }
    cmd->add_option("--set", set, HelpText(lang, "help_customer_set"));
    if (with_clear) cmd->add_option("--clear", clear, HelpText(lang, "help_customer_clear"));
  }

  std::vector<FieldValue> Collect(Lang lang) const {
    std::vector<FieldValue> out;
    for (const EditableField& f : Customers::EditableFields()) {
      if (options.at(f.name)->count() > 0) out.push_back({f.name, values.at(f.name)});
    }
    for (const std::string& s : set) {
      const size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw CLI::ValidationError("--set", HelpText(lang, "help_err_set_form", {s}));
      }
      out.push_back({s.substr(0, eq), s.substr(eq + 1)});
    }
    for (const std::string& c : clear) out.push_back({c, std::nullopt});
    return out;
  }
};

}  // namespace

int main(int argc, char** argv) {
  // Every description is the help table's text (lang/help_texts.h) in the language the commands
  // print in; --help is answered while parsing, so the language is read from argv first.
  const Lang lang = HelpLang(argc, argv);
  const auto H = [lang](const char* code) { return HelpText(lang, code); };
  CLI::App app{H("help_app")};
  UseHelpLanguage(app, lang);
  app.require_subcommand(1);
  CliContext ctx;
  std::function<int()> action;
  auto common = [&ctx, &H](CLI::App* cmd) {
    cmd->add_option("--replica", ctx.replica, H("help_replica"));
    cmd->add_flag("--json", ctx.json, H("help_json"));
    cmd->add_option("--lang", ctx.lang, H("help_lang"))->check(CLI::IsMember({"en", "zh"}));
  };
  common(&app);
  auto leaf = [&](CLI::App* parent, const char* name, const char* help_code) {
    CLI::App* cmd = parent->add_subcommand(name, H(help_code));
    common(cmd);
    return cmd;
  };
  auto group = [&](const char* name, const char* help_code) {
    const auto same_name = [name](CLI::App* sub) { return sub->get_name() == name; };
    if (auto existing = app.get_subcommands(same_name); !existing.empty()) return existing.front();
    CLI::App* cmd = app.add_subcommand(name, H(help_code));
    cmd->require_subcommand(1);
    return cmd;
  };

  // init
  InitOptions init_options;
  CLI::App* init = leaf(&app, "init", "help_init");
  init->add_option("--server", init_options.server, H("help_init_server"))->required();
  CLI::Option* token_option = init->add_option("--token", init_options.token, H("help_init_token"));
  init->add_option("--code", init_options.code, H("help_init_code"))->excludes(token_option);
  init->add_option("--rep", init_options.rep, H("help_init_rep"));
  init->add_option("--name", init_options.name, H("help_init_name"));
  init->add_option("--ca-file", init_options.ca_file, H("help_init_ca_file"));
  init->add_flag("--insecure-http", init_options.insecure_http, H("help_init_insecure_http"));
  init->callback([&] { action = [&] { return RunInit(ctx, init_options); }; });

  RecoverOptions recover_options;
  CLI::App* recover = leaf(&app, "recover", "help_recover");
  recover->add_option("--server", recover_options.server, H("help_recover_server"));
  recover->add_option("--token", recover_options.token, H("help_recover_token"));
  recover->callback([&] { action = [&] { return RunRecover(ctx, recover_options); }; });

  CLI::App* sync = leaf(&app, "sync", "help_sync");
  uint32_t sync_page_rows = 0;
  sync->add_option("--page-rows", sync_page_rows, H("help_sync_page_rows"))
      ->check(CLI::Range(1, 5000));
  int64_t sync_batch_rows = -1;
  sync->add_option("--batch-rows", sync_batch_rows, H("help_sync_batch_rows"))
      ->check(CLI::Range(0, 10000000));
  sync->callback([&] { action = [&] { return RunSync(ctx, sync_page_rows, sync_batch_rows); }; });

  CLI::App* status = leaf(&app, "status", "help_status");
  status->callback([&] { action = [&] { return RunStatus(ctx); }; });

  // customer
  CLI::App* customer = group("customer", "help_customer");
  FieldOptions add_fields;
  CLI::App* c_add = leaf(customer, "add", "help_customer_add");
  add_fields.Add(c_add, /*with_clear=*/false, lang);
  c_add->callback([&] {
    auto fields = add_fields.Collect(lang);
    action = [&ctx, fields] { return RunCustomerAdd(ctx, fields); };
  });
  FieldOptions edit_fields;
  std::string customer_ref;
  CLI::App* c_edit = leaf(customer, "edit", "help_customer_edit");
  c_edit->add_option("customer", customer_ref, H("help_customer_ref"))->required();
  edit_fields.Add(c_edit, /*with_clear=*/true, lang);
  c_edit->callback([&] {
    auto fields = edit_fields.Collect(lang);
    action = [&ctx, &customer_ref, fields] { return RunCustomerEdit(ctx, customer_ref, fields); };
  });
  CLI::App* c_show = leaf(customer, "show", "help_customer_show");
  c_show->add_option("customer", customer_ref, H("help_customer_ref"))->required();
  c_show->callback([&] { action = [&] { return RunCustomerShow(ctx, customer_ref); }; });
  CustomerFilter filter;
  std::string stage, type, region_class, tier;
  CLI::App* c_list = leaf(customer, "list", "help_customer_list");
  auto* stage_opt = c_list->add_option("--stage", stage, H("help_customer_list_stage"));
  auto* type_opt = c_list->add_option("--type", type, H("help_customer_list_type"));
  auto* region_opt =
      c_list->add_option("--region-class", region_class, H("help_customer_list_region_class"));
  auto* tier_opt = c_list->add_option("--tier", tier, H("help_customer_list_tier"));
  c_list->add_flag("--overdue", filter.overdue, H("help_customer_list_overdue"));
  c_list->add_option("--date", filter.today, H("help_customer_list_date"));
  c_list->add_option("--limit", filter.limit, H("help_limit_all"))->capture_default_str();
  std::string pref;
  auto* pref_opt = c_list->add_option("--pref", pref, H("help_customer_list_pref"));
  c_list->callback([&] {
    if (pref_opt->count()) {
      filter.pref_kind.emplace();
      SplitPref(pref, *filter.pref_kind, filter.pref_value.emplace(), lang);
    }
    if (stage_opt->count()) filter.stage = stage;
    if (type_opt->count()) filter.type = type;
    if (region_opt->count()) filter.region_class = region_class;
    if (tier_opt->count()) filter.tier = tier;
    action = [&] { return RunCustomerList(ctx, filter); };
  });
  std::vector<std::string> query_words;
  size_t search_limit = 20;
  CLI::App* c_search = leaf(customer, "search", "help_customer_search");
  c_search->add_option("query", query_words, H("help_customer_search_query"))->required();
  c_search->add_option("--limit", search_limit, H("help_limit"))->capture_default_str();
  c_search->callback([&] {
    std::string query;
    for (const std::string& w : query_words) query += (query.empty() ? "" : " ") + w;
    action = [&ctx, query, &search_limit] { return RunCustomerSearch(ctx, query, search_limit); };
  });

  // product: the catalogue and price list, read-only on the device (it arrives with every sync)
  CLI::App* product = group("product", "help_product");
  std::vector<std::string> product_words;
  size_t product_limit = 20;
  bool product_all = false;
  CLI::App* p_search = leaf(product, "search", "help_product_search");
  p_search->add_option("text", product_words, H("help_product_search_text"))->required();
  p_search->add_option("--limit", product_limit, H("help_product_search_limit"))
      ->check(CLI::Range(1, 500))
      ->capture_default_str();
  p_search->add_flag("--all", product_all, H("help_product_search_all"));
  p_search->callback([&] {
    std::string text;
    for (const std::string& w : product_words) text += (text.empty() ? "" : " ") + w;
    action = [&ctx, text, &product_limit, &product_all] {
      return RunProductSearch(ctx, text, product_limit, product_all);
    };
  });

  // contact
  CLI::App* contact_group = group("contact", "help_contact");
  Contact contact;
  std::string contact_customer;
  CLI::App* k_add = leaf(contact_group, "add", "help_contact_add");
  k_add->add_option("--customer", contact_customer, H("help_customer_ref"))->required();
  k_add->add_option("--name", contact.name, H("help_contact_name"))->required();
  k_add->add_option("--title", contact.title, H("help_contact_title"));
  k_add->add_option("--phone", contact.phone, H("help_contact_phone"));
  k_add->add_option("--wechat", contact.wechat, H("help_contact_wechat"));
  k_add->add_option("--email", contact.email, H("help_contact_email"));
  k_add->add_option("--birthday", contact.birthday, H("help_contact_birthday"));
  k_add->add_flag("--primary", contact.is_primary, H("help_contact_primary"));
  k_add->add_option("--notes", contact.notes, H("help_notes"));
  k_add->callback([&] { action = [&] { return RunContactAdd(ctx, contact_customer, contact); }; });

  // visit
  CLI::App* visit_group = group("visit", "help_visit");
  NewVisit visit;
  double lat = 0, lon = 0;
  CLI::App* v_log = leaf(visit_group, "log", "help_visit_log");
  v_log->add_option("--customer", visit.customer_id, H("help_customer_ref"))->required();
  v_log->add_option("--check-in", visit.check_in, H("help_visit_log_check_in"));
  v_log->add_option("--check-out", visit.check_out, H("help_visit_log_check_out"));
  auto* lat_opt = v_log->add_option("--lat", lat, H("help_visit_log_lat"));
  auto* lon_opt = v_log->add_option("--lon", lon, H("help_visit_log_lon"));
  v_log->add_option("--purpose", visit.purpose, H("help_visit_purpose"));
  v_log->add_option("--outcome", visit.outcome, H("help_visit_outcome"));
  v_log->add_option("--notes", visit.notes, H("help_notes"));
  v_log->add_option("--next-follow-up", visit.next_follow_up, H("help_visit_next_follow_up"));
  v_log->callback([&] {
    if (lat_opt->count()) visit.lat = lat;
    if (lon_opt->count()) visit.lon = lon;
    action = [&] { return RunVisitLog(ctx, visit); };
  });

  // order (order_commands.cc)
  AddOrderCommands(group("order", "help_order"), ctx, action, leaf, lang);

  // task
  CLI::App* task_group = group("task", "help_task");
  NewTask task;
  CLI::App* t_add = leaf(task_group, "add", "help_task_add");
  t_add->add_option("--customer", task.customer_id, H("help_customer_ref"))->required();
  t_add->add_option("--due", task.due_date, H("help_task_due"))->required();
  t_add->add_option("--title", task.title, H("help_task_title"))->required();
  t_add->add_option("--kind", task.kind, H("help_task_kind"))->capture_default_str();
  t_add->add_option("--notes", task.notes, H("help_notes"));
  t_add->callback([&] { action = [&] { return RunTaskAdd(ctx, task); }; });
  std::string task_ref;
  CLI::App* t_done = leaf(task_group, "done", "help_task_done");
  t_done->add_option("task", task_ref, H("help_task_ref"))->required();
  t_done->callback([&] { action = [&] { return RunTaskDone(ctx, task_ref); }; });
  TaskFilter task_filter;
  CLI::App* t_list = leaf(task_group, "list", "help_task_list");
  t_list->add_flag("--all", task_filter.include_closed, H("help_task_list_all"));
  t_list->add_option("--customer", task_filter.customer_id, H("help_task_list_customer"));
  t_list->add_option("--due-by", task_filter.due_by, H("help_task_list_due_by"));
  t_list->callback([&] { action = [&] { return RunTaskList(ctx, task_filter); }; });

  // feedback
  CLI::App* feedback_group = group("feedback", "help_feedback");
  NewFeedback feedback;
  int64_t satisfaction = 0;
  CLI::App* f_add = leaf(feedback_group, "add", "help_feedback_add");
  f_add->add_option("--customer", feedback.customer_id, H("help_customer_ref"))->required();
  auto* sat_opt =
      f_add->add_option("--satisfaction", satisfaction, H("help_feedback_satisfaction"));
  f_add->add_option("--complaint", feedback.complaint, H("help_feedback_complaint"));
  f_add->callback([&] {
    if (sat_opt->count()) feedback.satisfaction = satisfaction;
    action = [&] { return RunFeedbackAdd(ctx, feedback); };
  });

  // review
  CLI::App* review_group = group("review", "help_review");
  CLI::App* r_list = leaf(review_group, "list", "help_review_list");
  bool review_all = false;
  r_list->add_flag("--all", review_all, H("help_review_list_all"));
  r_list->callback([&] { action = [&] { return RunReviewList(ctx, review_all); }; });

  std::string out_path;
  CLI::App* exp = leaf(&app, "export", "help_export");
  exp->add_option("--out", out_path, H("help_export_out"));
  exp->callback([&] { action = [&] { return RunExport(ctx, out_path); }; });

  std::string plan_date;
  size_t plan_limit = 10;
  CLI::App* plan = leaf(&app, "plan", "help_plan");
  plan->add_option("--date", plan_date, H("help_plan_date"));
  plan->add_option("--limit", plan_limit, H("help_plan_limit"))->capture_default_str();
  plan->callback([&] { action = [&] { return RunPlan(ctx, plan_date, plan_limit); }; });

  // pool (公海)
  CLI::App* pool_group = group("pool", "help_pool");
  CLI::App* p_list = leaf(pool_group, "list", "help_pool_list");
  p_list->callback([&] { action = [&] { return RunPoolList(ctx); }; });
  std::string pool_customer, pool_reason;
  CLI::App* p_claim = leaf(pool_group, "claim", "help_pool_claim");
  p_claim->add_option("customer", pool_customer, H("help_pool_claim_customer"))->required();
  p_claim->callback([&] { action = [&] { return RunPoolClaim(ctx, pool_customer); }; });
  CLI::App* p_release = leaf(pool_group, "release", "help_pool_release");
  p_release->add_option("customer", pool_customer, H("help_customer_ref"))->required();
  p_release->add_option("--reason", pool_reason, H("help_pool_release_reason"))->required();
  p_release->callback(
      [&] { action = [&] { return RunPoolRelease(ctx, pool_customer, pool_reason); }; });
  CLI::App* p_requests = leaf(pool_group, "requests", "help_pool_requests");
  p_requests->callback([&] { action = [&] { return RunPoolRequests(ctx); }; });

  CliWiring wiring{ctx, action, leaf, group, lang};
  AddCommandFamilies(app, wiring);

  const std::optional<int> parsed =
      fieldbook::ParseCommandLine(app, argc, argv, "fieldbook-cli", kExitUsage,
                                  [lang](const CLI::ParseError& e) { return UsageError(lang, e); });
  if (parsed) return *parsed;
  if (!action) {
    std::cerr << "fieldbook-cli: "
              << HelpText(lang, "help_err_line", {HelpText(lang, "help_err_no_command")}) << "\n";
    return kExitUsage;
  }
  return action();
}

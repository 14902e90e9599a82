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

  void Add(CLI::App* cmd, bool with_clear) {
    for (const EditableField& f : Customers::EditableFields()) {
      options[f.name] = cmd->add_option(OptionName(f.name), values[f.name], f.help);
    }
    cmd->add_option("--set", set, "FIELD=VALUE, for any customer field (repeatable)");
    if (with_clear) cmd->add_option("--clear", clear, "empty a field (repeatable)");
  }

  std::vector<FieldValue> Collect() const {
    std::vector<FieldValue> out;
    for (const EditableField& f : Customers::EditableFields()) {
      if (options.at(f.name)->count() > 0) out.push_back({f.name, values.at(f.name)});
    }
    for (const std::string& s : set) {
      const size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw CLI::ValidationError("--set", "must look like FIELD=VALUE (not '" + s + "')");
      }
      out.push_back({s.substr(0, eq), s.substr(eq + 1)});
    }
    for (const std::string& c : clear) out.push_back({c, std::nullopt});
    return out;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "fieldbook-cli: your customers, visits, orders and follow-ups, offline; `sync` exchanges "
      "changes with the server"};
  app.require_subcommand(1);
  CliContext ctx;
  std::function<int()> action;
  auto common = [&ctx](CLI::App* cmd) {
    cmd->add_option("--replica", ctx.replica,
                    "replica file (default: $FIELDBOOK_REPLICA, else "
                    "~/.local/share/fieldbook/replica.db)");
    cmd->add_flag("--json", ctx.json, "print JSON");
    cmd->add_option("--lang", ctx.lang, "language of messages: en or zh (default: from the locale)")
        ->check(CLI::IsMember({"en", "zh"}));
  };
  common(&app);
  auto leaf = [&](CLI::App* parent, const char* name, const char* description) {
    CLI::App* cmd = parent->add_subcommand(name, description);
    common(cmd);
    return cmd;
  };
  auto group = [&](const char* name, const char* description) {
    const auto same_name = [name](CLI::App* sub) { return sub->get_name() == name; };
    if (auto existing = app.get_subcommands(same_name); !existing.empty()) return existing.front();
    CLI::App* cmd = app.add_subcommand(name, description);
    cmd->require_subcommand(1);
    return cmd;
  };

  // init
  InitOptions init_options;
  CLI::App* init = leaf(&app, "init", "set this device up with the server and a device token");
  init->add_option("--server", init_options.server, "server URL, e.g. https://fieldbook.example")
      ->required();
  CLI::Option* token_option =
      init->add_option("--token", init_options.token, "this device's token (from your manager)");
  init->add_option("--code", init_options.code,
                   "a one-time setup code from your manager (ABCDE-FGHJK), instead of --token")
      ->excludes(token_option);
  init->add_option("--rep", init_options.rep,
                   "your rep id; required when the server cannot be reached");
  init->add_option("--name", init_options.name, "your name (offline set-up only)");
  init->add_option("--ca-file", init_options.ca_file,
                   "PEM file of the private CA that signed the server's certificate");
  init->add_flag("--insecure-http", init_options.insecure_http,
                 "allow plain http:// to a host other than this machine (trusted networks only)");
  init->callback([&] { action = [&] { return RunInit(ctx, init_options); }; });

  RecoverOptions recover_options;
  CLI::App* recover = leaf(&app, "recover",
                           "rebuild a damaged replica from the server, keeping the changes it has "
                           "not synced yet");
  recover->add_option("--server", recover_options.server,
                      "server URL, when the damaged replica's settings cannot be read");
  recover->add_option("--token", recover_options.token,
                      "this device's token, when the damaged replica's settings cannot be read");
  recover->callback([&] { action = [&] { return RunRecover(ctx, recover_options); }; });

  CLI::App* sync = leaf(&app, "sync", "send local changes to the server and receive its changes");
  uint32_t sync_page_rows = 0;
  sync->add_option("--page-rows", sync_page_rows,
                   "rows per pull page (default: growing from 1000 to the server's cap)")
      ->check(CLI::Range(1, 5000));
  int64_t sync_batch_rows = -1;
  sync->add_option("--batch-rows", sync_batch_rows,
                   "rows of a long pull stored per transaction (default 60000; 0: one per page)")
      ->check(CLI::Range(0, 10000000));
  sync->callback([&] { action = [&] { return RunSync(ctx, sync_page_rows, sync_batch_rows); }; });

  CLI::App* status =
      leaf(&app, "status", "pending changes, last sync, server, review list, clock skew");
  status->callback([&] { action = [&] { return RunStatus(ctx); }; });

  // customer
  CLI::App* customer = group("customer", "add, edit, show, list and search customers");
  FieldOptions add_fields;
  CLI::App* c_add = leaf(customer, "add", "add a customer (owned by you)");
  add_fields.Add(c_add, /*with_clear=*/false);
  c_add->callback([&] {
    auto fields = add_fields.Collect();
    action = [&ctx, fields] { return RunCustomerAdd(ctx, fields); };
  });
  FieldOptions edit_fields;
  std::string customer_ref;
  CLI::App* c_edit = leaf(customer, "edit", "change the named fields of a customer");
  c_edit->add_option("customer", customer_ref, "customer id (or a unique prefix)")->required();
  edit_fields.Add(c_edit, /*with_clear=*/true);
  c_edit->callback([&] {
    auto fields = edit_fields.Collect();
    action = [&ctx, &customer_ref, fields] { return RunCustomerEdit(ctx, customer_ref, fields); };
  });
  CLI::App* c_show =
      leaf(customer, "show", "a customer's profile, contacts, visits, orders, tasks, feedback");
  c_show->add_option("customer", customer_ref, "customer id (or a unique prefix)")->required();
  c_show->callback([&] { action = [&] { return RunCustomerShow(ctx, customer_ref); }; });
  CustomerFilter filter;
  std::string stage, type, region_class, tier;
  CLI::App* c_list = leaf(customer, "list", "list customers");
  auto* stage_opt =
      c_list->add_option("--stage", stage, "purchase stage: aware, interested, deciding, customer");
  auto* type_opt =
      c_list->add_option("--type", type, "customer type: garage, dealer, fleet, individual");
  auto* region_opt = c_list->add_option("--region-class", region_class,
                                        "region class: local, domestic, international");
  auto* tier_opt = c_list->add_option("--tier", tier, "grade tier A-D (ungraded counts as C)");
  c_list->add_flag("--overdue", filter.overdue, "only customers with an overdue follow-up");
  c_list->add_option("--date", filter.today, "today's date for --overdue (default: today)");
  c_list->add_option("--limit", filter.limit, "at most this many (0 = all)")->capture_default_str();
  std::string pref;
  auto* pref_opt = c_list->add_option(
      "--pref", pref, "only customers with this preference KIND=VALUE, e.g. payment_terms=月结");
  c_list->callback([&] {
    if (pref_opt->count()) {
      filter.pref_kind.emplace();
      SplitPref(pref, *filter.pref_kind, filter.pref_value.emplace());
    }
    if (stage_opt->count()) filter.stage = stage;
    if (type_opt->count()) filter.type = type;
    if (region_opt->count()) filter.region_class = region_class;
    if (tier_opt->count()) filter.tier = tier;
    action = [&] { return RunCustomerList(ctx, filter); };
  });
  std::vector<std::string> query_words;
  size_t search_limit = 20;
  CLI::App* c_search = leaf(customer, "search",
                            "find customers by name, pinyin, city, phone, contact or visit notes");
  c_search->add_option("query", query_words, "words to look for (all must match)")->required();
  c_search->add_option("--limit", search_limit, "at most this many")->capture_default_str();
  c_search->callback([&] {
    std::string query;
    for (const std::string& w : query_words) query += (query.empty() ? "" : " ") + w;
    action = [&ctx, query, &search_limit] { return RunCustomerSearch(ctx, query, search_limit); };
  });

  // product: the catalogue and price list, read-only on the device (it arrives with every sync)
  CLI::App* product = group("product", "search the product catalogue");
  std::vector<std::string> product_words;
  size_t product_limit = 20;
  bool product_all = false;
  CLI::App* p_search = leaf(product, "search", "find products by part number, name or brand");
  p_search->add_option("text", product_words, "what the part number, name or brand contains")
      ->required();
  p_search->add_option("--limit", product_limit, "at most this many (1-500)")
      ->check(CLI::Range(1, 500))
      ->capture_default_str();
  p_search->add_flag("--all", product_all, "discontinued products too");
  p_search->callback([&] {
    std::string text;
    for (const std::string& w : product_words) text += (text.empty() ? "" : " ") + w;
    action = [&ctx, text, &product_limit, &product_all] {
      return RunProductSearch(ctx, text, product_limit, product_all);
    };
  });

  // contact
  CLI::App* contact_group = group("contact", "a customer's contacts");
  Contact contact;
  std::string contact_customer;
  CLI::App* k_add = leaf(contact_group, "add", "add a contact person to a customer");
  k_add->add_option("--customer", contact_customer, "customer id (or a unique prefix)")->required();
  k_add->add_option("--name", contact.name, "name")->required();
  k_add->add_option("--title", contact.title, "owner, workshop manager, buyer...");
  k_add->add_option("--phone", contact.phone, "phone");
  k_add->add_option("--wechat", contact.wechat, "WeChat id");
  k_add->add_option("--email", contact.email, "email");
  k_add->add_option("--birthday", contact.birthday, "YYYY-MM-DD");
  k_add->add_flag("--primary", contact.is_primary, "the main contact");
  k_add->add_option("--notes", contact.notes, "notes");
  k_add->callback([&] { action = [&] { return RunContactAdd(ctx, contact_customer, contact); }; });

  // visit
  CLI::App* visit_group = group("visit", "visits to customers");
  NewVisit visit;
  double lat = 0, lon = 0;
  CLI::App* v_log = leaf(visit_group, "log", "record a visit (a fact: it is never edited)");
  v_log->add_option("--customer", visit.customer_id, "customer id (or a unique prefix)")
      ->required();
  v_log->add_option("--check-in", visit.check_in,
                    "when you arrived, e.g. 2026-11-23T09:30 (local) or ...Z (default: now)");
  v_log->add_option("--check-out", visit.check_out, "when you left");
  auto* lat_opt = v_log->add_option("--lat", lat, "latitude");
  auto* lon_opt = v_log->add_option("--lon", lon, "longitude");
  v_log->add_option("--purpose", visit.purpose, "why you went");
  v_log->add_option("--outcome", visit.outcome, "what came of it");
  v_log->add_option("--notes", visit.notes, "notes");
  v_log->add_option("--next-follow-up", visit.next_follow_up, "follow up on YYYY-MM-DD");
  v_log->callback([&] {
    if (lat_opt->count()) visit.lat = lat;
    if (lon_opt->count()) visit.lon = lon;
    action = [&] { return RunVisitLog(ctx, visit); };
  });

  // order (order_commands.cc)
  AddOrderCommands(group("order", "orders"), ctx, action, leaf);

  // task
  CLI::App* task_group = group("task", "follow-up tasks");
  NewTask task;
  CLI::App* t_add = leaf(task_group, "add", "add a follow-up task");
  t_add->add_option("--customer", task.customer_id, "customer id (or a unique prefix)")->required();
  t_add->add_option("--due", task.due_date, "due date YYYY-MM-DD")->required();
  t_add->add_option("--title", task.title, "what to do")->required();
  t_add->add_option("--kind", task.kind, "call, visit, care or birthday")->capture_default_str();
  t_add->add_option("--notes", task.notes, "notes");
  t_add->callback([&] { action = [&] { return RunTaskAdd(ctx, task); }; });
  std::string task_ref;
  CLI::App* t_done = leaf(task_group, "done", "mark a task done");
  t_done->add_option("task", task_ref, "task id (or a unique prefix)")->required();
  t_done->callback([&] { action = [&] { return RunTaskDone(ctx, task_ref); }; });
  TaskFilter task_filter;
  CLI::App* t_list = leaf(task_group, "list", "list open tasks, earliest due first");
  t_list->add_flag("--all", task_filter.include_closed, "include done and cancelled tasks");
  t_list->add_option("--customer", task_filter.customer_id, "only this customer's");
  t_list->add_option("--due-by", task_filter.due_by, "only tasks due by YYYY-MM-DD");
  t_list->callback([&] { action = [&] { return RunTaskList(ctx, task_filter); }; });

  // feedback
  CLI::App* feedback_group = group("feedback", "customer feedback");
  NewFeedback feedback;
  int64_t satisfaction = 0;
  CLI::App* f_add = leaf(feedback_group, "add", "record a customer's satisfaction or complaint");
  f_add->add_option("--customer", feedback.customer_id, "customer id (or a unique prefix)")
      ->required();
  auto* sat_opt = f_add->add_option("--satisfaction", satisfaction, "1 (poor) to 5 (excellent)");
  f_add->add_option("--complaint", feedback.complaint, "what the customer complained about");
  f_add->callback([&] {
    if (sat_opt->count()) feedback.satisfaction = satisfaction;
    action = [&] { return RunFeedbackAdd(ctx, feedback); };
  });

  // review
  CLI::App* review_group = group("review", "changes the server refused or diverted");
  CLI::App* r_list =
      leaf(review_group, "list", "refused or conflicting changes with the server's reasons");
  bool review_all = false;
  r_list->add_flag("--all", review_all, "also the items a manager resolved on the server");
  r_list->callback([&] { action = [&] { return RunReviewList(ctx, review_all); }; });

  std::string out_path;
  CLI::App* exp = leaf(&app, "export",
                       "canonical export of this replica (the format of fieldbook-server export)");
  exp->add_option("--out", out_path, "file (default: standard output)");
  exp->callback([&] { action = [&] { return RunExport(ctx, out_path); }; });

  std::string plan_date;
  size_t plan_limit = 10;
  CLI::App* plan = leaf(&app, "plan", "today's follow-ups first, then suggested visits");
  plan->add_option("--date", plan_date, "plan for YYYY-MM-DD (default: today)");
  plan->add_option("--limit", plan_limit, "at most this many items")->capture_default_str();
  plan->callback([&] { action = [&] { return RunPlan(ctx, plan_date, plan_limit); }; });

  // pool (公海)
  CLI::App* pool_group =
      group("pool", "the public pool (公海): customers no rep holds, claims and releases");
  CLI::App* p_list =
      leaf(pool_group, "list", "the pool in your regions, as of the last sync (works offline)");
  p_list->callback([&] { action = [&] { return RunPoolList(ctx); }; });
  std::string pool_customer, pool_reason;
  CLI::App* p_claim = leaf(pool_group, "claim",
                           "ask for a pooled customer; the next sync sends it and the server "
                           "grants or refuses it");
  p_claim->add_option("customer", pool_customer, "customer id (or a unique prefix, or its name)")
      ->required();
  p_claim->callback([&] { action = [&] { return RunPoolClaim(ctx, pool_customer); }; });
  CLI::App* p_release =
      leaf(pool_group, "release", "give one of your customers back to the pool (at the next sync)");
  p_release->add_option("customer", pool_customer, "customer id (or a unique prefix)")->required();
  p_release->add_option("--reason", pool_reason, "why (recorded by the server)")->required();
  p_release->callback(
      [&] { action = [&] { return RunPoolRelease(ctx, pool_customer, pool_reason); }; });
  CLI::App* p_requests =
      leaf(pool_group, "requests", "your claims and releases with the server's answers");
  p_requests->callback([&] { action = [&] { return RunPoolRequests(ctx); }; });

  CliWiring wiring{ctx, action, leaf, group};
  AddCommandFamilies(app, wiring);

  const std::optional<int> parsed =
      fieldbook::ParseCommandLine(app, argc, argv, "fieldbook-cli", kExitUsage);
  if (parsed) return *parsed;
  if (!action) {
    std::cerr << "fieldbook-cli: no command given (see --help)\n";
    return kExitUsage;
  }
  return action();
}

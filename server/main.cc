// fieldbook-server: the central sync server and the managers' command line.
// main() parses the command line and wires the object graph; the commands live in
// server_commands.cc and the other files of commands/; families that wire themselves
// (commands/command_family.h) add their subcommands after main's own.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands/assignment_commands.h"
#include "commands/audit_commands.h"
#include "commands/command_actor.h"
#include "commands/command_family.h"
#include "commands/command_lang.h"
#include "commands/console_commands.h"
#include "commands/device_commands.h"
#include "commands/import_commands.h"
#include "commands/product_commands.h"
#include "commands/serve_flags.h"
#include "commands/server_commands.h"
#include "fieldbook/command_line.h"
#include "nightly/nightly_scheduler.h"

int main(int argc, char** argv) {
  using namespace fieldbook::server;
  CLI::App app{"fieldbook-server: the Fieldbook sync server and its manager commands"};
  app.require_subcommand(1);
  app.fallthrough();  // --config may follow the subcommand too
  app.set_config("--config", "",
                 "read options from a TOML/INI file, one [section] per command, e.g. [serve] "
                 "port = 8470 (flags override it)");
  std::string db;
  auto add_db = [&db](CLI::App* cmd) {
    cmd->add_option("--db", db, "the server database file")->required();
  };
  bool json = false;
  int rc = 0;
  std::string actor;
  app.add_option("--actor", actor,
                 "who runs this command, for the audit log (default: os:<your OS user>)")
      ->check([](const std::string& v) {
        fieldbook::Status s = SetCommandActor(v);
        return s.ok() ? std::string() : s.message();
      });

  // The language the commands speak (command_lang.h): errors and problems from their values.
  app.add_option("--lang", "the language of the commands' messages: en or zh (default: the locale)")
      ->check(CLI::IsMember({"en", "zh"}))
      ->each([](const std::string& v) { SetCommandLang(v); });

  CLI::App* init = app.add_subcommand("init", "create (or upgrade) a server database");
  add_db(init);
  init->callback([&] { rc = RunInit(db); });

  ServeOptions serve_options;
  CLI::App* serve =
      app.add_subcommand("serve", "serve /v1/sync, the admin API, /healthz, /metrics");
  add_db(serve);
  AddServeFlags(serve, serve_options);  // serve_flags.h: the HTTP options
  serve->add_option("--port-file", serve_options.port_file, "write the bound port here");
  AddBounded(serve, "--start-check-ms", serve_options.start_check_ms,
             "the quick integrity check at start stops after this long (0: header and "
             "schema only)",
             int64_t{0}, int64_t{3600000});
  // The nightly job (nightly_commands.h); the same options as `nightly`.
  auto add_nightly_options = [](CLI::App* cmd, fieldbook::server::NightlySettings& s) {
    AddBounded(cmd, "--retention-days", s.retention_days,
               "history older than this is compacted; devices offline longer rebuild", 0, 36500);
    AddBounded(cmd, "--push-answers-days", s.push_answers_days,
               "stored push answers (for retried pushes) are kept this long", 0, 36500);
    cmd->add_option("--backup-dir", s.backup_dir,
                    "where backups go (default: backups/ beside the database)");
    AddBounded(cmd, "--backup-keep", s.backup_keep, "newest backups kept", 1, 10000);
    AddBounded(cmd, "--lease-seconds", s.lease_seconds,
               "a crashed run's lease is taken over after this", 1, 86400);
  };
  serve
      ->add_option("--nightly-at", serve_options.nightly.at,
                   "local time of the nightly job, HH:MM, or off")
      ->check([](const std::string& v) {
        return v == "off" || ParseTimeOfDay(v).ok() ? std::string()
                                                    : ParseTimeOfDay(v).status().message();
      })
      ->capture_default_str();
  add_nightly_options(serve, serve_options.nightly);
  serve->callback([&] {
    serve_options.db = db;
    CheckServeFlags(serve_options);
    rc = RunServe(serve_options);
  });

  CLI::App* rep = app.add_subcommand("rep", "manage reps and managers");
  rep->require_subcommand(1);
  NewRep new_rep;
  CLI::App* rep_add = rep->add_subcommand("add", "add a rep or manager and print a device token");
  add_db(rep_add);
  rep_add->add_option("--name", new_rep.name, "display name")->required();
  rep_add->add_option("--role", new_rep.role, "rep or manager")
      ->check(CLI::IsMember({"rep", "manager"}))
      ->capture_default_str();
  rep_add->add_option("--id", new_rep.id, "id (default: generated)");
  rep_add->add_option("--phone", new_rep.phone, "phone");
  rep_add->add_option("--email", new_rep.email, "email");
  rep_add->add_option("--regions", new_rep.regions, "comma-separated region codes");
  rep_add->add_flag("--json", json, "print JSON");
  rep_add->callback([&] { rc = RunRepAdd(db, new_rep, json); });
  CLI::App* rep_list = rep->add_subcommand("list", "list reps and managers");
  add_db(rep_list);
  rep_list->add_flag("--json", json, "print JSON");
  rep_list->callback([&] { rc = RunRepProfiles(db, json); });
  std::string rep_id;
  // The rep as a positional argument or --rep, one of them required.
  auto add_rep_arg = [&rep_id](CLI::App* cmd) {
    cmd->add_option("rep", rep_id, "rep id");
    cmd->add_option("--rep", rep_id, "rep id (the same as the positional argument)");
  };
  auto need_rep = [&rep_id] {
    if (rep_id.empty()) throw CLI::RequiredError("the rep (REP or --rep)");
  };
  CLI::App* rep_disable = rep->add_subcommand(
      "disable", "disable a rep: none of their devices can sync until `rep enable`");
  add_db(rep_disable);
  add_rep_arg(rep_disable);
  rep_disable->callback([&] {
    need_rep();
    rc = RunRepDisable(db, rep_id);
  });
  CLI::App* rep_enable =
      rep->add_subcommand("enable", "enable a disabled rep: their devices not revoked work again");
  add_db(rep_enable);
  add_rep_arg(rep_enable);
  rep_enable->callback([&] {
    need_rep();
    rc = RunRepEnable(db, rep_id);
  });
  std::string device;
  CLI::App* rep_token =
      rep->add_subcommand("token", "issue a token for one of a rep's devices (shown once)");
  add_db(rep_token);
  add_rep_arg(rep_token);
  rep_token->add_option("--device", device, "the device's name (default: device-<n>)");
  rep_token->add_option("--label", device, "the same as --device (older name)");
  rep_token->add_flag("--json", json, "print JSON");
  rep_token->callback([&] {
    need_rep();
    rc = RunRepToken(db, rep_id, device, json);
  });
  CLI::App* rep_devices = rep->add_subcommand(
      "devices", "a rep's devices (or everyone's) with their last sync and address");
  add_db(rep_devices);
  add_rep_arg(rep_devices);
  rep_devices->add_flag("--json", json, "print JSON");
  rep_devices->callback([&] { rc = RunRepDevices(db, rep_id, json); });
  int64_t device_id = 0;
  CLI::App* rep_revoke = rep->add_subcommand(
      "revoke-device", "revoke one device's token; the rep and their other devices keep working");
  add_db(rep_revoke);
  add_rep_arg(rep_revoke);
  rep_revoke->add_option("--device", device, "the device's name");
  rep_revoke->add_option("--id", device_id, "the device's id (from `rep devices`)")
      ->check(CLI::PositiveNumber);
  rep_revoke->callback([&] {
    need_rep();
    if (device.empty() == (device_id == 0)) {
      throw CLI::ValidationError("name the device with --device or --id (one of them)");
    }
    rc = RunRepRevokeDevice(db, rep_id, device, device_id);
  });
  CLI::App* rep_passwd = rep->add_subcommand(
      "passwd",
      "set a manager's console password (read from the terminal or standard input, never argv)");
  add_db(rep_passwd);
  add_rep_arg(rep_passwd);
  rep_passwd->callback([&] {
    need_rep();
    rc = RunRepPasswd(db, rep_id);
  });
  ProfileArgs profile;
  std::string regions_arg, skill_arg, capacity_arg, capacity_a_arg;
  bool closer_flag = false, not_closer_flag = false;
  CLI::App* rep_profile =
      rep->add_subcommand("profile", "set a rep's regions, skill, capacities and closer flag");
  add_db(rep_profile);
  rep_profile->add_option("rep", rep_id, "rep id")->required();
  CLI::Option* regions_opt =
      rep_profile->add_option("--regions", regions_arg, "comma-separated region codes");
  CLI::Option* skill_opt =
      rep_profile->add_option("--skill", skill_arg, "junior, senior or key_account");
  CLI::Option* capacity_opt =
      rep_profile->add_option("--capacity", capacity_arg, "most customers held, or unlimited");
  CLI::Option* capacity_a_opt = rep_profile->add_option("--capacity-a", capacity_a_arg,
                                                        "most tier-A customers held, or unlimited");
  rep_profile->add_flag("--closer", closer_flag, "good at closing deals");
  rep_profile->add_flag("--not-closer", not_closer_flag, "not a closer");
  rep_profile->callback([&] {
    if (closer_flag && not_closer_flag) {
      throw CLI::ValidationError("--closer and --not-closer exclude each other");
    }
    if (regions_opt->count() > 0) profile.regions = regions_arg;
    if (skill_opt->count() > 0) profile.skill = skill_arg;
    if (capacity_opt->count() > 0) profile.capacity = capacity_arg;
    if (capacity_a_opt->count() > 0) profile.capacity_a = capacity_a_arg;
    if (closer_flag || not_closer_flag) profile.closer = closer_flag;
    rc = RunRepProfile(db, rep_id, profile);
  });

  CLI::App* territory = app.add_subcommand("territory", "manage territories");
  territory->require_subcommand(1);
  std::string name, region, city, territory_id;
  CLI::App* t_add = territory->add_subcommand("add", "add a territory and print its id");
  add_db(t_add);
  t_add->add_option("--name", name, "name")->required();
  t_add->add_option("--region", region, "region code");
  t_add->add_option("--city", city, "city");
  t_add->callback([&] { rc = RunTerritoryAdd(db, name, region, city); });
  CLI::App* t_list = territory->add_subcommand("list", "list territories");
  add_db(t_list);
  t_list->add_flag("--json", json, "print JSON");
  t_list->callback([&] { rc = RunTerritoryList(db, json); });
  CLI::App* t_assign =
      territory->add_subcommand("assign", "move a territory (and its rep's customers) to a rep");
  add_db(t_assign);
  t_assign->add_option("--territory", territory_id, "territory id")->required();
  t_assign->add_option("--rep", rep_id, "rep id")->required();
  std::string reason;
  t_assign->add_option("--reason", reason, "why (recorded in the audit log)");
  t_assign->callback([&] { rc = RunTerritoryAssign(db, territory_id, rep_id, reason); });

  CLI::App* customer = app.add_subcommand("customer", "manage customers");
  customer->require_subcommand(1);
  std::string customer_id, to;
  CLI::App* reassign = customer->add_subcommand("reassign", "move one customer to another rep");
  add_db(reassign);
  reassign->add_option("--customer", customer_id, "customer id")->required();
  reassign->add_option("--to", to, "rep id")->required();
  reassign->add_option("--reason", reason, "why (recorded in the audit log)");
  reassign->callback([&] { rc = RunCustomerReassign(db, customer_id, to, reason); });

  CLI::App* conflicts = app.add_subcommand("conflicts", "edits made after a reassignment");
  conflicts->require_subcommand(1);
  std::string owner;
  bool all = false;
  CLI::App* c_list = conflicts->add_subcommand("list", "list conflicts (open ones by default)");
  add_db(c_list);
  c_list->add_option("--owner", owner, "only customers now owned by this rep");
  c_list->add_flag("--all", all, "include applied and dismissed ones");
  c_list->add_flag("--json", json, "print JSON");
  c_list->callback([&] { rc = RunConflictsList(db, owner, all, json); });
  int64_t conflict_id = 0;
  std::string action;
  CLI::App* c_resolve = conflicts->add_subcommand("resolve", "apply or dismiss a conflict");
  add_db(c_resolve);
  c_resolve->add_option("--id", conflict_id, "conflict id")->required();
  c_resolve->add_option("--action", action, "apply or dismiss")
      ->required()
      ->check(CLI::IsMember({"apply", "dismiss"}));
  c_resolve->add_option("--reason", reason, "why (recorded in the audit log)");
  c_resolve->callback([&] { rc = RunConflictResolve(db, conflict_id, action, reason); });

  std::string out_path;
  ExportArgs export_args;
  CLI::App* exp = app.add_subcommand(
      "export",
      "customers, contacts, orders, visits or products as a CSV or XLSX sheet (import reads it "
      "back); "
      "without a kind: the canonical export of what a rep's replica holds");
  add_db(exp);
  exp->add_option("kind", export_args.kind, "customers, contacts, orders, visits or products")
      ->check(CLI::IsMember({"customers", "contacts", "orders", "visits", "products"}));
  exp->add_option("--format", export_args.format, "csv or xlsx")
      ->check(CLI::IsMember({"csv", "xlsx"}))
      ->capture_default_str();
  exp->add_option("--rep", rep_id, "only this rep's customers (required without a kind)");
  exp->add_option("--territory", export_args.territory, "only this territory's customers");
  exp->add_option("--out", out_path, "file (default: standard output; required for xlsx)");
  exp->callback([&] {
    if (export_args.kind.empty()) {
      if (rep_id.empty()) throw CLI::RequiredError("--rep (or a kind: customers, orders, ...)");
      rc = RunExport(db, rep_id, out_path);
      return;
    }
    export_args.rep = rep_id;
    export_args.out = out_path;
    rc = RunExportCommand(db, export_args);
  });

  ImportArgs import_args;
  CLI::App* imp = app.add_subcommand(
      "import", "import customers, contacts, orders, visits or products from a CSV or XLSX sheet");
  add_db(imp);
  imp->add_option("kind", import_args.kind, "customers, contacts, orders, visits or products")
      ->required()
      ->check(CLI::IsMember({"customers", "contacts", "orders", "visits", "products"}));
  imp->add_option("file", import_args.file, "the .csv or .xlsx file")->required();
  imp->add_option("--mapping", import_args.mapping,
                  "JSON file from header text to field, e.g. {\"店名\": \"name\"}");
  imp->add_flag("--dry-run", import_args.dry_run,
                "check everything and report per row; write nothing");
  imp->add_option("--encoding", import_args.encoding, "CSV text: auto, utf-8 or gb18030")
      ->check(CLI::IsMember({"auto", "utf-8", "utf8", "gb18030", "gbk"}))
      ->capture_default_str();
  imp->add_option("--sheet", import_args.sheet, "XLSX: the sheet (default: the first visible)");
  imp->add_option("--on-duplicate", import_args.on_duplicate,
                  "a customer with the phone, or name and city, of another: skip, merge or flag")
      ->check(CLI::IsMember({"skip", "merge", "flag"}))
      ->capture_default_str();
  AddBounded(imp, "--batch-rows", import_args.batch_rows, "rows per transaction", 1, 100000);
  imp->add_option("--today", import_args.today,
                  "grade as of YYYY-MM-DD after importing orders (default: today)");
  imp->add_flag("--json", import_args.json, "print the report as JSON");
  imp->callback([&] { rc = RunImportCommand(db, import_args); });

  // The product catalogue (product_commands.h): carried read-only to every rep's device.
  ProductArgs product_args;
  CLI::App* product = app.add_subcommand("product", "the product catalogue and price list");
  product->require_subcommand(1);
  auto add_product_fields = [&product_args](CLI::App* cmd) {
    cmd->add_option("--name", product_args.fields.name, "name (名称)");
    cmd->add_option("--brand", product_args.fields.brand, "brand (品牌)");
    cmd->add_option("--category", product_args.fields.category, "category (类别)");
    cmd->add_option("--unit", product_args.fields.unit, "unit (单位): 个, 套, 箱 ...");
    cmd->add_option("--price", product_args.price, "list price in yuan, e.g. 98.50");
    cmd->add_option("--tier-prices", product_args.tier_prices,
                    "prices per customer grade tier in yuan, e.g. VIP=88,A=95 (\"\" clears)");
    cmd->add_flag("--json", product_args.json, "print JSON");
  };
  CLI::App* pr_add = product->add_subcommand("add", "add a product");
  add_db(pr_add);
  pr_add->add_option("part_number", product_args.fields.part_number, "part number (配件号)")
      ->required();
  add_product_fields(pr_add);
  pr_add->callback([&] { rc = RunProductAdd(db, product_args); });
  CLI::App* pr_edit = product->add_subcommand("edit", "change a product's fields");
  add_db(pr_edit);
  pr_edit->add_option("part", product_args.ref, "its part number or id")->required();
  pr_edit->add_option("--part-number", product_args.fields.part_number, "a new part number");
  add_product_fields(pr_edit);
  pr_edit->add_option("--active", product_args.fields.active, "1: on sale, 0: deactivated");
  pr_edit->callback([&] { rc = RunProductEdit(db, product_args); });
  CLI::App* pr_off = product->add_subcommand(
      "deactivate", "take a product off sale (devices keep it for old orders; never deleted)");
  add_db(pr_off);
  pr_off->add_option("part", product_args.ref, "its part number or id")->required();
  pr_off->add_flag("--json", product_args.json, "print JSON");
  pr_off->callback([&] { rc = RunProductDeactivate(db, product_args); });
  CLI::App* pr_list = product->add_subcommand("list", "list products by part number");
  add_db(pr_list);
  pr_list->add_option("--search", product_args.search, "part number, name or brand contains");
  pr_list->add_flag("--all", product_args.all, "deactivated products too");
  AddBounded(pr_list, "--limit", product_args.limit, "most products shown", 1, 1000);
  pr_list->add_flag("--json", product_args.json, "print JSON");
  pr_list->callback([&] { rc = RunProductList(db, product_args); });

  DemoSeedOptions seed_options;
  CLI::App* seed = app.add_subcommand("seed-demo", "fill a database with deterministic demo data");
  add_db(seed);
  AddBounded(seed, "--customers", seed_options.customers, "number of garages", 1, 200000);
  seed->add_option("--seed", seed_options.seed, "random seed")->capture_default_str();
  seed->add_option("--today", seed_options.today, "anchor date YYYY-MM-DD (default: today)");
  seed->add_flag("--json", json, "print JSON");
  seed->callback([&] { rc = RunSeedDemo(db, seed_options, json); });

  CLI::App* history = app.add_subcommand("history", "sync history kept for devices");
  history->require_subcommand(1);
  uint64_t before_seq = 0;
  CLI::App* trim = history->add_subcommand(
      "trim", "forget scope history before a sequence; older devices rebuild from a snapshot");
  add_db(trim);
  trim->add_option("--before-seq", before_seq, "hub sequence number")->required();
  trim->callback([&] { rc = RunHistoryTrim(db, before_seq); });

  // `<name> show` and `<name> set FILE` of a kind of rules (grading, assignment).
  std::string rules_file;
  auto add_rules = [&](const std::string& name, const char* help, int (*show)(const std::string&),
                       int (*set)(const std::string&, const std::string&)) {
    CLI::App* rules = app.add_subcommand(name, help);
    rules->require_subcommand(1);
    CLI::App* show_cmd = rules->add_subcommand("show", "print the rules in force as JSON");
    add_db(show_cmd);
    show_cmd->callback([&, show] { rc = show(db); });
    CLI::App* set_cmd = rules->add_subcommand("set", "validate and put new rules in force");
    add_db(set_cmd);
    set_cmd->add_option("file", rules_file, "rules JSON file (see `" + name + " show`)")
        ->required();
    set_cmd->callback([&, set] { rc = set(db, rules_file); });
  };
  add_rules("grading", "the grading rules (issue #6)", RunGradingShow, RunGradingSet);

  std::string today;
  CLI::App* grade = app.add_subcommand("grade", "grade every customer now");
  add_db(grade);
  grade->add_option("--today", today, "grade as of YYYY-MM-DD (default: today)");
  grade->callback([&] { rc = RunGrade(db, today); });

  std::string report_kind;
  bool csv = false;
  std::string report_rep;
  CLI::App* report = app.add_subcommand("report", "grading reports");
  add_db(report);
  report->add_option("kind", report_kind, "tiers, movement, at-risk or portfolio")
      ->required()
      ->check(CLI::IsMember({"tiers", "movement", "at-risk", "portfolio"}));
  report->add_option("--rep", report_rep, "only this rep's customers");
  report->add_flag("--csv", csv, "comma-separated output");
  report->add_option("--today", today, "as of YYYY-MM-DD (portfolio; default: today)");
  report->callback([&] { rc = RunReport(db, report_kind, report_rep, csv, today); });

  add_rules("assignment", "the assignment rules (issue #7)", RunAssignmentShow, RunAssignmentSet);

  bool dry_run = false;
  std::string assign_territory;
  CLI::App* assign =
      app.add_subcommand("assign", "move customers to the reps the assignment rules call for");
  add_db(assign);
  assign->add_flag("--dry-run", dry_run, "only print the moves and their reasons");
  assign->add_option("--territory", assign_territory, "only this territory's customers");
  assign->add_flag("--json", json, "print JSON");
  assign->callback([&] { rc = RunAssign(db, assign_territory, dry_run, json); });

  CLI::App* pool = app.add_subcommand("pool", "the public pool of customers (公海)");
  pool->require_subcommand(1);
  std::string pool_today;
  CLI::App* p_reclaim =
      pool->add_subcommand("reclaim", "move neglected customers into the pool (nightly job)");
  add_db(p_reclaim);
  p_reclaim->add_flag("--dry-run", dry_run, "only print what is due and what waits");
  p_reclaim->add_option("--today", pool_today, "as of YYYY-MM-DD (default: today)");
  p_reclaim->add_flag("--json", json, "print JSON");
  p_reclaim->callback([&] { rc = RunPoolReclaim(db, dry_run, pool_today, json); });
  std::string pool_region;
  CLI::App* p_list = pool->add_subcommand("list", "list the customers in the pool");
  add_db(p_list);
  p_list->add_option("--region", pool_region, "only this region (and customers without one)");
  p_list->add_flag("--json", json, "print JSON");
  p_list->callback([&] { rc = RunPoolList(db, pool_region, json); });
  std::string pool_customer, pool_rep, pool_reason;
  CLI::App* p_assign = pool->add_subcommand("assign", "give a pooled customer to a rep");
  add_db(p_assign);
  p_assign->add_option("customer", pool_customer, "customer id")->required();
  p_assign->add_option("rep", pool_rep, "rep id")->required();
  p_assign->callback([&] { rc = RunPoolAssign(db, pool_customer, pool_rep); });
  CLI::App* p_release = pool->add_subcommand("release", "put a customer into the pool");
  add_db(p_release);
  p_release->add_option("customer", pool_customer, "customer id")->required();
  p_release->add_option("--reason", pool_reason, "why (recorded in the audit)")->required();
  p_release->callback([&] { rc = RunPoolRelease(db, pool_customer, pool_reason); });
  size_t audit_limit = 100;
  CLI::App* p_audit =
      pool->add_subcommand("audit", "claims, refusals, reclaims, releases and assignments");
  add_db(p_audit);
  p_audit->add_option("--customer", pool_customer, "only this customer");
  AddBounded(p_audit, "--limit", audit_limit, "newest entries shown", 1, 100000);
  p_audit->add_flag("--json", json, "print JSON");
  p_audit->callback([&] { rc = RunPoolAudit(db, pool_customer, audit_limit, json); });

  CLI::App* audit = app.add_subcommand(
      "audit", "the audit log of manager and system actions (append-only, never compacted)");
  audit->require_subcommand(1);
  AuditListArgs audit_args;
  CLI::App* audit_list = audit->add_subcommand("list", "audit entries, oldest first");
  add_db(audit_list);
  audit_list->add_option("--customer", audit_args.filter.customer,
                         "only entries about this customer");
  audit_list->add_option("--actor", audit_args.filter.actor,
                         "only this actor's (e.g. manager:mgr, os:alice, system:reclaim)");
  audit_list->add_option("--action", audit_args.filter.action,
                         "only this action (e.g. pool.claim)");
  audit_list->add_option("--since", audit_args.since,
                         "from this UTC time (2026-11-23T10:00:00Z) or day (2026-11-23)");
  audit_list->add_option("--after", audit_args.filter.after_id, "entries after this id (paging)")
      ->check(CLI::NonNegativeNumber);
  AddBounded(audit_list, "--limit", audit_args.filter.limit, "most entries shown", 1, 1000);
  audit_list->add_flag("--json", audit_args.json, "print JSON");
  audit_list->callback([&] { rc = RunAuditList(db, audit_args); });

  NightlySettings nightly_settings;
  std::string nightly_db;
  int nightly_last = 5;
  CLI::App* nightly = app.add_subcommand(
      "nightly", "run the nightly job now: grade, reclaim, verify, compact history, back up");
  nightly->add_option("--db", nightly_db, "the server database file");
  add_nightly_options(nightly, nightly_settings);
  bool nightly_now = false;
  nightly->add_flag("--now", nightly_now, "run now (the default; `serve` runs it on a schedule)");
  nightly->add_flag("--json", json, "print the run's report as JSON");
  CLI::App* nightly_report = nightly->add_subcommand("report", "the reports of the last runs");
  nightly_report->add_option("--db", nightly_db, "the server database file");
  AddBounded(nightly_report, "--last", nightly_last, "how many runs", 1, 100);
  nightly_report->add_flag("--json", json, "print JSON");
  nightly_report->callback([&] {
    if (nightly_db.empty()) throw CLI::RequiredError("--db");
    rc = RunNightlyReport(nightly_db, nightly_last, json);
  });
  nightly->callback([&] {
    if (nightly_report->parsed()) return;
    if (nightly_db.empty()) throw CLI::RequiredError("--db");
    rc = RunNightly(nightly_db, nightly_settings, json);
  });

  CLI::App* backup = app.add_subcommand("backup", "an online backup of the database now");
  add_db(backup);
  backup->add_option("--backup-dir", nightly_settings.backup_dir,
                     "where backups go (default: backups/ beside the database)");
  AddBounded(backup, "--backup-keep", nightly_settings.backup_keep, "newest backups kept", 1,
             10000);
  backup->add_flag("--json", json, "print JSON");
  backup->callback([&] { rc = RunBackup(db, nightly_settings, json); });

  std::string backup_file;
  bool force = false;
  CLI::App* restore = app.add_subcommand(
      "restore", "replace the database with a checked backup (stop the server first)");
  restore->add_option("backup", backup_file, "the backup file")->required();
  add_db(restore);
  restore->add_flag("--force", force,
                    "replace an existing database (its files are kept as "
                    "<db>.before-restore-<time>)");
  restore->callback([&] { rc = RunRestore(backup_file, db, force); });

  CommandWiring wiring{add_db, db, rc};
  AddCommandFamilies(app, wiring);

  const std::optional<int> parsed =
      fieldbook::ParseCommandLine(app, argc, argv, "fieldbook-server", 2);
  if (parsed) return *parsed;
  return rc;
}

// fieldbook-cli customer pref add|note|remove|list: the preferences in a customer's archive
// (issue #18; store/preferences.h) — preferred brands, payment terms (月结), delivery. `list`
// filters customers on them: `customer pref list --pref payment_terms=月结` lists every customer
// of this device with that preference. This family wires itself (command_family.h): no line in
// cli_main.cc or cli_commands.h.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/command_family.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "store/preferences.h"

namespace fieldbook::client::cli {

namespace {

namespace json = boost::json;

json::object PreferenceJson(const CustomerPreference& p) {
  return json::object{{"id", p.id},
                      {"customer_id", p.customer_id},
                      {"customer_name", TextOrNull(p.customer_name)},
                      {"kind", p.kind},
                      {"value", p.value},
                      {"note", TextOrNull(p.note)},
                      {"created_by", TextOrNull(p.created_by)},
                      {"created_at", TextOrNull(p.created_at)}};
}

int RunAdd(const CliContext& ctx, const NewPreference& p) {
  const char* what = "customer pref add";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto rep = store->settings_table().RequireRep();
  if (!rep.ok()) return Fail(ctx, what, rep.status());
  auto id = Preferences(store->replica()).Add(p, *rep, store->NowIso());
  if (!id.ok()) return Fail(ctx, what, id.status());
  return Answer(ctx, json::object{{"id", *id}},
                Render(LangOf(ctx), "cli_added_preference",
                       {*id, EnumText(LangOf(ctx), "pref", p.kind) + " " + p.value}));
}

int RunNote(const CliContext& ctx, const std::string& ref, const std::string& note) {
  const char* what = "customer pref note";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  Status s = Preferences(store->replica()).SetNote(ref, note);
  if (!s.ok()) return Fail(ctx, what, s);
  return Answer(ctx, json::object{{"id", ref}, {"note", TextOrNull(note)}},
                Render(LangOf(ctx), "cli_preference_note_set", {ref}));
}

int RunRemove(const CliContext& ctx, const std::string& ref) {
  const char* what = "customer pref remove";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  Status s = Preferences(store->replica()).Remove(ref);
  if (!s.ok()) return Fail(ctx, what, s);
  return Answer(ctx, json::object{{"id", ref}, {"removed", true}},
                Render(LangOf(ctx), "cli_preference_removed", {ref}));
}

int RunList(const CliContext& ctx, const PreferenceFilter& filter) {
  const char* what = "customer pref list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto prefs = Preferences(store->replica()).List(filter);
  if (!prefs.ok()) return Fail(ctx, what, prefs.status());
  if (ctx.json) {
    PrintJsonList(*prefs, PreferenceJson);
    return kExitOk;
  }
  const Lang lang = LangOf(ctx);
  for (const CustomerPreference& p : *prefs) {
    std::cout << p.id << "  " << p.customer_name << " (" << p.customer_id << ")  "
              << EnumText(lang, "pref", p.kind) << "  " << p.value
              << (p.note.empty() ? "" : "  \"" + p.note + "\"") << "\n";
  }
  std::cout << Count(lang, "cli_preferences", static_cast<int64_t>(prefs->size())) << "\n";
  return kExitOk;
}

void AddPreferenceCommands(CLI::App& app, CliWiring& w) {
  (void)app;
  CLI::App* customer = w.group("customer", "help_customer");
  CLI::App* pref = customer->add_subcommand("pref", w.help("help_pref"));
  pref->require_subcommand(1);

  auto added = std::make_shared<NewPreference>();
  CLI::App* add = w.leaf(pref, "add", "help_pref_add");
  add->add_option("customer", added->customer, w.help("help_customer_ref"))->required();
  add->add_option("--kind", added->kind, w.help("help_pref_kinds"))
      ->required()
      ->check(CLI::IsMember(Preferences::Kinds()));
  add->add_option("--value", added->value, w.help("help_pref_value"))->required();
  add->add_option("--note", added->note, w.help("help_pref_note"));
  add->callback([&w, added] { w.action = [&w, added] { return RunAdd(w.ctx, *added); }; });

  auto ref = std::make_shared<std::string>();
  auto note = std::make_shared<std::string>();
  CLI::App* set_note = w.leaf(pref, "note", "help_pref_set_note");
  set_note->add_option("preference", *ref, w.help("help_pref_ref"))->required();
  set_note->add_option("note", *note, w.help("help_pref_new_note"))->required();
  set_note->callback(
      [&w, ref, note] { w.action = [&w, ref, note] { return RunNote(w.ctx, *ref, *note); }; });

  CLI::App* remove = w.leaf(pref, "remove", "help_pref_remove");
  remove->add_option("preference", *ref, w.help("help_pref_ref"))->required();
  remove->callback([&w, ref] { w.action = [&w, ref] { return RunRemove(w.ctx, *ref); }; });

  auto filter = std::make_shared<PreferenceFilter>();
  auto spec = std::make_shared<std::string>();
  CLI::App* list = w.leaf(pref, "list", "help_pref_list");
  list->add_option("customer", filter->customer, w.help("help_pref_list_customer"));
  list->add_option("--kind", filter->kind, w.help("help_pref_list_kind"))
      ->check(CLI::IsMember(Preferences::Kinds()));
  CLI::Option* pref_opt = list->add_option("--pref", *spec, w.help("help_pref_list_pref"));
  list->add_option("--limit", filter->limit, w.help("help_limit_all"))->capture_default_str();
  list->callback([&w, filter, spec, pref_opt] {
    if (pref_opt->count() > 0) SplitPref(*spec, filter->kind, filter->value, w.lang);
    w.action = [&w, filter] { return RunList(w.ctx, *filter); };
  });
}

const CommandFamily kPreferenceCommands{"customer-preferences", &AddPreferenceCommands};

}  // namespace

void SplitPref(const std::string& spec, std::string& kind, std::string& value, Lang lang) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw CLI::ValidationError("--pref", HelpText(lang, "help_err_pref_form"));
  }
  kind = spec.substr(0, eq);
  value = spec.substr(eq + 1);
}

}  // namespace fieldbook::client::cli

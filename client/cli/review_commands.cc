// fieldbook-cli review list|dismiss: the device's review list (issue #19; store/review.h), one
// entry per refused record with its garage's name and the values the server did not take, in the
// rep's language (--lang); `review dismiss ID [--note TEXT]` lets one go and records the dismissal
// for the manager (pushed at the next sync). `review list` is wired by main (cli_commands.h);
// `dismiss` wires itself (command_family.h).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/command_family.h"
#include "cli/device_replica.h"
#include "cli/output.h"
#include "fieldbook/json.h"
#include "store/review.h"

namespace fieldbook::client::cli {

namespace {

namespace json = boost::json;

json::object EntryJson(Lang lang, const ReviewEntry& e) {
  json::array items, codes, changes;
  for (int64_t id : e.items) items.push_back(id);
  for (const std::string& c : e.codes) codes.push_back(json::value(c));
  std::string reason;
  for (const std::string& r : e.reasons) reason += (reason.empty() ? "" : "; ") + r;
  for (const ReviewChange& c : e.changes) {
    changes.push_back(json::object{{"column", c.column},
                                   {"label", ReviewFieldLabel(lang, c.column)},
                                   {"before", c.before ? json::value(*c.before) : nullptr},
                                   {"refused", c.refused_null ? nullptr : json::value(c.refused)},
                                   {"text", ReviewChangeText(lang, c)}});
  }
  boost::system::error_code ec;
  json::value values = ReadJson(e.refused_json, ec);
  return json::object{{"id", e.id},
                      {"items", std::move(items)},
                      {"table", e.table},
                      {"row_id", e.row_id},
                      {"customer_id", TextOrNull(e.customer_id)},
                      {"customer_name", TextOrNull(e.customer_name)},
                      {"title", ReviewTitle(lang, e)},
                      {"new_record", e.new_record},
                      {"code", e.codes.empty() ? std::string() : e.codes.front()},
                      {"codes", std::move(codes)},
                      {"reason", reason},
                      {"values", ec ? json::value(json::object()) : std::move(values)},
                      {"changes", std::move(changes)},
                      {"held", e.held},
                      {"resolved", e.resolved},
                      {"outcome", TextOrNull(e.outcome)}};
}

// How an entry was resolved, as the replica records it ("applied by a manager", "dismissed by the
// rep: NOTE"), in `lang`; other words as they are.
std::string OutcomeText(Lang lang, const std::string& outcome) {
  for (const char* code : {"applied_by_manager", "dismissed_by_manager", "dismissed_by_rep"}) {
    const std::string en(*MessageTemplate(Lang::kEnglish, std::string("cli_review_") + code));
    if (outcome == en) return Render(lang, std::string("cli_review_") + code);
    if (outcome.rfind(en + ": ", 0) == 0) {
      return Render(lang, std::string("cli_review_") + code) +
             (lang == Lang::kChinese ? "：" : ": ") + outcome.substr(en.size() + 2);
    }
  }
  return outcome;
}

int RunDismiss(const CliContext& ctx, int64_t id, const std::string& note) {
  const char* what = "review dismiss";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto rep = store->settings_table().RequireRep();
  if (!rep.ok()) return Fail(ctx, what, rep.status());
  auto dismissal = ReviewList(store->replica()).Dismiss(id, note, *rep, store->NowIso());
  if (!dismissal.ok()) return Fail(ctx, what, dismissal.status());
  return Answer(ctx, json::object{{"id", id}, {"dismissal", TextOrNull(*dismissal)}},
                "#" + std::to_string(id) + ": " + Render(LangOf(ctx), "review_dismissed"));
}

void AddReviewCommands(CLI::App& app, CliWiring& w) {
  (void)app;
  CLI::App* review = w.group("review", "help_review");
  auto id = std::make_shared<int64_t>(0);
  auto note = std::make_shared<std::string>();
  CLI::App* dismiss = w.leaf(review, "dismiss", "help_review_dismiss");
  dismiss->add_option("id", *id, w.help("help_review_dismiss_id"))->required();
  dismiss->add_option("--note", *note, w.help("help_review_dismiss_note"));
  dismiss->callback(
      [&w, id, note] { w.action = [&w, id, note] { return RunDismiss(w.ctx, *id, *note); }; });
}

const CommandFamily kReviewCommands{"review", &AddReviewCommands};

}  // namespace

int RunReviewList(const CliContext& ctx, bool all) {
  const char* what = "review list";
  FB_OPEN_STORE_OR_RETURN(store, ctx, what);
  auto entries = ReviewList(store->replica()).Entries(all);
  if (!entries.ok()) return Fail(ctx, what, entries.status());
  const Lang lang = LangOf(ctx);
  if (ctx.json) {
    PrintJsonList(*entries, [lang](const ReviewEntry& e) { return EntryJson(lang, e); });
    return kExitOk;
  }
  if (entries->empty()) {
    std::cout << Render(lang, "cli_review_nothing") << "\n";
    return kExitOk;
  }
  for (const ReviewEntry& e : *entries) {
    std::cout << "#" << e.id << "  " << ReviewTitle(lang, e) << "\n";
    for (const std::string& code : e.codes) std::cout << "  " << ReviewCodeText(lang, code) << "\n";
    for (const ReviewChange& c : e.changes)
      std::cout << "    " << ReviewChangeText(lang, c) << "\n";
    if (e.resolved) {
      std::cout << "  " << Render(lang, "cli_review_resolved", {OutcomeText(lang, e.outcome)})
                << "\n";
    } else if (e.held) {
      std::cout << "  " << Render(lang, "review_waits_manager") << "\n";
    }
  }
  std::cout << Count(lang, "cli_review_count", static_cast<int64_t>(entries->size())) << "\n";
  return kExitOk;
}

}  // namespace fieldbook::client::cli

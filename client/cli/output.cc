#include "cli/output.h"

#include <boost/describe/class.hpp>
#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>
#include <cstdio>
#include <iostream>

#include "fieldbook/dates.h"
#include "fieldbook/json.h"
#include "fieldbook/phrase_json.h"
#include "lang/store_errors.h"

// The fields of the store's records (store/records.h) that --json prints, in the order printed
// (RecordJson below): a customer's deleted flag and a contact's customer id are left out.
namespace fieldbook::client {
BOOST_DESCRIBE_STRUCT(Customer, (),
                      (id, name, name_latin, customer_type, relationship, purchase_stage,
                       region_class, address, city, province, country, lat, lon, phone,
                       primary_contact, birthday, tags, notes, owner_rep_id, territory_id,
                       created_at, grade_tier, grade_lifecycle, grade_churn_risk, grade_provisional,
                       graded_at, last_visit))
BOOST_DESCRIBE_STRUCT(Contact, (),
                      (id, name, title, phone, wechat, email, birthday, is_primary, notes))
BOOST_DESCRIBE_STRUCT(Visit, (),
                      (id, customer_id, rep_id, check_in, check_out, lat, lon, purpose, outcome,
                       notes, next_follow_up, voids_id))
BOOST_DESCRIBE_STRUCT(Task, (),
                      (id, customer_id, customer_name, rep_id, due_date, kind, status, title, notes,
                       done_at))
BOOST_DESCRIBE_STRUCT(Feedback, (), (id, customer_id, rep_id, created_at, satisfaction, complaint))
}  // namespace fieldbook::client

namespace fieldbook::client::cli {

namespace json = boost::json;

std::string CodeName(StatusCode code) { return std::string(StatusCodeName(code)); }

int LocalExitCode(const Status& s) {
  return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

namespace {

// "fieldbook-cli: <what>: <shown>" on stderr; with --json the English `message` (scripts read it)
// and `coded`'s members beside it ("message_code", "message_values"...).
int PrintFailure(const CliContext& ctx, const std::string& what, const std::string& code,
                 const std::string& shown, const std::string& message, const json::object& coded,
                 int exit_code) {
  std::cerr << "fieldbook-cli: " << what << ": " << shown << "\n";
  if (ctx.json) {
    json::object error{{"code", code}, {"message", message}};
    for (const auto& member : coded) error[member.key()] = member.value();
    std::cout << WriteJson(json::object{{"error", std::move(error)}}) << "\n";
  }
  return exit_code;
}

// `phrase` as "<prefix>_code" and "<prefix>_values" (nothing for none).
void AddPhrase(json::object& out, const std::string& prefix, const Phrase* phrase) {
  if (phrase == nullptr) return;
  out[prefix + "_code"] = phrase->code;
  out[prefix + "_values"] = PhraseValuesJson(phrase->values);
}

}  // namespace

int Fail(const CliContext& ctx, const std::string& what, const std::string& code,
         const std::string& message, int exit_code) {
  return PrintFailure(ctx, what, code, message, message, {}, exit_code);
}

int Fail(const CliContext& ctx, const std::string& what, const std::string& code, const Status& s,
         int exit_code) {
  // The detail in the rep's language when it carries its phrase (a store error, a server's
  // refusal: lang/store_errors.h).
  json::object coded;
  AddPhrase(coded, "message", s.phrase());
  return PrintFailure(ctx, what, code, RenderError(LangOf(ctx), s), s.message(), coded, exit_code);
}

int Fail(const CliContext& ctx, const std::string& what, const Status& s) {
  return Fail(ctx, what, CodeName(s.code()), s, LocalExitCode(s));
}

int Fail(const CliContext& ctx, const std::string& what, const Status& s, std::string_view hint) {
  json::object coded;
  AddPhrase(coded, "message", s.phrase());
  return PrintFailure(ctx, what, CodeName(s.code()),
                      RenderError(LangOf(ctx), s) + Render(LangOf(ctx), hint),
                      s.message() + Render(Lang::kEnglish, hint), coded, LocalExitCode(s));
}

int FailSaid(const CliContext& ctx, const std::string& what, const std::string& code,
             std::string_view message, std::vector<std::string> args, int exit_code,
             const Status* cause) {
  auto said = [&](Lang lang) {
    TextValues values;
    for (const std::string& a : args) values.emplace_back(std::to_string(values.size()), a);
    if (cause != nullptr) {
      values.emplace_back(std::to_string(values.size()), RenderError(lang, *cause));
    }
    return values;
  };
  const TextValues english = said(Lang::kEnglish);
  auto fill = [&](Lang lang, const TextValues& values) {
    return FillText(lang, MessageTemplate(lang, message).value_or(message), values);
  };
  json::object coded{{"message_code", std::string(message)},
                     {"message_values", PhraseValuesJson(english)}};
  return PrintFailure(ctx, what, code, fill(LangOf(ctx), said(LangOf(ctx))),
                      fill(Lang::kEnglish, english), coded, exit_code);
}

int FailSync(const CliContext& ctx, const std::string& code, const Status& cause,
             SyncFailure failure, int exit_code) {
  failure.detail = cause.message();
  const std::string english = RenderSyncFailure(Lang::kEnglish, failure);
  failure.detail = RenderError(LangOf(ctx), cause);  // a server's refusal in the rep's language
  const Phrase said{failure.unreachable ? "sync_unreachable" : "sync_failed",
                    {{"detail", cause.message()},
                     {"queued", std::to_string(failure.queued)},
                     {"pool_waiting", std::to_string(failure.pool_waiting)}}};
  json::object coded;
  AddPhrase(coded, "message", &said);
  AddPhrase(coded, "detail", cause.phrase());
  return PrintFailure(ctx, "sync", code, RenderSyncFailure(LangOf(ctx), failure), english, coded,
                      exit_code);
}

void PrintJson(const json::value& v) { std::cout << WriteJson(v) << "\n"; }

int Answer(const CliContext& ctx, const json::value& json, const std::string& text) {
  if (ctx.json) {
    PrintJson(json);
  } else {
    std::cout << text << "\n";
  }
  return kExitOk;
}

int AnswerAdded(const CliContext& ctx, const std::string& what, const Result<std::string>& id,
                const std::string& done, const std::string& detail) {
  if (!id.ok()) return Fail(ctx, what, id.status());
  return Answer(ctx, json::object{{"id", *id}}, done + " " + *id + detail);
}

json::value TextOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

namespace {

// A record's field as --json prints it: empty text and an absent number as null.
json::value FieldJson(const std::string& text) { return TextOrNull(text); }
template <typename T>
json::value FieldJson(const std::optional<T>& v) {
  return OptOrNull(v);
}
json::value FieldJson(bool b) { return b; }

// A record described below as a JSON object: each described field under its own name, in order.
template <typename T>
json::object RecordJson(const T& record) {
  json::object out;
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
      [&](auto member) { out[member.name] = FieldJson(record.*member.pointer); });
  return out;
}

}  // namespace

json::object ToJson(const Customer& c) { return RecordJson(c); }

json::array PhrasesJson(const std::vector<Phrase>& phrases) {
  json::array out;
  for (const Phrase& p : phrases) {
    out.push_back(json::object{{"code", p.code}, {"values", PhraseValuesJson(p.values)}});
  }
  return out;
}

// A grade (the server's or the device's provisional one) with its reasons.
json::object ToJson(const CustomerGrade& g) {
  json::array reasons;
  for (const GradeReason& r : g.reasons) {
    // The reason as a value (code and values) beside its English sentence (grading.h).
    reasons.push_back(json::object{{"rule", r.rule},
                                   {"detail", r.detail},
                                   {"code", TextOrNull(r.code)},
                                   {"values", PhraseValuesJson(r.values)}});
  }
  json::object out{
      {"provisional", g.provisional},         {"tier", TextOrNull(g.tier)},
      {"recency", OptOrNull(g.recency)},      {"frequency", OptOrNull(g.frequency)},
      {"monetary", OptOrNull(g.monetary)},    {"ticket_class", TextOrNull(g.ticket_class)},
      {"lifecycle", TextOrNull(g.lifecycle)}, {"churn_risk", OptOrNull(g.churn_risk)},
      {"rules_version", g.rules_version},     {"reasons", std::move(reasons)}};
  if (g.provisional) {
    out["computed_at"] = g.computed_at;
    out["based_on_graded_at"] = TextOrNull(g.graded_at);
    out["visits_per_30_days"] = OptOrNull(g.visits_per_30_days);
    out["local_facts"] = g.local_facts;
  } else {
    out["graded_at"] = TextOrNull(g.graded_at);
  }
  // What the grading computed (a first order makes a customer); the rep's own purchase_stage and
  // relationship are the customer's fields, which grading never changes.
  out["purchase_stage"] = TextOrNull(g.purchase_stage);
  out["relationship"] = TextOrNull(g.relationship);
  return out;
}

// "grade C · R5 F1 M1 · low ticket · new · churn risk 0.02" and a line per reason, the reasons
// and the ticket class in `lang`.
void PrintGrade(const GradeView& view, Lang lang) {
  const CustomerGrade& g = view.shown();
  if (g.tier.empty() && g.graded_at.empty() && !g.provisional) {
    std::cout << "  " << Render(lang, "grade_not_graded") << "\n";
    return;
  }
  std::string line =
      "  " + Render(lang, "grade_head", {g.tier.empty() ? std::string("-") : g.tier});
  if (g.provisional) {
    line += " " + Render(lang, "grade_provisional", {g.computed_at.substr(0, 10)});
  } else {
    line += " " + Render(lang, "grade_graded", {g.graded_at, std::to_string(g.rules_version)});
  }
  if (g.recency || g.frequency || g.monetary) {
    line += " · R" + std::to_string(g.recency.value_or(0)) + " F" +
            std::to_string(g.frequency.value_or(0)) + " M" + std::to_string(g.monetary.value_or(0));
  }
  if (!g.ticket_class.empty()) {
    line += " · " +
            Render(lang, "ticket_class", {std::string(CodeLabel(lang, "ticket", g.ticket_class))});
  }
  if (!g.lifecycle.empty()) {
    // English keeps the code (scripts read it); Chinese shows its label.
    line += " · " + (lang == Lang::kChinese ? std::string(CodeLabel(lang, "lifecycle", g.lifecycle))
                                            : g.lifecycle);
  }
  if (g.churn_risk) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", *g.churn_risk);
    line += " · " + Render(lang, "grade_churn_risk", {buf});
  }
  std::cout << line << "\n";
  for (const GradeReason& r : g.reasons) std::cout << "    " << ReasonLine(lang, r) << "\n";
  if (g.provisional && !view.server.tier.empty()) {
    std::cout << "  " << Render(lang, "grade_server", {view.server.tier, view.server.graded_at})
              << "\n";
  }
}

json::object ToJson(const Contact& c) { return RecordJson(c); }

json::object ToJson(const Visit& v) { return RecordJson(v); }

json::object ToJson(const Order& o) {
  json::array lines;
  for (const OrderLine& l : o.lines) {
    lines.push_back(json::object{{"id", l.id},
                                 {"part_no", l.part_no},
                                 {"description", TextOrNull(l.description)},
                                 {"quantity", l.quantity},
                                 {"unit_price_cents", l.unit_price_cents}});
  }
  return json::object{{"id", o.id},
                      {"customer_id", o.customer_id},
                      {"rep_id", TextOrNull(o.rep_id)},
                      {"order_date", TextOrNull(o.order_date)},
                      {"amount_cents", o.amount_cents},
                      {"currency", TextOrNull(o.currency)},
                      {"notes", TextOrNull(o.notes)},
                      {"voids_id", TextOrNull(o.voids_id)},
                      {"lines", std::move(lines)}};
}

json::object ToJson(const Task& t) { return RecordJson(t); }

json::object ToJson(const Feedback& f) { return RecordJson(f); }

json::object ToJson(const ReviewItem& r) {
  json::value payload;
  boost::system::error_code ec;
  payload = ReadJson(r.payload_json, ec);
  if (ec) payload = json::value(r.payload_json);
  return json::object{
      {"id", r.id},
      {"set_id", r.set_id},
      {"table", r.table},
      {"row_id", r.row_id},
      {"code", r.code},
      {"reason", r.reason},
      {"values", std::move(payload)},
      {"resolved", r.resolved},
      {"outcome", r.outcome.empty() ? json::value(nullptr) : json::value(r.outcome)}};
}

std::string Or(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

std::string CustomerLine(const Customer& c, Lang lang) {
  std::string line = c.id + "  " + Or(c.grade_tier, "-") +
                     (c.grade_provisional ? Render(lang, "cli_provisional") : "") + "  " + c.name;
  if (!c.name_latin.empty()) line += " (" + c.name_latin + ")";
  if (!c.city.empty()) line += "  " + c.city;
  if (!c.phone.empty()) line += "  " + c.phone;
  line +=
      "  " + (c.last_visit.empty() ? Render(lang, "cli_last_visit_never")
                                   : Render(lang, "cli_last_visit", {c.last_visit.substr(0, 10)}));
  return line;
}

std::string WhenText(Lang lang, const std::string& when) {
  if (lang == Lang::kEnglish || when.empty()) return when;
  return FormatDate(lang, when.size() > 10 ? LocalMinuteOfIso(when) : when);
}

std::string UtcWhenText(Lang lang, const std::string& iso_utc) {
  return lang == Lang::kEnglish ? UtcMinuteOfIso(iso_utc) : FormatDate(lang, iso_utc);
}

std::string EnumText(Lang lang, std::string_view enumeration, const std::string& code) {
  if (lang == Lang::kEnglish || code.empty()) return code;
  return std::string(CodeLabel(lang, enumeration, code));
}

std::string Count(Lang lang, std::string_view code, int64_t n) {
  return Render(lang, code, {std::to_string(n)});
}

json::object ToJson(const PoolRequest& r) {
  return json::object{{"request_id", r.request_id},
                      {"kind", KindName(r.kind)},
                      {"customer_id", r.customer_id},
                      {"customer_name", TextOrNull(r.customer_name)},
                      {"note", TextOrNull(r.note)},
                      {"requested_at", r.requested_at},
                      {"status", StateName(r.state)},
                      {"reason", TextOrNull(SayStored(Lang::kEnglish, r.reason))},
                      {"reason_code", TextOrNull(ReadStoredPhrase(r.reason).phrase.code)},
                      {"answered_at", TextOrNull(r.answered_at)}};
}

json::object ToJson(const ReclaimWarning& w) {
  return json::object{{"customer_id", w.customer_id},
                      {"name", TextOrNull(w.name)},
                      {"tier", TextOrNull(w.tier)},
                      {"reclaim_days", w.reclaim_days},
                      {"last_activity", TextOrNull(w.last_activity)},
                      {"deadline", w.deadline},
                      {"days_until", w.days_until},
                      {"message", w.message}};
}

std::string RequestWho(const PoolRequest& r) {
  return (r.customer_name.empty() ? r.customer_id : r.customer_name + " (" + r.customer_id + ")");
}

json::object PoolSyncJson(const SyncReport& r, const std::vector<PoolRequest>& pool_answered) {
  return json::object{{"granted", r.pool_granted},
                      {"refused", r.pool_refused},
                      {"refreshed", r.pool_refreshed},
                      {"error", TextOrNull(r.pool_error)},
                      {"answered", JsonList(pool_answered)}};
}

json::object PoolSummaryJson(const PoolRequestCounts& c) {
  return json::object{{"pending", c.pending}, {"recent_refusals", JsonList(c.recent_refusals)}};
}

void PrintPoolSync(const SyncReport& r, const std::vector<PoolRequest>& pool_answered, Lang lang) {
  for (const PoolRequest& a : pool_answered) {
    std::cout << Render(lang, "cli_sync_pool", {RequestLine(a, lang)}) << "\n";
  }
  if (!r.pool_error.empty()) {
    // A server's refusal that came as a value reads in the rep's language.
    std::cout << Render(lang, "cli_sync_pool_not_exchanged",
                        {RenderError(lang, r.pool_error, r.pool_error_phrase)})
              << "\n";
  }
}

// "claim of 鑫达汽修 (c1...): refused: already claimed by ..."
std::string RequestLine(const PoolRequest& r, Lang lang) {
  const bool claim = r.kind == PoolRequest::Kind::kClaim;
  const std::string who = RequestWho(r);
  switch (r.state) {
    case PoolRequest::State::kPending:
      break;
    case PoolRequest::State::kGranted:
      return Render(lang, claim ? "cli_claim_granted" : "cli_release_granted", {who});
    case PoolRequest::State::kRefused:
      return Render(lang, claim ? "cli_claim_refused" : "cli_release_refused",
                    {who, r.reason.empty() ? Render(lang, "cli_no_reason_given")
                                           : SayStoredText(lang, r.reason)});
  }
  return Render(lang, claim ? "cli_claim_pending" : "cli_release_pending", {who});
}

void PrintSync(const CliContext& ctx, const std::string& server, const DeviceSyncReport& synced,
               int64_t pending) {
  const std::string& reports_error = synced.reports_error;
  const std::string& review_error = synced.review_error;
  const size_t review_resolved = synced.review_resolved;
  const SyncReport& r = synced.sync;
  if (ctx.json) {
    PrintJson(json::object{
        {"server", server},
        {"pushed", r.rows_pushed},
        {"rejected", r.rows_rejected},
        {"received", r.rows_received},
        {"pages", r.pages},
        {"evicted", r.customers_evicted},
        {"evictions_deferred", r.evictions_deferred},
        {"rebuilt", r.rebuilt},
        {"server_restored", r.server_restored},
        {"rows_repushed", r.rows_repushed},
        {"cursor", r.cursor},
        {"round_trips", r.round_trips},
        {"clock_skew_ms", r.hub_clock_skew_ms},
        {"pending", pending},
        {"verification", json::object{{"verified", r.verified},
                                      {"buckets_repaired", r.buckets_repaired},
                                      {"rows_repaired", r.rows_repaired},
                                      {"rows_removed", r.rows_removed}}},
        {"pool", PoolSyncJson(r, synced.pool_answered)},
        {"reports", reports_error.empty() ? json::value("refreshed")
                                          : json::value("not refreshed: " + reports_error)},
        {"review", review_error.empty() ? json::value(json::object{{"resolved", review_resolved}})
                                        : json::value("not refreshed: " + review_error)}});
    return;
  }
  const Lang lang = LangOf(ctx);
  auto n = [](auto v) { return std::to_string(v); };
  std::cout << Render(lang, "cli_sync_with", {server}) << "\n";
  std::cout << Render(lang, "cli_sync_pushed", {n(r.rows_pushed)}) << "\n";
  std::cout << Render(lang, "cli_sync_rejected", {n(r.rows_rejected)});
  if (r.rows_rejected > 0) std::cout << Render(lang, "cli_sync_rejected_kept");
  std::cout << "\n" << Render(lang, "cli_sync_received", {n(r.rows_received)}) << "\n";
  std::cout << Render(lang, "cli_sync_evicted", {n(r.customers_evicted)});
  if (r.customers_evicted > 0) std::cout << Render(lang, "cli_sync_evicted_why");
  if (r.evictions_deferred > 0) {
    std::cout << Render(lang, "cli_sync_evictions_deferred", {n(r.evictions_deferred)});
  }
  std::cout << "\n";
  if (r.server_restored) {
    std::cout << Render(lang, "cli_sync_restored", {n(r.rows_repushed)}) << "\n";
  }
  if (r.rebuilt) std::cout << Render(lang, "cli_sync_rebuilt") << "\n";
  if (r.verified) {
    if (r.buckets_repaired == 0) {
      std::cout << Render(lang, "cli_sync_verified_whole") << "\n";
    } else {
      std::cout << Render(lang, "cli_sync_verified_repaired",
                          {n(r.buckets_repaired), n(r.rows_repaired), n(r.rows_removed)})
                << "\n";
    }
  }
  PrintPoolSync(r, synced.pool_answered, lang);
  if (!reports_error.empty()) {
    std::cout << Render(lang, "cli_sync_reports_not_refreshed",
                        {RenderError(lang, reports_error, synced.reports_error_phrase)})
              << "\n";
  }
  if (review_resolved > 0) {
    std::cout << Render(lang, "cli_sync_review_resolved", {n(review_resolved)}) << "\n";
  }
  if (!review_error.empty()) {
    std::cout << Render(lang, "cli_sync_review_not_refreshed",
                        {RenderError(lang, review_error, synced.review_error_phrase)})
              << "\n";
  }
  if (pending > 0) std::cout << Render(lang, "cli_sync_queued", {n(pending)}) << "\n";
  const int64_t skew = r.hub_clock_skew_ms;
  if (skew > 5 * 60 * 1000 || skew < -5 * 60 * 1000) {
    std::cout << Render(lang, skew > 0 ? "cli_sync_clock_ahead" : "cli_sync_clock_behind",
                        {n((skew > 0 ? skew : -skew) / 60000)})
              << "\n";
  }
}

}  // namespace fieldbook::client::cli

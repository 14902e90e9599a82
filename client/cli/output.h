// The output of fieldbook-cli's commands, formatted in this one place: a failure's one-line
// reason on stderr (with --json also {"error":{"code","message"}} on stdout), results as one JSON
// document (WriteJson, so numbers round-trip exactly) or as lines of text, and the device's
// records (customers, grades, contacts, visits, orders, tasks, feedback, review items, pool
// requests, reclaim warnings, a sync's result) in both forms. Empty texts print as JSON null.
//
// Thread safety: functions that write to std::cout and std::cerr; call them from the main thread.
#ifndef FIELDBOOK_CLIENT_CLI_OUTPUT_H_
#define FIELDBOOK_CLIENT_CLI_OUTPUT_H_

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli_commands.h"
#include "fieldbook/replica.h"
#include "fieldbook/status.h"
#include "store/client_store.h"
#include "sync/device_sync.h"

namespace fieldbook::client::cli {

// "invalid_argument" for StatusCode::kInvalidArgument.
std::string CodeName(StatusCode code);
// Prints "fieldbook-cli: <what>: <message>" (and the JSON error with --json); returns `exit_code`.
// `message` is shown as it is: a text already in the rep's language, or words with no code.
int Fail(const CliContext& ctx, const std::string& what, const std::string& code,
         const std::string& message, int exit_code);
// The same with `s` as the detail: its phrase in the rep's language when it carries one (a store
// error, a server's refusal), else its message; --json adds "message_code" and "message_values".
int Fail(const CliContext& ctx, const std::string& what, const std::string& code, const Status& s,
         int exit_code);
// The exit code of a local failure: bad input (kInvalidArgument) is a usage error, the rest a
// failure.
int LocalExitCode(const Status& s);
// A local failure, exiting with LocalExitCode(s).
int Fail(const CliContext& ctx, const std::string& what, const Status& s);
// The same with the message `hint` (lang/messages.h: what to do about it) after the detail, in
// the rep's language on stderr and in English in --json's "message".
int Fail(const CliContext& ctx, const std::string& what, const Status& s, std::string_view hint);
// A failure in fieldbook-cli's own words: the message `message` (lang/messages.h, cli_...) with
// `args` as its {0}, {1}... and, when given, `cause` as the next one (a Status: its phrase in the
// rep's language); in the rep's language on stderr, in English in --json's "message", with
// "message_code" and "message_values" ({"0": ..., "1": ...}, the cause in English).
int FailSaid(const CliContext& ctx, const std::string& what, const std::string& code,
             std::string_view message, std::vector<std::string> args, int exit_code,
             const Status* cause = nullptr);
// A failed sync, `cause` its reason and `failure` what stays queued: what failed and that nothing
// was lost in the rep's language on stderr (lang/messages.h RenderSyncFailure). With --json the
// English sentence as "message", "message_code" sync_unreachable or sync_failed with
// "message_values" {"detail": the cause in English, "queued", "pool_waiting"}, and a server's
// refusal that came as a value (its code and values) as "detail_code" and "detail_values".
int FailSync(const CliContext& ctx, const std::string& code, const Status& cause,
             SyncFailure failure, int exit_code);

// One JSON document on stdout.
void PrintJson(const boost::json::value& v);
// A command's result: `json` with --json, else the line `text`; returns kExitOk.
int Answer(const CliContext& ctx, const boost::json::value& json, const std::string& text);
// A command that adds a record: Fail(what) with `id`'s error, else {"id": ...} with --json, else
// the line "<done> <id><detail>".
int AnswerAdded(const CliContext& ctx, const std::string& what, const Result<std::string>& id,
                const std::string& done, const std::string& detail = "");
// `items` as one JSON array of to_json(item), ToJson(item) by default (JsonList below); a
// command's --json list printed as that array.
template <typename List, typename ToJsonFn>
boost::json::array JsonList(const List& items, ToJsonFn to_json) {
  boost::json::array out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}
template <typename List, typename ToJsonFn>
void PrintJsonList(const List& items, ToJsonFn to_json) {
  PrintJson(JsonList(items, to_json));
}
boost::json::value TextOrNull(const std::string& s);
template <typename T>
boost::json::value OptOrNull(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value(*v);
}

// `fallback` for an empty text.
std::string Or(const std::string& s, const char* fallback);

// Records as JSON objects.
boost::json::object ToJson(const Customer& c);
boost::json::object ToJson(const CustomerGrade& g);
boost::json::object ToJson(const Contact& c);
boost::json::object ToJson(const Visit& v);
boost::json::object ToJson(const Order& o);
boost::json::object ToJson(const Task& t);
boost::json::object ToJson(const Feedback& f);
boost::json::object ToJson(const ReviewItem& r);
boost::json::object ToJson(const PoolRequest& r);
boost::json::object ToJson(const ReclaimWarning& w);

// Phrases as [{"code","values"}...] (fieldbook/lang_text.h; values: fieldbook/phrase_json.h).
boost::json::array PhrasesJson(const std::vector<Phrase>& phrases);
// A visit's, an order's or a task's time as the rep reads it: in Chinese the device's local time
// "2026年12月7日 14:05" (a day alone: "2026年12月7日"); in English as stored (ISO 8601, what
// scripts read).
std::string WhenText(Lang lang, const std::string& when);
// A moment the server or the device stamped in UTC (a check-in, a pool listing, a pool request
// and its answer) as "2026-12-07 14:05 UTC" in English and "2026年12月7日 14:05 UTC" in Chinese.
std::string UtcWhenText(Lang lang, const std::string& iso_utc);

// Records as text: a customer's grade (a line and one per reason), a customer on one line.
void PrintGrade(const GradeView& view, Lang lang);
std::string CustomerLine(const Customer& c, Lang lang);
// An enumeration's code as the rep reads it: the code itself in English (scripts read it), its
// label in Chinese ("stage", "deciding" -> "决策中"; fieldbook/lang_text.h).
std::string EnumText(Lang lang, std::string_view enumeration, const std::string& code);
// A message (lang/messages.h) whose one value is a count: "3 customers" / "3 个客户".
std::string Count(Lang lang, std::string_view code, int64_t n);

// The public pool's requests (their kind and state: KindName, StateName of store/pool_cache.h):
// "鑫达汽修 (c1...)", and one line with the server's answer ("claim of 鑫达汽修 (c1...): refused:
// already claimed by ...").
std::string RequestWho(const PoolRequest& r);
std::string RequestLine(const PoolRequest& r, Lang lang);
boost::json::object PoolSummaryJson(const PoolRequestCounts& c);
boost::json::object PoolSyncJson(const SyncReport& r,
                                 const std::vector<PoolRequest>& pool_answered);
// The pool's part of `sync`: each answer, and whether the pool could be refreshed.
void PrintPoolSync(const SyncReport& r, const std::vector<PoolRequest>& pool_answered, Lang lang);

// fieldbook-cli sync's result (in the rep's language): what was exchanged, the pool's answers, and
// what could not be brought up to date (the reports, the review list); `pending` changes still
// queued.
void PrintSync(const CliContext& ctx, const std::string& server, const DeviceSyncReport& synced,
               int64_t pending);

// JsonList and PrintJsonList with the ToJson above.
template <typename List>
boost::json::array JsonList(const List& items) {
  return JsonList(items, [](const auto& item) { return ToJson(item); });
}
template <typename List>
void PrintJsonList(const List& items) {
  PrintJson(JsonList(items));
}

}  // namespace fieldbook::client::cli

#endif  // FIELDBOOK_CLIENT_CLI_OUTPUT_H_

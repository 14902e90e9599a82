// Messages: what the device tells the rep as values (a code and its parameters) rendered in the
// rep's language only when shown (issue #19), shared by the desktop app and fieldbook-cli. The
// table (FIELDBOOK_MESSAGES) holds each message once with English and Chinese side by side, so a
// missing translation is a compile error; parameters are written {0}, {1}... and both languages
// use the same ones. Dates and money are formatted per language here too.
//
// The language: --lang en|zh, else the locale (LC_ALL, LC_MESSAGES, LANG), else English.
//
// Thread safety: immutable static data and pure functions; safe from any thread.
#ifndef FIELDBOOK_CLIENT_LANG_MESSAGES_H_
#define FIELDBOOK_CLIENT_LANG_MESSAGES_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldbook::client {

enum class Lang { kEnglish, kChinese };

// X(code, English, Chinese)
#define FIELDBOOK_MESSAGES(X)                                                                     \
  X(sync_kept_one, "nothing was lost: 1 change stays queued on this device for the next sync",    \
    "没有丢失任何数据：1 条改动已安全保存在本机，下次同步时发送")                                 \
  X(sync_kept_many, "nothing was lost: {0} changes stay queued on this device for the next sync", \
    "没有丢失任何数据：{0} 条改动已安全保存在本机，下次同步时发送")                               \
  X(sync_pool_one, ", and 1 pool request waits", "，另有 1 个公海请求等待发送")                   \
  X(sync_pool_many, ", and {0} pool requests wait", "，另有 {0} 个公海请求等待发送")              \
  X(sync_unreachable, "the server could not be reached ({0}); {1}", "无法连接服务器（{0}）；{1}") \
  X(sync_failed, "{0}; {1}", "同步失败（{0}）；{1}")                                              \
  X(sync_offline_short_one, "Offline: 1 change safely queued, nothing lost",                      \
    "离线：1 条改动已安全保存，没有丢失")                                                         \
  X(sync_offline_short, "Offline: {0} changes safely queued, nothing lost",                       \
    "离线：{0} 条改动已安全保存，没有丢失")                                                       \
  X(sync_failed_short_one, "Sync failed: 1 change safely queued, nothing lost",                   \
    "同步失败：1 条改动已安全保存，没有丢失")                                                     \
  X(sync_failed_short, "Sync failed: {0} changes safely queued, nothing lost",                    \
    "同步失败：{0} 条改动已安全保存，没有丢失")                                                   \
  X(date_day_month_year, "{2} {1} {0}", "{0}年{1}{2}日")                                          \
  X(month_1, "Jan", "1月")                                                                        \
  X(month_2, "Feb", "2月")                                                                        \
  X(month_3, "Mar", "3月")                                                                        \
  X(month_4, "Apr", "4月")                                                                        \
  X(month_5, "May", "5月")                                                                        \
  X(month_6, "Jun", "6月")                                                                        \
  X(month_7, "Jul", "7月")                                                                        \
  X(month_8, "Aug", "8月")                                                                        \
  X(month_9, "Sep", "9月")                                                                        \
  X(month_10, "Oct", "10月")                                                                      \
  X(month_11, "Nov", "11月")                                                                      \
  X(month_12, "Dec", "12月")

// Every message code, in table order (for tests that walk the table).
std::vector<std::string_view> MessageCodes();
// The template of `code` in `lang`; nullopt for an unknown code.
std::optional<std::string_view> MessageTemplate(Lang lang, std::string_view code);
// `code` in `lang` with {0}, {1}... replaced by `args` (a missing argument stays as written; an
// unknown code renders as the code itself, so nothing is ever blank).
std::string Render(Lang lang, std::string_view code, std::initializer_list<std::string> args = {});

// A failed sync as a value: what went wrong and what is kept (rendered in the rep's language).
struct SyncFailure {
  bool unreachable = false;  // the server could not be reached (offline), else it refused/failed
  std::string detail;        // the transport's or server's own words (not translated)
  int64_t queued = 0;        // changes safely queued on the device for the next sync
  int64_t pool_waiting = 0;  // public-pool requests waiting too
};
// The whole sentence: what failed, then that nothing was lost and what is queued.
std::string RenderSyncFailure(Lang lang, const SyncFailure& f);
// A short line for a status bar: offline / failed, how many changes are queued, nothing lost.
std::string RenderSyncFailureShort(Lang lang, const SyncFailure& f);

// "en" or "zh" (also "zh-CN", "zh_CN.UTF-8"...); nullopt for anything else.
std::optional<Lang> ParseLang(std::string_view text);
// `flag` when given (unknown: English), else the locale's language, else English.
Lang ChooseLang(std::string_view flag);

// "2026-11-23" (or "2026-11-23 09:15", "2026-11-23T09:15:00Z") as "23 Nov 2026 09:15" /
// "2026年11月23日 09:15"; text that is not such a date is returned unchanged.
std::string FormatDate(Lang lang, std::string_view iso);
// Cents (fen) as "¥1,234.50" / "1,234.50 元"; negative amounts keep their sign.
std::string FormatMoney(Lang lang, int64_t cents);
// Cents as "1,234.50" ("-1,234.50"), the same in both languages.
std::string FormatAmount(int64_t cents);

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_LANG_MESSAGES_H_

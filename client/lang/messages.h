// Messages: what the device tells the rep as values (a code and its parameters) rendered in the
// rep's language only when shown (issue #19), shared by the desktop app and fieldbook-cli. The
// device's own messages (sync failures, the review list's words, every line fieldbook-cli prints:
// codes cli_...) are a table of the one string-table type
// (fieldbook/lang_text.h: each code with English and Chinese side by side); codes it does not
// hold are looked up among the common texts (reasons, date parts). Parameters are written {0},
// {1}... (or by name) and both languages use the same ones. Dates and money are formatted per
// language (lang_text.h).
//
// The language: --lang en|zh, else the locale (LC_ALL, LC_MESSAGES, LANG), else English.
//
// Thread safety: immutable static data and pure functions; safe from any thread.
#ifndef FIELDBOOK_CLIENT_LANG_MESSAGES_H_
#define FIELDBOOK_CLIENT_LANG_MESSAGES_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fieldbook/lang_text.h"

namespace fieldbook::client {

using fieldbook::FormatAmount;
using fieldbook::FormatDate;
using fieldbook::FormatMoney;
using fieldbook::Lang;

// The device's own messages (sync, review list, fieldbook-cli's lines), one LangText each.
std::span<const LangText> DeviceMessages();

// Every message code, in table order (for tests that walk the table).
std::vector<std::string_view> MessageCodes();
// The template of `code` in `lang` (a device message, else a common text); nullopt for an unknown
// code.
std::optional<std::string_view> MessageTemplate(Lang lang, std::string_view code);
// `code` in `lang` with {0}, {1}... replaced by `args` (a missing argument stays as written; an
// unknown code renders as the code itself, so nothing is ever blank).
std::string Render(Lang lang, std::string_view code, std::initializer_list<std::string> args = {});

// A failed sync as a value: what went wrong and what is kept (rendered in the rep's language).
struct SyncFailure {
  bool unreachable = false;  // the server could not be reached (offline), else it refused/failed
  // The transport's or server's own words; a server's refusal that came as a value (its code
  // and values) rendered in the rep's language (lang/store_errors.h RenderError).
  std::string detail;
  int64_t queued = 0;        // changes safely queued on the device for the next sync
  int64_t pool_waiting = 0;  // public-pool requests waiting too
};
// The whole sentence: what failed, then that nothing was lost and what is queued.
std::string RenderSyncFailure(Lang lang, const SyncFailure& f);
// A short line for a status bar: offline / failed, how many changes are queued, nothing lost, and
// how many public-pool requests wait too (when any).
std::string RenderSyncFailureShort(Lang lang, const SyncFailure& f);

// "en" or "zh" (also "zh-CN", "zh_CN.UTF-8"...), and the flag's or the locale's language: the one
// choice of both sides (fieldbook/lang_text.h).
using fieldbook::ChooseLang;
using fieldbook::ParseLang;

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_LANG_MESSAGES_H_

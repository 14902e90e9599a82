// Texts in two languages (issue #19): the ONE string-table type (LangText: a code with its
// English and Chinese side by side) that every table of the client and the server's console
// rendering uses, the values a text is filled with, and the tables both sides share:
//   * CommonTexts(): reasons (of grades, plans, at-risk lists) and date parts;
//   * CodeLabels(): the labels of the schema's enumeration codes ("stage.deciding");
//   * HttpRefusals(): the server's own refusals at its HTTP layer (shared/src/http_refusals.cc).
// A reason is stored and replicated as a value (a code and its named values: Phrase of phrase.h,
// and GradeReason in grading.h) and rendered in the reader's language only when shown.
//
// Templates name their values {days}, {0}...; a value may carry a kind: {spend:money} (yuan,
// formatted per language), {due:date} (YYYY-MM-DD, per language), {kind:label} (an enumeration
// code's label), {what:word} (a noun of the device's store, "customer" -> 客户: labels word.*),
// {days:days} ("1 day" / "9 days"), {days:in_days} ("today", "tomorrow", "in 9 days"),
// {n:plural:order:orders} ("1 order" / "2 orders"), {facts:facts} ("1 0 2": "1 order and 2
// feedback" / "1 个订单和 2 条反馈").
//
// Thread safety: static data and pure functions, from any thread; ChooseLang reads the environment.
#ifndef FIELDBOOK_LANG_TEXT_H_
#define FIELDBOOK_LANG_TEXT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fieldbook/phrase.h"

namespace fieldbook {

enum class Lang { kEnglish, kChinese };

// One entry of a string table: a code and its text in both languages.
struct LangText {
  std::string_view code, en, zh;
  std::string_view In(Lang lang) const { return lang == Lang::kChinese ? zh : en; }
};

// The entry of `code` in `table`; nullptr when it has none.
const LangText* FindText(std::span<const LangText> table, std::string_view code);

// Reasons (grading, plan, at risk) and date parts, in both languages.
std::span<const LangText> CommonTexts();
// The server's own refusals at its HTTP layer (codes http_...: a wrong device token, a body too
// large, a server too busy), sent as "error_code" and "error_values" beside the English "error"
// (server/http/http_types.h JsonError) and rendered by the device in the rep's language.
std::span<const LangText> HttpRefusals();
// A refusal in `lang`; its code when this build does not know it.
std::string SayRefusal(Lang lang, const Phrase& refusal);
// Enumeration labels: code "enumeration.value" ("stage.deciding", "rule.recency").
std::span<const LangText> CodeLabels();
// The label of `value` in `enumeration` ("stage", "deciding" -> "决策中"); the value itself when
// it has none. With an empty enumeration, the first enumeration that has `value`.
std::string_view CodeLabel(Lang lang, std::string_view enumeration, std::string_view value);

// `tmpl` with its {name[:kind...]} placeholders filled from `values` (a placeholder without a
// value stays as written; a value is never filled in again).
std::string FillText(Lang lang, std::string_view tmpl, const TextValues& values);
// A common text (CommonTexts) in `lang`; `fallback` when the code has none (an old row's words).
std::string Say(Lang lang, const Phrase& phrase, std::string_view fallback = {});
// `phrase` in `lang` when its code is a server refusal (HttpRefusals) or a common text
// (CommonTexts); nullopt for any other code (a table of one side's own, an old row's words).
std::optional<std::string> SayKnown(Lang lang, const Phrase& phrase);
// SayKnown, else `english` (the words kept beside the code) as it is.
std::string SayPhrase(Lang lang, const Phrase& phrase, std::string_view english);
// Phrases joined as one sentence: ", " in English, "，" in Chinese.
std::string SayAll(Lang lang, const std::vector<Phrase>& phrases);
// Texts joined as a list (", " / "，") or as clauses ("; " / "；").
std::string JoinTexts(Lang lang, const std::vector<std::string>& texts, bool clauses);

// The language a program speaks to the person who runs it (the rep's app and CLI, the manager's
// fieldbook-server): "en" or "zh", in any case, alone or with a region or an encoding ("zh-CN",
// "ZH_CN", "zh_CN.UTF-8"); nullopt for anything else.
std::optional<Lang> ParseLang(std::string_view text);
// `flag` when given (one ParseLang does not know: English), else the first locale variable set
// (LC_ALL, LC_MESSAGES, LANG), else English.
Lang ChooseLang(std::string_view flag);

// A number as the reasons write it: "9", "4.70".
std::string NumberText(double v);
// "2026-11-23" (or "2026-11-23 09:15") as "23 Nov 2026 09:15" / "2026年11月23日 09:15"; a UTC time
// ("2026-11-23T09:15:00Z") keeps its zone: "2026年11月23日 09:15 UTC".
// Text that is not such a date is returned unchanged.
std::string FormatDate(Lang lang, std::string_view iso);
// Cents (fen) as "¥1,234.50" / "1,234.50 元"; negative amounts keep their sign.
std::string FormatMoney(Lang lang, int64_t cents);
// Cents as "1,234.50" ("-1,234.50"), the same in both languages.
std::string FormatAmount(int64_t cents);

}  // namespace fieldbook

#endif  // FIELDBOOK_LANG_TEXT_H_

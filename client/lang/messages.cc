#include "lang/messages.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "lang/review_messages.h"

namespace fieldbook::client {

namespace {

struct Entry {
  std::string_view code, en, zh;
};

// clang-format off
constexpr Entry kMessages[] = {
#define FIELDBOOK_MESSAGE_ENTRY(code, en, zh) {#code, en, zh},
    FIELDBOOK_MESSAGES(FIELDBOOK_MESSAGE_ENTRY)
    FIELDBOOK_REVIEW_MESSAGES(FIELDBOOK_MESSAGE_ENTRY)  // the review list's (review_messages.h)
#undef FIELDBOOK_MESSAGE_ENTRY
};
// clang-format on

bool Digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

std::vector<std::string_view> MessageCodes() {
  std::vector<std::string_view> out;
  for (const Entry& e : kMessages) out.push_back(e.code);
  return out;
}

std::optional<std::string_view> MessageTemplate(Lang lang, std::string_view code) {
  for (const Entry& e : kMessages) {
    if (e.code == code) return lang == Lang::kChinese ? e.zh : e.en;
  }
  return std::nullopt;
}

std::string Render(Lang lang, std::string_view code, std::initializer_list<std::string> args) {
  const std::optional<std::string_view> tmpl = MessageTemplate(lang, code);
  if (!tmpl) return std::string(code);
  const std::vector<std::string> list(args);
  std::string out;
  for (size_t i = 0; i < tmpl->size(); ++i) {
    const size_t close = (*tmpl)[i] == '{' ? tmpl->find('}', i) : std::string_view::npos;
    if (close != std::string_view::npos) {
      const std::string_view index = tmpl->substr(i + 1, close - i - 1);
      if (Digits(index) && index.size() < 3) {
        const size_t n = static_cast<size_t>(std::atoi(std::string(index).c_str()));
        if (n < list.size()) {
          out += list[n];
          i = close;
          continue;
        }
      }
    }
    out += (*tmpl)[i];
  }
  return out;
}

std::string RenderSyncFailure(Lang lang, const SyncFailure& f) {
  std::string kept = f.queued == 1 ? Render(lang, "sync_kept_one")
                                   : Render(lang, "sync_kept_many", {std::to_string(f.queued)});
  if (f.pool_waiting > 0) {
    kept += f.pool_waiting == 1 ? Render(lang, "sync_pool_one")
                                : Render(lang, "sync_pool_many", {std::to_string(f.pool_waiting)});
  }
  return Render(lang, f.unreachable ? "sync_unreachable" : "sync_failed", {f.detail, kept});
}

std::string RenderSyncFailureShort(Lang lang, const SyncFailure& f) {
  if (f.queued == 1) {
    return Render(lang, f.unreachable ? "sync_offline_short_one" : "sync_failed_short_one");
  }
  return Render(lang, f.unreachable ? "sync_offline_short" : "sync_failed_short",
                {std::to_string(f.queued)});
}

std::optional<Lang> ParseLang(std::string_view text) {
  std::string lower(text.substr(0, 2));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text.size() > 2 && text[2] != '-' && text[2] != '_' && text[2] != '.') return std::nullopt;
  if (lower == "en") return Lang::kEnglish;
  if (lower == "zh") return Lang::kChinese;
  return std::nullopt;
}

Lang ChooseLang(std::string_view flag) {
  if (!flag.empty()) return ParseLang(flag).value_or(Lang::kEnglish);
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') {
      return ParseLang(v).value_or(Lang::kEnglish);
    }
  }
  return Lang::kEnglish;
}

std::string FormatDate(Lang lang, std::string_view iso) {
  // YYYY-MM-DD, then optionally a space or 'T' and HH:MM.
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-' || !Digits(iso.substr(0, 4)) ||
      !Digits(iso.substr(5, 2)) || !Digits(iso.substr(8, 2))) {
    return std::string(iso);
  }
  const int month = std::atoi(std::string(iso.substr(5, 2)).c_str());
  const int day = std::atoi(std::string(iso.substr(8, 2)).c_str());
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::string(iso);
  std::string time;
  if (iso.size() >= 16 && (iso[10] == ' ' || iso[10] == 'T') && iso[13] == ':' &&
      Digits(iso.substr(11, 2)) && Digits(iso.substr(14, 2))) {
    time = " " + std::string(iso.substr(11, 5));
  }
  return Render(lang, "date_day_month_year",
                {std::string(iso.substr(0, 4)), Render(lang, "month_" + std::to_string(month)),
                 std::to_string(day)}) +
         time;
}

std::string FormatMoney(Lang lang, int64_t cents) {
  const std::string amount = FormatAmount(cents);
  const bool negative = cents < 0;
  const std::string number = negative ? amount.substr(1) : amount;
  const std::string sign = negative ? "-" : "";
  return lang == Lang::kChinese ? sign + number + " 元" : sign + "¥" + number;
}

std::string FormatAmount(int64_t cents) {
  const bool negative = cents < 0;
  // The magnitude without overflowing on INT64_MIN.
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(cents + 1)) + 1 : static_cast<uint64_t>(cents);
  std::string whole = std::to_string(magnitude / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) {
    whole.insert(static_cast<size_t>(i), ",");
  }
  const uint64_t fen = magnitude % 100;
  return (negative ? "-" : "") + whole + "." + (fen < 10 ? "0" : "") + std::to_string(fen);
}

}  // namespace fieldbook::client

#include "commands/command_lang.h"

#include <atomic>
#include <cstdlib>

namespace fieldbook::server {

namespace {

std::atomic<Lang> g_lang{Lang::kEnglish};
std::atomic<bool> g_chosen{false};

bool SaysChinese(std::string_view text) { return text.substr(0, 2) == "zh"; }

}  // namespace

void SetCommandLang(std::string_view flag) {
  g_lang = SaysChinese(flag) ? Lang::kChinese : Lang::kEnglish;
  g_chosen = !flag.empty();
}

Lang CommandLang() {
  if (g_chosen) return g_lang;
  // The first locale variable that is set decides, as for any program (POSIX's order).
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return SaysChinese(v) ? Lang::kChinese : Lang::kEnglish;
  }
  return Lang::kEnglish;
}

std::string SayPhrase(Lang lang, const Phrase& phrase, std::string_view english) {
  if (FindText(HttpRefusals(), phrase.code) != nullptr) return SayRefusal(lang, phrase);
  if (FindText(CommonTexts(), phrase.code) != nullptr) return Say(lang, phrase);
  return std::string(english);
}

std::string CommandErrorText(const Status& error) {
  // In English the message itself: a call site may keep words older than its code's.
  const Phrase* phrase = error.phrase();
  if (phrase == nullptr || CommandLang() == Lang::kEnglish) return error.message();
  return SayPhrase(CommandLang(), *phrase, error.message());
}

}  // namespace fieldbook::server

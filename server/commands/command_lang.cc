#include "commands/command_lang.h"

#include <atomic>

namespace fieldbook::server {

namespace {

std::atomic<Lang> g_lang{Lang::kEnglish};
std::atomic<bool> g_chosen{false};

}  // namespace

void SetCommandLang(std::string_view flag) {
  g_lang = ChooseLang(flag);
  g_chosen = !flag.empty();
}

Lang CommandLang() { return g_chosen ? g_lang.load() : ChooseLang(""); }

std::string CommandErrorText(const Status& error) { return CommandErrorText(error, CommandLang()); }

std::string CommandErrorText(const Status& error, Lang lang) {
  // In English the message itself: a call site may keep words older than its code's.
  const Phrase* phrase = error.phrase();
  if (phrase == nullptr || lang == Lang::kEnglish) return error.message();
  return SayPhrase(lang, *phrase, error.message());
}

}  // namespace fieldbook::server

// The language fieldbook-server's commands speak to the manager who runs them (issue #19):
// `--lang en|zh`, else the locale (LC_ALL, LC_MESSAGES, LANG), else English: the one choice of
// fieldbook/lang_text.h ChooseLang, the rep's app's and CLI's too. What the commands print from a
// value (an error's code and values, an import's row problems, an audit entry's reason) is
// rendered in it (fieldbook/lang_text.h SayPhrase); what a script reads (--json's English fields,
// exit codes) is the same in every language.
//
// Thread safety: SetCommandLang is called by main while it parses the command line, before any
// command runs; the rest may then be called from any thread.
#ifndef FIELDBOOK_SERVER_COMMAND_LANG_H_
#define FIELDBOOK_SERVER_COMMAND_LANG_H_

#include <string>
#include <string_view>

#include "fieldbook/lang_text.h"
#include "fieldbook/status.h"

namespace fieldbook::server {

// `flag` ("en" or "zh", "zh_CN"...; "" for the locale's choice).
void SetCommandLang(std::string_view flag);
Lang CommandLang();

// An error as the manager reads it: in Chinese its phrase when it has one this build knows, else
// (and always in English) its message as it is.
std::string CommandErrorText(const Status& error);
// The same in `lang`.
std::string CommandErrorText(const Status& error, Lang lang);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_COMMAND_LANG_H_

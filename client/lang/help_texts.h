// The command lines' help in the rep's language (issue #19): one table of the one string-table
// type (fieldbook/lang_text.h: each code with its English and Chinese side by side) holding
//   * every description of fieldbook-cli's commands and options (codes help_<command>_<option>;
//     a customer field's option: help_field_<field>, named in client/store/customers.cc) and of
//     the app's options (help_fieldbook_..., named in client/app/app_main.cc);
//   * the words of CLI11's help pages (help_word_...: "Usage", "Options", "REQUIRED", "TEXT"...);
//   * CLI11's usage errors and the CLI's own (help_err_...: "{0} is required"...).
// The set-ups (client/cli/, the app's main) name a code for every description and take its text
// from here in the rep's language, so the English and the Chinese cannot drift apart; a test fails
// on a code they name that the table lacks, on an entry nothing names, and on a missing
// translation.
// Values are written {0}, {1}... (the same in both languages).
//
// Thread safety: immutable static data and pure functions; safe from any thread.
#ifndef FIELDBOOK_CLIENT_LANG_HELP_TEXTS_H_
#define FIELDBOOK_CLIENT_LANG_HELP_TEXTS_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fieldbook/lang_text.h"

namespace fieldbook::client {

// The help table, in table order.
std::span<const LangText> HelpTexts();
// The text of `code` in `lang` with {0}, {1}... filled from `values`; a code the table does not
// hold comes back as "[code]" (visible in either language, and the tests fail on it).
std::string HelpText(Lang lang, std::string_view code, const std::vector<std::string>& values = {});

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_LANG_HELP_TEXTS_H_

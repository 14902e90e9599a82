// The help pages and usage errors of fieldbook-cli and of the app (fieldbook) in the rep's
// language (issue #19); one library both link (fieldbook_help_format). The set-up of each command
// line (cli_main.cc and every command family; the app's app_main.cc) names each description by its
// code in the help table (client/lang/help_texts.h) and takes the text in the help language;
// HelpFormatter (a CLI::Formatter) writes CLI11's own words (section titles, "Usage", value kinds,
// REQUIRED) in that language and pads columns by display width (a Chinese character takes two);
// UsageError renders CLI11's usage errors (its error types: RequiredError, ValidationError,
// ExtrasError...) in it too. In English every page and error reads exactly as CLI11 writes it.
//
// The language is the one the program speaks in (fieldbook-cli's LangOf, the app's UI: --lang,
// else the locale), read from argv before parsing because --help is answered while parsing.
//
// Thread safety: call from main()'s thread only (CLI11's objects are not shared).
#ifndef FIELDBOOK_CLIENT_CLI_HELP_FORMAT_H_
#define FIELDBOOK_CLIENT_CLI_HELP_FORMAT_H_

#include <string>
#include <string_view>

#include "lang/help_texts.h"
#include "lang/messages.h"

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace fieldbook::client::cli {

// --lang's value in argv ("--lang zh", "--lang=zh"), else the locale's language, else English:
// the choice LangOf(ctx) makes once the command line is parsed.
Lang HelpLang(int argc, const char* const* argv);

// Gives `app` the help formatter, its help flag's description and its subcommands' group (a
// section title) in `lang`; call before adding subcommands (they inherit all three).
void UseHelpLanguage(CLI::App& app, Lang lang);

// A usage error as the one line the program prints after its name ("fieldbook-cli: "), with
// "(see --help)"; an error CLI11 words in a way this does not know stays in CLI11's English.
std::string UsageError(Lang lang, const CLI::ParseError& e);

}  // namespace fieldbook::client::cli

#endif  // FIELDBOOK_CLIENT_CLI_HELP_FORMAT_H_

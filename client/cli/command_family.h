// CommandFamily: a family of fieldbook-cli subcommands that wires itself into the command line,
// so that a new family is one new file with no edit to cli_main.cc or cli_commands.h. The
// family's file (client/cli/<family>_commands.cc) defines at namespace scope
//   const CommandFamily kPreferenceCommands{"customer-preferences", &AddPreferenceCommands};
// where `void AddPreferenceCommands(CLI::App& app, CliWiring& wiring)` adds its subcommands (to
// a group main() made: wiring.group("customer", ...) returns the existing one). main() wires its
// own commands first, then calls AddCommandFamilies(app, wiring) once, before parsing. A
// command's callback sets wiring.action; options parse into state the callbacks own
// (std::make_shared, captured by value). Every file of client/cli/ is compiled into the
// executable, so every family's object is in the binary.
//
// Thread safety: the list is fixed before main() (fieldbook/registration.h); families are added
// and run on the main thread.
#ifndef FIELDBOOK_CLIENT_CLI_COMMAND_FAMILY_H_
#define FIELDBOOK_CLIENT_CLI_COMMAND_FAMILY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "cli/cli_commands.h"
#include "fieldbook/registration.h"
#include "fieldbook/status.h"
#include "lang/help_texts.h"

namespace CLI {
class App;
}  // namespace CLI

namespace fieldbook::client {
class ClientStore;
}  // namespace fieldbook::client

namespace fieldbook::client::cli {

// What main() gives every family.
struct CliWiring {
  CliContext& ctx;               // --replica and --json, once parsed
  std::function<int()>& action;  // a command's callback sets what runs after parsing
  // A subcommand of `parent` taking the options every command takes (--replica, --json,
  // --lang), described by the help table's entry `help_code` (lang/help_texts.h).
  std::function<CLI::App*(CLI::App* parent, const char* name, const char* help_code)> leaf;
  // The top-level group `name` (made, requiring one subcommand, if main() did not make it).
  std::function<CLI::App*(const char* name, const char* help_code)> group;
  // The language of the help pages (help_format.h: the one the commands print in).
  Lang lang;
  // The help table's text of `code` in that language: every description a family gives.
  std::string help(const char* code) const { return HelpText(lang, code); }
};

using CommandFamily = Registration<void (*)(CLI::App&, CliWiring&)>;

// A number setting of the replica, shown by one leaf, or set first when the number is given (the
// leaf's one argument): set(store, n), then get(store), answered as {json_key: n} or
// text(the rep's language, n);
// errors name `what`. Descriptions are codes of the help table.
struct NumberSetting {
  const char* name;
  const char* help_code;
  const char* arg;
  const char* arg_help_code;
  const char* what;
  const char* json_key;
  Status (*set)(ClientStore& store, int64_t n);
  Result<int64_t> (*get)(ClientStore& store);
  std::string (*text)(Lang lang, int64_t n);
};
void AddNumberSetting(CliWiring& w, CLI::App* parent, const NumberSetting& setting);

inline void AddCommandFamilies(CLI::App& app, CliWiring& wiring) {
  for (const CommandFamily* family : CommandFamily::All()) family->fn()(app, wiring);
}

}  // namespace fieldbook::client::cli

#endif  // FIELDBOOK_CLIENT_CLI_COMMAND_FAMILY_H_

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

#include <functional>

#include "cli/cli_commands.h"
#include "fieldbook/registration.h"

namespace CLI {
class App;
}  // namespace CLI

namespace fieldbook::client::cli {

// What main() gives every family.
struct CliWiring {
  CliContext& ctx;               // --replica and --json, once parsed
  std::function<int()>& action;  // a command's callback sets what runs after parsing
  // A subcommand of `parent` taking the options every command takes (--replica, --json).
  std::function<CLI::App*(CLI::App* parent, const char* name, const char* description)> leaf;
  // The top-level group `name` (made, requiring one subcommand, if main() did not make it).
  std::function<CLI::App*(const char* name, const char* description)> group;
};

using CommandFamily = Registration<void (*)(CLI::App&, CliWiring&)>;

inline void AddCommandFamilies(CLI::App& app, CliWiring& wiring) {
  for (const CommandFamily* family : CommandFamily::All()) family->fn()(app, wiring);
}

}  // namespace fieldbook::client::cli

#endif  // FIELDBOOK_CLIENT_CLI_COMMAND_FAMILY_H_

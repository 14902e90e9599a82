// CommandFamily: a family of fieldbook-server subcommands that wires itself into the command
// line, so that a new family is one new file with no edit to main.cc or a central list. The
// family's file (server/commands/<family>_commands.cc) defines at namespace scope
//   const CommandFamily kPreferenceCommands{"customer-preferences", &AddPreferenceCommands};
// where `void AddPreferenceCommands(CLI::App& app, CommandWiring& wiring)` adds its subcommands:
// to new groups, or to a group main() made (app.get_subcommand("customer")). main() wires its
// own commands first, then calls AddCommandFamilies(app, wiring) once, before parsing.
// Options parse into state the family's callbacks own (std::make_shared, captured by value), so
// it lives as long as the CLI::App. fieldbook-server links fieldbook::server whole
// (server/CMakeLists.txt), so every family's object is in the binary.
//
// Thread safety: the list is fixed before main() (fieldbook/registration.h); families are added
// and run on the main thread.
#ifndef FIELDBOOK_SERVER_COMMANDS_COMMAND_FAMILY_H_
#define FIELDBOOK_SERVER_COMMANDS_COMMAND_FAMILY_H_

#include <functional>
#include <string>

#include "fieldbook/registration.h"

namespace CLI {
class App;
}  // namespace CLI

namespace fieldbook::server {

// What main() gives every family: the shared --db option and the exit code.
struct CommandWiring {
  std::function<void(CLI::App*)> add_db;  // adds the required --db FILE option to a command
  const std::string& db;                  // its value once parsed
  int& rc;                                // set by a command's callback: 0 done, 1 failed
};

using CommandFamily = Registration<void (*)(CLI::App&, CommandWiring&)>;

inline void AddCommandFamilies(CLI::App& app, CommandWiring& wiring) {
  for (const CommandFamily* family : CommandFamily::All()) family->fn()(app, wiring);
}

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_COMMANDS_COMMAND_FAMILY_H_

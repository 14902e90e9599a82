// ParseCommandLine: the one way the programs (fieldbook-cli, the app fieldbook, fieldbook-server)
// read their command line with CLI11: help goes to stdout with exit code 0, a usage error is one
// line on stderr ("<program>: <what> (see --help)", or "<program>: " + say_error(e) when given:
// the rep's programs' errors in the rep's language) with the program's usage exit code.
//
// Thread safety: call from main() only.
#ifndef FIELDBOOK_COMMAND_LINE_H_
#define FIELDBOOK_COMMAND_LINE_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

namespace fieldbook {

// nullopt when `argv` was read into `app` (its callbacks have run); else the exit code to return.
inline std::optional<int> ParseCommandLine(
    CLI::App& app, int argc, char** argv, const char* program, int usage_exit,
    const std::function<std::string(const CLI::ParseError&)>& say_error = {}) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (say_error) {
      std::cerr << program << ": " << say_error(e) << "\n";
    } else {
      std::cerr << program << ": " << e.what() << " (see --help)\n";
    }
    return usage_exit;
  }
  return std::nullopt;
}

}  // namespace fieldbook

#endif  // FIELDBOOK_COMMAND_LINE_H_

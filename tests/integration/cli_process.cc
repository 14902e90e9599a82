#include "integration/cli_process.h"

namespace fieldbook::testing {

CommandResult RunCli(const std::vector<std::string>& args) {
  return RunCommand(FIELDBOOK_CLI_BINARY, args);
}

}  // namespace fieldbook::testing

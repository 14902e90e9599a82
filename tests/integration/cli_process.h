// Helpers for driving the real fieldbook-cli binary in tests: RunCli runs one command to
// completion. (ServerProcess with keep_port restarts the server on the same port, so a device's
// saved server URL keeps working after the server comes back.)
#ifndef FIELDBOOK_TESTS_INTEGRATION_CLI_PROCESS_H_
#define FIELDBOOK_TESTS_INTEGRATION_CLI_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "integration/server_process.h"

namespace fieldbook::testing {

// Runs `fieldbook-cli args...` to completion with standard input from /dev/null.
CommandResult RunCli(const std::vector<std::string>& args);

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_INTEGRATION_CLI_PROCESS_H_

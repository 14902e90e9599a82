// Helpers for driving the real fieldbook-cli binary in tests: RunCli runs one command to
// completion, and FixedPortServer runs `fieldbook-server serve` on a loopback port that stays the
// same across restarts, so a device's saved server URL keeps working after the server comes back.
#ifndef FIELDBOOK_TESTS_INTEGRATION_CLI_PROCESS_H_
#define FIELDBOOK_TESTS_INTEGRATION_CLI_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "integration/server_process.h"

namespace fieldbook::testing {

// Runs `fieldbook-cli args...` to completion with standard input from /dev/null.
CommandResult RunCli(const std::vector<std::string>& args);

class FixedPortServer {
 public:
  FixedPortServer(std::string db, std::string work_dir)
      : db_(std::move(db)), dir_(std::move(work_dir)) {}
  ~FixedPortServer();
  FixedPortServer(const FixedPortServer&) = delete;
  FixedPortServer& operator=(const FixedPortServer&) = delete;

  // Starts `serve` and waits until it listens: on a free port the first time, on the same port
  // afterwards.
  bool Start();
  // Sends `signal` and waits for the process; returns its exit status (or -signal).
  int Stop(int signal);
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const;

 private:
  std::string db_;
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int starts_ = 0;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_INTEGRATION_CLI_PROCESS_H_

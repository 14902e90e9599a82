// ServerProcess: the real fieldbook-server binary, started on an ephemeral loopback port for a
// test, and RunServerCommand for its one-shot commands (rep add, customer reassign, ...).
#ifndef FIELDBOOK_TESTS_INTEGRATION_SERVER_PROCESS_H_
#define FIELDBOOK_TESTS_INTEGRATION_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "support/subprocess.h"

namespace fieldbook::testing {

// Runs `fieldbook-server args...` to completion.
CommandResult RunServerCommand(const std::vector<std::string>& args);

class ServerProcess {
 public:
  // With `keep_port`, restarts listen on the port the first start picked, so that devices with a
  // saved server URL find the server again.
  ServerProcess(std::string db, std::string work_dir, bool keep_port = false)
      : db_(std::move(db)), dir_(std::move(work_dir)), keep_port_(keep_port) {}
  ~ServerProcess();

  // Starts `serve` and waits until it listens. Extra flags are appended.
  bool Start(const std::vector<std::string>& extra = {});
  // Sends `signal` and waits for the process; returns its exit status (or -signal).
  int Stop(int signal);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const;

 private:
  std::string db_;
  std::string dir_;
  bool keep_port_ = false;
  pid_t pid_ = -1;
  int port_ = 0;
  int starts_ = 0;
};

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_INTEGRATION_SERVER_PROCESS_H_

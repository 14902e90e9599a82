#include "integration/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace fieldbook::testing {

CommandResult RunServerCommand(const std::vector<std::string>& args) {
  return RunCommand(FIELDBOOK_SERVER_BINARY, args);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL);
}

bool ServerProcess::Start(const std::vector<std::string>& extra) {
  const std::string port_file = dir_ + "/port-" + std::to_string(++starts_);
  // A second ServerProcess on the same folder counts its starts from 1 again: a port file an
  // earlier server left there would name that server's (dead) port.
  std::remove(port_file.c_str());
  const std::string port = std::to_string(keep_port_ ? port_ : 0);
  std::vector<std::string> args = {"serve",       "--db",    db_,         "--port", port,
                                   "--port-file", port_file, "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  // A test's server never runs the nightly job on its own, even when a test runs at that hour,
  // unless the test schedules it.
  if (std::find(extra.begin(), extra.end(), "--nightly-at") == extra.end()) {
    args.insert(args.end(), {"--nightly-at", "off"});
  }
  pid_ = SpawnProcess(FIELDBOOK_SERVER_BINARY, args, dir_ + "/server.out", dir_ + "/server.log");
  if (pid_ <= 0) return false;
  for (int i = 0; i < 400; ++i) {  // up to 20 s under sanitizers
    std::ifstream in(port_file);
    if (in >> port_) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int ServerProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const int code = WaitForExit(pid_);
  pid_ = -1;
  return code;
}

std::string ServerProcess::Log() const { return ReadWholeFile(dir_ + "/server.log"); }

}  // namespace fieldbook::testing

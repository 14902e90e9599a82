#include "integration/cli_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace fieldbook::testing {

CommandResult RunCli(const std::vector<std::string>& args) {
  return RunCommand(FIELDBOOK_CLI_BINARY, args);
}

FixedPortServer::~FixedPortServer() {
  if (pid_ > 0) Stop(SIGKILL);
}

bool FixedPortServer::Start() {
  const std::string port_file = dir_ + "/fixed-port-" + std::to_string(++starts_);
  std::vector<std::string> args = {
      "serve",       "--db",    db_,         "--port", std::to_string(port_),
      "--port-file", port_file, "--threads", "2"};
  pid_ = SpawnProcess(FIELDBOOK_SERVER_BINARY, args, dir_ + "/fixed-server.out",
                      dir_ + "/fixed-server.log");
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

int FixedPortServer::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const int code = WaitForExit(pid_);
  pid_ = -1;
  return code;
}

std::string FixedPortServer::Log() const { return ReadWholeFile(dir_ + "/fixed-server.log"); }

}  // namespace fieldbook::testing

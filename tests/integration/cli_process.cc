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

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t Spawn(const char* binary, const std::vector<std::string>& args, const std::string& out,
            const std::string& err) {
  std::vector<std::string> argv_s = {binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int WaitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult RunCli(const std::vector<std::string>& args) {
  char out_tmpl[] = "/tmp/fieldbook-cli-out-XXXXXX";
  char err_tmpl[] = "/tmp/fieldbook-cli-err-XXXXXX";
  close(mkstemp(out_tmpl));
  close(mkstemp(err_tmpl));
  CommandResult result;
  const pid_t pid = Spawn(FIELDBOOK_CLI_BINARY, args, out_tmpl, err_tmpl);
  if (pid > 0) result.exit_code = WaitExit(pid);
  result.out = ReadAll(out_tmpl);
  result.err = ReadAll(err_tmpl);
  unlink(out_tmpl);
  unlink(err_tmpl);
  return result;
}

FixedPortServer::~FixedPortServer() {
  if (pid_ > 0) Stop(SIGKILL);
}

bool FixedPortServer::Start() {
  const std::string port_file = dir_ + "/fixed-port-" + std::to_string(++starts_);
  std::vector<std::string> args = {
      "serve",       "--db",    db_,         "--port", std::to_string(port_),
      "--port-file", port_file, "--threads", "2"};
  pid_ =
      Spawn(FIELDBOOK_SERVER_BINARY, args, dir_ + "/fixed-server.out", dir_ + "/fixed-server.log");
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
  const int code = WaitExit(pid_);
  pid_ = -1;
  return code;
}

std::string FixedPortServer::Log() const { return ReadAll(dir_ + "/fixed-server.log"); }

}  // namespace fieldbook::testing

#include "support/subprocess.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

extern char** environ;

namespace fieldbook::testing {

pid_t SpawnProcess(const std::string& binary, const std::vector<std::string>& args,
                   const std::string& out_path, const std::string& err_path,
                   const std::string& in_path) {
  std::vector<std::string> argv_s = {binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int WaitForExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandResult RunCommand(const std::string& binary, const std::vector<std::string>& args) {
  char out_tmpl[] = "/tmp/fieldbook-cmd-out-XXXXXX";
  char err_tmpl[] = "/tmp/fieldbook-cmd-err-XXXXXX";
  close(mkstemp(out_tmpl));
  close(mkstemp(err_tmpl));
  CommandResult result;
  const pid_t pid = SpawnProcess(binary, args, out_tmpl, err_tmpl);
  if (pid > 0) result.exit_code = WaitForExit(pid);
  result.out = ReadWholeFile(out_tmpl);
  result.err = ReadWholeFile(err_tmpl);
  unlink(out_tmpl);
  unlink(err_tmpl);
  return result;
}

CommandResult RunCommandWithInput(const std::string& binary, const std::vector<std::string>& args,
                                  const std::string& input) {
  char in_tmpl[] = "/tmp/fieldbook-cmd-in-XXXXXX";
  const int fd = mkstemp(in_tmpl);
  if (fd >= 0) {
    const ssize_t written = write(fd, input.data(), input.size());
    (void)written;
    close(fd);
  }
  char out_tmpl[] = "/tmp/fieldbook-cmd-out-XXXXXX";
  char err_tmpl[] = "/tmp/fieldbook-cmd-err-XXXXXX";
  close(mkstemp(out_tmpl));
  close(mkstemp(err_tmpl));
  CommandResult result;
  const pid_t pid = SpawnProcess(binary, args, out_tmpl, err_tmpl, in_tmpl);
  if (pid > 0) result.exit_code = WaitForExit(pid);
  result.out = ReadWholeFile(out_tmpl);
  result.err = ReadWholeFile(err_tmpl);
  unlink(in_tmpl);
  unlink(out_tmpl);
  unlink(err_tmpl);
  return result;
}

}  // namespace fieldbook::testing

// Starting the project's own programs from tests and benchmarks: spawn with standard output and
// error redirected to files, wait for the exit code, run a command to completion.
#ifndef FIELDBOOK_TESTS_SUPPORT_SUBPROCESS_H_
#define FIELDBOOK_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace fieldbook::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};

// Starts `binary args...` with standard input from /dev/null, standard output truncated into
// `out_path` and standard error appended to `err_path`. Returns the pid, or -1.
// `in_path`: a file to read standard input from instead.
pid_t SpawnProcess(const std::string& binary, const std::vector<std::string>& args,
                   const std::string& out_path, const std::string& err_path,
                   const std::string& in_path = "/dev/null");
// The exit code of `pid`, or -signal when a signal ended it.
int WaitForExit(pid_t pid);
// Runs `binary args...` to completion and collects its output.
CommandResult RunCommand(const std::string& binary, const std::vector<std::string>& args);
// RunCommand with `input` as its standard input (a file, so not a terminal).
CommandResult RunCommandWithInput(const std::string& binary, const std::vector<std::string>& args,
                                  const std::string& input);
std::string ReadWholeFile(const std::string& path);

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_SUBPROCESS_H_

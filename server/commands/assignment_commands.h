// The fieldbook-server subcommands of assignment and the public pool (issue #7): rep profiles,
// the assignment rules, `assign`, and `pool reclaim|list|assign|release|audit`. Each is a
// function from parsed options to an exit code (0 success, 1 failure with a one-line reason on
// stderr), like server_commands.h; main.cc parses the command line.
//
// Thread safety: each command runs on the main thread.
#ifndef FIELDBOOK_SERVER_ASSIGNMENT_COMMANDS_H_
#define FIELDBOOK_SERVER_ASSIGNMENT_COMMANDS_H_

#include <cstddef>
#include <optional>
#include <string>

namespace fieldbook::server {

// Options of `rep profile`, as typed: only those given change.
struct ProfileArgs {
  std::optional<std::string> regions;     // "GD-GZ,GD-FS"; "" = any region
  std::optional<std::string> skill;       // junior | senior | key_account
  std::optional<std::string> capacity;    // a number, or "unlimited"
  std::optional<std::string> capacity_a;  // a number, or "unlimited"
  std::optional<bool> closer;
};

int RunRepProfile(const std::string& db, const std::string& rep, const ProfileArgs& args);
// `rep list` with each rep's profile and load.
int RunRepProfiles(const std::string& db, bool json);
int RunAssignmentShow(const std::string& db);
int RunAssignmentSet(const std::string& db, const std::string& file);
int RunAssign(const std::string& db, const std::string& territory, bool dry_run, bool json);
int RunPoolReclaim(const std::string& db, bool dry_run, const std::string& today, bool json);
int RunPoolList(const std::string& db, const std::string& region, bool json);
int RunPoolAssign(const std::string& db, const std::string& customer, const std::string& rep);
int RunPoolRelease(const std::string& db, const std::string& customer, const std::string& reason);
int RunPoolAudit(const std::string& db, const std::string& customer, size_t limit, bool json);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_ASSIGNMENT_COMMANDS_H_

#include "commands/command_actor.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace fieldbook::server {

namespace {

std::string& Given() {
  static std::string actor;
  return actor;
}

}  // namespace

Status SetCommandActor(const std::string& actor) {
  if (actor.empty() || actor.size() > 128) {
    return Status::InvalidArgument("--actor must be 1 to 128 bytes");
  }
  for (unsigned char c : actor) {
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("--actor cannot hold control characters");
    }
  }
  Given() = actor;
  return Status::Ok();
}

std::string OsUserActor() {
  const uid_t uid = getuid();
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(static_cast<size_t>(size > 0 ? size : 16384));
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
      found->pw_name != nullptr && found->pw_name[0] != '\0') {
    return std::string("os:") + found->pw_name;
  }
  const char* user = std::getenv("USER");
  if (user != nullptr && user[0] != '\0') return std::string("os:") + user;
  return "os:uid-" + std::to_string(uid);
}

std::string CommandActor() { return Given().empty() ? OsUserActor() : Given(); }

}  // namespace fieldbook::server

// Who runs a fieldbook-server command, as the audit log records it (audit_store.h): the
// --actor value when given, else "os:<user>" for the operating-system user running the process
// (getpwuid of the real uid, then $USER; "os:uid-<n>" when neither names it). Never a made-up
// name such as "cli".
//
// Thread safety: SetCommandActor is called once by main before any command runs; CommandActor
// may then be called from any thread.
#ifndef FIELDBOOK_SERVER_COMMAND_ACTOR_H_
#define FIELDBOOK_SERVER_COMMAND_ACTOR_H_

#include <string>

#include "fieldbook/status.h"

namespace fieldbook::server {

// kInvalidArgument unless 1 to 128 bytes without control characters.
Status SetCommandActor(const std::string& actor);
std::string CommandActor();
// "os:<user>" for the current process's user.
std::string OsUserActor();

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_COMMAND_ACTOR_H_

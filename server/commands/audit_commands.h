// fieldbook-server's `audit list`: the audit log (audit_store.h), oldest first, filtered by
// customer, actor, action and time, as text or JSON. Returns the process exit code.
//
// Thread safety: run from main's thread only.
#ifndef FIELDBOOK_SERVER_AUDIT_COMMANDS_H_
#define FIELDBOOK_SERVER_AUDIT_COMMANDS_H_

#include <cstdint>
#include <string>

namespace fieldbook::server {

struct AuditListArgs {
  std::string customer, actor, action, since;
  int64_t after = 0;
  size_t limit = 100;
  bool json = false;
};

int RunAuditList(const std::string& db, const AuditListArgs& args);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_AUDIT_COMMANDS_H_

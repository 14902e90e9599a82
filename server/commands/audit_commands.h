// fieldbook-server's `audit list`: the audit log (audit_store.h), oldest first, filtered by
// customer, actor, action and time, as text or JSON. Returns the process exit code.
//
// Thread safety: run from main's thread only.
#ifndef FIELDBOOK_SERVER_AUDIT_COMMANDS_H_
#define FIELDBOOK_SERVER_AUDIT_COMMANDS_H_

#include <cstdint>
#include <string>

#include "store/audit_store.h"

namespace fieldbook::server {

struct AuditListArgs {
  AuditFilter filter;  // the options bind to it directly; since_ms comes from `since`
  std::string since;   // a UTC time or a day (ParseIsoUtc)
  bool json = false;
};

int RunAuditList(const std::string& db, const AuditListArgs& args);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_AUDIT_COMMANDS_H_

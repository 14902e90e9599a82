// fieldbook-server's device commands (`rep token`, `rep devices`, `rep revoke-device`,
// `rep disable`, `rep enable`): each opens the database, does one thing through ServerStore,
// prints the outcome and returns the process exit code. The actor is CommandActor().
//
// Thread safety: run from main's thread only.
#ifndef FIELDBOOK_SERVER_DEVICE_COMMANDS_H_
#define FIELDBOOK_SERVER_DEVICE_COMMANDS_H_

#include <cstdint>
#include <string>

namespace fieldbook::server {

int RunRepToken(const std::string& db, const std::string& rep, const std::string& device,
                bool json);
int RunRepDevices(const std::string& db, const std::string& rep, bool json);
int RunRepRevokeDevice(const std::string& db, const std::string& rep, const std::string& device,
                       int64_t id);
int RunRepDisable(const std::string& db, const std::string& rep);
int RunRepEnable(const std::string& db, const std::string& rep);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_DEVICE_COMMANDS_H_

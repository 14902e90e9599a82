// Device tokens in the managers' JSON API (admin_api.cc hands these paths over; docs/server.md):
//   GET  /v1/admin/devices[?rep=R]     every device (or R's): id, rep, device, created, revoked,
//                                      last_sync, last_address, in {"devices": [...]}
//   POST /v1/admin/devices             {"rep", "device"?} -> a new token, shown once
//   POST /v1/admin/devices/code        {"rep", "device"?} -> a one-time setup code (setup_codes.h)
//                                      {"code", "rep", "device", "expires", "expires_ms"}
//   POST /v1/admin/devices/revoke      {"rep", "device" or "id"}: that device only
//   POST /v1/admin/reps/disable        {"rep"}: every device of the rep refused
//   POST /v1/admin/reps/enable         {"rep"}: its devices not revoked work again
// Bodies are JSON objects of at most 8 KiB with only these fields.
//
// Thread safety: call with the store's mutex held (SyncService does).
#ifndef FIELDBOOK_SERVER_DEVICE_API_H_
#define FIELDBOOK_SERVER_DEVICE_API_H_

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "http/http_types.h"
#include "store/device_tokens.h"
#include "store/server_store.h"

namespace fieldbook::server {

// The response for a device or rep-state path; nullopt for any other path.
std::optional<HttpResponse> HandleDeviceAdminRequest(ServerStore& store, const HttpRequest& request,
                                                     const std::string& actor);

boost::json::object DeviceJson(const DeviceInfo& d);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_DEVICE_API_H_

#include "commands/device_commands.h"

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "api/device_api.h"
#include "commands/command_actor.h"
#include "commands/server_commands.h"
#include "fieldbook/json.h"
#include "store/device_tokens.h"
#include "store/pool_store.h"

namespace fieldbook::server {

int RunRepToken(const std::string& db, const std::string& rep, const std::string& device,
                bool json) {
  return OnStore(db, "rep token", [&](Opened& opened) -> Status {
    FB_ASSIGN_OR_RETURN(auto issued, opened.store->IssueDeviceToken(rep, device, CommandActor()));
    if (json) {
      boost::json::object o = DeviceJson(issued.first);
      o["token"] = issued.second;
      std::cout << WriteJson(o) << "\n";
      return Status::Ok();
    }
    // The token stays the last word of the line (scripts take it with awk '{print $NF}').
    std::cout << "device token for " << rep << "'s device '" << issued.first.device << "' (#"
              << issued.first.id << ", shown once): " << issued.second << "\n";
    return Status::Ok();
  });
}

int RunRepDevices(const std::string& db, const std::string& rep, bool json) {
  return OnStore(db, "rep devices", [&](Opened& opened) -> Status {
    FB_ASSIGN_OR_RETURN(std::vector<DeviceInfo> devices, opened.store->ListDevices(rep));
    if (json) {
      PrintJsonList("devices", devices, DeviceJson);
      return Status::Ok();
    }
    for (const DeviceInfo& d : devices) {
      const std::string state =
          d.revoked ? "revoked" + (d.revoked_by.empty() ? std::string() : " by " + d.revoked_by)
                    : std::string("in use");
      const std::string last =
          d.last_sync_ms > 0
              ? "last sync " + MinuteText(d.last_sync_ms) +
                    (d.last_address.empty() ? std::string() : " from " + d.last_address)
              : std::string("never synced");
      std::printf("#%-5lld %-16s %-24s %-8s created %s, %s\n", static_cast<long long>(d.id),
                  d.rep_id.c_str(), d.device.c_str(), state.c_str(),
                  MinuteText(d.created_ms).c_str(), last.c_str());
    }
    if (devices.empty()) std::cout << "no devices\n";
    return Status::Ok();
  });
}

int RunRepRevokeDevice(const std::string& db, const std::string& rep, const std::string& device,
                       int64_t id) {
  return OnStore(db, "rep revoke-device", [&](Opened& opened) -> Status {
    FB_ASSIGN_OR_RETURN(DeviceInfo revoked,
                        opened.store->RevokeDevice(rep, device, id, CommandActor()));
    std::cout << rep << "'s device '" << revoked.device << "' (#" << revoked.id
              << ") revoked; the rep's other devices keep working\n";
    return Status::Ok();
  });
}

int RunRepDisable(const std::string& db, const std::string& rep) {
  return OnStore(db, "rep disable", [&](Opened& opened) -> Status {
    FB_RETURN_IF_ERROR(opened.store->DisableRep(rep, CommandActor()));
    std::cout << "rep " << rep
              << " disabled; none of their devices can sync until `rep enable` (revoke a lost "
                 "device with `rep revoke-device`)\n";
    return Status::Ok();
  });
}

int RunRepEnable(const std::string& db, const std::string& rep) {
  return OnStore(db, "rep enable", [&](Opened& opened) -> Status {
    FB_RETURN_IF_ERROR(opened.store->EnableRep(rep, CommandActor()));
    FB_ASSIGN_OR_RETURN(std::vector<DeviceInfo> devices, opened.store->ListDevices(rep));
    std::string working;
    for (const DeviceInfo& d : devices) {
      if (!d.revoked) working += (working.empty() ? "" : ", ") + d.device;
    }
    std::cout << "rep " << rep << " enabled; devices that work again: "
              << (working.empty() ? std::string("none (issue one with `rep token`)") : working)
              << "\n";
    return Status::Ok();
  });
}

}  // namespace fieldbook::server

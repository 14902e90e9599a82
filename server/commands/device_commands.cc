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
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("rep token", opened.status());
  auto issued = (*opened)->store->IssueDeviceToken(rep, device, CommandActor());
  if (!issued.ok()) return CommandFailed("rep token", issued.status());
  if (json) {
    boost::json::object o = DeviceJson(issued->first);
    o["token"] = issued->second;
    std::cout << WriteJson(o) << "\n";
    return 0;
  }
  // The token stays the last word of the line (scripts take it with awk '{print $NF}').
  std::cout << "device token for " << rep << "'s device '" << issued->first.device << "' (#"
            << issued->first.id << ", shown once): " << issued->second << "\n";
  return 0;
}

int RunRepDevices(const std::string& db, const std::string& rep, bool json) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("rep devices", opened.status());
  auto devices = (*opened)->store->ListDevices(rep);
  if (!devices.ok()) return CommandFailed("rep devices", devices.status());
  if (json) {
    boost::json::array out;
    for (const DeviceInfo& d : *devices) out.push_back(DeviceJson(d));
    std::cout << WriteJson(boost::json::object{{"devices", out}}) << "\n";
    return 0;
  }
  for (const DeviceInfo& d : *devices) {
    const std::string state =
        d.revoked ? "revoked" + (d.revoked_by.empty() ? std::string() : " by " + d.revoked_by)
                  : std::string("in use");
    const std::string last =
        d.last_sync_ms > 0
            ? "last sync " + MinuteText(d.last_sync_ms) +
                  (d.last_address.empty() ? std::string() : " from " + d.last_address)
            : std::string("never synced");
    std::printf("#%-5lld %-16s %-24s %-8s created %s, %s\n", static_cast<long long>(d.id),
                d.rep_id.c_str(), d.device.c_str(), state.c_str(), MinuteText(d.created_ms).c_str(),
                last.c_str());
  }
  if (devices->empty()) std::cout << "no devices\n";
  return 0;
}

int RunRepRevokeDevice(const std::string& db, const std::string& rep, const std::string& device,
                       int64_t id) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("rep revoke-device", opened.status());
  auto revoked = (*opened)->store->RevokeDevice(rep, device, id, CommandActor());
  if (!revoked.ok()) return CommandFailed("rep revoke-device", revoked.status());
  std::cout << rep << "'s device '" << revoked->device << "' (#" << revoked->id
            << ") revoked; the rep's other devices keep working\n";
  return 0;
}

int RunRepDisable(const std::string& db, const std::string& rep) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("rep disable", opened.status());
  Status s = (*opened)->store->DisableRep(rep, CommandActor());
  if (!s.ok()) return CommandFailed("rep disable", s);
  std::cout << "rep " << rep
            << " disabled; none of their devices can sync until `rep enable` (revoke a lost "
               "device with `rep revoke-device`)\n";
  return 0;
}

int RunRepEnable(const std::string& db, const std::string& rep) {
  auto opened = OpenStore(db);
  if (!opened.ok()) return CommandFailed("rep enable", opened.status());
  Status s = (*opened)->store->EnableRep(rep, CommandActor());
  if (!s.ok()) return CommandFailed("rep enable", s);
  auto devices = (*opened)->store->ListDevices(rep);
  if (!devices.ok()) return CommandFailed("rep enable", devices.status());
  std::string working;
  for (const DeviceInfo& d : *devices) {
    if (!d.revoked) working += (working.empty() ? "" : ", ") + d.device;
  }
  std::cout << "rep " << rep << " enabled; devices that work again: "
            << (working.empty() ? std::string("none (issue one with `rep token`)") : working)
            << "\n";
  return 0;
}

}  // namespace fieldbook::server

// ServerStore: reps' credentials (the rules are in device_tokens.h).
#include "device_tokens.h"
#include "fieldbook/sqlite_db.h"
#include "server_store.h"

namespace fieldbook::server {

Result<std::string> ServerStore::IssueToken(const std::string& rep_id, const std::string& device,
                                            const std::string& actor) {
  FB_ASSIGN_OR_RETURN(auto issued, IssueDeviceToken(rep_id, device, actor));
  return std::move(issued.second);
}

Result<std::pair<DeviceInfo, std::string>> ServerStore::IssueDeviceToken(const std::string& rep_id,
                                                                         const std::string& device,
                                                                         const std::string& actor) {
  if (!RepExists(rep_id)) return Status::NotFound("no rep " + rep_id);
  (void)actor;
  return devices_->Issue(rep_id, device);
}

Status ServerStore::DisableRep(const std::string& rep_id, const std::string& actor) {
  if (!RepExists(rep_id)) return Status::NotFound("no rep " + rep_id);
  (void)actor;
  // Authenticate refuses every device of an inactive rep; the devices themselves are left as
  // they are, so EnableRep brings back exactly those that were not revoked one by one.
  FB_ASSIGN_OR_RETURN(PushResult written,
                      Write({RowWrite{"reps", rep_id, {{"active", int64_t{0}}}}}));
  (void)written;
  return Status::Ok();
}

Status ServerStore::EnableRep(const std::string& rep_id, const std::string& actor) {
  if (!RepExists(rep_id)) return Status::NotFound("no rep " + rep_id);
  (void)actor;
  FB_ASSIGN_OR_RETURN(PushResult written,
                      Write({RowWrite{"reps", rep_id, {{"active", int64_t{1}}}}}));
  (void)written;
  return Status::Ok();
}

Result<std::vector<DeviceInfo>> ServerStore::ListDevices(const std::string& rep_id) {
  if (!rep_id.empty() && !RepExists(rep_id)) return Status::NotFound("no rep " + rep_id);
  return devices_->List(rep_id);
}

Result<DeviceInfo> ServerStore::RevokeDevice(const std::string& rep_id, const std::string& device,
                                             int64_t id, const std::string& actor) {
  if (!RepExists(rep_id)) return Status::NotFound("no rep " + rep_id);
  return devices_->Revoke(rep_id, device, id, actor);
}

Status ServerStore::RecordDeviceSyncs(const std::vector<DeviceSync>& syncs) {
  return devices_->RecordSyncs(syncs);
}

Result<std::optional<Principal>> ServerStore::Authenticate(const std::string& token) {
  FB_ASSIGN_OR_RETURN(std::optional<DeviceCredential> found, devices_->Authenticate(token));
  if (!found) return std::optional<Principal>();
  Principal p{found->rep_id, found->rep_name, found->role, found->device_id, found->device};
  return std::optional<Principal>(std::move(p));
}

}  // namespace fieldbook::server

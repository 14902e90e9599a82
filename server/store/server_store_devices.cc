// ServerStore: reps' credentials (the rules are in device_tokens.h). Every change is written to
// the audit log in the same transaction.
#include "fieldbook/sql_db.h"
#include "store/audit_store.h"
#include "store/device_tokens.h"
#include "store/not_found.h"
#include "store/server_store.h"

namespace fieldbook::server {

namespace {

boost::json::object DeviceState(const DeviceInfo& d) {
  return boost::json::object{{"device", d.device}, {"device_id", d.id}, {"revoked", d.revoked}};
}

}  // namespace

Result<std::string> ServerStore::IssueToken(const std::string& rep_id, const std::string& device,
                                            const std::string& actor) {
  FB_ASSIGN_OR_RETURN(auto issued, IssueDeviceToken(rep_id, device, actor));
  return std::move(issued.second);
}

Result<std::pair<DeviceInfo, std::string>> ServerStore::IssueDeviceToken(const std::string& rep_id,
                                                                         const std::string& device,
                                                                         const std::string& actor) {
  if (!RepExists(rep_id)) return NoRep(rep_id);
  FB_ASSIGN_OR_RETURN(auto txn, sql().Begin());
  FB_ASSIGN_OR_RETURN(auto issued, devices_->Issue(rep_id, device));
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "device.issue";
  audit.subject = rep_id;
  audit.after = DeviceState(issued.first);
  FB_RETURN_IF_ERROR(Audit(std::move(audit)));
  FB_RETURN_IF_ERROR(txn->Commit());
  return issued;
}

namespace {

Result<bool> IsActive(SqlDb& db, const std::string& rep_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      db.Prepare("SELECT coalesce(active, 1) FROM reps WHERE id = ?"));
  stmt->Bind(1, rep_id);
  FB_ASSIGN_OR_RETURN(bool found, stmt->Step());
  const bool active = found && stmt->Int(0) != 0;
  stmt->Reset();
  return active;
}

}  // namespace

Status ServerStore::DisableRep(const std::string& rep_id, const std::string& actor) {
  return SetRepActive(rep_id, false, actor);
}

Status ServerStore::EnableRep(const std::string& rep_id, const std::string& actor) {
  return SetRepActive(rep_id, true, actor);
}

Status ServerStore::SetRepActive(const std::string& rep_id, bool active, const std::string& actor) {
  if (!RepExists(rep_id)) return NoRep(rep_id);
  // Authenticate refuses every device of an inactive rep; the devices themselves are left as
  // they are, so enabling brings back exactly those that were not revoked one by one.
  FB_ASSIGN_OR_RETURN(auto txn, sql().Begin());
  FB_ASSIGN_OR_RETURN(bool was, IsActive(sql(), rep_id));
  FB_ASSIGN_OR_RETURN(PushResult written,
                      Write({RowWrite{"reps", rep_id, {{"active", int64_t{active ? 1 : 0}}}}}));
  (void)written;
  AuditEntry audit;
  audit.actor = actor;
  audit.action = active ? "rep.enable" : "rep.disable";
  audit.subject = rep_id;
  audit.before = {{"active", was}};
  audit.after = {{"active", active}};
  FB_RETURN_IF_ERROR(Audit(std::move(audit)));
  return txn->Commit();
}

Result<std::vector<DeviceInfo>> ServerStore::ListDevices(const std::string& rep_id) {
  if (!rep_id.empty() && !RepExists(rep_id)) return NoRep(rep_id);
  return devices_->List(rep_id);
}

Result<DeviceInfo> ServerStore::RevokeDevice(const std::string& rep_id, const std::string& device,
                                             int64_t id, const std::string& actor) {
  if (!RepExists(rep_id)) return NoRep(rep_id);
  FB_ASSIGN_OR_RETURN(auto txn, sql().Begin());
  FB_ASSIGN_OR_RETURN(DeviceInfo revoked, devices_->Revoke(rep_id, device, id, actor));
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "device.revoke";
  audit.subject = rep_id;
  DeviceInfo before = revoked;
  before.revoked = false;
  audit.before = DeviceState(before);
  audit.after = DeviceState(revoked);
  FB_RETURN_IF_ERROR(Audit(std::move(audit)));
  FB_RETURN_IF_ERROR(txn->Commit());
  return revoked;
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

// DeviceTokens: the server's device credentials (issue #13). Every token belongs to one named
// device of one rep; a device can be revoked without disabling its rep, and records when and from
// which address it last synced.
//
// Storage. A token is a random secret shown once (auth.h); the server keeps only its HMAC-SHA256
// under a random 256-bit key that lives in the database itself (srv_secrets, created at `init` or
// the first open after an upgrade), so a backup restores the key with the hashes and tokens keep
// working. Rows from before keyed hashes hold a bare SHA-256 ('sha256'): such a token is
// recognised once, and its row is stored keyed in the same step, so older installs and the demo
// keep working and their old hashes disappear as devices sync.
//
// Names. A device name is 1 to 64 bytes without control characters, unique among the rep's
// devices still in use (revoked ones may share it); rows carried over may repeat a name, which
// is why a device also has a numeric id.
//
// Thread safety: not thread-safe; use under the same lock as the ServerStore that owns it.
#ifndef FIELDBOOK_SERVER_DEVICE_TOKENS_H_
#define FIELDBOOK_SERVER_DEVICE_TOKENS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/sql_db.h"
#include "fieldbook/status.h"

namespace fieldbook::server {

struct DeviceInfo {
  int64_t id = 0;
  std::string rep_id;
  std::string device;
  int64_t created_ms = 0;
  bool revoked = false;
  int64_t revoked_ms = 0;  // 0: unknown or not revoked
  std::string revoked_by;
  int64_t last_sync_ms = 0;  // 0: never synced (or not since the upgrade)
  std::string last_address;
  bool legacy_hash = false;  // still a bare SHA-256 (token not used since the upgrade)
};

// What Authenticate finds: the device and its (active) rep.
struct DeviceCredential {
  int64_t device_id = 0;
  std::string device;
  std::string rep_id;
  std::string rep_name;
  std::string role;
};

struct DeviceSync {
  int64_t device_id = 0;
  int64_t at_ms = 0;
  std::string address;
};

class DeviceTokens {
 public:
  static constexpr size_t kMaxDeviceName = 64;

  // Loads the token key, generating and storing it when the database has none.
  static Result<std::unique_ptr<DeviceTokens>> Open(SqlDb& db, WallClock& wall);

  // A new token for `rep_id`'s device `device` (the caller checks the rep exists). Empty name:
  // "device-<n>". kInvalidArgument for a bad name, kConflict when the rep has a device of that
  // name in use. Returns the device and the token (shown once).
  Result<std::pair<DeviceInfo, std::string>> Issue(const std::string& rep_id,
                                                   const std::string& device);
  // The device a token belongs to, when neither it nor its rep is revoked or disabled.
  Result<std::optional<DeviceCredential>> Authenticate(const std::string& token);
  // `rep_id` empty: everyone's. Oldest first.
  Result<std::vector<DeviceInfo>> List(const std::string& rep_id);
  // The device of `rep_id` with that id (`id` > 0) or else that name (in use first). kNotFound
  // when none; kConflict when the name is ambiguous (pass the id).
  Result<DeviceInfo> Find(const std::string& rep_id, const std::string& device, int64_t id);
  // Revokes one device. kConflict when it is revoked already.
  Result<DeviceInfo> Revoke(const std::string& rep_id, const std::string& device, int64_t id,
                            const std::string& actor);
  // Records devices' latest syncs (a time never goes backwards), in one transaction.
  Status RecordSyncs(const std::vector<DeviceSync>& syncs);

 private:
  DeviceTokens(SqlDb& db, WallClock& wall, std::string key)
      : db_(db), wall_(wall), key_(std::move(key)) {}

  SqlDb& db_;
  WallClock& wall_;
  std::string key_;
};

// kInvalidArgument unless 1..64 bytes without control characters.
Status CheckDeviceName(const std::string& name);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_DEVICE_TOKENS_H_

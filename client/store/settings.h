// SettingsTable: the device's own settings in the replica's fb_settings table (server, device
// token, rep, the private CA, the last sync's time and clock skew, cached report copies), as
// key/value text. ClientStore and the repositories that need the rep (customers.h, facts.h,
// tasks.h, pool_cache.h) read them through it; nothing else touches fb_settings.
//
// Thread safety: not thread-safe; use it on the thread that owns the ClientStore (its Replica).
#ifndef FIELDBOOK_CLIENT_STORE_SETTINGS_H_
#define FIELDBOOK_CLIENT_STORE_SETTINGS_H_

#include <cstdint>
#include <string>

#include "fieldbook/status.h"

namespace fieldbook {
class Db;
}

namespace fieldbook::client {

// Client-only settings (fb_settings). Empty strings mean "not set".
struct ClientSettings {
  std::string server_url;
  std::string device_token;
  std::string rep_id;
  std::string rep_name;
  // PEM file of a private CA for the server's certificate ("" = the system's trust store).
  std::string ca_file = {};
};

class SettingsTable {
 public:
  explicit SettingsTable(Db& db) : db_(db) {}

  // One setting ("" when not set) and writing one ("" stores NULL), in the caller's transaction
  // if there is one.
  Result<std::string> Get(const std::string& key);
  Status Put(const std::string& key, const std::string& value);

  Result<ClientSettings> Load();
  Status Save(const ClientSettings& settings);  // in one transaction

  // The device's rep, or kInvalidArgument saying how to set the device up.
  Result<std::string> RequireRep();

 private:
  Db& db_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_STORE_SETTINGS_H_

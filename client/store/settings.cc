#include "store/settings.h"

#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "store/rows.h"

namespace fieldbook::client {

using internal::BindText;
using internal::Stmt;

Result<std::string> SettingsTable::Get(const std::string& key) {
  FB_ASSIGN_OR_RETURN(Statement * raw, db_.Prepare("SELECT value FROM fb_settings WHERE key = ?"));
  Stmt s(raw);
  s->Bind(1, key);
  FB_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Text(0) : std::string();
}

Status SettingsTable::Put(const std::string& key, const std::string& value) {
  FB_ASSIGN_OR_RETURN(Statement * raw,
                      db_.Prepare("INSERT INTO fb_settings (key, value) VALUES (?, ?) "
                                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
  Stmt s(raw);
  s->Bind(1, key);
  BindText(*s, 2, value);
  return s->Run();
}

Result<ClientSettings> SettingsTable::Load() {
  ClientSettings out;
  FB_ASSIGN_OR_RETURN(out.server_url, Get("server_url"));
  FB_ASSIGN_OR_RETURN(out.device_token, Get("device_token"));
  FB_ASSIGN_OR_RETURN(out.rep_id, Get("rep_id"));
  FB_ASSIGN_OR_RETURN(out.rep_name, Get("rep_name"));
  FB_ASSIGN_OR_RETURN(out.ca_file, Get("ca_file"));
  return out;
}

Status SettingsTable::Save(const ClientSettings& settings) {
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db_));
  FB_RETURN_IF_ERROR(Put("server_url", settings.server_url));
  FB_RETURN_IF_ERROR(Put("device_token", settings.device_token));
  FB_RETURN_IF_ERROR(Put("rep_id", settings.rep_id));
  FB_RETURN_IF_ERROR(Put("rep_name", settings.rep_name));
  FB_RETURN_IF_ERROR(Put("ca_file", settings.ca_file));
  return txn->Commit();
}

Result<std::string> SettingsTable::RequireRep() {
  FB_ASSIGN_OR_RETURN(std::string rep, Get("rep_id"));
  if (rep.empty()) {
    return Invalid("err_not_set_up");
  }
  return rep;
}

}  // namespace fieldbook::client

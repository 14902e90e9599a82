// Typed access to the fb_meta key/value table that replicas and the hub keep their sync state in,
// on a Db or on the storage seam's SqlDb (the SQLite hub's HubBackend).
// Thread safety: belongs to its Db's thread.
#ifndef FIELDBOOK_SRC_META_STORE_H_
#define FIELDBOOK_SRC_META_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"

namespace fieldbook {

template <typename Database = Db>
inline Result<std::optional<Value>> ReadMeta(Database& db, const std::string& key) {
  FB_ASSIGN_OR_RETURN(auto* stmt, db.Prepare("SELECT value FROM fb_meta WHERE key = ?"));
  stmt->Bind(1, key);
  FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<Value>();
  Value v = stmt->Get(0);
  stmt->Reset();
  return std::optional<Value>(std::move(v));
}

template <typename Database = Db>
inline Result<uint64_t> ReadMetaInt(Database& db, const std::string& key, uint64_t fallback) {
  FB_ASSIGN_OR_RETURN(std::optional<Value> v, ReadMeta(db, key));
  if (!v || !std::holds_alternative<int64_t>(*v)) return fallback;
  return static_cast<uint64_t>(std::get<int64_t>(*v));
}

template <typename Database = Db>
inline Status WriteMeta(Database& db, const std::string& key, const Value& value) {
  FB_ASSIGN_OR_RETURN(auto* stmt,
                      db.Prepare("INSERT INTO fb_meta (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
  stmt->Bind(1, key).Bind(2, value);
  return stmt->Run();
}

template <typename Database = Db>
inline Status WriteMetaInt(Database& db, const std::string& key, uint64_t value) {
  return WriteMeta(db, key, Value(static_cast<int64_t>(value)));
}

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_META_STORE_H_

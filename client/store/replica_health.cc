#include "store/replica_health.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "fieldbook/catalog.h"
#include "fieldbook/db_file.h"
#include "fieldbook/db_integrity.h"
#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"

namespace fieldbook::client {

Result<std::string> ReplicaPath(const std::string& given, bool create_folder) {
  std::string path = given;
  if (path.empty()) {
    if (const char* env = std::getenv("FIELDBOOK_REPLICA"); env != nullptr && *env != '\0') {
      path = env;
    } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      path = std::string(home) + "/.local/share/fieldbook/replica.db";
    }
  }
  if (path.empty()) return Invalid("err_no_replica_path");
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (create_folder && !dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return StoreError(StatusCode::kIo, "err_cannot_create_folder",
                        {{"path", dir.string()}, {"why", OsReason(ec)}});
    }
    ::chmod(dir.c_str(), 0700);  // the replica holds the device token
  }
  return path;
}

Status CheckReplicaFile(const std::string& path) {
  auto kind = InspectDbFile(path);
  if (!kind.ok()) {
    return StoreError(StatusCode::kIo, "err_replica_unreadable",
                      {{"path", path}, {"why", kind.status().message()}});
  }
  switch (*kind) {
    case DbFileKind::kMissing:
      return StoreError(StatusCode::kNotFound, "err_no_replica", {{"path", path}});
    case DbFileKind::kNotRegular:
      return Invalid("err_not_a_file", {{"path", path}});
    case DbFileKind::kEmpty:
      return StoreError(StatusCode::kCorrupt, "err_replica_empty", {{"path", path}});
    case DbFileKind::kNotSqlite:
      return StoreError(StatusCode::kCorrupt, "err_replica_not_sqlite", {{"path", path}});
    case DbFileKind::kSqlite:
      break;
  }
  return Status::Ok();
}

Status QuickCheckReplica(Db& db, int64_t max_ms) {
  const QuickCheckResult check = QuickCheck(db, max_ms);
  // Locked by another program, an I/O error: told in SQLite's words (read in the rep's language,
  // client/lang/os_reason.cc), never as damage that a `recover` would be advised for.
  if (!check.error.ok()) return check.error;
  if (check.ok()) return Status::Ok();
  return StoreError(StatusCode::kCorrupt, "err_replica_damaged",
                    {{"path", db.path()}, {"detail", check.Summary()}});
}

Result<Salvage> SalvageReplica(const std::string& path) {
  auto opened = Db::Open(path, InspectOptions());
  if (!opened.ok()) {
    // SQLite's own words for a file it cannot read as a database, as a reason of the table.
    const bool not_a_database = opened.status().code() == StatusCode::kCorrupt;
    return StoreError(StatusCode::kCorrupt, "err_replica_nothing_readable",
                      {{"path", path},
                       {"why", not_a_database ? "why_not_a_database" : opened.status().message()}});
  }
  Db& db = **opened;
  Salvage out;

  if (auto settings = db.Prepare("SELECT key, value FROM fb_settings"); settings.ok()) {
    while (true) {
      auto row = (*settings)->Step();
      if (!row.ok()) {
        ++out.unreadable_parts;
        break;
      }
      if (!*row) break;
      const std::string key = (*settings)->Text(0), value = (*settings)->Text(1);
      if (key == "server_url") out.settings.server_url = value;
      if (key == "device_token") out.settings.device_token = value;
      if (key == "rep_id") out.settings.rep_id = value;
      if (key == "rep_name") out.settings.rep_name = value;
      if (key == "ca_file") out.settings.ca_file = value;
    }
    (*settings)->Reset();
  } else {
    ++out.unreadable_parts;
  }

  auto catalog = Catalog::Load(db);
  if (!catalog.ok()) {
    ++out.unreadable_parts;
    return out;  // the tables cannot be read: only the settings are saved
  }

  // The outbox, a stretch at a time: a damaged page stops a scan, so the next one seeks past it,
  // further each time it fails again.
  std::map<std::pair<int, std::string>, uint64_t> masks;
  std::vector<std::pair<int, std::string>> order;
  auto scan = db.Prepare(
      "SELECT seq, tbl, row_id, cols FROM fb_outbox WHERE seq > ? ORDER BY seq LIMIT 512");
  if (!scan.ok()) {
    ++out.unreadable_parts;
  } else {
    int64_t after = -1;
    int64_t skip = 1;
    while (skip < (int64_t{1} << 62)) {  // seq is the hlc: far apart
      Statement& s = **scan;
      s.Reset();
      s.Bind(1, after);
      size_t read = 0;
      bool failed = false;
      while (true) {
        auto row = s.Step();
        if (!row.ok()) {
          failed = true;
          break;
        }
        if (!*row) break;
        ++read;
        after = s.Int(0);
        std::pair<int, std::string> key{static_cast<int>(s.Int(1)), s.Text(2)};
        auto [it, fresh] = masks.emplace(key, 0);
        it->second |= static_cast<uint64_t>(s.Int(3));
        if (fresh) order.push_back(std::move(key));
        ++out.outbox_entries;
      }
      s.Reset();
      if (failed) {
        ++out.unreadable_parts;
        after += skip;
        skip *= 2;
        continue;
      }
      if (read == 0) break;
      skip = 1;
    }
  }

  for (const auto& key : order) {
    const TableInfo* t = catalog->ByCode(key.first);
    const std::string name =
        (t != nullptr ? t->name : "table" + std::to_string(key.first)) + "/" + key.second;
    if (t == nullptr) {
      out.lost.push_back(name);
      continue;
    }
    const uint64_t mask = masks[key];
    std::vector<std::string> columns;
    for (size_t i = 0; i < t->columns.size(); ++i) {
      if ((mask >> i) & 1u) columns.push_back(t->columns[i]);
    }
    if (columns.empty()) continue;
    std::string sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i)
      sql += (i ? ", " : "") + QuoteIdentifier(columns[i]);
    sql += " FROM " + QuoteIdentifier(t->name) + " WHERE id = ?";
    auto stmt = db.Prepare(sql);
    if (!stmt.ok()) {
      out.lost.push_back(name);
      ++out.unreadable_parts;
      continue;
    }
    (*stmt)->Bind(1, key.second);
    auto row = (*stmt)->Step();
    if (!row.ok() || !*row) {
      (*stmt)->Reset();
      out.lost.push_back(name);
      ++out.unreadable_parts;
      continue;
    }
    SalvagedRow salvaged{t->name, key.second, {}};
    for (size_t i = 0; i < columns.size(); ++i) {
      salvaged.columns.emplace_back(columns[i], (*stmt)->Get(static_cast<int>(i)));
    }
    (*stmt)->Reset();
    out.rows.push_back(std::move(salvaged));
  }
  return out;
}

Result<size_t> ReplaySalvage(Db& fresh, const Salvage& salvage) {
  FB_ASSIGN_OR_RETURN(Catalog catalog, Catalog::Load(fresh));
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(fresh));
  size_t written = 0;
  for (const SalvagedRow& row : salvage.rows) {
    const TableInfo* t = catalog.Find(row.table);
    if (t == nullptr) continue;
    std::vector<const std::pair<std::string, Value>*> columns;
    for (const auto& c : row.columns) {
      if (t->ColumnIndex(c.first) >= 0) columns.push_back(&c);
    }
    if (columns.empty()) continue;
    // Names below come from the catalog of the fresh replica, never from the damaged file.
    FB_ASSIGN_OR_RETURN(
        Statement * exists,
        fresh.Prepare("SELECT 1 FROM " + QuoteIdentifier(t->name) + " WHERE id = ?"));
    exists->Bind(1, row.row_id);
    FB_ASSIGN_OR_RETURN(bool found, exists->Step());
    exists->Reset();
    std::string sql;
    if (found) {
      if (t->is_fact()) continue;  // already recorded: facts never change
      // Columns only the server writes (a new customer's owner) are the server's by now.
      std::erase_if(columns, [&](const auto* c) { return t->IsServerOwned(c->first); });
      if (columns.empty()) continue;
      sql = "UPDATE " + QuoteIdentifier(t->name) + " SET ";
      for (size_t i = 0; i < columns.size(); ++i) {
        sql +=
            (i ? ", " : "") + QuoteIdentifier(columns[i]->first) + " = ?" + std::to_string(i + 2);
      }
      sql += " WHERE id = ?1";
    } else {
      sql = "INSERT INTO " + QuoteIdentifier(t->name) + " (id";
      std::string params = "?1";
      for (size_t i = 0; i < columns.size(); ++i) {
        sql += ", " + QuoteIdentifier(columns[i]->first);
        params += ", ?" + std::to_string(i + 2);
      }
      sql += ") VALUES (" + params + ")";
    }
    FB_ASSIGN_OR_RETURN(Statement * write, fresh.Prepare(sql));
    write->Bind(1, row.row_id);
    for (size_t i = 0; i < columns.size(); ++i) {
      write->Bind(static_cast<int>(i + 2), columns[i]->second);
    }
    FB_RETURN_IF_ERROR(write->Run());
    ++written;
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return written;
}

}  // namespace fieldbook::client

#include "store/device_tokens.h"

#include <algorithm>
#include <map>

#include "fieldbook/columns.h"
#include "fieldbook/refusal_status.h"

#include "auth/auth.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

constexpr const char* kKeyName = "token_hmac_key";
// Devices whose syncs one statement of RecordSyncs records.
constexpr size_t kSyncsPerStatement = 256;
constexpr size_t kKeyBytes = 32;

constexpr const char* kDeviceColumns =
    "SELECT id, rep_id, device, created_ms, revoked, revoked_ms, revoked_by, last_sync_ms, "
    "last_address, hash_scheme = 'sha256' FROM srv_credentials ";

DeviceInfo ReadDevice(SqlStatement& s) {
  DeviceInfo d;
  d.id = s.Int(0);
  d.rep_id = s.Text(1);
  d.device = s.Text(2);
  d.created_ms = s.Int(3);
  d.revoked = s.Int(4) != 0;
  d.revoked_ms = s.IsNull(5) ? 0 : s.Int(5);
  d.revoked_by = s.Text(6);
  d.last_sync_ms = s.IsNull(7) ? 0 : s.Int(7);
  d.last_address = s.Text(8);
  d.legacy_hash = s.Int(9) != 0;
  return d;
}

Result<std::optional<std::string>> LoadKey(SqlDb& db) {
  FB_ASSIGN_OR_RETURN(SqlStatement * load,
                      db.Prepare("SELECT value FROM srv_secrets WHERE name = ?"));
  load->Bind(1, kKeyName);
  return ReadOneRow(*load, [](SqlStatement& s) { return s.Blob(0); });
}

}  // namespace

Status CheckDeviceName(const std::string& name) {
  if (name.empty() || name.size() > DeviceTokens::kMaxDeviceName) {
    const std::string max = std::to_string(DeviceTokens::kMaxDeviceName);
    return Status(StatusCode::kInvalidArgument, "a device name is 1 to " + max + " bytes",
                  {"http_field_text_bytes", {{"field", "device"}, {"max", max}}});
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return Status(StatusCode::kInvalidArgument, "a device name cannot hold control characters",
                    {"http_field_control", {{"field", "device"}}});
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<DeviceTokens>> DeviceTokens::Open(SqlDb& db, WallClock& wall) {
  FB_ASSIGN_OR_RETURN(std::optional<std::string> key, LoadKey(db));
  if (!key) {
    FB_ASSIGN_OR_RETURN(std::string fresh, RandomBytes(kKeyBytes));
    // Another process opening the same new database may win the race: both then use its key.
    FB_ASSIGN_OR_RETURN(SqlStatement * save,
                        db.Prepare("INSERT INTO srv_secrets (name, value) VALUES (?, ?) "
                                   "ON CONFLICT (name) DO NOTHING"));
    save->Bind(1, kKeyName).BindBlob(2, fresh);
    FB_RETURN_IF_ERROR(save->Run());
    FB_ASSIGN_OR_RETURN(key, LoadKey(db));
  }
  if (!key || key->size() < 16) {
    return Status::Corrupt("the server's token key (srv_secrets) is missing or damaged");
  }
  return std::unique_ptr<DeviceTokens>(new DeviceTokens(db, wall, std::move(*key)));
}

Result<std::pair<DeviceInfo, std::string>> DeviceTokens::Issue(const std::string& rep_id,
                                                               const std::string& device) {
  FB_ASSIGN_OR_RETURN(auto txn, db_.Begin());
  FB_ASSIGN_OR_RETURN(SqlStatement * in_use,
                      db_.Prepare("SELECT count(*), (SELECT count(*) FROM srv_credentials WHERE "
                                  "rep_id = ?1) FROM srv_credentials WHERE rep_id = ?1 AND "
                                  "device = ?2 AND revoked = 0"));
  // (the rep's devices in use named `n`, all the rep's devices)
  auto counts = [&](const std::string& n) -> Result<std::pair<int64_t, int64_t>> {
    in_use->Reset();
    in_use->Bind(1, rep_id).Bind(2, n);
    FB_ASSIGN_OR_RETURN(auto row, ReadOneRow(*in_use, [](SqlStatement& r) {
                          return std::make_pair(r.Int(0), r.Int(1));
                        }));
    return row.value_or(std::pair<int64_t, int64_t>{0, 0});
  };
  std::string name = device;
  if (name.empty()) {
    // "device-<n>": the first free number after the rep's device count.
    FB_ASSIGN_OR_RETURN(auto all, counts(""));
    for (int64_t n = all.second;;) {
      name = "device-" + std::to_string(++n);
      FB_ASSIGN_OR_RETURN(auto taken, counts(name));
      if (taken.first == 0) break;
    }
  } else {
    FB_RETURN_IF_ERROR(CheckDeviceName(name));
    FB_ASSIGN_OR_RETURN(auto taken, counts(name));
    if (taken.first > 0) {
      return RefusalStatus(StatusCode::kConflict,
                           {"http_device_name_taken", {{"rep", rep_id}, {"device", name}}});
    }
  }
  FB_ASSIGN_OR_RETURN(std::string token, NewDeviceToken());
  DeviceInfo info;
  info.rep_id = rep_id;
  info.device = name;
  info.created_ms = static_cast<int64_t>(wall_.NowMs());
  FB_ASSIGN_OR_RETURN(SqlStatement * insert,
                      db_.Prepare("INSERT INTO srv_credentials (rep_id, device, token_hash, "
                                  "hash_scheme, created_ms) VALUES (?, ?, ?, 'hmac-sha256', ?) "
                                  "RETURNING id"));
  BindValues(*insert, {rep_id, name, KeyedTokenHash(key_, token), info.created_ms});
  FB_ASSIGN_OR_RETURN(info.id, ReadNewId(*insert, "the device token"));
  FB_RETURN_IF_ERROR(txn->Commit());
  return std::make_pair(std::move(info), std::move(token));
}

Result<std::optional<DeviceCredential>> DeviceTokens::Authenticate(const std::string& token) {
  if (token.empty()) return std::optional<DeviceCredential>();
  FB_ASSIGN_OR_RETURN(SqlStatement * find,
                      db_.Prepare("SELECT c.id, c.device, r.id, r.name, r.role FROM "
                                  "srv_credentials c JOIN reps r ON r.id = c.rep_id WHERE "
                                  "c.token_hash = ? AND c.hash_scheme = ? AND c.revoked = 0 AND "
                                  "r.active = 1 AND r.deleted = 0"));
  auto lookup = [&](const std::string& hash,
                    const char* scheme) -> Result<std::optional<DeviceCredential>> {
    find->Reset();
    find->Bind(1, hash).Bind(2, scheme);
    return ReadOneRow(*find, [](SqlStatement& s) {
      return DeviceCredential{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)};
    });
  };
  const std::string keyed = KeyedTokenHash(key_, token);
  FB_ASSIGN_OR_RETURN(std::optional<DeviceCredential> found, lookup(keyed, "hmac-sha256"));
  if (found) return found;
  // A token stored before keyed hashes: recognised once, then stored keyed.
  FB_ASSIGN_OR_RETURN(found, lookup(HashToken(token), "sha256"));
  if (!found) return found;
  FB_ASSIGN_OR_RETURN(SqlStatement * rehash,
                      db_.Prepare("UPDATE srv_credentials SET token_hash = ?, hash_scheme = "
                                  "'hmac-sha256' WHERE id = ? AND hash_scheme = 'sha256'"));
  rehash->Bind(1, keyed).Bind(2, found->device_id);
  FB_RETURN_IF_ERROR(rehash->Run());
  return found;
}

Result<std::vector<DeviceInfo>> DeviceTokens::List(const std::string& rep_id) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      db_.Prepare(std::string(kDeviceColumns) +
                                  "WHERE ?1 = '' OR rep_id = ?1 ORDER BY rep_id, id"));
  stmt->Bind(1, rep_id);
  return ReadRows(*stmt, ReadDevice);
}

Result<DeviceInfo> DeviceTokens::Find(const std::string& rep_id, const std::string& device,
                                      int64_t id) {
  if (id <= 0 && device.empty()) {
    return Status(StatusCode::kInvalidArgument, "name the device or its id",
                  {"http_name_the_device", {}});
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      db_.Prepare(std::string(kDeviceColumns) +
                                  "WHERE rep_id = ?1 AND (CASE WHEN ?2 > 0 THEN id = ?2 ELSE "
                                  "device = ?3 END) ORDER BY revoked, id"));
  stmt->Bind(1, rep_id).Bind(2, id).Bind(3, device);
  FB_ASSIGN_OR_RETURN(std::vector<DeviceInfo> found, ReadRows(*stmt, ReadDevice));
  const std::string which = id > 0 ? "#" + std::to_string(id) : "'" + device + "'";
  if (found.empty()) {
    return RefusalStatus(StatusCode::kNotFound,
                         {"http_no_device", {{"rep", rep_id}, {"device", which}}});
  }
  if (found.size() > 1 && !found[1].revoked) {
    return RefusalStatus(StatusCode::kConflict,
                         {"http_device_name_ambiguous", {{"rep", rep_id}, {"device", device}}});
  }
  return found[0];
}

Result<DeviceInfo> DeviceTokens::Revoke(const std::string& rep_id, const std::string& device,
                                        int64_t id, const std::string& actor) {
  FB_ASSIGN_OR_RETURN(auto txn, db_.Begin());
  FB_ASSIGN_OR_RETURN(DeviceInfo d, Find(rep_id, device, id));
  if (d.revoked) {
    return RefusalStatus(StatusCode::kConflict,
                         {"http_device_revoked_already",
                          {{"rep", rep_id}, {"device", d.device}, {"id", std::to_string(d.id)}}});
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * revoke,
                      db_.Prepare("UPDATE srv_credentials SET revoked = 1, revoked_ms = ?, "
                                  "revoked_by = ? WHERE id = ?"));
  d.revoked = true;
  d.revoked_ms = static_cast<int64_t>(wall_.NowMs());
  d.revoked_by = actor;
  revoke->Bind(1, d.revoked_ms).Bind(2, actor).Bind(3, d.id);
  FB_RETURN_IF_ERROR(revoke->Run());
  FB_RETURN_IF_ERROR(txn->Commit());
  return d;
}

Status DeviceTokens::RecordSyncs(const std::vector<DeviceSync>& syncs) {
  if (syncs.empty()) return Status::Ok();
  // Each device's latest sync (the later one of equal times), in id order.
  std::map<int64_t, const DeviceSync*> latest;
  for (const DeviceSync& s : syncs) {
    auto [it, added] = latest.emplace(s.device_id, &s);
    if (!added && s.at_ms >= it->second->at_ms) it->second = &s;
  }
  std::vector<const DeviceSync*> rows;
  rows.reserve(latest.size());
  for (const auto& [id, s] : latest) rows.push_back(s);
  FB_ASSIGN_OR_RETURN(auto txn, db_.Begin());
  // A statement per kSyncsPerStatement devices, not one per device: the flush runs under the
  // writer's lock, which the pushes wait for (on PostgreSQL a statement is a round trip). Padded to
  // a power of two with its last device again (an update that changes nothing), so few statement
  // texts are prepared.
  for (size_t from = 0; from < rows.size(); from += kSyncsPerStatement) {
    const size_t n = std::min(kSyncsPerStatement, rows.size() - from);
    size_t width = 1;
    while (width < n) width *= 2;
    std::string ids, values;
    for (size_t i = 0; i < width; ++i) {
      ids += i == 0 ? "?" : ", ?";
      values += i == 0 ? "" : ", ";
      values += "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT))";
    }
    auto row = [&](size_t i) { return rows[from + std::min(i, n - 1)]; };
    if (db_.dialect() == SqlDialect::kPostgres) {
      // Several instances flush overlapping devices (a device syncs through any of them): each
      // takes the rows' locks in id order first, so two flushes wait for each other, never
      // deadlock (PostgreSQL would end one after deadlock_timeout, the writer's lock held).
      FB_ASSIGN_OR_RETURN(SqlStatement * lock,
                          db_.Prepare("SELECT id FROM srv_credentials WHERE id IN (" + ids +
                                      ") ORDER BY id FOR UPDATE"));
      for (size_t i = 0; i < width; ++i) lock->Bind(static_cast<int>(i + 1), row(i)->device_id);
      FB_RETURN_IF_ERROR(lock->Run());
    }
    FB_ASSIGN_OR_RETURN(
        SqlStatement * save,
        db_.Prepare("UPDATE srv_credentials SET last_sync_ms = v.column2, last_address = "
                    "v.column3 FROM (VALUES " +
                    values +
                    ") AS v WHERE srv_credentials.id = v.column1 AND "
                    "(srv_credentials.last_sync_ms IS NULL OR srv_credentials.last_sync_ms <= "
                    "v.column2)"));
    for (size_t i = 0; i < width; ++i) {
      const DeviceSync& s = *row(i);
      const int at = static_cast<int>(3 * i);
      save->Bind(at + 1, s.device_id).Bind(at + 2, s.at_ms).Bind(at + 3, s.address.substr(0, 64));
    }
    FB_RETURN_IF_ERROR(save->Run());
  }
  return txn->Commit();
}

}  // namespace fieldbook::server

// Replica (replica.h): the push steps, PreparePushBytes (and PreparePush) and AcknowledgePush.
#include "fieldbook/replica.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "change_capture.h"
#include "column_versions.h"
#include "digest_tracker.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/migrations.h"
#include "fieldbook/row_digest.h"
#include "merge_engine.h"
#include "meta_store.h"
#include "outbox_history.h"
#include "replica_internals.h"

namespace fieldbook {

using replica_internal::LoadPending;
using replica_internal::PendingRow;
using replica_internal::RowKey;

Result<std::optional<Replica::EncodedPush>> Replica::PreparePushBytes() {
  return NextPush(nullptr);
}

Result<std::optional<ChangeSet>> Replica::PreparePush() {
  ChangeSet made;
  FB_ASSIGN_OR_RETURN(std::optional<EncodedPush> push, NextPush(&made));
  if (!push) return std::optional<ChangeSet>();
  if (!made.set_id.empty()) return std::optional<ChangeSet>(std::move(made));
  Result<ChangeSet> stored = DecodeChangeSet(push->bytes);
  if (!stored.ok()) {
    // Damaged on disk: no hub could read it either. Its writes are still in the outbox.
    FB_RETURN_IF_ERROR(ReleasePendingPush(push->set_id));
    return PreparePush();
  }
  stored->cursor = cursor_;
  return std::optional<ChangeSet>(std::move(*stored));
}

Status Replica::ReleasePendingPush(const std::string& set_id) {
  Db& db = *db_;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  for (const char* sql : {"UPDATE fb_outbox SET set_id = NULL WHERE set_id = ?",
                          "UPDATE fb_superseded SET set_id = NULL WHERE set_id = ?",
                          "DELETE FROM fb_pending_push WHERE set_id = ?"}) {
    FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(sql));
    stmt->Bind(1, set_id);
    FB_RETURN_IF_ERROR(stmt->Run());
  }
  return txn->Commit();
}

Status Replica::RecordHubWireVersion(uint32_t version) {
  if (version == hub_wire_version_) return Status::Ok();
  FB_RETURN_IF_ERROR(WriteMetaInt(*db_, "hub_wire_version", version));
  hub_wire_version_ = version;
  return Status::Ok();
}

Result<std::optional<Replica::EncodedPush>> Replica::NextPush(ChangeSet* made) {
  Db& db = *db_;
  FB_ASSIGN_OR_RETURN(
      Statement * pending,
      db.Prepare("SELECT set_id, body FROM fb_pending_push ORDER BY created_ms LIMIT 1"));
  FB_ASSIGN_OR_RETURN(bool has_pending, pending->Step());
  if (has_pending) {
    // Byte for byte what the first attempt sent: the hub recognises the set id and answers as it
    // did then. Not decoded here; the hub checks the bytes as it checks any push.
    EncodedPush push{pending->Text(0), pending->Blob(1)};
    pending->Reset();
    return std::optional<EncodedPush>(std::move(push));
  }

  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  CaptureSuspension quiet(in_->capture);
  FB_ASSIGN_OR_RETURN(auto rows, LoadPending(db, catalog_, /*unassigned_only=*/true));
  if (rows.empty()) return std::optional<EncodedPush>();

  ChangeSet set;
  set.set_id = ids_->Next();
  set.replica_id = replica_id_;
  set.cursor = cursor_;
  const uint32_t self = set.OriginIndex(replica_id_);
  // Older unpushed versions of columns (outbox_history.h), read per row only when there are any.
  FB_ASSIGN_OR_RETURN(
      Statement * any_older,
      db.Prepare("SELECT EXISTS (SELECT 1 FROM fb_superseded WHERE set_id IS NULL)"));
  FB_ASSIGN_OR_RETURN(bool any_row, any_older->Step());
  const bool has_older = any_row && any_older->Int(0) != 0;
  any_older->Reset();
  FB_ASSIGN_OR_RETURN(Statement * older,
                      db.Prepare("SELECT col, value, hlc FROM fb_superseded WHERE tbl = ? AND "
                                 "row_id = ? AND set_id IS NULL ORDER BY seq"));
  std::vector<RowKey> packed;
  for (const auto& [key, p] : rows) {
    if (packed.size() >= options_.max_push_rows) break;
    packed.push_back(key);
    const TableInfo& t = *catalog_.ByCode(key.first);
    FB_ASSIGN_OR_RETURN(StoredRow stored, in_->merge->ReadRow(t, key.second));
    if (!stored.exists) continue;  // written and rolled back by nothing we can see: skip
    RowChange rc{t.name, key.second, {}};
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (((p.mask >> i) & 1) == 0) continue;
      const ColumnVersion& v = stored.versions[i];
      // A hub change that arrived after this write and won against it is already stored.
      if (!v.empty() && VersionGreater(v.hlc, in_->origins.IdOf(v.origin), p.hlc[i], replica_id_)) {
        continue;
      }
      rc.columns.push_back(ColumnChange{t.columns[i], stored.values[i], p.hlc[i], self});
    }
    if (rc.columns.empty()) continue;
    if (!has_older) {
      set.rows.push_back(std::move(rc));
      continue;
    }
    // Every unpushed version of each column, oldest first. The row goes out once per layer: the
    // first carries each column's oldest version (a new row's insert whole), the next the second
    // versions, and so on, the last the newest values. The hub merges them in order (the result
    // is the newest), and can keep an edit made before a reassignment apart from a later one.
    std::map<std::string, std::vector<ColumnChange>> versions;
    for (ColumnChange& c : rc.columns) versions[c.column].push_back(c);
    older->Reset();
    older->Bind(1, static_cast<int64_t>(key.first)).Bind(2, key.second);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, older->Step());
      if (!row) break;
      const auto col = static_cast<size_t>(older->Int(0));
      const Hlc hlc(static_cast<uint64_t>(older->Int(2)));
      if (col >= t.columns.size() || ((p.mask >> col) & 1) == 0 || !(hlc < p.hlc[col])) continue;
      auto it = versions.find(t.columns[col]);
      if (it == versions.end()) continue;  // the newest version lost to the hub's: so does this
      const ColumnVersion& v = stored.versions[col];
      if (!v.empty() && VersionGreater(v.hlc, in_->origins.IdOf(v.origin), hlc, replica_id_)) {
        continue;
      }
      it->second.insert(it->second.end() - 1,
                        ColumnChange{t.columns[col], older->Get(1), hlc, self});
    }
    size_t layers = 0;
    for (auto& [name, list] : versions) {
      std::stable_sort(list.begin(), list.end(),
                       [](const ColumnChange& a, const ColumnChange& b) { return a.hlc < b.hlc; });
      list.erase(
          std::unique(list.begin(), list.end(),
                      [](const ColumnChange& a, const ColumnChange& b) { return a.hlc == b.hlc; }),
          list.end());
      layers = std::max(layers, list.size());
    }
    for (size_t layer = 0; layer < layers; ++layer) {
      RowChange part{t.name, key.second, {}};
      for (const ColumnChange& c : rc.columns) {  // catalog order
        const std::vector<ColumnChange>& list = versions[c.column];
        if (layer < list.size()) part.columns.push_back(list[layer]);
      }
      set.rows.push_back(std::move(part));
    }
  }

  // Tie the packed outbox rows to this set, or retire them when nothing is left to send.
  FB_ASSIGN_OR_RETURN(
      Statement * assign,
      db.Prepare(set.rows.empty()
                     ? "DELETE FROM fb_outbox WHERE tbl = ? AND row_id = ? AND set_id IS NULL"
                     : "UPDATE fb_outbox SET set_id = ? WHERE tbl = ? AND row_id = ? "
                       "AND set_id IS NULL"));
  FB_ASSIGN_OR_RETURN(
      Statement * assign_older,
      db.Prepare(set.rows.empty()
                     ? "DELETE FROM fb_superseded WHERE tbl = ? AND row_id = ? AND set_id IS NULL"
                     : "UPDATE fb_superseded SET set_id = ? WHERE tbl = ? AND row_id = ? "
                       "AND set_id IS NULL"));
  for (const RowKey& key : packed) {
    for (Statement* stmt : {assign, assign_older}) {
      if (stmt == assign_older && !has_older) continue;
      stmt->Reset();
      const int first = set.rows.empty() ? 1 : 2;
      if (!set.rows.empty()) stmt->Bind(1, set.set_id);
      stmt->Bind(first, static_cast<int64_t>(key.first));
      stmt->Bind(first + 1, key.second);
      FB_RETURN_IF_ERROR(stmt->Run());
    }
  }
  if (set.rows.empty()) {
    // Those rows have no write left to send: their digests count again.
    FB_RETURN_IF_ERROR(AddSettledRows(db, catalog_, in_->digests, packed));
    FB_RETURN_IF_ERROR(FlushDigestDeltas(db, in_->digests));
    FB_RETURN_IF_ERROR(txn->Commit());
    return NextPush(made);  // the next rows of the outbox, if any
  }
  // Encoded once: these bytes are stored and are what every attempt sends.
  EncodedPush push{set.set_id, EncodeChangeSet(set)};
  FB_ASSIGN_OR_RETURN(Statement * save,
                      db.Prepare("INSERT INTO fb_pending_push (set_id, body, created_ms) "
                                 "VALUES (?, ?, ?)"));
  save->Bind(1, set.set_id)
      .BindBlob(2, push.bytes)
      .Bind(3, static_cast<int64_t>(clock_->WallNowMs()));
  FB_RETURN_IF_ERROR(save->Run());
  FB_RETURN_IF_ERROR(PersistClock());
  FB_RETURN_IF_ERROR(FlushDigestDeltas(db, in_->digests));
  FB_RETURN_IF_ERROR(txn->Commit());
  if (made != nullptr) *made = std::move(set);
  return std::optional<EncodedPush>(std::move(push));
}

Status Replica::AcknowledgePush(const PushResult& result, size_t* rows) {
  Db& db = *db_;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  CaptureSuspension quiet(in_->capture);
  FB_ASSIGN_OR_RETURN(Statement * pending,
                      db.Prepare("SELECT body FROM fb_pending_push WHERE set_id = ?"));
  pending->Bind(1, result.set_id);
  FB_ASSIGN_OR_RETURN(bool found, pending->Step());
  if (!found) {
    return Status::NotFound("no pending push with set id " + result.set_id +
                            " (already acknowledged?)");
  }
  std::string body = pending->Blob(0);
  pending->Reset();
  FB_ASSIGN_OR_RETURN(ChangeSet set, DecodeChangeSet(body));
  if (rows != nullptr) *rows = set.rows.size();

  // Each rejection answers the set's row it names by position (row_index), or, from an older hub,
  // every row of its table and id.
  std::vector<const RowRejection*> rejected_at(set.rows.size(), nullptr);
  std::map<std::pair<std::string, std::string>, const RowRejection*> rejected;
  for (const RowRejection& r : result.rejections) {
    if (r.row_index > 0 && r.row_index <= set.rows.size() &&
        set.rows[r.row_index - 1].table == r.table &&
        set.rows[r.row_index - 1].row_id == r.row_id) {
      rejected_at[r.row_index - 1] = &r;
    } else {
      rejected[{r.table, r.row_id}] = &r;
    }
  }
  std::map<std::pair<std::string, std::string>, Hlc> restamped;
  for (const RowRestamp& r : result.restamps) restamped[{r.table, r.row_id}] = r.hlc;

  FB_ASSIGN_OR_RETURN(uint32_t self, in_->origins.Intern(replica_id_));
  for (size_t row = 0; row < set.rows.size(); ++row) {
    const RowChange& rc = set.rows[row];
    const TableInfo* t = catalog_.Find(rc.table);
    if (t == nullptr) return Status::Corrupt("pending push names unknown table " + rc.table);
    const RowRejection* rej = rejected_at[row];
    if (rej == nullptr) {
      auto it = rejected.find({rc.table, rc.row_id});
      if (it != rejected.end()) rej = it->second;
    }
    // A reassignment holds some columns for review; the others were applied.
    std::set<std::string> held;
    if (rej != nullptr) {
      FB_RETURN_IF_ERROR(RecordRejection(set.set_id, rc, *rej));
      if (rej->code != "reassigned" || rej->columns.empty()) continue;
      held.insert(rej->columns.begin(), rej->columns.end());
    }
    // Accepted: the write's version becomes the row's stored version (unless a newer one is
    // already there), so a later pull of an older change cannot undo it.
    FB_ASSIGN_OR_RETURN(StoredRow stored, in_->merge->ReadRow(*t, rc.row_id));
    if (!stored.exists) continue;
    auto stamp = restamped.find({rc.table, rc.row_id});
    bool changed = false;
    for (const ColumnChange& c : rc.columns) {
      const int idx = t->ColumnIndex(c.column);
      if (idx < 0 || held.count(c.column) != 0) continue;
      const Hlc hlc = stamp != restamped.end() ? stamp->second : c.hlc;
      ColumnVersion& v = stored.versions[idx];
      if (!v.empty() && !VersionGreater(hlc, replica_id_, v.hlc, in_->origins.IdOf(v.origin))) {
        continue;
      }
      v = ColumnVersion{hlc, self, 0};
      changed = true;
    }
    if (stamp != restamped.end()) clock_->ObserveTrusted(stamp->second);
    if (changed) FB_RETURN_IF_ERROR(in_->merge->WriteRow(*t, rc.row_id, stored));
  }

  std::vector<RowKey> settled;  // rows whose writes this set carried (with or without columns)
  FB_ASSIGN_OR_RETURN(Statement * carried,
                      db.Prepare("SELECT DISTINCT tbl, row_id FROM fb_outbox WHERE set_id = ?"));
  carried->Bind(1, set.set_id);
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, carried->Step());
    if (!row) break;
    settled.emplace_back(static_cast<int>(carried->Int(0)), carried->Text(1));
  }
  FB_ASSIGN_OR_RETURN(Statement * clear, db.Prepare("DELETE FROM fb_outbox WHERE set_id = ?"));
  clear->Bind(1, set.set_id);
  FB_RETURN_IF_ERROR(clear->Run());
  FB_ASSIGN_OR_RETURN(Statement * clear_older,
                      db.Prepare("DELETE FROM fb_superseded WHERE set_id = ?"));
  clear_older->Bind(1, set.set_id);
  FB_RETURN_IF_ERROR(clear_older->Run());
  // Rows with no write left to send count in the digests again (before evictions purge any).
  FB_RETURN_IF_ERROR(AddSettledRows(db, catalog_, in_->digests, settled));
  FB_ASSIGN_OR_RETURN(Statement * drop, db.Prepare("DELETE FROM fb_pending_push WHERE set_id = ?"));
  drop->Bind(1, set.set_id);
  FB_RETURN_IF_ERROR(drop->Run());
  FB_ASSIGN_OR_RETURN(size_t purged, RetryDeferredEvictions());
  (void)purged;
  FB_RETURN_IF_ERROR(PersistClock());
  FB_RETURN_IF_ERROR(FlushDigestDeltas(db, in_->digests));
  Status s = txn->Commit();
  if (!s.ok()) {
    (void)in_->origins.Load();
    return s;
  }
  return Status::Ok();
}

}  // namespace fieldbook

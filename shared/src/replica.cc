#include "fieldbook/replica.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "change_capture.h"
#include "column_versions.h"
#include "digest_tracker.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/columns.h"
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

namespace replica_internal {

Result<std::map<RowKey, PendingRow>> LoadPending(Db& db, const Catalog& catalog,
                                                 bool unassigned_only) {
  std::map<RowKey, PendingRow> out;
  FB_ASSIGN_OR_RETURN(
      Statement * stmt,
      db.Prepare(unassigned_only ? "SELECT tbl, row_id, cols, hlc FROM fb_outbox "
                                   "WHERE set_id IS NULL ORDER BY seq"
                                 : "SELECT tbl, row_id, cols, hlc FROM fb_outbox ORDER BY seq"));
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    const int code = static_cast<int>(stmt->Int(0));
    const TableInfo* t = catalog.ByCode(code);
    if (t == nullptr)
      return Status::Corrupt("outbox names unknown table code " + std::to_string(code));
    PendingRow& p = out[{code, stmt->Text(1)}];
    if (p.hlc.empty()) p.hlc.resize(t->columns.size());
    const auto mask = static_cast<uint64_t>(stmt->Int(2));
    const Hlc hlc(static_cast<uint64_t>(stmt->Int(3)));
    p.mask |= mask;
    for (size_t i = 0; i < t->columns.size(); ++i) {
      if ((mask >> i) & 1) p.hlc[i] = std::max(p.hlc[i], hlc);
    }
  }
  return out;
}

}  // namespace replica_internal

Replica::~Replica() {
  // The triggers' functions point at in_->capture; the connection must close first. A pull batch
  // still open is rolled back (nothing of it was committed).
  batch_.reset();
  db_.reset();
}

Result<std::unique_ptr<Replica>> Replica::Open(const std::string& path, WallClock& wall,
                                               const ReplicaOptions& options) {
  std::unique_ptr<Replica> r(new Replica());
  r->options_ = options;
  FB_ASSIGN_OR_RETURN(r->db_, Db::Open(path));
  Db& db = *r->db_;
  r->in_ = std::make_unique<Internals>(db);
  r->ids_ = options.id_seed ? std::make_unique<RowIdGenerator>(wall, *options.id_seed)
                            : std::make_unique<RowIdGenerator>(wall);
  // Functions first: a half-migrated file still refuses uncaptured writes.
  FB_RETURN_IF_ERROR(RegisterCaptureFunctions(db, &r->in_->capture));
  r->in_->digests.role = DigestRole::kReplica;
  FB_RETURN_IF_ERROR(RegisterDigestFunctions(db, &r->in_->digests));
  FB_ASSIGN_OR_RETURN(int version, ApplyMigrations(db, ReplicaMigrations()));
  (void)version;
  FB_ASSIGN_OR_RETURN(r->catalog_, Catalog::Load(db));
  FB_RETURN_IF_ERROR(InstallCaptureTriggers(db, r->catalog_));
  FB_RETURN_IF_ERROR(InstallOutboxHistoryTriggers(db, r->catalog_));
  FB_ASSIGN_OR_RETURN(DigestInstall digests,
                      InstallDigestTriggers(db, r->catalog_, r->in_->digests));
  // Digest triggers found missing or changed: writes may have escaped them (another program), so
  // the data are compared with the hub's at the next sync.
  if (digests.tampered) FB_RETURN_IF_ERROR(WriteMetaInt(db, "verify_wanted", 1));
  FB_RETURN_IF_ERROR(r->in_->origins.Load());

  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  FB_ASSIGN_OR_RETURN(std::optional<Value> id, ReadMeta(db, "replica_id"));
  if (id && std::holds_alternative<std::string>(*id)) {
    r->replica_id_ = std::get<std::string>(*id);
  } else {
    r->replica_id_ = options.replica_id.empty() ? r->ids_->Next() : options.replica_id;
    FB_RETURN_IF_ERROR(WriteMeta(db, "replica_id", Value(r->replica_id_)));
  }
  FB_ASSIGN_OR_RETURN(r->cursor_, ReadMetaInt(db, "cursor", 0));
  FB_ASSIGN_OR_RETURN(r->epoch_, ReadMetaInt(db, "epoch", 0));
  FB_ASSIGN_OR_RETURN(uint64_t hub_wire, ReadMetaInt(db, "hub_wire_version", 0));
  r->hub_wire_version_ = static_cast<uint32_t>(std::min<uint64_t>(hub_wire, UINT32_MAX));
  FB_ASSIGN_OR_RETURN(uint64_t rebuild, ReadMetaInt(db, "rebuild_wanted", 0));
  r->rebuild_wanted_ = rebuild != 0;
  FB_ASSIGN_OR_RETURN(std::optional<Value> token, ReadMeta(db, "snapshot_token"));
  if (token && std::holds_alternative<std::string>(*token)) {
    r->snapshot_token_ = std::get<std::string>(*token);
  }
  // The clock resumes above everything it issued: the persisted value and the outbox.
  FB_ASSIGN_OR_RETURN(uint64_t floor, ReadMetaInt(db, "hlc", 0));
  FB_ASSIGN_OR_RETURN(Statement * max_hlc, db.Prepare("SELECT max(hlc) FROM fb_outbox"));
  FB_ASSIGN_OR_RETURN(bool has, max_hlc->Step());
  if (has && !max_hlc->IsNull(0)) floor = std::max(floor, static_cast<uint64_t>(max_hlc->Int(0)));
  max_hlc->Reset();
  FB_RETURN_IF_ERROR(txn->Commit());

  r->clock_ = std::make_unique<HybridClock>(wall, Hlc(floor));
  r->in_->capture.clock = r->clock_.get();
  r->in_->digest_listener = std::make_unique<DigestListener>(r->in_->digests);
  r->in_->merge = std::make_unique<MergeEngine>(db, r->in_->origins, MergeOptions{},
                                                r->in_->digest_listener.get());
  return r;
}

Status Replica::PersistClock() { return WriteMetaInt(*db_, "hlc", clock_->Last().packed()); }

Result<bool> Replica::HasPendingWritesFor(const std::string& customer_id) {
  for (const TableInfo& t : catalog_.tables()) {
    if (t.customer_column.empty()) continue;
    // Catalog identifiers only; values are bound.
    const std::string sql = t.customer_column == "id"
                                ? "SELECT 1 FROM fb_outbox WHERE tbl = ? AND row_id = ? LIMIT 1"
                                : "SELECT 1 FROM fb_outbox o JOIN \"" + t.name +
                                      "\" r ON r.id = o.row_id "
                                      "WHERE o.tbl = ? AND r.\"" +
                                      t.customer_column + "\" = ? LIMIT 1";
    FB_ASSIGN_OR_RETURN(Statement * stmt, db_->Prepare(sql));
    stmt->Bind(1, static_cast<int64_t>(t.code)).Bind(2, customer_id);
    FB_ASSIGN_OR_RETURN(bool found, stmt->Step());
    stmt->Reset();
    if (found) return true;
  }
  return false;
}

Status Replica::PurgeCustomer(const std::string& customer_id) {
  CaptureSuspension quiet(in_->capture);
  FB_RETURN_IF_ERROR(SubtractOwnerRows(*db_, catalog_, in_->digests, customer_id));
  for (const TableInfo& t : catalog_.tables()) {
    if (t.customer_column.empty()) continue;
    FB_ASSIGN_OR_RETURN(Statement * del, db_->Prepare("DELETE FROM \"" + t.name + "\" WHERE \"" +
                                                      t.customer_column + "\" = ?"));
    del->Bind(1, customer_id);
    FB_RETURN_IF_ERROR(del->Run());
  }
  FB_ASSIGN_OR_RETURN(Statement * done,
                      db_->Prepare("DELETE FROM fb_deferred_evictions WHERE customer_id = ?"));
  done->Bind(1, customer_id);
  return done->Run();
}

Result<size_t> Replica::RetryDeferredEvictions() {
  FB_ASSIGN_OR_RETURN(std::vector<std::string> deferred, DeferredEvictions());
  size_t purged = 0;
  for (const std::string& customer : deferred) {
    FB_ASSIGN_OR_RETURN(bool pending, HasPendingWritesFor(customer));
    if (pending) continue;
    FB_RETURN_IF_ERROR(PurgeCustomer(customer));
    ++purged;
  }
  return purged;
}

Result<std::vector<std::string>> Replica::DeferredEvictions() {
  FB_ASSIGN_OR_RETURN(Statement * stmt,
                      db_->Prepare("SELECT customer_id FROM fb_deferred_evictions ORDER BY 1"));
  return ReadRows(*stmt, [](const Statement& s) { return s.Text(0); });
}

Status Replica::ResetForRebuild() {
  FB_ASSIGN_OR_RETURN(int64_t pending, PendingWriteCount());
  if (pending != 0) {
    return Status::Conflict(std::to_string(pending) +
                            " local writes are not pushed yet; push them before rebuilding");
  }
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
  CaptureSuspension quiet(in_->capture);
  for (const TableInfo& t : catalog_.tables()) {
    FB_RETURN_IF_ERROR(db_->ExecScript("DELETE FROM \"" + t.name + "\""));
  }
  FB_RETURN_IF_ERROR(db_->ExecScript("DELETE FROM fb_deferred_evictions"));
  FB_RETURN_IF_ERROR(db_->ExecScript("DELETE FROM fb_superseded"));
  FB_RETURN_IF_ERROR(WriteMetaInt(*db_, "cursor", 0));
  FB_RETURN_IF_ERROR(WriteMeta(*db_, "snapshot_token", Value(std::string())));
  FB_RETURN_IF_ERROR(WriteMetaInt(*db_, "rebuild_wanted", 0));
  FB_RETURN_IF_ERROR(ClearReplicaDigests(*db_, in_->digests));
  FB_RETURN_IF_ERROR(txn->Commit());
  cursor_ = 0;
  snapshot_token_.clear();
  rebuild_wanted_ = false;
  in_->fresh_valid = false;
  return Status::Ok();
}

Result<size_t> Replica::PrepareRestoreRecovery(uint64_t epoch) {
  Db& db = *db_;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  CaptureSuspension quiet(in_->capture);
  FB_ASSIGN_OR_RETURN(uint32_t self, in_->origins.Intern(replica_id_));
  FB_ASSIGN_OR_RETURN(
      Statement * queue,
      // A write still queued (an earlier restore's recovery not finished) is queued once.
      db.Prepare("INSERT INTO fb_outbox (tbl, row_id, cols, hlc) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (tbl, row_id, hlc) DO UPDATE SET cols = cols | excluded.cols"));
  size_t rows = 0;
  StoredRow row;
  for (const TableInfo& t : catalog_.tables()) {
    if (t.customer_column.empty()) continue;  // reps and territories are the server's
    // Catalog identifiers only.
    FB_ASSIGN_OR_RETURN(Statement * scan,
                        db.Prepare("SELECT " + StoredRowColumns(t) + " FROM \"" + t.name + "\""));
    const int id_column = static_cast<int>(t.columns.size() + 2);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool found, scan->Step());
      if (!found) break;
      FB_RETURN_IF_ERROR(DecodeStoredRow(t, *scan, row));
      // This replica's own column versions, one outbox entry per distinct stamp, so that the push
      // carries each column with the version it has here.
      std::map<uint64_t, uint64_t> masks;  // hlc -> columns
      for (size_t i = 0; i < t.columns.size(); ++i) {
        if (row.versions[i].origin == self) masks[row.versions[i].hlc.packed()] |= uint64_t{1} << i;
      }
      if (masks.empty()) continue;
      ++rows;
      const std::string id = scan->Text(id_column);
      for (const auto& [hlc, mask] : masks) {
        queue->Reset();
        queue->Bind(1, static_cast<int64_t>(t.code))
            .Bind(2, id)
            .Bind(3, static_cast<int64_t>(mask))
            .Bind(4, static_cast<int64_t>(hlc));
        FB_RETURN_IF_ERROR(queue->Run());
      }
    }
  }
  // Rows with a pending write are left out of the digests until acknowledged.
  FB_RETURN_IF_ERROR(RecomputeReplicaDigests(db, catalog_, in_->digests));
  FB_RETURN_IF_ERROR(WriteMetaInt(db, "epoch", epoch));
  FB_RETURN_IF_ERROR(WriteMetaInt(db, "rebuild_wanted", 1));
  Status s = txn->Commit();
  if (!s.ok()) {
    (void)in_->origins.Load();
    return s;
  }
  epoch_ = epoch;
  rebuild_wanted_ = true;
  return rows;
}

Result<int64_t> Replica::PendingWriteCount() {
  FB_ASSIGN_OR_RETURN(Statement * stmt, db_->Prepare("SELECT count(*) FROM fb_outbox"));
  FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
  const int64_t n = row ? stmt->Int(0) : 0;
  stmt->Reset();
  return n;
}

}  // namespace fieldbook

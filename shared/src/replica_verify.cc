// Replica (replica.h): verification, the digests and the repair (docs/sync.md, "Verification
// and repair").
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

Result<ReplicaDigests> Replica::Digests(bool recompute) {
  if (recompute || in_->digests.stale) FB_RETURN_IF_ERROR(RecomputeDigests());
  ReplicaDigests out;
  out.buckets = kReplicaDigestBuckets;
  out.schema = DigestSchemaFingerprint(catalog_);
  FB_ASSIGN_OR_RETURN(out.digests, ReadReplicaDigests(*db_));
  return out;
}

Status Replica::RecomputeDigests() {
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
  FB_RETURN_IF_ERROR(RecomputeReplicaDigests(*db_, catalog_, in_->digests));
  return txn->Commit();
}

Result<bool> Replica::VerificationWanted() {
  FB_ASSIGN_OR_RETURN(uint64_t wanted, ReadMetaInt(*db_, "verify_wanted", 0));
  return wanted != 0;
}

Status Replica::SetVerificationWanted(bool wanted) {
  return WriteMetaInt(*db_, "verify_wanted", wanted ? 1 : 0);
}

namespace {

// The bucket key of a row as the hub sent it: its id, or its customer column (NULL when absent).
std::string_view RepairKey(const TableInfo& t, const RowChange& rc) {
  const std::string& column = BucketKeyColumn(t);
  if (column == "id") return rc.row_id;
  for (const ColumnChange& c : rc.columns) {
    if (c.column != column) continue;
    const auto* text = std::get_if<std::string>(&c.value);
    return text != nullptr ? std::string_view(*text) : std::string_view();
  }
  return {};
}

}  // namespace

Result<RepairStats> Replica::ApplyRepair(const std::vector<BucketDigest>& buckets,
                                         const ChangeSet& rows) {
  Db& db = *db_;
  RepairStats stats;
  DigestSlots slots;
  for (const BucketDigest& b : buckets) {
    if (catalog_.ByCode(static_cast<int>(b.table)) == nullptr) continue;  // a newer schema's table
    if (b.bucket >= kReplicaDigestBuckets) {
      return Status::InvalidArgument("repair names bucket " + std::to_string(b.bucket) + " of " +
                                     std::to_string(kReplicaDigestBuckets));
    }
    slots.insert({static_cast<int>(b.table), b.bucket});
  }
  stats.buckets = slots.size();
  stats.rows_received = rows.rows.size();

  // In one transaction; on any error nothing of it stays, and the origins it registered are
  // forgotten.
  auto apply = [&]() -> Status {
    FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
    CaptureSuspension quiet(in_->capture);
    FB_ASSIGN_OR_RETURN(auto pending, LoadPending(db, catalog_, /*unassigned_only=*/false));

    // The hub's rows that belong to a listed bucket, by table.
    std::map<int, std::set<std::string>> hub_ids;
    std::vector<std::pair<const TableInfo*, const RowChange*>> incoming;
    for (const RowChange& rc : rows.rows) {
      const TableInfo* t = catalog_.Find(rc.table);
      if (t == nullptr ||
          slots.count({t->code, DigestBucket(RepairKey(*t, rc), kReplicaDigestBuckets)}) == 0) {
        ++stats.rows_failed;
        continue;
      }
      hub_ids[t->code].insert(rc.row_id);
      incoming.emplace_back(t, &rc);
    }

    // Rows of the listed buckets that the hub does not have.
    for (const TableInfo& t : catalog_.tables()) {
      auto first = slots.lower_bound({t.code, 0});
      if (first == slots.end() || first->first != t.code) continue;
      const std::set<std::string>& keep = hub_ids[t.code];
      // Catalog identifiers only; values are bound.
      FB_ASSIGN_OR_RETURN(Statement * scan, db.Prepare("SELECT id, \"" + BucketKeyColumn(t) +
                                                       "\" FROM \"" + t.name + "\""));
      std::vector<std::string> extra;
      while (true) {
        FB_ASSIGN_OR_RETURN(bool row, scan->Step());
        if (!row) break;
        std::string id = scan->Text(0);
        if (keep.count(id) != 0) continue;
        const std::string key = scan->Text(1);
        if (slots.count({t.code, DigestBucket(key, kReplicaDigestBuckets)}) == 0) continue;
        extra.push_back(std::move(id));
      }
      FB_ASSIGN_OR_RETURN(Statement * drop,
                          db.Prepare("DELETE FROM \"" + t.name + "\" WHERE id = ?"));
      for (const std::string& id : extra) {
        if (pending.count({t.code, id}) != 0) {
          ++stats.rows_kept_pending;
          continue;
        }
        drop->Reset();
        drop->Bind(1, id);
        FB_RETURN_IF_ERROR(drop->Run());
        ++stats.rows_removed;
      }
    }

    // The hub's rows as they are, except columns with a pending local write.
    DigestSlots recompute = slots;
    for (const auto& [t, rc] : incoming) {
      const size_t n = t->columns.size();
      StoredRow next;
      next.exists = true;
      next.versions = ColumnVersions(n);
      next.values.assign(n, Value());
      if (t->deleted_column >= 0) next.values[t->deleted_column] = int64_t{0};
      bool unknown = false;
      for (const ColumnChange& c : rc->columns) {
        const int idx = t->ColumnIndex(c.column);
        if (idx < 0 || c.origin >= rows.origins.size() || c.hlc.is_zero()) {
          unknown = true;
          break;
        }
        FB_ASSIGN_OR_RETURN(uint32_t origin, in_->origins.Intern(rows.origins[c.origin]));
        next.values[idx] = c.value;
        next.versions[idx] = ColumnVersion{c.hlc, origin, 0};
        clock_->ObserveTrusted(c.hlc);
      }
      if (unknown) {
        ++stats.rows_failed;
        continue;
      }
      FB_ASSIGN_OR_RETURN(StoredRow current, in_->merge->ReadRow(*t, rc->row_id));
      if (current.exists && t->customer_column_index >= 0) {
        // Edited here into another customer: that bucket loses the row, so recompute it too.
        const auto* key = std::get_if<std::string>(&current.values[t->customer_column_index]);
        recompute.insert(
            {t->code, DigestBucket(key != nullptr ? *key : std::string(), kReplicaDigestBuckets)});
      }
      if (auto it = pending.find({t->code, rc->row_id}); it != pending.end()) {
        ++stats.rows_kept_pending;
        for (size_t i = 0; i < n; ++i) {
          if (((it->second.mask >> i) & 1) == 0) continue;
          next.values[i] = current.values[i];
          next.versions[i] = current.versions[i];
        }
      }
      bool same = current.exists;
      for (size_t i = 0; same && i < n; ++i) {
        same = current.values[i] == next.values[i] &&
               current.versions[i].hlc == next.versions[i].hlc &&
               current.versions[i].origin == next.versions[i].origin;
      }
      if (same) continue;
      Status written = in_->merge->WriteRow(*t, rc->row_id, next);
      if (written.code() == StatusCode::kRejected) {  // a CHECK rule: the hub's row cannot be here
        ++stats.rows_failed;
        continue;
      }
      FB_RETURN_IF_ERROR(written);
      ++stats.rows_written;
    }

    // The repaired buckets' digests from their rows, whatever the stored ones said before. (The
    // writes above leave no deltas: capture is suspended and WriteRow has no listener.)
    FB_RETURN_IF_ERROR(FlushDigestDeltas(db, in_->digests));
    FB_RETURN_IF_ERROR(RecomputeReplicaDigests(db, catalog_, in_->digests, &recompute));
    FB_ASSIGN_OR_RETURN(std::vector<BucketDigest> now, ReadReplicaDigests(db));
    std::map<std::pair<int, uint32_t>, const BucketDigest*> mine;
    for (const BucketDigest& d : now) mine[{static_cast<int>(d.table), d.bucket}] = &d;
    for (const BucketDigest& hub : buckets) {
      if (slots.count({static_cast<int>(hub.table), hub.bucket}) == 0) continue;
      auto it = mine.find({static_cast<int>(hub.table), hub.bucket});
      const bool equal = it == mine.end()
                             ? hub.rows == 0 && hub.sum == 0
                             : it->second->rows == hub.rows && it->second->sum == hub.sum;
      if (!equal) ++stats.buckets_still_different;
    }
    FB_RETURN_IF_ERROR(PersistClock());
    return txn->Commit();
  };
  Status applied = apply();
  if (!applied.ok()) {
    (void)in_->origins.Load();  // forget origins registered by the rolled-back transaction
    return applied;
  }
  return stats;
}

}  // namespace fieldbook

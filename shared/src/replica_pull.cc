// Replica (replica.h): storing pulled pages, ApplyPull, and the batches and bulk inserts of a
// snapshot.
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

namespace {

// The device's search documents (replica migration 0022): the AFTER INSERT trigger
// fb_search_queue_<table>_insert of each table listed in fb_search_sources queues the new row's
// document, rowid * 8 + the table's kind.
constexpr int kSearchDocStride = 8;

}  // namespace

// The inserts of a snapshot do without their triggers: capture is suspended while a pull is
// stored, so the capture trigger does nothing but costs a trigger program per row, and the
// search queue's trigger queues one document per row, which one statement per table does for all
// of the batch's new rows before it commits (rowids only grow, so they are the rows above the
// table's highest rowid before). The triggers are dropped and created again inside the batch's
// transaction: a kill or a rollback leaves them as they were, and no other connection ever sees
// them missing (it sees the last commit).
Status Replica::BeginBulkInserts() {
  Db& db = *db_;
  struct Trigger {
    std::string name, sql, table;
  };
  std::vector<Trigger> triggers;
  for (const TableInfo& t : catalog_.tables()) {
    FB_ASSIGN_OR_RETURN(Statement * find,
                        db.Prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' "
                                   "AND tbl_name = ?1 AND name IN ('fb_' || ?1 || "
                                   "'_capture_insert', 'fb_search_queue_' || ?1 || '_insert')"));
    find->Bind(1, t.name);
    FB_RETURN_IF_ERROR(VisitRows(*find, [&](const Statement& s) {
      triggers.push_back(Trigger{s.Text(0), s.Text(1), t.name});
    }));
  }
  if (!in_->fresh_valid) {
    in_->fresh.assign(64, false);
    for (const TableInfo& t : catalog_.tables()) {
      if (t.code < 0 || t.code >= 64) continue;
      // Catalog identifiers only.
      FB_ASSIGN_OR_RETURN(Statement * any,
                          db.Prepare("SELECT EXISTS (SELECT 1 FROM \"" + t.name + "\")"));
      FB_ASSIGN_OR_RETURN(bool row, any->Step());
      in_->fresh[static_cast<size_t>(t.code)] = row && any->Int(0) == 0;
      any->Reset();
    }
    in_->fresh_valid = true;
  }
  for (const auto& [name, sql, table] : triggers) {
    const bool search = name.rfind("fb_search_queue_", 0) == 0;
    if (search) {
      FB_ASSIGN_OR_RETURN(
          Statement * source,
          db.Prepare("SELECT EXISTS (SELECT 1 FROM fb_search_sources WHERE tbl = ?1)"));
      source->Bind(1, table);
      FB_ASSIGN_OR_RETURN(bool row, source->Step());
      const bool known = row && source->Int(0) != 0;
      source->Reset();
      if (!known) continue;  // a trigger this code does not know: it stays
      // A catalog identifier.
      FB_ASSIGN_OR_RETURN(Statement * top,
                          db.Prepare("SELECT coalesce(max(rowid), 0) FROM \"" + table + "\""));
      FB_ASSIGN_OR_RETURN(bool has_top, top->Step());
      const int64_t floor = has_top ? top->Int(0) : 0;
      top->Reset();
      in_->search_floor.emplace_back(table, floor);
    }
    // Names read from the schema, of the forms matched above.
    FB_RETURN_IF_ERROR(db.ExecScript("DROP TRIGGER \"" + name + "\""));
    in_->dropped_triggers.push_back(sql);
  }
  in_->bulk = true;
  return Status::Ok();
}

Status Replica::EndBulkInserts() {
  Db& db = *db_;
  for (const auto& [table, floor] : in_->search_floor) {
    FB_ASSIGN_OR_RETURN(
        Statement * queue,
        db.Prepare("INSERT INTO fb_search_queue (doc) SELECT rowid * " +
                   std::to_string(kSearchDocStride) +
                   " + (SELECT kind FROM fb_search_sources WHERE tbl = ?2) FROM \"" + table +
                   "\" WHERE rowid > ?1 ON CONFLICT DO NOTHING"));
    queue->Bind(1, floor).Bind(2, table);
    FB_RETURN_IF_ERROR(queue->Run());
  }
  for (const std::string& sql : in_->dropped_triggers) FB_RETURN_IF_ERROR(db.ExecScript(sql));
  in_->bulk = false;
  in_->dropped_triggers.clear();
  in_->search_floor.clear();
  return Status::Ok();
}

Status Replica::BeginPullBatch() {
  if (batch_ != nullptr) return Status::Internal("a pull batch is already open");
  if (db_->InTransaction()) return Status::Internal("a pull batch cannot open in a transaction");
  FB_ASSIGN_OR_RETURN(batch_, Transaction::Begin(*db_));
  return Status::Ok();
}

Status Replica::CommitPullBatch() {
  if (batch_ == nullptr) return Status::Ok();
  Status s = in_->bulk ? EndBulkInserts() : Status::Ok();
  if (s.ok()) s = batch_->Commit();
  if (!s.ok()) {
    AbortPullBatch();
    return s;
  }
  batch_.reset();
  return Status::Ok();
}

void Replica::AbortPullBatch() {
  if (batch_ == nullptr) return;
  batch_.reset();  // rolls back, the dropped triggers with it
  in_->bulk = false;
  in_->dropped_triggers.clear();
  in_->search_floor.clear();
  (void)ReloadPosition();
  (void)in_->origins.Load();  // forget origins registered by the rolled-back pages
  in_->digests.deltas.Clear();
}

Status Replica::ReloadPosition() {
  FB_ASSIGN_OR_RETURN(cursor_, ReadMetaInt(*db_, "cursor", 0));
  FB_ASSIGN_OR_RETURN(epoch_, ReadMetaInt(*db_, "epoch", 0));
  FB_ASSIGN_OR_RETURN(std::optional<Value> token, ReadMeta(*db_, "snapshot_token"));
  snapshot_token_.clear();
  if (token && std::holds_alternative<std::string>(*token)) {
    snapshot_token_ = std::get<std::string>(*token);
  }
  return Status::Ok();
}

Result<PullStats> Replica::ApplyPull(const ChangeSet& page, const PullPosition& position) {
  Db& db = *db_;
  PullStats stats;
  Status failure;
  {
    // In a pull batch the page goes into the batch's transaction (no savepoint of its own: a
    // failure rolls the whole batch back below).
    std::unique_ptr<Transaction> txn;
    if (batch_ == nullptr) {
      FB_ASSIGN_OR_RETURN(txn, Transaction::Begin(db));
    } else if (position.snapshot && !in_->bulk) {
      failure = BeginBulkInserts();
    }
    CaptureSuspension quiet(in_->capture);
    Result<std::map<RowKey, PendingRow>> loaded =
        failure.ok() ? LoadPending(db, catalog_, /*unassigned_only=*/false) : failure;
    if (!loaded.ok()) {
      if (batch_ != nullptr) AbortPullBatch();
      return loaded.status();
    }
    const std::map<RowKey, PendingRow>& pending = *loaded;
    std::vector<BatchRow> batch;
    batch.reserve(page.rows.size());
    for (const RowChange& rc : page.rows) {
      ++stats.rows_received;
      const TableInfo* t = catalog_.Find(rc.table);
      if (t == nullptr) {
        ++stats.rows_failed;  // a table from a newer schema: nothing here can hold it
        continue;
      }
      const PendingVersions* local = nullptr;
      if (!pending.empty()) {
        auto it = pending.find({t->code, rc.row_id});
        if (it != pending.end()) local = &it->second.hlc;
      }
      for (const ColumnChange& c : rc.columns) clock_->ObserveTrusted(c.hlc);
      const bool fresh = in_->bulk && local == nullptr && t->code >= 0 &&
                         static_cast<size_t>(t->code) < in_->fresh.size() &&
                         in_->fresh[static_cast<size_t>(t->code)];
      batch.push_back(BatchRow{t, &rc, local, fresh});
    }
    // The whole page at once: the same outcome as row by row, with far fewer statements.
    std::vector<RowOutcome> outcomes;
    failure = in_->merge->ApplyBatch(batch, page.origins, 0, replica_id_, outcomes);
    for (const RowOutcome& outcome : outcomes) {
      if (!failure.ok()) break;
      if (!outcome.status.ok()) {
        ++stats.rows_failed;  // refused (kInvalidArgument or kRejected): the row is unchanged
      } else if (outcome.outcome.changed) {
        ++stats.rows_changed;
      }
    }
    for (const std::string& customer : page.evicted_customers) {
      if (!failure.ok()) break;
      auto pending_writes = HasPendingWritesFor(customer);
      if (!pending_writes.ok()) {
        failure = pending_writes.status();
        break;
      }
      if (*pending_writes) {
        Result<Statement*> defer = db.Prepare(
            "INSERT OR IGNORE INTO fb_deferred_evictions (customer_id, since_ms) VALUES (?, ?)");
        if (!defer.ok()) {
          failure = defer.status();
          break;
        }
        (*defer)->Bind(1, customer).Bind(2, static_cast<int64_t>(clock_->WallNowMs()));
        failure = (*defer)->Run();
        ++stats.evictions_deferred;
      } else {
        failure = PurgeCustomer(customer);
        ++stats.customers_evicted;
      }
    }
    if (failure.ok()) {
      const uint64_t next = std::max(cursor_, page.cursor);
      const std::string token = position.snapshot ? position.snapshot_token : snapshot_token_;
      const uint64_t epoch = position.epoch != 0 ? position.epoch : epoch_;
      failure = WriteMetaInt(db, "cursor", next);
      if (failure.ok() && token != snapshot_token_) {
        failure = WriteMeta(db, "snapshot_token", Value(token));
      }
      if (failure.ok() && epoch != epoch_) failure = WriteMetaInt(db, "epoch", epoch);
      if (failure.ok()) failure = PersistClock();
      if (failure.ok()) failure = FlushDigestDeltas(db, in_->digests);
      if (failure.ok() && txn != nullptr) failure = txn->Commit();
      if (failure.ok()) {
        cursor_ = next;
        snapshot_token_ = token;
        epoch_ = epoch;
        if (token.empty()) in_->fresh_valid = false;
      }
    }
  }
  if (!failure.ok()) {
    if (batch_ != nullptr) {
      AbortPullBatch();
    } else {
      (void)in_->origins.Load();  // forget origins registered by the rolled-back transaction
    }
    return failure;
  }
  stats.cursor = cursor_;
  return stats;
}

}  // namespace fieldbook

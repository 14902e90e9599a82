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

namespace fieldbook {

struct Replica::Internals {
  explicit Internals(Db& db) : origins(db) {}
  CaptureContext capture;
  // Verification digests (digest_tracker.h). Writes with capture suspended are accounted for here
  // in C++ (the merge engine's listener, PurgeCustomer, ResetForRebuild, ApplyRepair), and every
  // transaction that makes them calls FlushDigestDeltas before it commits.
  DigestContext digests;
  std::unique_ptr<DigestListener> digest_listener;
  OriginRegistry origins;
  std::unique_ptr<MergeEngine> merge;
  // A pull batch storing a snapshot inserts without the AFTER INSERT triggers (see
  // BeginBulkInserts): the ones dropped, to be created again before the batch commits, and for
  // each search-indexed table the highest rowid it had before.
  bool bulk = false;
  std::vector<std::string> dropped_triggers;  // their CREATE statements
  std::vector<std::pair<const char*, int64_t>> search_floor;
  // Tables that were empty when this snapshot's bulk inserts began here (by table code), valid
  // until the snapshot ends: their rows are inserted without being looked for first.
  std::vector<bool> fresh;
  bool fresh_valid = false;
};

namespace {

using RowKey = std::pair<int, std::string>;  // (table code, row id)

struct PendingRow {
  uint64_t mask = 0;
  std::vector<Hlc> hlc;  // per column, the newest pending write
};

// The outbox folded per row: which columns have unpushed writes, and their newest Hlc.
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

}  // namespace

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

Result<std::optional<ChangeSet>> Replica::PreparePush() {
  Db& db = *db_;
  FB_ASSIGN_OR_RETURN(Statement * pending,
                      db.Prepare("SELECT body FROM fb_pending_push ORDER BY created_ms LIMIT 1"));
  FB_ASSIGN_OR_RETURN(bool has_pending, pending->Step());
  if (has_pending) {
    std::string body = pending->Blob(0);
    pending->Reset();
    FB_ASSIGN_OR_RETURN(ChangeSet set, DecodeChangeSet(body));
    set.cursor = cursor_;
    return std::optional<ChangeSet>(std::move(set));
  }

  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  CaptureSuspension quiet(in_->capture);
  FB_ASSIGN_OR_RETURN(auto rows, LoadPending(db, catalog_, /*unassigned_only=*/true));
  if (rows.empty()) return std::optional<ChangeSet>();

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
    return PreparePush();  // the next rows of the outbox, if any
  }
  FB_ASSIGN_OR_RETURN(Statement * save,
                      db.Prepare("INSERT INTO fb_pending_push (set_id, body, created_ms) "
                                 "VALUES (?, ?, ?)"));
  save->Bind(1, set.set_id)
      .BindBlob(2, EncodeChangeSet(set))
      .Bind(3, static_cast<int64_t>(clock_->WallNowMs()));
  FB_RETURN_IF_ERROR(save->Run());
  FB_RETURN_IF_ERROR(PersistClock());
  FB_RETURN_IF_ERROR(FlushDigestDeltas(db, in_->digests));
  FB_RETURN_IF_ERROR(txn->Commit());
  return std::optional<ChangeSet>(std::move(set));
}

Status Replica::AcknowledgePush(const PushResult& result) {
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

namespace {

// The search documents of replica migration 0006: its AFTER INSERT trigger on each of these tables
// queues the new row's document, rowid * 4 + kind.
struct SearchedTable {
  const char* table;
  int kind;
};
constexpr SearchedTable kSearchedTables[] = {{"customers", 1}, {"contacts", 2}, {"visits", 3}};

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
  std::vector<std::pair<std::string, std::string>> triggers;  // (name, sql)
  for (const TableInfo& t : catalog_.tables()) {
    FB_ASSIGN_OR_RETURN(Statement * find,
                        db.Prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' "
                                   "AND tbl_name = ?1 AND name IN ('fb_' || ?1 || "
                                   "'_capture_insert', 'fb_search_queue_' || ?1 || '_insert')"));
    find->Bind(1, t.name);
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, find->Step());
      if (!row) break;
      triggers.emplace_back(find->Text(0), find->Text(1));
    }
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
  for (const auto& [name, sql] : triggers) {
    const bool search = name.rfind("fb_search_queue_", 0) == 0;
    if (search) {
      const SearchedTable* searched = nullptr;
      for (const SearchedTable& st : kSearchedTables) {
        if (name == std::string("fb_search_queue_") + st.table + "_insert") searched = &st;
      }
      if (searched == nullptr) continue;  // a trigger this code does not know: it stays
      FB_ASSIGN_OR_RETURN(Statement * top, db.Prepare(std::string("SELECT coalesce(max(rowid), 0) "
                                                                  "FROM \"") +
                                                      searched->table + "\""));
      FB_ASSIGN_OR_RETURN(bool row, top->Step());
      const int64_t floor = row ? top->Int(0) : 0;
      top->Reset();
      in_->search_floor.emplace_back(searched->table, floor);
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
    int kind = 0;
    for (const SearchedTable& st : kSearchedTables) {
      if (std::string_view(st.table) == table) kind = st.kind;
    }
    FB_ASSIGN_OR_RETURN(
        Statement * queue,
        db.Prepare(std::string("INSERT INTO fb_search_queue (doc) SELECT rowid * 4 + ") +
                   std::to_string(kind) + " FROM \"" + table +
                   "\" WHERE rowid > ? ON CONFLICT DO NOTHING"));
    queue->Bind(1, floor);
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
  std::vector<std::string> out;
  while (true) {
    FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    out.push_back(stmt->Text(0));
  }
  return out;
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

// ---- Verification (docs/sync.md, "Verification and repair") ----

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

// ---- end of verification ----

}  // namespace fieldbook

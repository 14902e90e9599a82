#include "fieldbook/hub.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "column_versions.h"
#include "digest_tracker.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/duplicate_detector.h"
#include "fieldbook/migrations.h"
#include "fieldbook/sqlite_sql_db.h"
#include "hub_internals.h"
#include "merge_engine.h"

namespace fieldbook {

bool TouchesDuplicateKeys(const TableInfo& t, const MergeOutcome& outcome) {
  if (t.name != "customers") return false;
  if (outcome.created) return true;
  for (int idx : outcome.changed_columns) {
    const std::string& c = t.columns[idx];
    if (c == "name" || c == "city" || c == "phone" || c == "deleted") return true;
  }
  return false;
}

std::optional<std::string> WrittenCustomer(const TableInfo& t, const RowChange& change,
                                           const MergeOutcome& outcome) {
  const int idx = t.customer_column_index;
  if (idx < 0 || std::find(outcome.changed_columns.begin(), outcome.changed_columns.end(), idx) ==
                     outcome.changed_columns.end()) {
    return std::nullopt;
  }
  for (const ColumnChange& c : change.columns) {
    if (c.column != t.customer_column) continue;
    const auto* text = std::get_if<std::string>(&c.value);
    return text != nullptr ? *text : std::string();
  }
  return std::nullopt;
}

bool NamesAColumnTwice(const RowChange& row) {
  for (size_t i = 1; i < row.columns.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (row.columns[i].column == row.columns[j].column) return true;
    }
  }
  return false;
}

void AddRejection(PushResult& result, const RowChange& row, size_t row_index, std::string code,
                  std::string reason) {
  RowRejection r;
  r.table = row.table;
  r.row_id = row.row_id;
  r.code = std::move(code);
  r.reason = std::move(reason);
  r.row_index = static_cast<uint32_t>(row_index + 1);
  result.rejections.push_back(std::move(r));
}

const TableInfo* AdmitRow(const Catalog& catalog, const RowChange& row, size_t row_index,
                          const ChangeSet* from_replica, PushResult& result) {
  const TableInfo* t = catalog.Find(row.table);
  if (t == nullptr) {
    AddRejection(result, row, row_index, "unknown_table", "the hub has no table " + row.table);
    return nullptr;
  }
  if (row.row_id.empty()) {
    AddRejection(result, row, row_index, "invalid", "row without an id");
    return nullptr;
  }
  if (from_replica != nullptr) {
    const ChangeSet& set = *from_replica;
    for (const ColumnChange& c : row.columns) {
      if (c.origin >= set.origins.size() || set.origins[c.origin] != set.replica_id) {
        AddRejection(result, row, row_index, "foreign_origin",
                     "a replica may only push its own writes");
        return nullptr;
      }
    }
  }
  if (NamesAColumnTwice(row)) {
    // The codec refuses such sets; a set built in process must not reach the gate either, which
    // would judge one copy while the merge applied another.
    AddRejection(result, row, row_index, "invalid", "a row may name each column once");
    return nullptr;
  }
  return t;
}

std::string RefusalCode(const Status& refused) {
  if (refused.code() != StatusCode::kRejected) return "invalid";
  const bool fact = refused.message().find("insert-only") != std::string::npos;
  return fact ? "immutable_fact" : "constraint";
}

Status NoteChangedRow(const TableInfo& t, const std::string& row_id, const RowChange& change,
                      const MergeOutcome& outcome, uint64_t seq, const ApplyObserver* observer,
                      std::vector<std::string>& duplicate_candidates) {
  if (TouchesDuplicateKeys(t, outcome)) duplicate_candidates.push_back(row_id);
  if (observer == nullptr || !*observer) return Status::Ok();
  AppliedRow applied{&t, row_id, outcome.created, {}, seq, WrittenCustomer(t, change, outcome)};
  applied.changed_columns.reserve(outcome.changed_columns.size());
  for (int idx : outcome.changed_columns) applied.changed_columns.push_back(t.columns[idx]);
  return (*observer)(applied);
}

Hub::~Hub() {
  // The digest functions point at in_->digests: the connection closes first.
  db_.reset();
}

Result<std::unique_ptr<Hub>> Hub::Open(const std::string& path, WallClock& wall,
                                       const HubOptions& options) {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path));
  FB_ASSIGN_OR_RETURN(int version, ApplyMigrations(*db, HubMigrations()));
  (void)version;
  FB_ASSIGN_OR_RETURN(Catalog catalog, Catalog::Load(*db));
  auto sql = std::make_unique<SqliteSqlDb>(*db);
  auto backend = std::make_unique<SqliteHubBackend>(*sql);
  auto digests = std::make_unique<DigestContext>();
  digests->role = DigestRole::kHub;
  FB_RETURN_IF_ERROR(RegisterDigestFunctions(*db, digests.get()));
  FB_ASSIGN_OR_RETURN(DigestInstall installed, InstallDigestTriggers(*db, catalog, *digests));
  (void)installed;
  FB_ASSIGN_OR_RETURN(std::unique_ptr<Hub> h,
                      Open(*sql, *backend, catalog, wall, options, std::move(digests)));
  h->db_ = std::move(db);
  h->own_sql_ = std::move(sql);
  h->own_backend_ = std::move(backend);
  return h;
}

Result<std::unique_ptr<Hub>> Hub::Open(SqlDb& db, HubBackend& backend, const Catalog& catalog,
                                       WallClock& wall, const HubOptions& options) {
  auto digests = std::make_unique<DigestContext>();
  digests->role = DigestRole::kHub;
  return Open(db, backend, catalog, wall, options, std::move(digests));
}

Result<std::unique_ptr<Hub>> Hub::Open(SqlDb& db, HubBackend& backend, const Catalog& catalog,
                                       WallClock& wall, const HubOptions& options,
                                       std::unique_ptr<DigestContext> digests) {
  std::unique_ptr<Hub> h(new Hub());
  h->options_ = options;
  h->wall_ = &wall;
  h->sql_ = &db;
  h->backend_ = &backend;
  h->catalog_ = catalog;
  h->in_ = std::make_unique<Internals>(db);
  h->in_->digests = std::move(digests);
  FB_RETURN_IF_ERROR(h->in_->origins.Load());
  FB_ASSIGN_OR_RETURN(HubCounters stored, backend.Counters());
  h->in_->seq = stored.seq;
  h->clock_ = std::make_unique<HybridClock>(wall, Hlc(stored.hlc), options.max_drift_ms);
  h->in_->digest_listener = std::make_unique<HubDigestListener>(*h->in_->digests);
  h->in_->digest_listener->set_record_keys(backend.logs_rows());
  h->in_->merge = std::make_unique<MergeEngine>(
      db, h->in_->origins,
      MergeOptions{.enforce_fact_immutability = true, .update_changed_columns = true},
      h->in_->digest_listener.get());
  return h;
}

Result<uint64_t> Hub::LatestSeq() {
  FB_ASSIGN_OR_RETURN(HubCounters stored, backend_->Counters());
  return stored.seq;
}

void Hub::ForgetUncommitted() {
  in_->digest_listener->Clear();
  // Origins registered by the rolled-back transaction are gone from disk: read them again.
  (void)in_->origins.Load();
}

// Another process (a `fieldbook-server` command beside a running server, another instance on
// PostgreSQL) may have written since this Hub last looked: resume from the stored sequence and
// clock, taken for this transaction. On SQLite the in-memory counter only moves forward (a
// rolled-back transaction leaves a gap, never a reused number); on PostgreSQL the stored number
// is the truth (a rolled-back writer's numbers are handed out again: nothing committed them).
Status Hub::TakeCounters() {
  if (in_->counters) return Status::Ok();
  FB_ASSIGN_OR_RETURN(HubCounters stored, backend_->LockCounters());
  in_->seq = dialect() == SqlDialect::kSqlite ? std::max(in_->seq, stored.seq) : stored.seq;
  clock_->ObserveTrusted(Hlc(stored.hlc));
  in_->counters = in_->writing;
  return Status::Ok();
}

Status Hub::LockCounters() {
  if (!sql_->InTransaction()) return Status::Internal("LockCounters outside a transaction");
  return backend_->LockCounters().status();
}

Result<uint64_t> Hub::AllocateSeq() {
  if (!sql_->InTransaction()) return Status::Internal("AllocateSeq outside a transaction");
  // Inside one of this Hub's writes (an observer's scope event): the write holds the counters and
  // stores the sequence number before it commits (FinishWrite).
  if (in_->writing) {
    FB_RETURN_IF_ERROR(TakeCounters());
    return ++in_->seq;
  }
  FB_RETURN_IF_ERROR(TakeCounters());
  const uint64_t seq = ++in_->seq;
  FB_RETURN_IF_ERROR(backend_->StoreCounters(seq, std::nullopt));
  return seq;
}

Result<std::optional<std::vector<Value>>> Hub::ReadValues(const TableInfo& table,
                                                          const std::string& row_id) {
  const Internals::GatedRow& gated = in_->gated;
  if (gated.table == &table && gated.row_id == row_id) {
    if (!gated.row.exists) return std::optional<std::vector<Value>>();
    return std::optional<std::vector<Value>>(gated.row.values);
  }
  FB_ASSIGN_OR_RETURN(StoredRow row, in_->merge->ReadRow(table, row_id));
  if (!row.exists) return std::optional<std::vector<Value>>();
  return std::optional<std::vector<Value>>(std::move(row.values));
}

Result<PushResult> Hub::ApplyPush(const ChangeSet& set, const PushOptions& options) {
  if (set.set_id.empty()) return Status::InvalidArgument("change set has no set id");
  if (set.replica_id.empty()) return Status::InvalidArgument("change set has no replica id");
  if (set.replica_id == options_.hub_id) {
    return Status::InvalidArgument("a replica may not push as the hub");
  }
  return ApplyRows(set, options, /*from_replica=*/true);
}

Result<PushResult> Hub::Write(const std::string& table, const std::string& row_id,
                              const std::vector<std::pair<std::string, Value>>& columns,
                              const ApplyObserver* observer) {
  return Write(std::vector<RowWrite>{RowWrite{table, row_id, columns}}, observer);
}

Result<PushResult> Hub::Write(const std::vector<RowWrite>& rows, const ApplyObserver* observer) {
  PushOptions options;
  options.observer = observer;
  return Write(rows, options);
}

ChangeSet Hub::HubChangeSet(const std::vector<RowWrite>& rows) {
  ChangeSet set;
  set.replica_id = options_.hub_id;
  const uint32_t self = set.OriginIndex(options_.hub_id);
  set.rows.reserve(rows.size());
  for (const RowWrite& w : rows) {
    RowChange rc{w.table, w.row_id, {}};
    const Hlc now = clock_->Now();
    rc.columns.reserve(w.columns.size());
    for (const auto& [name, value] : w.columns) rc.columns.push_back({name, value, now, self});
    set.rows.push_back(std::move(rc));
  }
  return set;
}

Result<PushResult> Hub::Write(const std::vector<RowWrite>& rows, const PushOptions& given) {
  const ChangeSet set = HubChangeSet(rows);
  PushOptions options;
  options.observer = given.observer;
  options.move_fact_customers = given.move_fact_customers;
  in_->merge->set_fact_customer_moves(options.move_fact_customers);
  auto result = ApplyRows(set, options, /*from_replica=*/false);
  in_->merge->set_fact_customer_moves(false);
  return result;
}

Result<PushResult> Hub::ApplyRows(const ChangeSet& set, const PushOptions& options,
                                  bool from_replica) {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> txn, sql_->Begin());
  WritingScope writing(*in_);
  // SQLite's write transaction is the lock already: take the counters now, as the clock's floor
  // matters for the re-stamping below. PostgreSQL takes them after the claim (a gated push) or
  // with the first number (the merge).
  if (dialect() == SqlDialect::kSqlite) FB_RETURN_IF_ERROR(TakeCounters());

  if (from_replica) {
    FB_ASSIGN_OR_RETURN(std::optional<std::string> body,
                        backend_->ClaimSet(set.set_id, set.replica_id));
    if (body) {
      FB_ASSIGN_OR_RETURN(SyncResponse stored, DecodeSyncResponse(*body));
      return stored.push_result;  // a retry: same answer, nothing applied again
    }
  }
  const bool gated = options.gate != nullptr && *options.gate;
  // A gated push reads each row once, before its gate, for the gate (ReadValues of that row
  // answers from it: the gate must not write the row it judges) and the merge both: under the
  // counters, so that no other instance's write lands between the two (taken after the claim:
  // a claim waits for another instance applying the same set, which may wait for the counters).
  if (gated) FB_RETURN_IF_ERROR(TakeCounters());

  PushResult result;
  result.set_id = set.set_id;
  std::vector<std::string> duplicate_candidates;
  in_->digest_listener->Clear();
  auto fail = [&](Status s) { return RollBack(txn, *this, std::move(s)); };

  for (size_t row_index = 0; row_index < set.rows.size(); ++row_index) {
    const RowChange& original = set.rows[row_index];
    // Each rejection names the row it answers: a set may carry one row more than once.
    const TableInfo* t =
        AdmitRow(catalog_, original, row_index, from_replica ? &set : nullptr, result);
    if (t == nullptr) continue;

    RowChange change = original;
    std::optional<StoredRow> stored;
    if (gated) {
      auto read = in_->merge->ReadRow(*t, original.row_id);
      if (!read.ok()) return fail(read.status());
      in_->gated = Internals::GatedRow{t, original.row_id, std::move(*read)};
      GateDecision decision = (*options.gate)(*t, change);
      if (change.row_id == original.row_id) stored = std::move(in_->gated.row);
      in_->gated.table = nullptr;
      if (!decision.error.ok()) return fail(decision.error);
      if (decision.report) {
        decision.report->row_index = static_cast<uint32_t>(row_index + 1);
        result.rejections.push_back(std::move(*decision.report));
      }
      if (!decision.apply || change.columns.empty()) continue;
    }

    // Re-stamp far-future writes with the hub's clock; fold sane ones into it.
    bool too_far = false;
    for (const ColumnChange& c : change.columns) {
      if (clock_->IsTooFarAhead(c.hlc)) too_far = true;
    }
    if (too_far) {
      const Hlc now = clock_->Now();
      for (ColumnChange& c : change.columns) c.hlc = now;
      result.restamps.push_back(RowRestamp{original.table, original.row_id, now});
    } else {
      for (const ColumnChange& c : change.columns) clock_->Observe(c.hlc);
    }

    if (Status taken = TakeCounters(); !taken.ok()) return fail(taken);
    const uint64_t seq = in_->seq + 1;
    auto outcome = in_->merge->Apply(*t, change, set.origins, seq, nullptr, options_.hub_id,
                                     stored ? &*stored : nullptr);
    if (!outcome.ok()) {
      const StatusCode code = outcome.status().code();
      if (code == StatusCode::kRejected || code == StatusCode::kInvalidArgument) {
        if (too_far) result.restamps.pop_back();
        AddRejection(result, original, row_index, RefusalCode(outcome.status()),
                     outcome.status().message());
        continue;
      }
      return fail(outcome.status());
    }
    ++result.rows_accepted;
    if (!outcome->changed) continue;
    in_->seq = seq;
    if (backend_->logs_rows()) LogRow(*t, original.row_id, seq);
    Status noted = NoteChangedRow(*t, original.row_id, change, *outcome, seq, options.observer,
                                  duplicate_candidates);
    if (!noted.ok()) return fail(noted);
  }

  Status s = FinishWrite(duplicate_candidates);
  if (s.ok() && from_replica) {
    SyncResponse envelope;
    envelope.has_push_result = true;
    envelope.push_result = result;
    s = backend_->RecordSet(set.set_id, set.replica_id, EncodeSyncResponse(envelope),
                            wall_->NowMs());
  }
  // Durable before acknowledged: COMMIT with synchronous=FULL returns after the WAL is synced.
  if (s.ok()) s = txn->Commit();
  if (!s.ok()) return fail(s);
  return result;
}

void Hub::LogRow(const TableInfo& t, const std::string& row_id, uint64_t seq) {
  std::string customer = in_->digest_listener->TakeKey(t, row_id);
  if (t.customer_column.empty()) customer.clear();
  in_->logged.push_back(HubLoggedRow{seq, t.code, row_id, std::move(customer)});
}

Status Hub::FinishWrite(const std::vector<std::string>& duplicate_candidates) {
  // A write that took no number (nothing changed) stores nothing new, but its clock.
  FB_RETURN_IF_ERROR(TakeCounters());
  for (const std::string& id : duplicate_candidates) {
    FB_ASSIGN_OR_RETURN(int flagged, FlagPossibleDuplicates(*sql_, id, wall_->NowMs()));
    (void)flagged;
  }
  FB_RETURN_IF_ERROR(in_->digest_listener->Flush(*sql_));
  if (!in_->logged.empty()) FB_RETURN_IF_ERROR(backend_->LogRows(in_->logged));
  return backend_->StoreCounters(in_->seq, clock_->Last().packed());
}

// ---- Compaction (issue #8: the nightly job) ----

Result<TombstonePurge> Hub::PurgeTombstones(uint64_t before_seq, size_t limit) {
  SqlDb& db = *sql_;
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> txn, db.Begin());
  TombstonePurge out;
  for (const TableInfo& t : catalog_.tables()) {
    if (t.is_fact() || t.deleted_column < 0) continue;
    const size_t room = limit - out.rows;
    if (room == 0) {
      out.more = true;
      break;
    }
    // Identifiers come from the catalog, never from input.
    FB_ASSIGN_OR_RETURN(SqlStatement * pick,
                        db.Prepare("SELECT id FROM \"" + t.name +
                                   "\" WHERE _seq < ? AND deleted = 1 ORDER BY _seq LIMIT ?"));
    pick->Bind(1, static_cast<int64_t>(before_seq)).Bind(2, static_cast<int64_t>(room + 1));
    std::vector<std::string> ids;
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, pick->Step());
      if (!row) break;
      ids.push_back(pick->Text(0));
    }
    if (ids.size() > room) {
      ids.resize(room);
      out.more = true;
    }
    if (ids.empty()) continue;
    FB_ASSIGN_OR_RETURN(SqlStatement * drop,
                        db.Prepare("DELETE FROM \"" + t.name + "\" WHERE id = ? AND deleted = 1"));
    for (const std::string& id : ids) {
      drop->Reset();
      drop->Bind(1, id);
      FB_RETURN_IF_ERROR(drop->Run());
      if (t.name == "customers") {
        FB_ASSIGN_OR_RETURN(SqlStatement * keys,
                            db.Prepare("DELETE FROM fb_customer_keys WHERE customer_id = ?"));
        keys->Bind(1, id);
        FB_RETURN_IF_ERROR(keys->Run());
      }
    }
    out.rows += ids.size();
    out.by_table.emplace_back(t.name, ids.size());
  }
  if (backend_->logs_rows() && before_seq > 0 && limit > 0) {
    FB_ASSIGN_OR_RETURN(out.log_entries, backend_->ForgetLogged(before_seq - 1, limit));
    if (out.log_entries == limit) out.more = true;
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return out;
}

Status Hub::AdvanceSeq(uint64_t at_least) {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> txn, sql_->Begin());
  FB_RETURN_IF_ERROR(TakeCounters());
  if (in_->seq < at_least) {
    in_->seq = at_least;
    FB_RETURN_IF_ERROR(backend_->StoreCounters(in_->seq, std::nullopt));
  }
  return txn->Commit();
}

// ---- end of compaction ----

// ---- Verification (docs/sync.md, "Verification and repair") ----

Status Hub::RecomputeDigests() {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<SqlTransaction> txn, sql_->Begin());
  FB_RETURN_IF_ERROR(RecomputeHubDigests(*sql_, catalog_, *in_->digests));
  return txn->Commit();
}

// ---- end of verification ----

}  // namespace fieldbook

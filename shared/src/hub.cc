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
#include "hub_internals.h"
#include "merge_engine.h"
#include "meta_store.h"

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

Hub::~Hub() {
  // The digest functions point at in_->digests: the connection closes first.
  db_.reset();
}

Result<std::unique_ptr<Hub>> Hub::Open(const std::string& path, WallClock& wall,
                                       const HubOptions& options) {
  std::unique_ptr<Hub> h(new Hub());
  h->options_ = options;
  h->wall_ = &wall;
  FB_ASSIGN_OR_RETURN(h->db_, Db::Open(path));
  Db& db = *h->db_;
  FB_ASSIGN_OR_RETURN(int version, ApplyMigrations(db, HubMigrations()));
  (void)version;
  FB_ASSIGN_OR_RETURN(h->catalog_, Catalog::Load(db));
  h->in_ = std::make_unique<Internals>(db);
  h->in_->digests.role = DigestRole::kHub;
  FB_RETURN_IF_ERROR(RegisterDigestFunctions(db, &h->in_->digests));
  FB_ASSIGN_OR_RETURN(DigestInstall digests,
                      InstallDigestTriggers(db, h->catalog_, h->in_->digests));
  (void)digests;
  FB_RETURN_IF_ERROR(h->in_->origins.Load());
  FB_ASSIGN_OR_RETURN(h->in_->seq, ReadMetaInt(db, "seq", 0));
  FB_ASSIGN_OR_RETURN(uint64_t floor, ReadMetaInt(db, "hlc", 0));
  h->clock_ = std::make_unique<HybridClock>(wall, Hlc(floor), options.max_drift_ms);
  h->in_->digest_listener = std::make_unique<HubDigestListener>(h->in_->digests);
  h->in_->merge = std::make_unique<MergeEngine>(
      db, h->in_->origins,
      MergeOptions{.enforce_fact_immutability = true, .update_changed_columns = true},
      h->in_->digest_listener.get());
  return h;
}

Result<uint64_t> Hub::LatestSeq() { return ReadMetaInt(*db_, "seq", 0); }

void Hub::ForgetUncommitted() {
  in_->digest_listener->Clear();
  // Origins registered by the rolled-back transaction are gone from disk: read them again.
  (void)in_->origins.Load();
}

// Another process (a `fieldbook-server` command beside a running server) may have written since
// this Hub last looked: resume from the stored sequence and clock inside the write transaction.
Status Hub::CatchUpWithDisk() {
  FB_ASSIGN_OR_RETURN(uint64_t seq, ReadMetaInt(*db_, "seq", 0));
  in_->seq = std::max(in_->seq, seq);
  FB_ASSIGN_OR_RETURN(uint64_t hlc, ReadMetaInt(*db_, "hlc", 0));
  clock_->ObserveTrusted(Hlc(hlc));
  return Status::Ok();
}

Result<uint64_t> Hub::AllocateSeq() {
  if (!db_->InTransaction()) return Status::Internal("AllocateSeq outside a transaction");
  // Inside one of this Hub's writes (an observer's scope event): the write caught up with the
  // disk when it began and stores the sequence number before it commits (FinishWrite).
  if (in_->writing) return ++in_->seq;
  FB_RETURN_IF_ERROR(CatchUpWithDisk());
  // The in-memory counter only moves forward: a rolled-back transaction leaves a gap, never a
  // reused number.
  const uint64_t seq = ++in_->seq;
  FB_RETURN_IF_ERROR(WriteMetaInt(*db_, "seq", seq));
  return seq;
}

Result<std::optional<std::vector<Value>>> Hub::ReadValues(const TableInfo& table,
                                                          const std::string& row_id) {
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
  Db& db = *db_;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  FB_RETURN_IF_ERROR(CatchUpWithDisk());
  WritingScope writing(in_->writing);

  if (from_replica) {
    FB_ASSIGN_OR_RETURN(
        Statement * seen,
        db.Prepare("SELECT replica_id, result FROM fb_applied_sets WHERE set_id = ?"));
    seen->Bind(1, set.set_id);
    FB_ASSIGN_OR_RETURN(bool found, seen->Step());
    if (found) {
      std::string replica = seen->Text(0);
      std::string body = seen->Blob(1);
      seen->Reset();
      if (replica != set.replica_id) {
        return Status::Conflict("set id " + set.set_id + " was already used by another replica");
      }
      FB_ASSIGN_OR_RETURN(SyncResponse stored, DecodeSyncResponse(body));
      return stored.push_result;  // a retry: same answer, nothing applied again
    }
  }

  PushResult result;
  result.set_id = set.set_id;
  std::vector<std::string> duplicate_candidates;
  in_->digest_listener->Clear();
  auto fail = [&](Status s) { return RollBack(txn, *this, std::move(s)); };

  for (size_t row_index = 0; row_index < set.rows.size(); ++row_index) {
    const RowChange& original = set.rows[row_index];
    // Each rejection names the row it answers: a set may carry one row more than once.
    auto reject = [&](std::string code, std::string reason) {
      RowRejection r;
      r.table = original.table;
      r.row_id = original.row_id;
      r.code = std::move(code);
      r.reason = std::move(reason);
      r.row_index = static_cast<uint32_t>(row_index + 1);
      result.rejections.push_back(std::move(r));
    };
    const TableInfo* t = catalog_.Find(original.table);
    if (t == nullptr) {
      reject("unknown_table", "the hub has no table " + original.table);
      continue;
    }
    if (original.row_id.empty()) {
      reject("invalid", "row without an id");
      continue;
    }
    if (from_replica) {
      bool foreign = false;
      for (const ColumnChange& c : original.columns) {
        if (c.origin >= set.origins.size() || set.origins[c.origin] != set.replica_id)
          foreign = true;
      }
      if (foreign) {
        reject("foreign_origin", "a replica may only push its own writes");
        continue;
      }
    }

    if (NamesAColumnTwice(original)) {
      // The codec refuses such sets; a set built in process must not reach the gate either, which
      // would judge one copy while the merge applied another.
      reject("invalid", "a row may name each column once");
      continue;
    }

    RowChange change = original;
    if (options.gate != nullptr && *options.gate) {
      GateDecision decision = (*options.gate)(*t, change);
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

    const uint64_t seq = in_->seq + 1;
    auto outcome = in_->merge->Apply(*t, change, set.origins, seq, nullptr, options_.hub_id);
    if (!outcome.ok()) {
      const StatusCode code = outcome.status().code();
      if (code == StatusCode::kRejected || code == StatusCode::kInvalidArgument) {
        if (too_far) result.restamps.pop_back();
        const bool fact = outcome.status().message().find("insert-only") != std::string::npos;
        reject(code == StatusCode::kRejected ? (fact ? "immutable_fact" : "constraint") : "invalid",
               outcome.status().message());
        continue;
      }
      return fail(outcome.status());
    }
    ++result.rows_accepted;
    if (!outcome->changed) continue;
    in_->seq = seq;
    if (TouchesDuplicateKeys(*t, *outcome)) duplicate_candidates.push_back(original.row_id);
    if (options.observer != nullptr && *options.observer) {
      AppliedRow applied{
          t, original.row_id, outcome->created, {}, seq, WrittenCustomer(*t, change, *outcome)};
      for (int idx : outcome->changed_columns) applied.changed_columns.push_back(t->columns[idx]);
      Status s = (*options.observer)(applied);
      if (!s.ok()) return fail(s);
    }
  }

  Status s = FinishWrite(duplicate_candidates);
  if (s.ok() && from_replica) {
    SyncResponse envelope;
    envelope.has_push_result = true;
    envelope.push_result = result;
    FB_ASSIGN_OR_RETURN(Statement * save,
                        db.Prepare("INSERT INTO fb_applied_sets (set_id, replica_id, result, "
                                   "applied_ms) VALUES (?, ?, ?, ?)"));
    save->Bind(1, set.set_id)
        .Bind(2, set.replica_id)
        .BindBlob(3, EncodeSyncResponse(envelope))
        .Bind(4, static_cast<int64_t>(wall_->NowMs()));
    s = save->Run();
  }
  // Durable before acknowledged: COMMIT with synchronous=FULL returns after the WAL is synced.
  if (s.ok()) s = txn->Commit();
  if (!s.ok()) return fail(s);
  return result;
}

Status Hub::FinishWrite(const std::vector<std::string>& duplicate_candidates) {
  Db& db = *db_;
  for (const std::string& id : duplicate_candidates) {
    FB_ASSIGN_OR_RETURN(int flagged, FlagPossibleDuplicates(db, id, wall_->NowMs()));
    (void)flagged;
  }
  FB_RETURN_IF_ERROR(in_->digest_listener->Flush(db));
  FB_RETURN_IF_ERROR(WriteMetaInt(db, "seq", in_->seq));
  return WriteMetaInt(db, "hlc", clock_->Last().packed());
}

Status Hub::AppendRow(const TableInfo& t, const std::string& row_id, ChangeSet& out,
                      std::vector<int64_t>& origin_map) {
  FB_ASSIGN_OR_RETURN(StoredRow row, in_->merge->ReadRow(t, row_id));
  if (!row.exists) return Status::Ok();
  AppendStoredRow(t, row_id, row, out, origin_map);
  return Status::Ok();
}

void Hub::AppendStoredRow(const TableInfo& t, const std::string& row_id, const StoredRow& row,
                          ChangeSet& out, std::vector<int64_t>& origin_map) {
  RowChange rc{t.name, row_id, {}};
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const ColumnVersion& v = row.versions[i];
    // The whole written row, not just the columns changed after the cursor: a column changed
    // within an earlier page's range may have been cut from it because its row changed again
    // later; resending known columns is harmless, the merge ignores them.
    if (v.empty()) continue;
    if (origin_map.size() <= v.origin) origin_map.resize(v.origin + 1, 0);
    if (origin_map[v.origin] == 0) {
      out.origins.push_back(in_->origins.IdOf(v.origin));
      origin_map[v.origin] = static_cast<int64_t>(out.origins.size());
    }
    rc.columns.push_back(ColumnChange{t.columns[i], row.values[i], v.hlc,
                                      static_cast<uint32_t>(origin_map[v.origin] - 1)});
  }
  if (!rc.columns.empty()) out.rows.push_back(std::move(rc));
}

Result<PullPage> Hub::Pull(uint64_t cursor, size_t limit, PullScope* scope) {
  Db& db = *db_;
  if (limit == 0) limit = options_.default_page_rows;
  limit = std::min(limit, options_.max_page_rows);

  // A read transaction gives one consistent snapshot across the tables.
  ReadSnapshot snapshot(db);
  FB_RETURN_IF_ERROR(snapshot.Begin());

  if (scope != nullptr) {
    // One past the page, so the page knows whether there is more.
    FB_ASSIGN_OR_RETURN(auto feed, scope->FeedAfter(cursor, limit + 1));
    if (feed) return PullFeed(cursor, limit, *scope, *feed);
  }

  // Items after the cursor from every source, merged in sequence order: each table's rows, read
  // whole in _seq order one at a time (one statement per table and page, rather than one per
  // row), and the scope's events. A source is read one item past what the page takes, which is
  // how the page knows there is more.
  struct Source {
    const TableInfo* table;
    Statement* rows;
    bool has_row = false;
    uint64_t seq = 0;
  };
  std::vector<Source> sources;
  sources.reserve(catalog_.tables().size());
  for (const TableInfo& t : catalog_.tables()) {
    // Catalog identifiers only; values are bound.
    FB_ASSIGN_OR_RETURN(Statement * rows, db.Prepare("SELECT " + StoredRowColumns(t) + " FROM \"" +
                                                     t.name + "\" WHERE _seq > ? ORDER BY _seq"));
    rows->Bind(1, static_cast<int64_t>(cursor));
    sources.push_back(Source{&t, rows});
  }
  // Leaves no statement mid-scan, whichever way Pull returns.
  struct ResetSources {
    std::vector<Source>& sources;
    ~ResetSources() {
      for (Source& s : sources) s.rows->Reset();
    }
  } reset_sources{sources};
  auto advance = [](Source& s) -> Status {
    FB_ASSIGN_OR_RETURN(s.has_row, s.rows->Step());
    const int seq_column = static_cast<int>(s.table->columns.size() + 1);
    if (s.has_row) s.seq = static_cast<uint64_t>(s.rows->Int(seq_column));
    return Status::Ok();
  };
  for (Source& s : sources) FB_RETURN_IF_ERROR(advance(s));
  std::vector<ScopeEvent> events;
  if (scope != nullptr) {
    FB_ASSIGN_OR_RETURN(events, scope->EventsAfter(cursor, limit + 1));
  }
  size_t next_event = 0;

  PullPage page;
  ChangeSet& out = page.changes;
  out.replica_id = options_.hub_id;
  std::vector<int64_t> origin_map;  // registry index -> index in out.origins (+1), 0 = unmapped
  uint64_t last = cursor;
  size_t taken = 0;
  StoredRow row;
  while (taken < limit && out.rows.size() < limit) {
    Source* next = nullptr;
    for (Source& s : sources) {
      if (s.has_row && (next == nullptr || s.seq < next->seq)) next = &s;
    }
    const bool event_next =
        next_event < events.size() && (next == nullptr || events[next_event].seq < next->seq);
    if (next == nullptr && !event_next) break;  // nothing more after the cursor
    ++taken;
    if (event_next) {
      const ScopeEvent& event = events[next_event++];
      last = event.seq;
      if (event.added && scope->IncludesCustomer(event.customer_id)) {
        // What the customer had before the puller's cursor never reached it: send it now. Its
        // rows changed after the cursor come in sequence order anyway.
        for (const TableInfo& t : catalog_.tables()) {
          if (t.customer_column.empty()) continue;
          FB_ASSIGN_OR_RETURN(Statement * ids,
                              db.Prepare("SELECT id FROM \"" + t.name + "\" WHERE \"" +
                                         t.customer_column + "\" = ? AND _seq <= ? ORDER BY id"));
          ids->Bind(1, event.customer_id).Bind(2, static_cast<int64_t>(cursor));
          std::vector<std::string> row_ids;
          while (true) {
            FB_ASSIGN_OR_RETURN(bool found, ids->Step());
            if (!found) break;
            row_ids.push_back(ids->Text(0));
          }
          for (const std::string& id : row_ids)
            FB_RETURN_IF_ERROR(AppendRow(t, id, out, origin_map));
        }
      } else if (!event.added && !scope->IncludesCustomer(event.customer_id) &&
                 std::find(out.evicted_customers.begin(), out.evicted_customers.end(),
                           event.customer_id) == out.evicted_customers.end()) {
        out.evicted_customers.push_back(event.customer_id);
      }
      continue;
    }
    const TableInfo& t = *next->table;
    Statement& stmt = *next->rows;
    last = next->seq;
    const std::string id = stmt.Text(static_cast<int>(t.columns.size() + 2));
    // A customer row's scope is its id: skip other reps' customers without decoding them.
    bool include = scope == nullptr || t.customer_column != "id" || scope->IncludesCustomer(id);
    if (include) {
      FB_RETURN_IF_ERROR(DecodeStoredRow(t, stmt, row));
      if (scope != nullptr && t.customer_column_index >= 0) {
        const auto* cid = std::get_if<std::string>(&row.values[t.customer_column_index]);
        include = scope->IncludesCustomer(cid != nullptr ? *cid : std::string());
      }
    }
    if (include) AppendStoredRow(t, id, row, out, origin_map);
    FB_RETURN_IF_ERROR(advance(*next));
  }
  bool more = next_event < events.size();
  for (const Source& s : sources) more |= s.has_row;
  page.more = more;
  out.cursor = last;
  out.set_id = "pull-" + std::to_string(cursor) + "-" + std::to_string(out.cursor);
  return page;
}

Status Hub::AppendCustomerRows(const std::string& customer_id, uint64_t up_to, ChangeSet& out,
                               std::vector<int64_t>& origin_map) {
  StoredRow row;
  for (const TableInfo& t : catalog_.tables()) {
    if (t.customer_column.empty()) continue;
    // Catalog identifiers only; values are bound. The unary + keeps SQLite on the customer index.
    FB_ASSIGN_OR_RETURN(
        Statement * rows,
        db_->Prepare("SELECT " + StoredRowColumns(t) + " FROM \"" + t.name + "\" WHERE \"" +
                     t.customer_column + "\" = ?1 AND +_seq <= ?2 ORDER BY +id"));
    rows->Bind(1, customer_id).Bind(2, static_cast<int64_t>(up_to));
    const int id_column = static_cast<int>(t.columns.size() + 2);
    Status failed;
    while (failed.ok()) {
      auto found = rows->Step();
      if (!found.ok()) failed = found.status();
      if (!found.ok() || !*found) break;
      failed = DecodeStoredRow(t, *rows, row);
      if (failed.ok()) AppendStoredRow(t, rows->Text(id_column), row, out, origin_map);
    }
    rows->Reset();
    FB_RETURN_IF_ERROR(failed);
  }
  return Status::Ok();
}

// A pull from the puller's own feed (docs/sync.md, "Steady state: per-rep feeds"), merged in
// sequence order with its scope events. An entry's row is the one whose latest change is the
// entry's: a row that changed again has a later entry of its own (or, when it changed while
// someone else held its customer, the scope event that brought the customer back brings it), so
// an entry that finds no row is passed over.
Result<PullPage> Hub::PullFeed(uint64_t cursor, size_t limit, PullScope& scope,
                               const std::vector<FeedEntry>& feed) {
  FB_ASSIGN_OR_RETURN(std::vector<ScopeEvent> events, scope.EventsAfter(cursor, limit + 1));
  PullPage page;
  ChangeSet& out = page.changes;
  out.replica_id = options_.hub_id;
  std::vector<int64_t> origin_map;
  uint64_t last = cursor;
  size_t next_entry = 0, next_event = 0, taken = 0;
  StoredRow row;
  // Rows already in this page (a customer's rows as of its scope event may include rows an
  // earlier entry of the page sent): each row once.
  std::set<std::pair<int, std::string>> sent;
  auto note_sent = [&](size_t from) {
    for (size_t i = from; i < out.rows.size(); ++i) {
      const TableInfo* t = catalog_.Find(out.rows[i].table);
      if (t != nullptr) sent.emplace(t->code, out.rows[i].row_id);
    }
  };
  // Every source was read one item past the page (when it had one): the merge never passes an
  // item it has not seen.
  while (taken < limit && out.rows.size() < limit) {
    const bool has_entry = next_entry < feed.size();
    const bool has_event = next_event < events.size();
    if (!has_entry && !has_event) break;
    ++taken;
    if (has_event && (!has_entry || events[next_event].seq < feed[next_entry].seq)) {
      const ScopeEvent& event = events[next_event++];
      last = event.seq;
      if (event.added && scope.IncludesCustomer(event.customer_id)) {
        // The customer's changes before the event went to whoever held it then: its rows as of
        // the event. Its later changes are in this feed.
        const size_t first = out.rows.size();
        FB_RETURN_IF_ERROR(AppendCustomerRows(event.customer_id, event.seq, out, origin_map));
        out.rows.erase(
            std::remove_if(out.rows.begin() + static_cast<std::ptrdiff_t>(first), out.rows.end(),
                           [&](const RowChange& rc) {
                             const TableInfo* t = catalog_.Find(rc.table);
                             return t != nullptr && sent.count({t->code, rc.row_id}) != 0;
                           }),
            out.rows.end());
        note_sent(first);
      } else if (!event.added && !scope.IncludesCustomer(event.customer_id) &&
                 std::find(out.evicted_customers.begin(), out.evicted_customers.end(),
                           event.customer_id) == out.evicted_customers.end()) {
        out.evicted_customers.push_back(event.customer_id);
      }
      continue;
    }
    const FeedEntry& entry = feed[next_entry++];
    last = entry.seq;
    const TableInfo* t = catalog_.ByCode(entry.table);
    if (t == nullptr) continue;
    // Catalog identifiers only; values are bound. Found through the table's _seq index.
    FB_ASSIGN_OR_RETURN(Statement * read, db_->Prepare("SELECT " + StoredRowColumns(*t) +
                                                       " FROM \"" + t->name + "\" WHERE _seq = ?"));
    read->Bind(1, static_cast<int64_t>(entry.seq));
    auto found = read->Step();
    Status decoded = !found.ok() ? found.status()
                     : *found    ? DecodeStoredRow(*t, *read, row)
                                 : Status::Ok();
    const std::string id =
        found.ok() && *found ? read->Text(static_cast<int>(t->columns.size() + 2)) : std::string();
    read->Reset();
    FB_RETURN_IF_ERROR(decoded);
    if (id.empty() || sent.count({t->code, id}) != 0) continue;
    if (!t->customer_column.empty()) {
      const std::string* customer = &id;
      if (t->customer_column != "id") {
        customer = t->customer_column_index >= 0
                       ? std::get_if<std::string>(&row.values[t->customer_column_index])
                       : nullptr;
      }
      if (customer == nullptr || !scope.IncludesCustomer(*customer)) continue;
    }
    AppendStoredRow(*t, id, row, out, origin_map);
    sent.emplace(t->code, id);
  }
  page.more = next_entry < feed.size() || next_event < events.size();
  out.cursor = last;
  out.set_id = "pull-" + std::to_string(cursor) + "-" + std::to_string(out.cursor);
  return page;
}

Result<SnapshotPage> Hub::PullSnapshot(const SnapshotPosition& from, size_t limit,
                                       PullScope* scope) {
  Db& db = *db_;
  if (limit == 0) limit = options_.default_page_rows;
  limit = std::min(limit, options_.max_page_rows);
  const std::vector<TableInfo>& tables = catalog_.tables();
  if (from.table < -1 || from.table >= static_cast<int>(tables.size())) {
    return Status::InvalidArgument("snapshot position names table " + std::to_string(from.table));
  }
  ReadSnapshot snapshot(db);
  FB_RETURN_IF_ERROR(snapshot.Begin());

  SnapshotPage page;
  ChangeSet& out = page.changes;
  out.replica_id = options_.hub_id;
  std::vector<int64_t> origin_map;
  SnapshotPosition pos = from;
  const auto seq = static_cast<int64_t>(from.seq);
  StoredRow row;
  const std::vector<std::string>* customers =
      scope != nullptr ? &scope->SortedCustomers() : nullptr;
  // Appends the rows `stmt` yields until the page is full; returns whether it is. `at` is told
  // each row's id as it is sent.
  auto drain = [&](const TableInfo& t, Statement& stmt, std::string& at) -> Result<bool> {
    const int id_col = static_cast<int>(t.columns.size() + 2);
    while (out.rows.size() < limit) {
      FB_ASSIGN_OR_RETURN(bool found, stmt.Step());
      if (!found) return false;
      FB_RETURN_IF_ERROR(DecodeStoredRow(t, stmt, row));
      at = stmt.Text(id_col);
      AppendStoredRow(t, at, row, out, origin_map);
    }
    return true;
  };
  // Catalog identifiers only; values are bound. The unary + keeps SQLite on the customer index
  // (an ordered walk of the whole table by id would read every rep's rows).
  for (int ti = std::max(pos.table, 0); ti < static_cast<int>(tables.size()); ++ti) {
    const TableInfo& t = tables[ti];
    if (ti != pos.table) pos = SnapshotPosition{from.seq, ti, {}, {}};
    const std::string cols = StoredRowColumns(t);
    if (customers == nullptr || t.customer_column.empty()) {
      FB_ASSIGN_OR_RETURN(Statement * stmt,
                          db.Prepare("SELECT " + cols + " FROM \"" + t.name +
                                     "\" WHERE id > ?1 AND +_seq <= ?2 ORDER BY id"));
      stmt->Bind(1, pos.id).Bind(2, seq);
      auto full = drain(t, *stmt, pos.id);
      stmt->Reset();
      FB_RETURN_IF_ERROR(full.status());
      if (*full) {
        page.next = pos;
        return page;
      }
      continue;
    }
    const bool by_id = t.customer_column == "id";
    FB_ASSIGN_OR_RETURN(
        Statement * stmt,
        db.Prepare(by_id ? "SELECT " + cols + " FROM customers WHERE id = ?1 AND +_seq <= ?2"
                         : "SELECT " + cols + " FROM \"" + t.name + "\" WHERE \"" +
                               t.customer_column +
                               "\" = ?1 AND +id > ?3 AND +_seq <= ?2 ORDER BY +id"));
    auto it = std::lower_bound(customers->begin(), customers->end(), pos.customer);
    // A customer cut off within its rows is resumed after its last row sent; a complete one is
    // passed.
    if (it != customers->end() && *it == pos.customer && (by_id || pos.id.empty())) ++it;
    for (; it != customers->end(); ++it) {
      if (*it != pos.customer) pos.id.clear();
      pos.customer = *it;
      stmt->Reset();
      stmt->Bind(1, pos.customer).Bind(2, seq);
      if (!by_id) stmt->Bind(3, pos.id);
      std::string last;
      auto full = drain(t, *stmt, last);
      stmt->Reset();
      FB_RETURN_IF_ERROR(full.status());
      if (*full) {
        // Cut within this customer's rows (customers hold one row of their own: complete).
        pos.id = by_id ? std::string() : last;
        page.next = pos;
        return page;
      }
      pos.id.clear();
    }
  }
  return page;  // complete
}

// ---- Compaction (issue #8: the nightly job) ----

Result<TombstonePurge> Hub::PurgeTombstones(uint64_t before_seq, size_t limit) {
  Db& db = *db_;
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  TombstonePurge out;
  for (const TableInfo& t : catalog_.tables()) {
    if (t.is_fact() || t.deleted_column < 0) continue;
    const size_t room = limit - out.rows;
    if (room == 0) {
      out.more = true;
      break;
    }
    // Identifiers come from the catalog, never from input.
    FB_ASSIGN_OR_RETURN(Statement * pick,
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
    FB_ASSIGN_OR_RETURN(Statement * drop,
                        db.Prepare("DELETE FROM \"" + t.name + "\" WHERE id = ? AND deleted = 1"));
    for (const std::string& id : ids) {
      drop->Reset();
      drop->Bind(1, id);
      FB_RETURN_IF_ERROR(drop->Run());
      if (t.name == "customers") {
        FB_ASSIGN_OR_RETURN(Statement * keys,
                            db.Prepare("DELETE FROM fb_customer_keys WHERE customer_id = ?"));
        keys->Bind(1, id);
        FB_RETURN_IF_ERROR(keys->Run());
      }
    }
    out.rows += ids.size();
    out.by_table.emplace_back(t.name, ids.size());
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return out;
}

Status Hub::AdvanceSeq(uint64_t at_least) {
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
  FB_RETURN_IF_ERROR(CatchUpWithDisk());
  if (in_->seq < at_least) {
    in_->seq = at_least;
    FB_RETURN_IF_ERROR(WriteMetaInt(*db_, "seq", in_->seq));
  }
  return txn->Commit();
}

// ---- end of compaction ----

// ---- Verification (docs/sync.md, "Verification and repair") ----

Result<ChangeSet> Hub::ReadRowsByKey(const TableInfo& table, const std::vector<std::string>& keys) {
  ChangeSet out;
  out.replica_id = options_.hub_id;
  std::vector<int64_t> origin_map;
  const std::string& key_column = BucketKeyColumn(table);
  // Catalog identifiers only; values are bound.
  FB_ASSIGN_OR_RETURN(Statement * ids,
                      db_->Prepare("SELECT id FROM \"" + table.name + "\" WHERE \"" + key_column +
                                   "\" = ? ORDER BY id"));
  for (const std::string& key : keys) {
    ids->Reset();
    ids->Bind(1, key);
    std::vector<std::string> row_ids;
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, ids->Step());
      if (!row) break;
      row_ids.push_back(ids->Text(0));
    }
    for (const std::string& id : row_ids) FB_RETURN_IF_ERROR(AppendRow(table, id, out, origin_map));
  }
  return out;
}

Status Hub::RecomputeDigests() {
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
  FB_RETURN_IF_ERROR(RecomputeHubDigests(*db_, catalog_, in_->digests));
  return txn->Commit();
}

// ---- end of verification ----

}  // namespace fieldbook

#include "fieldbook/hub.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "column_versions.h"
#include "fieldbook/change_set_codec.h"
#include "fieldbook/duplicate_detector.h"
#include "fieldbook/migrations.h"
#include "merge_engine.h"
#include "meta_store.h"

namespace fieldbook {

struct Hub::Internals {
  explicit Internals(Db& db) : origins(db) {}
  OriginRegistry origins;
  std::unique_ptr<MergeEngine> merge;
  uint64_t seq = 0;
};

namespace {

bool TouchesDuplicateKeys(const TableInfo& t, const MergeOutcome& outcome) {
  if (t.name != "customers") return false;
  if (outcome.created) return true;
  for (int idx : outcome.changed_columns) {
    const std::string& c = t.columns[idx];
    if (c == "name" || c == "city" || c == "phone" || c == "deleted") return true;
  }
  return false;
}

}  // namespace

Hub::~Hub() = default;

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
  FB_RETURN_IF_ERROR(h->in_->origins.Load());
  FB_ASSIGN_OR_RETURN(h->in_->seq, ReadMetaInt(db, "seq", 0));
  FB_ASSIGN_OR_RETURN(uint64_t floor, ReadMetaInt(db, "hlc", 0));
  h->clock_ = std::make_unique<HybridClock>(wall, Hlc(floor), options.max_drift_ms);
  h->in_->merge = std::make_unique<MergeEngine>(db, h->in_->origins,
                                                MergeOptions{.enforce_fact_immutability = true});
  return h;
}

Result<uint64_t> Hub::LatestSeq() { return ReadMetaInt(*db_, "seq", 0); }

Result<PushResult> Hub::ApplyPush(const ChangeSet& set, const RowGate* gate) {
  if (set.set_id.empty()) return Status::InvalidArgument("change set has no set id");
  if (set.replica_id.empty()) return Status::InvalidArgument("change set has no replica id");
  if (set.replica_id == options_.hub_id) {
    return Status::InvalidArgument("a replica may not push as the hub");
  }
  return ApplyRows(set, gate, /*check_origin=*/true);
}

Result<PushResult> Hub::Write(const std::string& table, const std::string& row_id,
                              const std::vector<std::pair<std::string, Value>>& columns) {
  ChangeSet set;
  set.replica_id = options_.hub_id;
  const uint32_t self = set.OriginIndex(options_.hub_id);
  RowChange rc{table, row_id, {}};
  const Hlc now = clock_->Now();
  for (const auto& [name, value] : columns) rc.columns.push_back({name, value, now, self});
  set.rows.push_back(std::move(rc));
  return ApplyRows(set, nullptr, /*check_origin=*/false);
}

Result<PushResult> Hub::ApplyRows(const ChangeSet& set, const RowGate* gate, bool check_origin) {
  Db& db = *db_;
  const bool recorded = check_origin;  // hub-authored writes have no set id to replay
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));

  if (recorded) {
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
  const uint64_t seq_before = in_->seq;
  std::vector<std::string> duplicate_candidates;

  for (const RowChange& original : set.rows) {
    auto reject = [&](std::string code, std::string reason) {
      result.rejections.push_back(
          RowRejection{original.table, original.row_id, std::move(code), std::move(reason)});
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
    if (check_origin) {
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
    if (gate != nullptr && *gate) {
      if (std::optional<RowRejection> no = (*gate)(*t, original)) {
        result.rejections.push_back(std::move(*no));
        continue;
      }
    }

    // Re-stamp far-future writes with the hub's clock; fold sane ones into it.
    const RowChange* change = &original;
    RowChange restamped;
    bool too_far = false;
    for (const ColumnChange& c : original.columns) {
      if (clock_->IsTooFarAhead(c.hlc)) too_far = true;
    }
    if (too_far) {
      restamped = original;
      const Hlc now = clock_->Now();
      for (ColumnChange& c : restamped.columns) c.hlc = now;
      change = &restamped;
      result.restamps.push_back(RowRestamp{original.table, original.row_id, now});
    } else {
      for (const ColumnChange& c : original.columns) clock_->Observe(c.hlc);
    }

    const uint64_t seq = in_->seq + 1;
    auto outcome = in_->merge->Apply(*t, *change, set.origins, seq, nullptr, options_.hub_id);
    if (!outcome.ok()) {
      const StatusCode code = outcome.status().code();
      if (code == StatusCode::kRejected || code == StatusCode::kInvalidArgument) {
        if (too_far) result.restamps.pop_back();
        reject(code == StatusCode::kRejected &&
                       outcome.status().message().find("insert-only") != std::string::npos
                   ? "immutable_fact"
                   : (code == StatusCode::kRejected ? "constraint" : "invalid"),
               outcome.status().message());
        continue;
      }
      (void)in_->origins.Load();
      in_->seq = seq_before;
      return outcome.status();
    }
    ++result.rows_accepted;
    if (outcome->changed) in_->seq = seq;
    if (outcome->changed && TouchesDuplicateKeys(*t, *outcome)) {
      duplicate_candidates.push_back(original.row_id);
    }
  }

  Status s;
  for (const std::string& id : duplicate_candidates) {
    Result<int> flagged = FlagPossibleDuplicates(db, id, wall_->NowMs());
    if (!flagged.ok()) {
      s = flagged.status();
      break;
    }
  }
  if (s.ok()) s = WriteMetaInt(db, "seq", in_->seq);
  if (s.ok()) s = WriteMetaInt(db, "hlc", clock_->Last().packed());
  if (s.ok() && recorded) {
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
  if (!s.ok()) {
    (void)in_->origins.Load();
    in_->seq = seq_before;
    return s;
  }
  return result;
}

Result<PullPage> Hub::Pull(uint64_t cursor, size_t limit, const RowFilter* filter) {
  Db& db = *db_;
  if (limit == 0) limit = options_.default_page_rows;
  limit = std::min(limit, options_.max_page_rows);

  // A read transaction gives one consistent snapshot across the tables.
  FB_RETURN_IF_ERROR(db.ExecScript("BEGIN"));
  struct ScopeExit {
    Db& db;
    ~ScopeExit() { (void)db.ExecScript("COMMIT"); }
  } end_read{db};

  // The next `limit` changed rows across all tables, in hub sequence order.
  std::vector<std::tuple<uint64_t, const TableInfo*, std::string>> candidates;
  for (const TableInfo& t : catalog_.tables()) {
    FB_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare("SELECT _seq, id FROM \"" + t.name +
                                                     "\" WHERE _seq > ? ORDER BY _seq LIMIT ?"));
    stmt->Bind(1, static_cast<int64_t>(cursor)).Bind(2, static_cast<int64_t>(limit + 1));
    while (true) {
      FB_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      candidates.emplace_back(static_cast<uint64_t>(stmt->Int(0)), &t, stmt->Text(1));
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  PullPage page;
  page.more = candidates.size() > limit;
  if (page.more) candidates.resize(limit);

  ChangeSet& out = page.changes;
  out.replica_id = options_.hub_id;
  out.cursor = candidates.empty() ? cursor : std::get<0>(candidates.back());
  out.set_id = "pull-" + std::to_string(cursor) + "-" + std::to_string(out.cursor);
  std::vector<int64_t> origin_map;  // registry index -> index in out.origins (+1), 0 = unmapped
  for (const auto& [seq, t, row_id] : candidates) {
    FB_ASSIGN_OR_RETURN(StoredRow row, in_->merge->ReadRow(*t, row_id));
    if (!row.exists) continue;
    if (filter != nullptr && *filter && !(*filter)(*t, row_id, row.values)) continue;
    RowChange rc{t->name, row_id, {}};
    for (size_t i = 0; i < t->columns.size(); ++i) {
      const ColumnVersion& v = row.versions[i];
      // The whole written row, not just the columns changed after `cursor`: a column changed
      // within an earlier page's range may have been cut from it because its row changed again
      // later; resending known columns is harmless, the merge ignores them.
      if (v.empty()) continue;
      if (origin_map.size() <= v.origin) origin_map.resize(v.origin + 1, 0);
      if (origin_map[v.origin] == 0) {
        out.origins.push_back(in_->origins.IdOf(v.origin));
        origin_map[v.origin] = static_cast<int64_t>(out.origins.size());
      }
      rc.columns.push_back(ColumnChange{t->columns[i], row.values[i], v.hlc,
                                        static_cast<uint32_t>(origin_map[v.origin] - 1)});
    }
    if (!rc.columns.empty()) out.rows.push_back(std::move(rc));
  }
  return page;
}

}  // namespace fieldbook

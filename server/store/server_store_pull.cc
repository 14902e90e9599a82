// ServerStore, the pull side (server_store.h): per-rep scopes as pullers see them (snapshots,
// per-rep feeds, scope events), the hub epoch, and the history that compaction trims.
#include <algorithm>
#include <iterator>
#include <random>

#include "fieldbook/columns.h"
#include "store/server_store.h"
#include "store/store_sql.h"

namespace fieldbook::server {

namespace {

class RepScope final : public PullScope {
 public:
  RepScope(ServerStore& store, std::string rep, std::unordered_set<std::string> customers)
      : store_(store), rep_(std::move(rep)), customers_(std::move(customers)) {}
  bool IncludesCustomer(const std::string& customer_id) override {
    return customers_.count(customer_id) > 0;
  }
  Result<std::vector<ScopeEvent>> EventsAfter(uint64_t cursor, size_t limit) override {
    return store_.ScopeEventsAfter(rep_, cursor, limit);
  }
  Result<std::optional<std::vector<FeedEntry>>> FeedAfter(uint64_t cursor, size_t limit) override {
    return store_.FeedAfter(rep_, cursor, limit);
  }
  const std::vector<std::string>& SortedCustomers() override {
    if (sorted_.size() != customers_.size()) {
      sorted_.assign(customers_.begin(), customers_.end());
      std::sort(sorted_.begin(), sorted_.end());
    }
    return sorted_;
  }

 private:
  ServerStore& store_;
  std::string rep_;
  std::unordered_set<std::string> customers_;
  std::vector<std::string> sorted_;
};

constexpr int64_t kDayMs = 86400000;

// The hub's counters besides the sequence: SQLite keeps them in fb_meta by key, PostgreSQL in
// fb_hub_seq's one row (schema/sql/postgres/0005, 0008, 0010; `migrate` copies one into the other).
enum class HubMeta { kHistoryFloor, kFeedFloor, kEpoch };

// Each counter's fb_meta key (SQLite) and fb_hub_seq column (PostgreSQL), in HubMeta's order.
constexpr struct {
  const char* key;
  const char* column;
} kHubMeta[] = {{"history_floor", "floor"}, {"feed_floor", "feed_floor"}, {"epoch", "epoch"}};

const char* MetaKey(HubMeta m) { return kHubMeta[static_cast<int>(m)].key; }
const char* PgMetaColumn(HubMeta m) { return kHubMeta[static_cast<int>(m)].column; }

// The counter's value, or 0 when absent.
Result<uint64_t> MetaInt(SqlDb& db, HubMeta m) {
  if (db.dialect() == SqlDialect::kPostgres) {
    FB_ASSIGN_OR_RETURN(SqlStatement * stmt, db.Prepare(std::string("SELECT ") + PgMetaColumn(m) +
                                                        " FROM fb_hub_seq WHERE one"));
    FB_ASSIGN_OR_RETURN(int64_t v, ReadInt(*stmt));
    return static_cast<uint64_t>(v);
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt, db.Prepare("SELECT value FROM fb_meta WHERE key = ?"));
  stmt->Bind(1, MetaKey(m));
  FB_ASSIGN_OR_RETURN(bool found, stmt->Step());
  const uint64_t v = found ? static_cast<uint64_t>(stmt->Int(0)) : 0;
  stmt->Reset();
  return v;
}

// Sets the counter to `value` (inside the caller's transaction, if any).
Status SetMetaInt(SqlDb& db, HubMeta m, uint64_t value) {
  auto save =
      db.dialect() == SqlDialect::kPostgres
          ? db.Prepare(std::string("UPDATE fb_hub_seq SET ") + PgMetaColumn(m) + " = ? WHERE one")
          : db.Prepare(std::string("INSERT INTO fb_meta (key, value) VALUES ('") + MetaKey(m) +
                       "', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  FB_RETURN_IF_ERROR(save.status());
  (*save)->Bind(1, static_cast<int64_t>(value));
  return (*save)->Run();
}

}  // namespace

Result<std::vector<ScopeEvent>> ServerStore::ScopeEventsAfter(const std::string& rep_id,
                                                              uint64_t cursor, size_t limit) {
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      sql().Prepare("SELECT seq, customer_id, kind FROM srv_scope_events "
                                    "WHERE rep_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
  stmt->Bind(1, rep_id).Bind(2, static_cast<int64_t>(cursor)).Bind(3, static_cast<int64_t>(limit));
  std::vector<ScopeEvent> out;
  FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](auto& r) {
    out.push_back(ScopeEvent{static_cast<uint64_t>(r.Int(0)), r.Text(1), r.Text(2) == "added"});
  }));
  return out;
}

Status ServerStore::FeedRow(const AppliedRow& row,
                            std::optional<std::vector<std::string>>* customer_holders) {
  SqlDb& db = sql();
  const TableInfo& t = *row.table;
  std::vector<std::string> holders;
  if (t.customer_column.empty()) {
    holders.emplace_back();  // the shared feed: every rep receives these rows
  } else {
    std::string customer = row.row_id;
    if (t.customer_column != "id" && row.customer) {
      customer = *row.customer;  // the write set it: no need to read it back
      if (customer.empty()) return Status::Ok();
    } else if (t.customer_column != "id") {
      // Catalog identifiers only; values are bound.
      FB_ASSIGN_OR_RETURN(SqlStatement * of, db.Prepare("SELECT \"" + t.customer_column +
                                                        "\" FROM \"" + t.name + "\" WHERE id = ?"));
      of->Bind(1, row.row_id);
      FB_ASSIGN_OR_RETURN(bool found, of->Step());
      customer = found && !of->IsNull(0) ? of->Text(0) : std::string();
      of->Reset();
      if (customer.empty()) return Status::Ok();  // a row of no customer: nobody receives it
    }
    // Whoever holds the customer now, before this write's scope change if it makes one: the
    // scope event that follows brings the row to the new holder.
    auto known = bulk_feed_.on ? bulk_feed_.holders.find(customer) : bulk_feed_.holders.end();
    if (known != bulk_feed_.holders.end()) {
      holders = known->second;
    } else {
      FB_ASSIGN_OR_RETURN(SqlStatement * who,
                          db.Prepare("SELECT rep_id FROM srv_scope WHERE customer_id = ?"));
      who->Bind(1, customer);
      FB_RETURN_IF_ERROR(VisitRows(*who, [&](auto& r) { holders.push_back(r.Text(0)); }));
      if (bulk_feed_.on) bulk_feed_.holders.emplace(customer, holders);
    }
    if (customer_holders != nullptr) *customer_holders = holders;
  }
  if (bulk_feed_.on) {
    for (const std::string& rep : holders) bulk_feed_.entries.push_back({rep, row.seq, t.code});
    return Status::Ok();
  }
  FB_ASSIGN_OR_RETURN(SqlStatement * add,
                      db.Prepare(SqlFor(db,
                                        "INSERT OR IGNORE INTO srv_feed (rep_id, seq, tbl) "
                                        "VALUES (?, ?, ?)",
                                        "INSERT INTO srv_feed (rep_id, seq, tbl) VALUES (?, ?, ?) "
                                        "ON CONFLICT DO NOTHING")));
  for (const std::string& rep : holders) {
    add->Reset();
    add->Bind(1, rep).Bind(2, static_cast<int64_t>(row.seq)).Bind(3, static_cast<int64_t>(t.code));
    FB_RETURN_IF_ERROR(add->Run());
  }
  return Status::Ok();
}

Status ServerStore::FlushBulkFeed() {
  constexpr size_t kPerStatement = 64;
  const auto& entries = bulk_feed_.entries;
  for (size_t at = 0; at < entries.size();) {
    const size_t n = std::min(kPerStatement, entries.size() - at);
    const bool postgres = sql().dialect() == SqlDialect::kPostgres;
    std::string text = postgres
                           ? "INSERT INTO srv_feed (rep_id, seq, tbl) VALUES (?, ?, ?)"
                           : "INSERT OR IGNORE INTO srv_feed (rep_id, seq, tbl) VALUES (?, ?, ?)";
    for (size_t i = 1; i < n; ++i) text += ", (?, ?, ?)";
    if (postgres) text += " ON CONFLICT DO NOTHING";
    FB_ASSIGN_OR_RETURN(SqlStatement * add, sql().Prepare(text));
    for (size_t i = 0; i < n; ++i) {
      const auto& e = entries[at + i];
      const int p = static_cast<int>(3 * i);
      add->Bind(p + 1, e.rep)
          .Bind(p + 2, static_cast<int64_t>(e.seq))
          .Bind(p + 3, static_cast<int64_t>(e.table));
    }
    FB_RETURN_IF_ERROR(add->Run());
    at += n;
  }
  bulk_feed_.entries.clear();
  return Status::Ok();
}

Result<std::optional<std::vector<FeedEntry>>> ServerStore::FeedAfter(const std::string& rep_id,
                                                                     uint64_t cursor,
                                                                     size_t limit) {
  using Feed = std::optional<std::vector<FeedEntry>>;
  FB_ASSIGN_OR_RETURN(uint64_t floor, MetaInt(sql(), HubMeta::kFeedFloor));
  if (cursor < floor) return Feed();
  // The rep's entries and the shared ones, each read in sequence order as far as the page can
  // go (two index ranges; one query for both would read and sort every entry after the cursor).
  FB_ASSIGN_OR_RETURN(SqlStatement * stmt,
                      sql().Prepare("SELECT seq, tbl FROM srv_feed WHERE rep_id = ? AND "
                                    "seq > ? ORDER BY seq LIMIT ?"));
  std::vector<FeedEntry> parts[2];
  const std::string feeds[2] = {rep_id, std::string()};
  for (int f = 0; f < 2; ++f) {
    if (f == 1 && rep_id.empty()) break;
    stmt->Reset();
    stmt->Bind(1, feeds[f])
        .Bind(2, static_cast<int64_t>(cursor))
        .Bind(3, static_cast<int64_t>(limit));
    FB_RETURN_IF_ERROR(VisitRows(*stmt, [&](auto& r) {
      parts[f].push_back(FeedEntry{static_cast<uint64_t>(r.Int(0)), static_cast<int>(r.Int(1))});
    }));
  }
  stmt->Reset();
  std::vector<FeedEntry> out;
  out.reserve(std::min(limit, parts[0].size() + parts[1].size()));
  std::merge(parts[0].begin(), parts[0].end(), parts[1].begin(), parts[1].end(),
             std::back_inserter(out),
             [](const FeedEntry& a, const FeedEntry& b) { return a.seq < b.seq; });
  if (out.size() > limit) out.resize(limit);
  return Feed(std::move(out));
}

Result<FeedTrim> ServerStore::TrimFeeds(const FeedTrim& from, uint64_t before_seq, size_t limit) {
  SqlDb& db = sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  // Never above the history floor: a pull from a cursor at or above it reads its feed from there.
  FB_ASSIGN_OR_RETURN(uint64_t floor, HistoryFloor());
  before_seq = std::min(before_seq, floor + 1);
  FB_ASSIGN_OR_RETURN(SqlStatement * at,
                      db.Prepare("SELECT rep_id FROM srv_feed WHERE rep_id >= ? ORDER BY rep_id "
                                 "LIMIT 1"));
  FB_ASSIGN_OR_RETURN(SqlStatement * after,
                      db.Prepare("SELECT rep_id FROM srv_feed WHERE rep_id > ? ORDER BY rep_id "
                                 "LIMIT 1"));
  FB_ASSIGN_OR_RETURN(SqlStatement * drop,
                      db.Prepare("DELETE FROM srv_feed WHERE rep_id = ?1 AND seq IN (SELECT seq "
                                 "FROM srv_feed WHERE rep_id = ?1 AND seq < ?2 ORDER BY seq "
                                 "LIMIT ?3)"));
  FeedTrim out = from;
  out.forgotten = 0;
  while (out.forgotten < limit) {
    // The next feed (one index seek), the shared feed '' first.
    SqlStatement* next = out.rep_done ? after : at;
    next->Bind(1, out.rep);
    auto found = next->Step();
    const std::string rep = found.ok() && *found ? next->Text(0) : std::string();
    const bool any = found.ok() && *found;
    next->Reset();
    FB_RETURN_IF_ERROR(found.status());
    if (!any) {
      out.done = true;
      break;
    }
    const size_t room = limit - out.forgotten;
    drop->Reset();
    drop->Bind(1, rep)
        .Bind(2, static_cast<int64_t>(before_seq))
        .Bind(3, static_cast<int64_t>(room));
    FB_RETURN_IF_ERROR(drop->Run());
    const auto n = static_cast<size_t>(db.LastChanges());
    out.forgotten += n;
    out.rep = rep;
    out.rep_done = n < room;  // nothing of this feed left below the bound
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return out;
}

Result<bool> ServerStore::RepSyncNotedToday(const std::string& rep_id) {
  const auto now = static_cast<int64_t>(wall_->NowMs());
  FB_ASSIGN_OR_RETURN(SqlStatement * last,
                      sql().Prepare("SELECT last_sync_ms FROM srv_rep_sync WHERE rep_id = ?"));
  last->Bind(1, rep_id);
  FB_ASSIGN_OR_RETURN(bool found, last->Step());
  const int64_t before = found ? last->Int(0) : -1;
  last->Reset();
  return before >= 0 && before / kDayMs >= now / kDayMs;
}

Status ServerStore::NoteRepSync(const std::string& rep_id) {
  const auto now = static_cast<int64_t>(wall_->NowMs());
  FB_ASSIGN_OR_RETURN(bool noted, RepSyncNotedToday(rep_id));
  if (noted) return Status::Ok();
  FB_ASSIGN_OR_RETURN(SqlStatement * synced,
                      sql().Prepare("INSERT INTO srv_rep_sync (rep_id, last_sync_ms) VALUES "
                                    "(?1, ?2) ON CONFLICT (rep_id) DO UPDATE SET "
                                    "last_sync_ms = excluded.last_sync_ms WHERE "
                                    "excluded.last_sync_ms > srv_rep_sync.last_sync_ms"));
  synced->Bind(1, rep_id).Bind(2, now);
  return synced->Run();
}

Result<uint64_t> ServerStore::Epoch() { return MetaInt(sql(), HubMeta::kEpoch); }

namespace {

// A random epoch: positive as a signed 64-bit integer (SQLite), never 0 (none), never `current`.
uint64_t RandomEpoch(uint64_t current) {
  std::random_device random;
  uint64_t epoch = 0;
  while (epoch == 0 || epoch == current) {
    epoch = ((uint64_t{random()} << 32) | random()) & 0x7fffffffffffffffULL;
  }
  return epoch;
}

}  // namespace

Result<uint64_t> ServerStore::NewEpoch() {
  FB_ASSIGN_OR_RETURN(uint64_t current, Epoch());
  const uint64_t epoch = RandomEpoch(current);
  FB_RETURN_IF_ERROR(SetMetaInt(sql(), HubMeta::kEpoch, epoch));
  return epoch;
}

Result<uint64_t> ServerStore::StartEpoch() {
  // One conditional write: of several processes opening a new database at once, only the first
  // to commit sets the epoch; the others' write matches no row (PostgreSQL re-checks `epoch = 0`
  // after the first commits; SQLite's writers take turns), and every one reads the winner's.
  const bool pg = sql().dialect() == SqlDialect::kPostgres;
  FB_ASSIGN_OR_RETURN(
      SqlStatement * start,
      sql().Prepare(pg ? "UPDATE fb_hub_seq SET epoch = ? WHERE one AND epoch = 0"
                       : "INSERT INTO fb_meta (key, value) VALUES ('epoch', ?) ON CONFLICT (key) "
                         "DO UPDATE SET value = excluded.value WHERE fb_meta.value = 0"));
  start->Bind(1, static_cast<int64_t>(RandomEpoch(0)));
  FB_RETURN_IF_ERROR(start->Run());
  return Epoch();
}

Result<NewHistory> ServerStore::StartNewHistory(uint64_t seq_gap) {
  FB_ASSIGN_OR_RETURN(auto txn, sql().Begin());
  FB_ASSIGN_OR_RETURN(uint64_t latest, hub_->LatestSeq());
  NewHistory out;
  FB_ASSIGN_OR_RETURN(out.previous_epoch, Epoch());
  FB_ASSIGN_OR_RETURN(out.history_floor, RaiseHistoryFloor(latest + seq_gap));
  FB_ASSIGN_OR_RETURN(out.epoch, NewEpoch());
  FB_RETURN_IF_ERROR(txn->Commit());
  return out;
}

Result<SnapshotPage> ServerStore::SnapshotForRep(const std::string& rep_id,
                                                 const SnapshotPosition& from, size_t limit) {
  FB_RETURN_IF_ERROR(NoteRepSync(rep_id));
  return ReadSnapshotForRep(rep_id, from, limit);
}

Result<SnapshotPage> ServerStore::ReadSnapshotForRep(const std::string& rep_id,
                                                     const SnapshotPosition& from, size_t limit) {
  SqlDb& db = sql();
  FB_ASSIGN_OR_RETURN(auto snapshot, db.BeginRead());
  FB_ASSIGN_OR_RETURN(auto customers, ScopeOf(rep_id));
  RepScope scope(*this, rep_id, std::move(customers));
  return hub_->PullSnapshot(from, limit, &scope);
}

Result<PullPage> ServerStore::PullForRep(const std::string& rep_id, uint64_t cursor, size_t limit) {
  FB_RETURN_IF_ERROR(NoteRepSync(rep_id));
  return ReadPullForRep(rep_id, cursor, limit);
}

Result<PullPage> ServerStore::ReadPullForRep(const std::string& rep_id, uint64_t cursor,
                                             size_t limit) {
  // One read snapshot for the scope, the page and the latest sequence. A final page moves the
  // cursor up to the latest sequence (everything up to it has been looked at), so a device that
  // holds everything is never left below the history floor -- otherwise a device rebuilt after
  // compaction (issue #8) would rebuild again at every sync.
  SqlDb& db = sql();
  FB_ASSIGN_OR_RETURN(auto snapshot, db.BeginRead());
  FB_ASSIGN_OR_RETURN(uint64_t latest, hub_->LatestSeq());
  FB_ASSIGN_OR_RETURN(auto customers, ScopeOf(rep_id));
  RepScope scope(*this, rep_id, std::move(customers));
  FB_ASSIGN_OR_RETURN(PullPage page, hub_->Pull(cursor, limit, &scope));
  if (!page.more) page.changes.cursor = std::max(page.changes.cursor, latest);
  return page;
}

Result<uint64_t> ServerStore::HistoryFloor() { return MetaInt(sql(), HubMeta::kHistoryFloor); }

Result<uint64_t> ServerStore::TrimHistory(uint64_t before_seq, uint64_t applied_before_ms) {
  FB_ASSIGN_OR_RETURN(auto txn, sql().Begin());
  FB_ASSIGN_OR_RETURN(uint64_t floor, RaiseHistoryFloor(before_seq));
  for (ScopeTrim trim; !trim.done;) {
    FB_ASSIGN_OR_RETURN(trim, TrimScopeEvents(trim.scanned_to, before_seq, 10000));
  }
  for (FeedTrim trim; !trim.done;) {
    FB_ASSIGN_OR_RETURN(trim, TrimFeeds(trim, before_seq, 10000));
  }
  while (true) {
    FB_ASSIGN_OR_RETURN(size_t n, TrimAppliedSets(applied_before_ms, 10000));
    if (n == 0) break;
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  return floor;
}

Result<uint64_t> ServerStore::RaiseHistoryFloor(uint64_t floor) {
  SqlDb& db = sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  FB_ASSIGN_OR_RETURN(uint64_t current, HistoryFloor());
  if (floor <= current) return current;
  // The floor never passes the hub's sequence: a snapshot taken at the latest sequence must be at
  // or above the floor, or a device could never finish one (docs/sync.md).
  FB_RETURN_IF_ERROR(hub_->AdvanceSeq(floor));
  if (db.dialect() == SqlDialect::kPostgres) {
    // Another instance may have raised it since it was read: never lower it (AdvanceSeq took the
    // counter row's lock, so the floor read back is the one in force).
    FB_ASSIGN_OR_RETURN(SqlStatement * raise,
                        db.Prepare("UPDATE fb_hub_seq SET floor = greatest(floor, ?) WHERE one "
                                   "RETURNING floor"));
    raise->Bind(1, static_cast<int64_t>(floor));
    FB_ASSIGN_OR_RETURN(int64_t now, ReadInt(*raise));
    FB_RETURN_IF_ERROR(txn->Commit());
    return static_cast<uint64_t>(now);
  }
  FB_RETURN_IF_ERROR(SetMetaInt(db, HubMeta::kHistoryFloor, floor));
  FB_RETURN_IF_ERROR(txn->Commit());
  return floor;
}

Result<ScopeTrim> ServerStore::TrimScopeEvents(uint64_t after_seq, uint64_t before_seq,
                                               size_t limit) {
  SqlDb& db = sql();
  FB_ASSIGN_OR_RETURN(auto txn, db.Begin());
  // The next `limit` events in sequence order, each with whether it must stay: the latest removal
  // of a customer its rep no longer holds.
  FB_ASSIGN_OR_RETURN(
      SqlStatement * scan,
      db.Prepare("SELECT e.seq, e.kind = 'removed' AND NOT EXISTS (SELECT 1 FROM srv_scope s "
                 "WHERE s.rep_id = e.rep_id AND s.customer_id = e.customer_id) AND e.seq = "
                 "(SELECT max(x.seq) FROM srv_scope_events x WHERE x.customer_id = e.customer_id "
                 "AND x.rep_id = e.rep_id AND x.kind = 'removed') FROM srv_scope_events e "
                 "WHERE e.seq > ?1 AND e.seq < ?2 ORDER BY e.seq LIMIT ?3"));
  scan->Bind(1, static_cast<int64_t>(after_seq))
      .Bind(2, static_cast<int64_t>(before_seq))
      .Bind(3, static_cast<int64_t>(limit));
  ScopeTrim out;
  out.scanned_to = after_seq;
  std::vector<int64_t> forget;
  size_t scanned = 0;
  FB_RETURN_IF_ERROR(VisitRows(*scan, [&](auto& r) {
    ++scanned;
    out.scanned_to = static_cast<uint64_t>(r.Int(0));
    if (r.Int(1) == 0) {
      forget.push_back(r.Int(0));
    } else {
      ++out.kept;
    }
  }));
  FB_ASSIGN_OR_RETURN(SqlStatement * drop,
                      db.Prepare("DELETE FROM srv_scope_events WHERE seq = ?"));
  for (int64_t seq : forget) {
    drop->Reset();
    drop->Bind(1, seq);
    FB_RETURN_IF_ERROR(drop->Run());
  }
  FB_RETURN_IF_ERROR(txn->Commit());
  out.forgotten = forget.size();
  out.done = scanned < limit;
  return out;
}

Result<size_t> ServerStore::TrimAppliedSets(uint64_t before_ms, size_t limit) {
  // PostgreSQL stamps an answer by its own clock (applied_at, pg_applied_sets.h) and keeps a set
  // being applied as a claim without one: only answers are forgotten.
  FB_ASSIGN_OR_RETURN(
      SqlStatement * drop,
      sql().Prepare(SqlFor(sql(),
                           "DELETE FROM fb_applied_sets WHERE rowid IN (SELECT "
                           "rowid FROM fb_applied_sets WHERE applied_ms < ? LIMIT ?)",
                           "DELETE FROM fb_applied_sets WHERE set_id IN (SELECT set_id FROM "
                           "fb_applied_sets WHERE applied_at < to_timestamp(?::bigint / 1000.0) "
                           "AND result IS NOT NULL LIMIT ?)")));
  // A cutoff past 9999-12-31 (a caller's "every answer", up to the largest uint64_t) is that date
  // on both backends, later than every answer: PostgreSQL's timestamps end in the year 294276 and
  // to_timestamp refuses a later one; SQLite's bind would wrap one above INT64_MAX negative, and
  // trim nothing.
  constexpr uint64_t kLatestCutoffMs = 253402300800000;  // 10000-01-01T00:00:00Z
  before_ms = std::min(before_ms, kLatestCutoffMs);
  drop->Bind(1, static_cast<int64_t>(before_ms)).Bind(2, static_cast<int64_t>(limit));
  FB_RETURN_IF_ERROR(drop->Run());
  return static_cast<size_t>(sql().LastChanges());
}

}  // namespace fieldbook::server

// Hub: the sync core of the server — the authoritative copy of everyone's data. It applies pushed
// change sets by the same merge rules as every replica (so all converge), gives every change a
// hub sequence number, and serves pulls as pages of rows changed after a cursor.
//
//  * A push is applied in one transaction and answered with a PushResult that is stored with it:
//    a retried set id changes nothing and gets the same answer.
//  * A pushed row is refused, with a reason, when its columns claim another replica's origin, when
//    it edits a recorded fact, when it breaks a CHECK rule, or when the caller's RowGate (scopes,
//    added by the server) says so. The rest of the set is applied. An ApplyObserver sees every
//    changed row inside the same transaction (the server keeps its scopes in step that way).
//  * A column stamped more than max_drift_ms ahead of the hub's wall clock is re-stamped with the
//    hub's clock on receipt (RowRestamp tells the sender), so a wrong laptop date cannot win every
//    later conflict.
//  * A new or renamed customer that matches another by phone, or by name and city, is flagged in
//    fb_possible_duplicates for review; the rows are never merged silently.
//
// Storage: every statement runs on the storage seam (fieldbook/sql_db.h), so one Hub runs on either
// of the server's backends with the same SQL save where the dialects differ (docs/postgres.md):
// Open(path) is the SQLite hub; Open(SqlDb&, HubBackend&, ...) takes any SqlDb with the backend's
// own sequence counter, push idempotency and change log (HubBackend; PostgreSQL's is
// server/store/pg/pg_hub_backend.h).
//
// Thread safety: not thread-safe; the server serialises its use of one Hub (its writer) and reads
// through other Hubs on the same database (read connections). Other processes (or, on
// PostgreSQL, other instances) may write the same database: every write transaction resumes from
// the stored sequence number, clock and origins. Sequence numbers are allocated inside the write
// transaction while it holds the counter (SQLite: the one writer's lock, taken at BEGIN;
// PostgreSQL: the counter row's lock, taken with the first number and held to COMMIT), so they
// are committed in increasing order: a reader's snapshot that holds sequence S holds every
// sequence below S that will ever be committed (docs/sync.md, "Concurrent pulls and the one
// writer"; docs/postgres.md, "Cursors that never skip a row").
#ifndef FIELDBOOK_HUB_H_
#define FIELDBOOK_HUB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/change_set.h"
#include "fieldbook/hlc.h"
#include "fieldbook/sql_db.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"

namespace fieldbook {

struct StoredRow;      // internal: a row with its versions (merge_engine.h)
struct DigestContext;  // internal: the verification digests' state (digest_tracker.h)

struct HubOptions {
  std::string hub_id = "hub";
  uint64_t max_drift_ms = HybridClock::kDefaultMaxDriftMs;
  size_t default_page_rows = 1000;
  size_t max_page_rows = 5000;
};

// What a gate decides for one pushed row. The gate may also edit the row (drop columns that must
// not be applied); `report` is sent back to the replica as a rejection of that row. A gate that
// cannot decide (a read it needs failed) returns that failure as `error`: the hub then rolls the
// whole push back (nothing of it applied, no answer stored) and ApplyPush returns the error.
// Inside the gate, Hub::ReadValues of the row being judged answers from the hub's own read of it
// (taken with the counters held, see ApplyPush), which the merge then uses too: the gate must
// not write that row itself.
struct GateDecision {
  GateDecision() = default;
  GateDecision(bool apply_row, std::optional<RowRejection> rejection = std::nullopt,
               Status failure = Status::Ok())
      : apply(apply_row), report(std::move(rejection)), error(std::move(failure)) {}
  bool apply = true;
  std::optional<RowRejection> report;
  Status error;
};
using RowGate = std::function<GateDecision(const TableInfo&, RowChange& change)>;

// A row the hub changed, reported inside the applying transaction.
struct AppliedRow {
  const TableInfo* table = nullptr;
  std::string row_id;
  bool created = false;
  std::vector<std::string> changed_columns;
  uint64_t seq = 0;
  // The value of the row's customer column when this write set it (empty string: null), so that
  // the observer need not read it back; nullopt when the write left it as it was.
  std::optional<std::string> customer;
};
// Runs inside the applying transaction; an error aborts the whole push or write.
using ApplyObserver = std::function<Status(const AppliedRow&)>;

struct PushOptions {
  const RowGate* gate = nullptr;
  const ApplyObserver* observer = nullptr;
  // Hub-authored writes only (Hub::Write): a fact's customer column may be re-pointed (a manager
  // merging duplicate customers moves the loser's visits, orders and feedback to the survivor).
  // Every other column of a recorded fact stays immutable; rep pushes never get this.
  bool move_fact_customers = false;
};

// A customer entering or leaving a puller's scope at hub sequence `seq`.
struct ScopeEvent {
  uint64_t seq = 0;
  std::string customer_id;
  bool added = false;
};

// One entry of a puller's change feed: a row of the table with code `table` changed at hub
// sequence `seq` (the row is the one whose _seq is `seq`, if it has not changed again since).
struct FeedEntry {
  uint64_t seq = 0;
  int table = 0;
};

// Restricts a pull to one puller's rows (the server's per-rep scopes).
class PullScope {
 public:
  virtual ~PullScope() = default;
  // Whether rows of `customer_id` go to the puller now. Rows of no customer always go.
  virtual bool IncludesCustomer(const std::string& customer_id) = 0;
  // The puller's scope changes after `cursor`, in sequence order, at most `limit`.
  virtual Result<std::vector<ScopeEvent>> EventsAfter(uint64_t cursor, size_t limit) = 0;
  // The customers in the scope now, in byte order of their ids (snapshots page through them).
  virtual const std::vector<std::string>& SortedCustomers() = 0;
  // The puller's own change feed after `cursor`, in sequence order, at most `limit` entries: an
  // entry for every change of a row whose customer was in the scope when it was made, and for
  // every change of a row of no customer. nullopt when the feed does not reach back to `cursor`;
  // the pull then walks every table's changes after it.
  virtual Result<std::optional<std::vector<FeedEntry>>> FeedAfter(uint64_t cursor, size_t limit) {
    (void)cursor;
    (void)limit;
    return std::optional<std::vector<FeedEntry>>();
  }
};

struct PullPage {
  ChangeSet changes;  // changes.cursor: where the next pull starts
  bool more = false;
};

// Where a snapshot of a scope stands (Hub::PullSnapshot). A snapshot sends the scope's rows whose
// latest change is at or before `seq` (S), table by table in catalog order; within a table of
// customers, customer by customer in id order, and each customer's rows in id order; other tables
// in id order. Rows changed after S are left to the incremental pull from S, which also brings
// the scope changes made meanwhile: so the snapshot plus that pull hold every row once.
struct SnapshotPosition {
  uint64_t seq = 0;  // S
  // Everything up to here has been sent: `table` indexes catalog().tables() (-1: nothing yet).
  // In a table of customers (with a scope), `customer` is the customer looked at last and `id`
  // the last of its rows sent; an empty `id` means that customer is complete (an empty customer:
  // none looked at yet). In other tables `id` is the last row sent and `customer` is empty.
  int table = -1;
  std::string customer;
  std::string id;

  friend bool operator==(const SnapshotPosition&, const SnapshotPosition&) = default;
};

struct SnapshotPage {
  ChangeSet changes;                     // rows; changes.cursor is 0
  std::optional<SnapshotPosition> next;  // where the next page resumes; empty: complete
};

// One row of a hub-authored write.
struct RowWrite {
  std::string table;
  std::string row_id;
  std::vector<std::pair<std::string, Value>> columns;
};

// ---- Compaction (issue #8: the nightly job) ----
// What PurgeTombstones removed: rows per table, and whether tombstones before the bound remain.
struct TombstonePurge {
  size_t rows = 0;
  std::vector<std::pair<std::string, size_t>> by_table;  // only tables with purged rows
  // Entries of the backend's change log forgotten below the bound (PostgreSQL's fb_change_log;
  // SQLite keeps none).
  size_t log_entries = 0;
  bool more = false;
};
// ---- end of compaction ----

// ---- Storage backends ----
// The hub's stored sequence number and clock floor.
struct HubCounters {
  uint64_t seq = 0;
  uint64_t hlc = 0;  // Hlc::packed()
};

// A row a write changed, for a backend that keeps a change log (PostgreSQL's fb_change_log).
struct HubLoggedRow {
  uint64_t seq = 0;
  int table = 0;  // catalog code
  std::string row_id;
  std::string customer;  // the row's customer; "" for a row of no customer
};

// What differs between the hub's storage backends beyond SQL text. Every call but Counters()
// runs inside the Hub's open transaction on the same connection as its SqlDb.
// Thread safety: as the Hub that uses it.
class HubBackend {
 public:
  virtual ~HubBackend() = default;
  // The committed counters (no lock).
  virtual Result<HubCounters> Counters() = 0;
  // The counters, taken for this transaction: from here until it ends no other writer takes
  // sequence numbers (SQLite: the write transaction already is that lock; PostgreSQL: the
  // counter row's lock).
  virtual Result<HubCounters> LockCounters() = 0;
  // Stores the sequence number and, when given, the clock floor (after LockCounters).
  virtual Status StoreCounters(uint64_t seq, std::optional<uint64_t> hlc) = 0;
  // Push idempotency, first in a push: the stored answer of a set applied before (apply
  // nothing), or nullopt: apply it and RecordSet its answer before commit. kConflict when
  // another replica used the set id.
  virtual Result<std::optional<std::string>> ClaimSet(const std::string& set_id,
                                                      const std::string& replica_id) = 0;
  virtual Status RecordSet(const std::string& set_id, const std::string& replica_id,
                           const std::string& answer, uint64_t now_ms) = 0;
  // Whether LogRows wants the rows a write changed (SQLite finds them through each table's _seq
  // index and keeps no log).
  virtual bool logs_rows() const { return false; }
  // The rows a write changed, before commit (after LockCounters: their numbers are taken).
  virtual Status LogRows(const std::vector<HubLoggedRow>& rows) {
    (void)rows;
    return Status::Ok();
  }
  // Compaction of that log (Hub::PurgeTombstones): forgets up to `limit` entries numbered at or
  // below `up_to`, never above the stored history floor (the caller raised it first); returns
  // how many it forgot.
  virtual Result<size_t> ForgetLogged(uint64_t up_to, size_t limit) {
    (void)up_to;
    (void)limit;
    return size_t{0};
  }
};
// ---- end of storage backends ----

class Hub {
 public:
  // The SQLite hub: opens (creating and migrating) the database file.
  static Result<std::unique_ptr<Hub>> Open(const std::string& path, WallClock& wall,
                                           const HubOptions& options = {});
  // A hub on another backend of the storage seam (PostgreSQL: PgSqlDb and PgHubBackend; SQLite's
  // is Open(path), which also installs its digest trigger and functions): `db` holds the hub's
  // tables (migrated), `backend` its counters, applied sets and change log, `catalog` the
  // replicated tables (the SQLite hub schema's, Catalog::Load). All three outlive the Hub.
  static Result<std::unique_ptr<Hub>> Open(SqlDb& db, HubBackend& backend, const Catalog& catalog,
                                           WallClock& wall, const HubOptions& options = {});
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Applies a replica's set in one transaction (a savepoint when one is open: a group commit's
  // batch). A push with a gate holds the counters from before its first row (PostgreSQL: the
  // counter row's lock, after the set id is claimed), so that what the gate reads and what the
  // merge merges into is one stored state, which no other writer of the hub's rows (each takes
  // the counters too) changes before COMMIT.
  Result<PushResult> ApplyPush(const ChangeSet& set, const PushOptions& options = {});

  // The next page after `cursor`: rows changed after it, in hub sequence order, at most `limit`
  // rows scanned. With a scope, rows of customers outside it are skipped, a customer that entered
  // the scope after `cursor` comes with the rows it had before (a snapshot), and one that left it
  // is listed in changes.evicted_customers. With a scope whose feed reaches back to `cursor`
  // (PullScope::FeedAfter), only the rows the feed and the scope events name are read: a page
  // costs in proportion to the puller's own changes, not to everyone's.
  Result<PullPage> Pull(uint64_t cursor, size_t limit, PullScope* scope = nullptr);
  // The next page of a snapshot (see SnapshotPosition): at most `limit` rows after `from`, read
  // by the scope's own customers (each row read once, whatever else the hub holds). Start with
  // SnapshotPosition{.seq = LatestSeq()}. Without a scope, every row of every table.
  Result<SnapshotPage> PullSnapshot(const SnapshotPosition& from, size_t limit,
                                    PullScope* scope = nullptr);

  // Changes authored by the hub itself (a manager's command, the grading job, demo data): stamped
  // with the hub clock and applied like any other, in one transaction.
  Result<PushResult> Write(const std::vector<RowWrite>& rows,
                           const ApplyObserver* observer = nullptr);
  // The same with options (observer, move_fact_customers; a gate is ignored).
  Result<PushResult> Write(const std::vector<RowWrite>& rows, const PushOptions& options);
  Result<PushResult> Write(const std::string& table, const std::string& row_id,
                           const std::vector<std::pair<std::string, Value>>& columns,
                           const ApplyObserver* observer = nullptr);

  // Hub-authored rows in bulk (issue #17: a spreadsheet import's batch): what Write(rows, observer)
  // would store -- the same rows, versions, refusals, observer calls, duplicate flags and
  // digests -- with far fewer statements. Rows go through MergeEngine::ApplyBatch: stored rows
  // are read a table at a time and new ones inserted many per statement; a row whose `fresh`
  // entry is true (most likely new: an import's new record) is not even read first (should it
  // be stored after all, it is read and merged then). Each changed row gets its own sequence
  // number, in row order. The rows are applied in segments that name each row once; a segment is
  // written whole and then shown to the observer row by row in order, so what the observer
  // records with AllocateSeq (scope events) follows the segment's rows rather than each row.
  // `fresh` may be empty (no row assumed new) or have one entry per row.
  // `in_callers_transaction`: the caller's open transaction makes this write atomic -- it rolls
  // that whole transaction back when this fails -- so the write takes no savepoint of its own.
  // With a savepoint open, every page a batch touches is copied into SQLite's sub-journal and
  // each multi-row statement's journal is cut back from it (quadratic in the batch: 11% of an
  // orders import's CPU, docs/import.md); without one, a statement journals only its own pages.
  // kInvalidArgument (nothing written) when no transaction is open.
  Result<PushResult> WriteBulk(const std::vector<RowWrite>& rows, const std::vector<bool>& fresh,
                               const ApplyObserver* observer = nullptr,
                               bool in_callers_transaction = false);

  // A row's replicated values (schema order), or nullopt when it does not exist. Inside a push's
  // gate, the row being judged is answered from the read the merge uses (GateDecision).
  Result<std::optional<std::vector<Value>>> ReadValues(const TableInfo& table,
                                                       const std::string& row_id);

  // The next hub sequence number, for records the server keeps in step with the hub's changes
  // (scope events). Call inside a transaction on db().
  Result<uint64_t> AllocateSeq();
  Result<uint64_t> LatestSeq();
  // Takes the hub's counters for the enclosing transaction on sql() (HubBackend::LockCounters),
  // before any write in it takes a number: from here until that transaction ends no other writer
  // takes sequence numbers (SQLite: its write transaction holds the one writer's lock already;
  // PostgreSQL: the counter row's lock, waited for while another instance's transaction holds it
  // until its COMMIT). The group commit takes them first and only then chooses its batch
  // (server/store/group_commit.h). kInternal outside a transaction.
  Status LockCounters();
  // After a transaction that wrote through this Hub rolled back (a failed COMMIT of a batch that
  // applied several pushes, group_commit.h): forgets what it cached from it (replica origins,
  // pending digest changes). Sequence numbers are not reused: a rollback leaves a gap.
  void ForgetUncommitted();

  // ---- Compaction (issue #8: the nightly job) ----
  // Physically removes up to `limit` tombstones -- rows of mutable tables with deleted = 1 whose
  // latest change has a hub sequence below `before_seq` -- with their duplicate-detection keys, in
  // one transaction. Facts are never removed. The caller raises the history floor to at least
  // `before_seq` first: a device that has not seen a purged deletion then rebuilds from a snapshot
  // instead of keeping the row. A backend that keeps a change log (PostgreSQL) forgets up to
  // `limit` of its entries below `before_seq` in the same transaction (`more` while some remain).
  Result<TombstonePurge> PurgeTombstones(uint64_t before_seq, size_t limit);
  // Moves the hub sequence forward to at least `at_least` (never back). Restoring a backup does
  // this, so that sequence numbers devices saw before the restore are never handed out again.
  Status AdvanceSeq(uint64_t at_least);
  // ---- end of compaction ----

  // ---- Verification (docs/sync.md, "Verification and repair") ----
  // The hub keeps per-owner digests of every replicated table up to date on every write
  // (fb_owner_digests; digest_tracker.h). ReadRowsByKey gives the full rows (every written column
  // with its version, as pulls send them, tombstones included) of `table` whose bucket key -- its
  // customer column, or its id for tables of no customer (row_digest.h) -- is one of `keys`, in
  // key then id order.
  Result<ChangeSet> ReadRowsByKey(const TableInfo& table, const std::vector<std::string>& keys);
  // Recomputes every per-owner digest from the rows (the digests are kept up to date on every
  // write; this is for a database edited by hand). One transaction; reads every row.
  Status RecomputeDigests();
  // ---- end of verification ----

  // The SQLite hub's connection (Open(path) only).
  Db& db() { return *db_; }
  // The hub's connection on the storage seam (either backend): stores that keep server records in
  // step with the hub's transactions use it.
  SqlDb& sql() { return *sql_; }
  SqlDialect dialect() const { return sql_->dialect(); }
  const Catalog& catalog() const { return catalog_; }
  HybridClock& clock() { return *clock_; }
  const std::string& hub_id() const { return options_.hub_id; }

 private:
  Hub() = default;
  static Result<std::unique_ptr<Hub>> Open(SqlDb& db, HubBackend& backend, const Catalog& catalog,
                                           WallClock& wall, const HubOptions& options,
                                           std::unique_ptr<DigestContext> digests);
  Result<PushResult> ApplyRows(const ChangeSet& set, const PushOptions& options, bool from_replica);
  // Notes a changed row for the backend's change log (HubBackend::logs_rows).
  void LogRow(const TableInfo& table, const std::string& row_id, uint64_t seq);
  // The change set of a hub-authored write: every column stamped with the hub's clock.
  ChangeSet HubChangeSet(const std::vector<RowWrite>& rows);
  // The end of a write, before its commit: duplicate flags for `duplicate_candidates`, the
  // digests gathered, the sequence number and the clock.
  Status FinishWrite(const std::vector<std::string>& duplicate_candidates);
  // The stored sequence number and clock, taken for this write (HubBackend::LockCounters), once.
  Status TakeCounters();
  // The SQL text for this backend: `postgres` where the dialects differ.
  std::string Pick(std::string sqlite, std::string postgres) const {
    return dialect() == SqlDialect::kPostgres ? std::move(postgres) : std::move(sqlite);
  }
  Result<PullPage> PullFeed(uint64_t cursor, size_t limit, PullScope& scope,
                            const std::vector<FeedEntry>& feed);
  Status AppendCustomerRows(const std::string& customer_id, uint64_t up_to, ChangeSet& out,
                            std::vector<int64_t>& origin_map);
  Status AppendRow(const TableInfo& table, const std::string& row_id, ChangeSet& out,
                   std::vector<int64_t>& origin_map);
  void AppendStoredRow(const TableInfo& table, const std::string& row_id, const StoredRow& row,
                       ChangeSet& out, std::vector<int64_t>& origin_map);

  struct Internals;
  std::unique_ptr<Db> db_;                   // the SQLite hub's (Open(path))
  std::unique_ptr<SqlDb> own_sql_;           // over db_ (Open(path))
  std::unique_ptr<HubBackend> own_backend_;  // SQLite's (Open(path))
  SqlDb* sql_ = nullptr;
  HubBackend* backend_ = nullptr;
  Catalog catalog_;
  std::unique_ptr<HybridClock> clock_;
  std::unique_ptr<Internals> in_;
  HubOptions options_;
  WallClock* wall_ = nullptr;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_HUB_H_

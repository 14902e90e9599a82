// ServerStore: the server's database — the Hub (everyone's data and its sync bookkeeping) plus the
// server's own tables: device credentials, per-rep scopes and their history, and the conflict list
// of edits made after a reassignment.
//
// The storage seam. Every SQL statement of the server lives in server/store/: this class and the
// repositories beside it (audit_store, assignment_store, console_store, device_tokens,
// grading_store, import_store, nightly_store, pool_store, verification_store, backup, db_check),
// plus the shared Hub underneath. The rest of the server (api/, commands/, nightly/, import/)
// calls their typed methods and makes several calls atomic with BeginWrite(); it never sees the
// SQLite connection (no hub().db() outside server/store/). The same classes run on either
// backend (Backends, below).
//
// Direction. ServerStore owns the Hub and calls down into it. The Hub never knows ServerStore:
// the push gate (GateForRep), the scope observer (MakeScopeObserver) and the snapshot scope
// filter are closures that ServerStore hands to one Hub call at a time (ApplyPush, Write,
// PullSnapshot); the Hub calls them inside that call's transaction, on its own connection, and
// keeps none of them.
//
// Scopes. A customer belongs to its owner_rep_id, or, when it has none, to the rep of its
// territory. Every change of that (a new customer, a reassignment, a territory moving to another
// rep) is recorded as scope events numbered in step with the hub's changes, inside the same
// transaction; pulls use them to bring a newly assigned customer's history and to purge a customer
// that moved away.
//
// Reassignment. Edits a rep pushes for a customer no longer theirs are handled by
// GateForRep: facts (visits, orders, order lines, feedback) are kept and attributed to the rep who
// recorded them; field edits stamped before the move merge normally; later field edits go to the
// conflict list for the new owner and managers, and the rep is told (server_conflicts.cc).
// A row naming a garage a manager merged away since goes to the survivor (DuplicateStore::
// FollowMerges) and is judged as a row of the survivor, the loser's removal counting as a move.
//
// Feeds. Every change of a row is also entered, in the same transaction, in the feed of the rep
// holding its customer at that moment (or the shared feed for reps, territories and grading
// rules), so a rep's incremental pull reads only its own changes (server_store_pull.cc).
//
// Backends. Open(db) takes a SQLite file, or a PostgreSQL database (NamesPostgres: postgresql://…,
// postgres://…, or a libpq "host=… dbname=…" string): one connection (PgDb), the PostgreSQL
// migrations run on open (safe when several instances start at once), the Hub over PgSqlDb and
// PgHubBackend with the SQLite hub schema's catalog (PostgreSQL's tables have its columns in its
// order). Every statement of this class runs on sql(), the hub's connection, with the text picked
// by dialect where the two differ (store_sql.h's SqlFor).
//
// Thread safety: not thread-safe. The server serialises access to its writer (SyncService holds
// a mutex) and keeps other ServerStores on the same database for concurrent reads
// (read_stores.h); other processes may use the same file concurrently (SQLite WAL), and on
// PostgreSQL any number of instances the same database (each ServerStore its own connection).
#ifndef FIELDBOOK_SERVER_SERVER_STORE_H_
#define FIELDBOOK_SERVER_SERVER_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/hub.h"
#include "fieldbook/row_id.h"
#include "fieldbook/sql_db.h"
#include "fieldbook/status.h"
#include "fieldbook/value.h"
#include "store/device_tokens.h"

namespace fieldbook::server {

struct AuditEntry;  // audit_store.h

struct Principal {
  Principal() = default;
  Principal(std::string rep, std::string rep_name, std::string rep_role, int64_t device_id = 0,
            std::string device_name = {})
      : rep_id(std::move(rep)),
        name(std::move(rep_name)),
        role(std::move(rep_role)),
        device_id(device_id),
        device(std::move(device_name)) {}

  std::string rep_id;
  std::string name;
  std::string role;       // "rep" or "manager"
  int64_t device_id = 0;  // the device whose token this is (device_tokens.h)
  std::string device;
  bool is_manager() const { return role == "manager"; }
};

struct NewRep {
  std::string id;  // empty: generated
  std::string name;
  std::string role = "rep";
  std::string phone;
  std::string email;
  std::string regions;
};

struct RepInfo {
  std::string id;
  std::string name;
  std::string role;
  bool active = true;
  int64_t customers = 0;  // in scope now, deleted ones left out
};

struct TerritoryInfo {
  std::string id;
  std::string name;
  std::string region;
  std::string city;
  std::string rep_id;
  int64_t customers = 0;
};

struct Conflict {
  int64_t id = 0;
  std::string customer_id;
  std::string table;
  std::string row_id;
  std::string column;
  std::string value_json;
  Hlc hlc;
  std::string from_rep;
  std::string owner_rep;
  int64_t created_ms = 0;
  std::string status;
  // "column": one held field edit of an existing record (value_json: the value). "row": a new
  // record made after the move, held whole (column "*", value_json: an object of its columns).
  std::string kind = "column";
};

// One held edit as a rep's device knows it (its review list), to ask what became of it.
struct HeldEdit {
  std::string table;
  std::string row_id;
  std::string column;  // "*" for a new record held whole
  Hlc hlc;
};

struct ScopeTrim {
  size_t forgotten = 0;
  size_t kept = 0;          // latest removals kept for the push gate
  uint64_t scanned_to = 0;  // the last event looked at
  bool done = false;        // nothing left before the bound
};

// Where a bounded trim of the feeds stands (ServerStore::TrimFeeds).
struct FeedTrim {
  size_t forgotten = 0;   // entries forgotten by the last call
  std::string rep;        // the feed reached (rep id; '' is the shared feed)
  bool rep_done = false;  // that feed has nothing left below the bound
  bool done = false;      // no feed has
};

// What StartNewHistory did.
struct NewHistory {
  uint64_t previous_epoch = 0;
  uint64_t epoch = 0;
  uint64_t history_floor = 0;
};

// A write transaction on the server's database: what the store and its repositories write
// between ServerStore::BeginWrite and Commit commits together; destroyed without Commit, it rolls
// back. Begun inside another, it is a savepoint of it. Part of the storage seam: callers outside
// server/store/ see only this, never the SQLite connection. It is the seam's own transaction.
using StoreTransaction = SqlTransaction;

// A read snapshot on the server's database (ServerStore::BeginRead): every store read made
// until it is destroyed sees the same committed state. Part of the storage seam.
class StoreRead {
 public:
  virtual ~StoreRead() = default;
};

class ServerStore {
 public:
  // `db`: the SQLite file (created and migrated), or a PostgreSQL database (NamesPostgres; its
  // migrations applied). A PostgreSQL server that cannot be reached is kUnavailable.
  static Result<std::unique_ptr<ServerStore>> Open(const std::string& db, WallClock& wall,
                                                   const HubOptions& options = {});
  ~ServerStore();

  // Whether `db` names a PostgreSQL database rather than a SQLite file: postgresql://…,
  // postgres://…, or a libpq key=value string that starts with host=, hostaddr=, dbname=, user=,
  // port= or service=.
  static bool NamesPostgres(const std::string& db);
  bool on_postgres() const { return pg_ != nullptr; }
  // After a failure that lost the PostgreSQL connection (kUnavailable: the server restarted,
  // failed over, or ended the session): connects again, and forgets what the hub cached from a
  // transaction the server rolled back. Nothing to do on SQLite or on a live connection.
  Status Reconnect();

  Hub& hub() { return *hub_; }
  // The server's database on the storage seam (fieldbook/sql_db.h): what the stores beside this
  // class (audit_store, console_store, ...) prepare their SQL on: the hub's own connection (one
  // statement cache, one transaction), on either backend.
  SqlDb& sql() { return hub_->sql(); }
  WallClock& wall() { return *wall_; }
  // The database file (backups copy it); on PostgreSQL the connection string Open was given.
  const std::string& path() const { return location_; }
  // Makes the writes of several store calls atomic (StoreTransaction).
  Result<std::unique_ptr<StoreTransaction>> BeginWrite();
  // Makes several store reads see one snapshot (StoreRead); inside a write, joins it.
  Result<std::unique_ptr<StoreRead>> BeginRead();
  // After a write transaction failed to commit: forgets what this connection cached from it
  // (the hub's replica origins), so the next write starts from what is on disk.
  void ForgetUncommitted();

  // Reps and credentials (server_store_devices.cc; device_tokens.h has the rules).
  // Creates the rep and its first device token, returned once (only its hash is stored).
  // `actor` adds it (the audit log); `device` names the device of the first token.
  Result<std::pair<std::string, std::string>> AddRep(  // (rep id, token)
      const NewRep& rep, const std::string& actor = "system",
      const std::string& device = "first device");
  // A token for the rep's device `device` (empty: "device-<n>"), returned once.
  // `actor` (here and below) is who does it, for the audit log (audit_store.h).
  Result<std::string> IssueToken(const std::string& rep_id, const std::string& device,
                                 const std::string& actor);
  Result<std::pair<DeviceInfo, std::string>> IssueDeviceToken(const std::string& rep_id,
                                                              const std::string& device,
                                                              const std::string& actor);
  // A disabled rep's devices are refused until EnableRep; devices revoked one by one stay so.
  Status DisableRep(const std::string& rep_id, const std::string& actor);
  Status EnableRep(const std::string& rep_id, const std::string& actor);
  Result<std::vector<RepInfo>> ListReps();
  // `rep_id` empty: every rep's devices. kNotFound for an unknown rep.
  Result<std::vector<DeviceInfo>> ListDevices(const std::string& rep_id);
  // Revokes one device of the rep, by id (> 0) or name; the rep's other devices keep working.
  Result<DeviceInfo> RevokeDevice(const std::string& rep_id, const std::string& device, int64_t id,
                                  const std::string& actor);
  Status RecordDeviceSyncs(const std::vector<DeviceSync>& syncs);
  // The active rep and device a token belongs to; nullopt for unknown, revoked or disabled.
  Result<std::optional<Principal>> Authenticate(const std::string& token);

  // Territories and assignment. `actor` is recorded in the scope history and, with `reason`, in
  // the audit log (one entry per call, audit_store.h).
  Result<std::string> AddTerritory(const std::string& name, const std::string& region,
                                   const std::string& city);
  Result<std::vector<TerritoryInfo>> ListTerritories();
  Status AssignTerritory(const std::string& territory_id, const std::string& rep_id,
                         const std::string& actor, const std::string& reason = "");
  // Refused (kConflict) for a customer in the public pool: pool_store.h assigns those.
  // `action` names the audit entry ("assign.move" for the assignment rules' moves).
  Status ReassignCustomer(const std::string& customer_id, const std::string& rep_id,
                          const std::string& actor, const std::string& reason = "",
                          const std::string& action = "customer.reassign");
  // Sets a customer's owner_rep_id (empty: none) and recomputes who holds it, with `reason` in the
  // scope history. For the pool (pool_store.h), which maintains srv_pool itself: a customer listed
  // there is held by nobody, whatever its owner or territory.
  Status SetCustomerOwner(const std::string& customer_id, const std::string& rep_id,
                          const std::string& reason);

  // Scopes.
  Result<std::unordered_set<std::string>> ScopeOf(const std::string& rep_id);
  Result<std::vector<ScopeEvent>> ScopeEventsAfter(const std::string& rep_id, uint64_t cursor,
                                                   size_t limit);
  // The rep's change feed after `cursor` (srv_feed, docs/sync.md "Steady state: per-rep feeds"):
  // its own entries and the shared ones, at most `limit`, in sequence order; nullopt when
  // `cursor` is older than the feeds (fb_meta.feed_floor: changes made before they existed).
  Result<std::optional<std::vector<FeedEntry>>> FeedAfter(const std::string& rep_id,
                                                          uint64_t cursor, size_t limit);
  // Applies a rep's push with scope and read-only-column checks.
  Result<PushResult> ApplyRepPush(const Principal& rep, const ChangeSet& set);
  // One page for a rep's replica: their customers and the shared reps and territories. Notes the
  // sync (NoteRepSync). A final page (more = false) carries the hub's latest sequence as its
  // cursor.
  Result<PullPage> PullForRep(const std::string& rep_id, uint64_t cursor, size_t limit);
  // One page of a snapshot of the rep's scope (Hub::PullSnapshot) from `from`; a snapshot starts
  // at SnapshotPosition{.seq = LatestSeq()}. Notes the sync (NoteRepSync).
  Result<SnapshotPage> SnapshotForRep(const std::string& rep_id, const SnapshotPosition& from,
                                      size_t limit);
  // Records in srv_rep_sync that a device of the rep synced now: a pull follows the request's
  // push, so everything the device had logged before then has reached the server (the pool's
  // offline-work rule, docs/assignment.md). The rule only asks on which UTC day a rep last synced,
  // so only the first sync of each UTC day is written: a read-only pull page writes nothing
  // durable otherwise.
  Status NoteRepSync(const std::string& rep_id);
  // Whether NoteRepSync would write nothing now (the rep's sync is noted for today): a reader's
  // question, so that only a pull that must note the sync asks the writer.
  Result<bool> RepSyncNotedToday(const std::string& rep_id);
  // PullForRep and SnapshotForRep without noting the sync: pure reads, for read connections
  // (read_stores.h), inside BeginRead's snapshot.
  Result<PullPage> ReadPullForRep(const std::string& rep_id, uint64_t cursor, size_t limit);
  Result<SnapshotPage> ReadSnapshotForRep(const std::string& rep_id, const SnapshotPosition& from,
                                          size_t limit);

  // The hub's epoch: a random number made when the database is created and replaced by every
  // restore (NewEpoch), so a device can tell that the history it saw is gone (docs/sync.md).
  Result<uint64_t> Epoch();
  Result<uint64_t> NewEpoch();
  // The epoch of a database that has none yet (Open): set by one conditional write, so that
  // several instances opening a new database at once agree on it; returns the epoch in force.
  Result<uint64_t> StartEpoch();
  // After the database was put back from a backup (restore, pg_restore): moves the hub sequence
  // `seq_gap` ahead of the latest (numbers devices may have seen after the backup are never
  // handed out again), raises the history floor to it and makes a new epoch, in one transaction.
  // Every device then sends again what it wrote and rebuilds (docs/sync.md, "Restores").
  Result<NewHistory> StartNewHistory(uint64_t seq_gap);
  // Hub-authored writes that keep scopes in step (demo data, manager edits).
  Result<PushResult> Write(const std::vector<RowWrite>& rows);
  // The same, with `scope_reason` in the scope history of the customers it moves, and, with
  // `move_fact_customers`, facts re-pointed to another customer (a manager's merge of duplicate
  // customers, duplicate_store.h; Hub::Write's PushOptions::move_fact_customers).
  Result<PushResult> Write(const std::vector<RowWrite>& rows, bool move_fact_customers,
                           const std::string& scope_reason);
  // The same through the hub's bulk path (Hub::WriteBulk; an import's batches): `fresh[i]`, row
  // i is most likely new (not looked for first). `in_callers_transaction`: the caller's open
  // transaction (BeginWrite) makes it atomic and is rolled back whole when this fails, so neither
  // this nor the hub takes a savepoint (Hub::WriteBulk says why that is faster).
  Result<PushResult> WriteBulk(const std::vector<RowWrite>& rows, const std::vector<bool>& fresh,
                               bool in_callers_transaction = false);

  // Conflicts left by reassignments (server_conflicts.cc).
  Result<std::vector<Conflict>> ListConflicts(const std::string& owner_rep_filter, bool open_only);
  // "apply" writes the value (a new record: all its columns) as a new hub edit; "dismiss" drops
  // it. Both are recorded (and audited).
  Status ResolveConflict(int64_t id, const std::string& action, const std::string& actor,
                         const std::string& reason = "");
  // What became of edits `rep_id` pushed that were held for review: per edit "open", "applied",
  // "dismissed", or "unknown" (no such held edit of theirs).
  Result<std::vector<std::string>> HeldEditStatus(const std::string& rep_id,
                                                  const std::vector<HeldEdit>& edits);

  // For a reviewer of a held edit (server_conflicts.cc): the row's current values of `columns`
  // (catalog columns of `table`; kInvalidArgument for any other), or nullopt when there is no
  // such row.
  Result<std::optional<std::vector<Value>>> CurrentValues(const TableInfo& table,
                                                          const std::string& row_id,
                                                          const std::vector<std::string>& columns);
  // The customer's name ("" when it has none or does not exist).
  Result<std::string> CustomerName(const std::string& customer_id);

  // Appends an entry to the audit log (audit_store.h), inside the caller's transaction if any.
  Status Audit(AuditEntry entry);

  // The canonical export of exactly what `rep_id`'s replica should hold.
  Status ExportForRep(const std::string& rep_id, std::ostream& out);

  // History: pulls from a cursor below the floor must rebuild from a fresh snapshot.
  Result<uint64_t> HistoryFloor();
  // Raises the floor first, then forgets scope events and feed entries before `before_seq` (see
  // TrimScopeEvents, TrimFeeds) and applied-set answers older than `applied_before_ms`, in one
  // transaction. Returns the floor.
  Result<uint64_t> TrimHistory(uint64_t before_seq, uint64_t applied_before_ms);

  // Compaction in bounded steps (the nightly job, issue #8); each call is one transaction.
  // Raises the history floor to `floor` (never lowers it); returns the floor in force. Raise it
  // before forgetting anything below it, so no pull can miss what is being forgotten.
  Result<uint64_t> RaiseHistoryFloor(uint64_t floor);
  // Looks at the next `limit` scope events after `after_seq` and before `before_seq` and forgets
  // them, except, for each rep and customer the rep no longer holds, the latest removal: the push
  // gate needs its time to keep a long-offline rep's work on a customer that moved away. Call
  // again from `scanned_to` until `done`.
  Result<ScopeTrim> TrimScopeEvents(uint64_t after_seq, uint64_t before_seq, size_t limit);
  // Forgets up to `limit` feed entries below `before_seq` (at most the history floor + 1: raise it
  // first), feed by feed from where `from` stands (start with FeedTrim{}); one transaction. Call
  // again with the result until `done`.
  Result<FeedTrim> TrimFeeds(const FeedTrim& from, uint64_t before_seq, size_t limit);
  // Forgets up to `limit` stored push answers applied before `before_ms` (a set retried after
  // that is applied again, which the merge makes harmless). Returns how many were forgotten.
  Result<size_t> TrimAppliedSets(uint64_t before_ms, size_t limit);

  bool RepExists(const std::string& rep_id);

 private:
  ServerStore() = default;
  ApplyObserver MakeScopeObserver();
  // Brings srv_scope in step with who holds the customer now, with a scope event per change.
  // `holders`: its srv_scope rows when the caller has just read them (FeedRow), else read here.
  Status RecomputeScope(const std::string& customer_id, const std::string& reason,
                        const std::vector<std::string>* holders = nullptr);
  // Adds a changed row's entry to the feed of the rep who holds its customer (or to the shared
  // feed), inside the write's transaction. `customer_holders` (may be null) gets who that is
  // when the row has a customer: that customer's srv_scope rows.
  Status FeedRow(const AppliedRow& row,
                 std::optional<std::vector<std::string>>* customer_holders = nullptr);
  // The feed entries of a bulk write (WriteBulk), written many per statement before it commits.
  Status FlushBulkFeed();
  Result<std::string> HolderOf(const std::string& customer_id);  // "" when nobody holds it
  Status SetRepActive(const std::string& rep_id, bool active, const std::string& actor);
  Status RecordConflict(const Conflict& c);
  // The push gate's answer for a field edit of a customer that moved away from `rep_id` at
  // `removal`: columns stamped before it stay in `change`, later ones are held in the conflict
  // list.
  Result<GateDecision> DivertAfterMove(const std::string& rep_id, const TableInfo& t,
                                       RowChange& change, const std::string& customer, bool exists,
                                       Hlc removal);
  Result<std::optional<Hlc>> LastRemoval(const std::string& rep_id, const std::string& customer_id);
  Result<std::string> CustomerOfRow(const TableInfo& table, const RowChange& change, bool* exists,
                                    bool* moves);
  // Why a pushed row of `customer` must be refused by its table's own rules (another rep's name
  // where the table has a rep column, a void of another customer's fact), or nullopt.
  Result<std::optional<std::string>> CheckRowRules(const TableInfo& table, const RowChange& change,
                                                   const Principal& rep,
                                                   const std::string& customer, bool exists);

  struct PgConnection;                // server_store.cc: the PostgreSQL connection under the hub
  std::unique_ptr<PgConnection> pg_;  // declared before hub_: outlives it
  std::string location_;              // path()
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<DeviceTokens> devices_;
  std::unique_ptr<RowIdGenerator> ids_;
  WallClock* wall_ = nullptr;
  std::string scope_reason_;  // why the current write changes scopes (for the event log)
  // During a bulk write (WriteBulk): FeedRow remembers each customer's holders (RecomputeScope
  // forgets a customer's when it changes them) and keeps the entries for FlushBulkFeed.
  struct BulkFeed {
    bool on = false;
    std::unordered_map<std::string, std::vector<std::string>> holders;
    struct Entry {
      std::string rep;
      uint64_t seq = 0;
      int table = 0;
    };
    std::vector<Entry> entries;
  };
  BulkFeed bulk_feed_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_SERVER_STORE_H_

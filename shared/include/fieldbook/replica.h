// Replica: the sync core of one rep's device — a SQLite file holding the rep's slice of the
// data, the capture of every local write (change_capture), and the three steps of a sync:
//   1. PreparePushBytes()  packs the outbox into a change set, stores its encoding and returns it
//                          (or returns the unacknowledged set's stored bytes as they are, so a
//                          retry is byte for byte the first attempt and is recognised by the hub);
//   2. AcknowledgePush()   records the hub's answer: accepted writes leave the outbox, refused rows
//                          go to the review list with the hub's reason;
//   3. ApplyPull()         merges a page of hub changes and advances the cursor (never backwards);
//                          customers that left the rep's scope are purged, but only once none of
//                          their local writes is still waiting to be pushed.
// Local writes are plain SQL on db(); the triggers stamp and record them.
//
// Thread safety: not thread-safe. One Replica per file per process, used from one thread; the
// desktop app gives it its own worker thread and talks to it through a queue.
#ifndef FIELDBOOK_REPLICA_H_
#define FIELDBOOK_REPLICA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/change_set.h"
#include "fieldbook/hlc.h"
#include "fieldbook/row_id.h"
#include "fieldbook/sqlite_db.h"
#include "fieldbook/status.h"

namespace fieldbook {

struct ReplicaOptions {
  // The replica's id when the file is created; empty makes a random one. Ignored on reopen.
  std::string replica_id;
  // Upper bound of rows in one push, so one set stays small enough to send and apply.
  size_t max_push_rows = 2000;
  // Seeds the generator of row and set ids (tests, simulations); empty = random.
  std::optional<uint64_t> id_seed;
};

// What the hub said about a pulled page besides its rows (SyncResponse, docs/sync.md "Pulling").
struct PullPosition {
  bool snapshot = false;       // the page is part of a snapshot of the scope
  std::string snapshot_token;  // with snapshot: where the next page resumes; "" = complete
  uint64_t epoch = 0;          // the hub's epoch (0: the hub did not say)
};

struct PullStats {
  size_t rows_received = 0;
  size_t rows_changed = 0;
  size_t rows_failed = 0;  // rows the replica could not store (should not happen; logged)
  size_t customers_evicted = 0;
  size_t evictions_deferred = 0;
  uint64_t cursor = 0;
};

// Replica verification (docs/sync.md, "Verification and repair").
struct ReplicaDigests {
  uint32_t buckets = 0;               // buckets per table
  uint64_t schema = 0;                // DigestSchemaFingerprint: what the digests cover
  std::vector<BucketDigest> digests;  // non-empty buckets, by table code and bucket
};

struct RepairStats {
  size_t buckets = 0;        // buckets replaced
  size_t rows_received = 0;  // rows the hub sent for them
  size_t rows_written = 0;   // rows that differed here (missing, edited) and were rewritten
  size_t rows_removed = 0;   // rows the hub does not have
  size_t rows_failed = 0;    // rows that could not be stored (unknown table or column, outside
                             // the listed buckets)
  // Rows kept although the hub lacks them or has them otherwise, because a local write of theirs
  // waits to be pushed; their buckets differ from the hub's until it lands.
  size_t rows_kept_pending = 0;
  size_t buckets_still_different = 0;  // after the repair, compared with the hub's digests
};

struct ReviewItem {
  int64_t id = 0;
  std::string set_id;
  std::string table;
  std::string row_id;
  std::string code;
  std::string reason;
  std::string payload_json;  // the values the server did not take: {"column": value, ...}
  // A manager resolved every held edit of it (docs/sync.md, "The review list"); outcome says how
  // ("applied", "dismissed", or both with counts).
  bool resolved = false;
  std::string outcome;
};

// An edit of an open review item that the server holds for review (code "reassigned"), as the
// server knows it: ask it what became of it (POST /v1/conflicts/status).
struct HeldReviewEdit {
  int64_t review_id = 0;
  std::string table;
  std::string row_id;
  std::string column;
  Hlc hlc;
};

class Replica {
 public:
  static Result<std::unique_ptr<Replica>> Open(const std::string& path, WallClock& wall,
                                               const ReplicaOptions& options = {});
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  Db& db() { return *db_; }
  const Catalog& catalog() const { return catalog_; }
  const std::string& replica_id() const { return replica_id_; }
  HybridClock& clock() { return *clock_; }
  RowIdGenerator& ids() { return *ids_; }
  uint64_t cursor() const { return cursor_; }
  // Snapshots and restores (docs/sync.md): where the snapshot being received resumes ("" = none),
  // the hub epoch this replica's cursor belongs to (0 = none yet), and whether the replica must be
  // rebuilt once its pending writes are pushed (the hub was restored from a backup).
  const std::string& snapshot_token() const { return snapshot_token_; }
  uint64_t epoch() const { return epoch_; }
  bool rebuild_wanted() const { return rebuild_wanted_; }

  // ---- Pushing (docs/sync.md, "Pushing") ----
  // The next push as the bytes that go out (SyncRequest::push_bytes): while the hub has not
  // acknowledged the stored set (fb_pending_push), its stored bytes as they are, byte for byte
  // what the first attempt sent, neither decoded nor re-encoded, nor its rows read again (writes
  // made since wait for the next set); otherwise a new set packed from the outbox, encoded once,
  // stored and tied to its outbox rows in one transaction before it is returned. nullopt when
  // nothing is waiting.
  struct EncodedPush {
    std::string set_id;
    std::string bytes;  // EncodeChangeSet of the set, its cursor the one it was made at
  };
  Result<std::optional<EncodedPush>> PreparePushBytes();
  // The same push decoded, for a hub older than wire version 4 (it reads only SyncRequest::push)
  // and for tools and tests; a stored set comes with the current cursor. A stored set that can no
  // longer be decoded (damaged on disk) is dropped and its writes, still in the outbox, are packed
  // again under a new set id (nothing the hub cannot read was applied; versions make a repeat
  // harmless).
  Result<std::optional<ChangeSet>> PreparePush();
  // Records the hub's answer to the pending push with the same set id; `rows`, when given, is set
  // to the number of rows the set carried.
  Status AcknowledgePush(const PushResult& result, size_t* rows = nullptr);
  // The wire schema version of the hub's latest answer (SyncResponse::schema_version), kept in
  // fb_meta so that a sync knows before its first answer whether the hub reads push bytes
  // (kWirePushBytesVersion); 0 = not known yet. RecordHubWireVersion writes only a change.
  uint32_t hub_wire_version() const { return hub_wire_version_; }
  Status RecordHubWireVersion(uint32_t version);
  // Merges one pulled page; page.cursor becomes the cursor when it is ahead of the current one.
  // The page's snapshot token and the hub's epoch are stored with it, in the same transaction, so
  // a snapshot killed at any moment resumes after the last page stored.
  Result<PullStats> ApplyPull(const ChangeSet& page, const PullPosition& position = {});

  // ---- Pull batches (docs/sync.md, "Storing a long pull") ----
  // Between BeginPullBatch and CommitPullBatch, ApplyPull stores its pages into one open
  // transaction instead of one each, so a long pull (a snapshot) commits a few times rather than
  // once per page. Nothing of the batch is durable before CommitPullBatch: a kill rolls it back
  // and the next sync resumes from the position of the last commit (the snapshot token and cursor
  // are stored with every page, in the same transaction). When ApplyPull fails inside a batch,
  // the batch is rolled back whole and cursor(), snapshot_token() and epoch() return to the last
  // commit. Only ApplyPull and the read-only calls may run inside a batch.
  Status BeginPullBatch();
  Status CommitPullBatch();
  void AbortPullBatch();
  bool in_pull_batch() const { return batch_ != nullptr; }

  // The hub lost history this replica saw (it was restored from a backup, docs/sync.md): queues
  // every column version this replica wrote itself and still holds (its own origin) for pushing
  // again -- the hub ignores what it already has -- records `epoch` as the hub's new epoch and
  // marks the replica for a rebuild once they are pushed. One transaction. Returns the rows
  // queued.
  Result<size_t> PrepareRestoreRecovery(uint64_t epoch);

  // Local writes not yet acknowledged by the hub.
  Result<int64_t> PendingWriteCount();
  // Customers that left this rep's scope but wait for pending local writes before the purge.
  Result<std::vector<std::string>> DeferredEvictions();

  // Empties the replica for a rebuild from a fresh snapshot (the hub's history no longer reaches
  // back to this replica's cursor): replicated rows are removed, the cursor returns to 0 and the
  // snapshot token and rebuild mark are cleared. The replica id, clock, epoch and review list
  // stay. Refused with kConflict while writes are unpushed, so
  // that they land first.
  Status ResetForRebuild();
  // Rows the hub refused, or parts of them it holds for review: the open ones, oldest first; with
  // `include_resolved`, then the ones a manager resolved (replica_review.cc).
  Result<std::vector<ReviewItem>> ReviewList(bool include_resolved = false);
  // The held edits of the open review items.
  Result<std::vector<HeldReviewEdit>> HeldEdits();
  // Records what the server said became of held edits (`status[i]` for `edits[i]`: "open",
  // "applied", "dismissed" or "unknown"). A review item whose held edits are all applied or
  // dismissed is resolved. Returns how many items were resolved now.
  Result<size_t> RecordHeldEditStatus(const std::vector<HeldReviewEdit>& edits,
                                      const std::vector<std::string>& status);

  // ---- Verification (docs/sync.md, "Verification and repair") ----
  // The digests of what this replica holds, kept up to date by triggers on every write. With
  // `recompute` (a deep check), or when they were found stale, they are first recomputed from the
  // rows.
  Result<ReplicaDigests> Digests(bool recompute = false);
  // Recomputes every digest from the rows.
  Status RecomputeDigests();
  // Replaces the content of `buckets` with `rows`, the hub's rows of those buckets
  // (SyncResponse::repair): rows of a listed bucket that `rows` lacks are removed, the others are
  // rewritten with the hub's values and versions when they differ. A row with a pending local
  // write is never removed, and its pending columns keep the local value, so that the write still
  // lands. Creates no outbox entries; the cursor does not move.
  Result<RepairStats> ApplyRepair(const std::vector<BucketDigest>& buckets, const ChangeSet& rows);
  // Whether this replica asks to be verified at its next sync: its digest triggers were found
  // missing or changed when it opened, so writes may have escaped them.
  Result<bool> VerificationWanted();
  Status SetVerificationWanted(bool wanted);

 private:
  Replica() = default;
  Status PersistClock();
  // PreparePushBytes; a set made now is also moved to *made when given.
  Result<std::optional<EncodedPush>> NextPush(ChangeSet* made);
  // Unties the stored set `set_id`'s outbox rows and kept older versions and drops its bytes, so
  // that they are packed again (PreparePush, for a set that can no longer be decoded).
  Status ReleasePendingPush(const std::string& set_id);
  // Puts the hub's refusal of `rc` (a row of pushed set `set_id`) on the review list: for a
  // reassignment only the held columns, with their versions.
  Status RecordRejection(const std::string& set_id, const RowChange& rc, const RowRejection& rej);
  Result<bool> HasPendingWritesFor(const std::string& customer_id);
  Status PurgeCustomer(const std::string& customer_id);
  // Purges deferred evictions whose pending writes have been acknowledged. Returns how many.
  Result<size_t> RetryDeferredEvictions();

  // Reloads cursor, snapshot token and epoch from the database (after a rollback).
  Status ReloadPosition();
  // A snapshot's pages are inserted without the AFTER INSERT triggers, inside the pull batch
  // (replica.cc); EndBulkInserts does their work for the batch and creates them again.
  Status BeginBulkInserts();
  Status EndBulkInserts();

  struct Internals;
  std::unique_ptr<Transaction> batch_;  // an open pull batch
  std::unique_ptr<Db> db_;
  Catalog catalog_;
  std::string replica_id_;
  std::unique_ptr<HybridClock> clock_;
  std::unique_ptr<RowIdGenerator> ids_;
  std::unique_ptr<Internals> in_;
  uint64_t cursor_ = 0;
  std::string snapshot_token_;
  uint64_t epoch_ = 0;
  bool rebuild_wanted_ = false;
  uint32_t hub_wire_version_ = 0;
  ReplicaOptions options_;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_REPLICA_H_

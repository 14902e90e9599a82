// The in-memory form of what replicas and the hub exchange: change sets (a batch of row changes
// with per-column versions) and the sync request/response that carry them. The wire form is the
// Cap'n Proto schema in schema/sync.capnp; change_set_codec.h converts between the two.
//
// A column change carries its Version: the Hlc of the write and the replica that made it
// (`origin`, an index into ChangeSet::origins so that replica ids are sent once per set). The
// total order used by every merge is (hlc, origin replica id): greater wins.
//
// Thread safety: value types.
#ifndef FIELDBOOK_CHANGE_SET_H_
#define FIELDBOOK_CHANGE_SET_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fieldbook/hlc.h"
#include "fieldbook/value.h"

namespace fieldbook {

// Version of the wire protocol. Evolution is by adding fields only; a receiver accepts every
// version up to its own and reads absent fields as their defaults. 2 added replica verification,
// 3 scope snapshots, restore epochs, and the columns and row of a rejection, 4 a push sent as the
// stored bytes of its change set (SyncRequest::push_bytes).
inline constexpr uint32_t kWireSchemaVersion = 4;
// The first version whose hubs read SyncRequest::push_bytes.
inline constexpr uint32_t kWirePushBytesVersion = 4;
// The longest snapshot token a request or response may carry (its content is the hub's business).
inline constexpr size_t kMaxSnapshotTokenBytes = 512;

struct ColumnChange {
  std::string column;  // column name in the replicated table
  Value value;
  Hlc hlc;
  uint32_t origin = 0;  // index into ChangeSet::origins

  friend bool operator==(const ColumnChange&, const ColumnChange&) = default;
};

struct RowChange {
  std::string table;
  std::string row_id;
  std::vector<ColumnChange> columns;

  friend bool operator==(const RowChange&, const RowChange&) = default;
};

struct ChangeSet {
  uint32_t schema_version = kWireSchemaVersion;
  std::string set_id;      // unique per set; a retried push reuses it
  std::string replica_id;  // the sender
  uint64_t cursor = 0;     // the sender's hub cursor (pushes) or the page's end cursor (pulls)
  std::vector<std::string> origins;  // replica ids referenced by ColumnChange::origin
  std::vector<RowChange> rows;
  // Pull pages: customers that left the receiver's scope; the replica purges each (with its
  // contacts, tasks, visits, orders, lines, feedback) once no local write of it is pending.
  std::vector<std::string> evicted_customers;

  // Index of `replica_id` in origins, appending it when new.
  uint32_t OriginIndex(const std::string& replica_id);
  size_t ColumnCount() const;

  friend bool operator==(const ChangeSet&, const ChangeSet&) = default;
};

// Why the hub refused a row of a pushed set. The rest of the set is applied.
struct RowRejection {
  std::string table;
  std::string row_id;
  std::string code;    // stable machine code: "out_of_scope", "immutable_fact", "constraint", ...
  std::string reason;  // a sentence for the rep
  // Code "reassigned": the pushed columns held for the new owner's review (the rest of the row was
  // applied). Empty otherwise: the whole row was refused.
  std::vector<std::string> columns;
  // 1 + the position in the pushed set of the row this answers; 0 = not given (an older hub).
  uint32_t row_index = 0;

  friend bool operator==(const RowRejection&, const RowRejection&) = default;
};

// The hub re-stamped the far-future columns of a row to `hlc` (docs/sync.md, clock skew).
struct RowRestamp {
  std::string table;
  std::string row_id;
  Hlc hlc;

  friend bool operator==(const RowRestamp&, const RowRestamp&) = default;
};

// The hub's answer to a push. Identical for every retry of the same set id.
struct PushResult {
  std::string set_id;
  uint32_t rows_accepted = 0;
  std::vector<RowRejection> rejections;
  std::vector<RowRestamp> restamps;

  friend bool operator==(const PushResult&, const PushResult&) = default;
};

// Replica verification (docs/sync.md, "Verification and repair"): the additive digest of the
// live rows of one table that fall in one bucket.
// The most buckets per table a request may use.
inline constexpr uint32_t kMaxDigestBuckets = 4096;

struct BucketDigest {
  uint32_t table = 0;   // table code (catalog.h)
  uint32_t bucket = 0;  // < the bucket count the digests were computed with
  uint64_t rows = 0;    // live rows (tombstones are not counted)
  uint64_t sum = 0;     // the sum of their row digests modulo 2^64

  friend bool operator==(const BucketDigest&, const BucketDigest&) = default;
};

struct SyncRequest {
  uint32_t schema_version = kWireSchemaVersion;
  std::string replica_id;
  bool has_push = false;
  ChangeSet push;  // valid when has_push and push_bytes is empty
  // Version 4: the pushed set as the replica stored it (EncodeChangeSet's bytes), sent as they are
  // instead of `push`, so a retry goes out byte for byte as the first attempt and nothing is
  // decoded and re-encoded (Replica::PreparePushBytes). Only with has_push; `push` is then not
  // sent (the sender may keep the set id there for itself). Decoding reads the bytes as a change
  // set of their own, checked in full, into `push`, and leaves push_bytes empty.
  std::string push_bytes;
  uint64_t pull_cursor = 0;  // pull everything after this hub sequence number
  uint32_t page_limit = 0;   // rows per pull page; 0 = the hub's default
  // Verification: the replica's digests, as of pull_cursor, with no local write pending.
  bool has_digests = false;
  uint32_t digest_buckets = 0;  // buckets per table (1..kMaxDigestBuckets) when has_digests
  uint64_t digest_schema = 0;   // fingerprint of what digests cover (tables, columns, algorithm)
  std::vector<BucketDigest> digests;  // non-empty buckets only, each (table, bucket) once
  // Snapshots and restores (version 3).
  std::string snapshot_token;  // resume the snapshot here (the last response's token); "" = none
  uint64_t epoch = 0;          // the hub epoch the cursor belongs to; 0 = none yet

  friend bool operator==(const SyncRequest&, const SyncRequest&) = default;
};

struct SyncResponse {
  uint32_t schema_version = kWireSchemaVersion;
  bool has_push_result = false;
  PushResult push_result;    // valid when has_push_result
  ChangeSet pull;            // pull.cursor is the cursor to send next time
  bool more = false;         // another page is waiting
  bool rebuild = false;      // the cursor is older than retained history: rebuild from a snapshot
  uint64_t hub_time_ms = 0;  // the hub's wall clock, so a replica can warn about a wrong clock
  // Verification.
  bool verify = false;           // send digests with the next request (once caught up)
  bool verify_deep = false;      // ... recomputed from the data first
  bool digests_checked = false;  // the hub compared the digests the request carried
  // Buckets whose whole content `repair` replaces, each with the hub's digest of it; only when
  // digests_checked. The replica removes its rows of these buckets that `repair` does not hold
  // (unless a local write of theirs is pending) and takes every row of `repair` as it is.
  std::vector<BucketDigest> repair_buckets;
  ChangeSet repair;
  // Snapshots and restores (version 3, docs/sync.md "Pulling").
  bool snapshot = false;       // `pull` is a page of a snapshot of the scope as of one sequence S
  std::string snapshot_token;  // with snapshot: where the next page resumes; "" = complete, and
                               // pull.cursor is S
  uint64_t epoch = 0;          // the hub's epoch (a new one after each restore)
  bool restored = false;       // with rebuild: the hub lost history this replica saw; push own
                               // writes again first

  friend bool operator==(const SyncResponse&, const SyncResponse&) = default;
};

}  // namespace fieldbook

#endif  // FIELDBOOK_CHANGE_SET_H_

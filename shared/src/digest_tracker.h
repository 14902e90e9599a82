// Digest tracking: keeps the additive digests of replica verification (row_digest.h, docs/sync.md
// "Verification and repair") up to date on every write to a replicated table, on a replica
// (fb_digests: per table and bucket) and on the hub (fb_owner_digests: per owner and table).
//
//  * Replica: the digests count the live rows that have no pending local write (no fb_outbox
//    entry) -- all of them whenever the outbox is empty, which is when a replica sends its digests.
//    Local writes (capture on): a generated BEFORE UPDATE/DELETE trigger removes a settled row's
//    digest from fb_digests when it is first written locally; a local insert costs nothing. The
//    trigger calls SQL functions only Fieldbook registers (fb_digest_add, fb_digest_bucket,
//    fb_capture_enabled), so another program cannot write without dropping it, which the next
//    open notices. Everything else happens with capture suspended inside Replica's own
//    transactions and is accounted for in C++, because a trigger firing for every pulled row
//    would cost a tenth of a first sync (measured: 1.4 us per row, mostly SQLite passing the
//    row's columns to the function): rows becoming settled when their writes are acknowledged
//    (AddSettledRows), the rows MergeEngine writes from pulls (DigestListener), purged customers
//    (SubtractOwnerRows), a rebuild (ClearReplicaDigests), a repair (recomputing its buckets).
//    The changes gather in DigestDeltas and the Replica writes them with FlushDigestDeltas before
//    it commits; a rollback discards them. Should a commit ever happen with deltas not flushed,
//    they are dropped and the digests marked stale (DigestContext::stale), to be recomputed
//    before they are next used.
//  * Hub: every row it writes goes through MergeEngine (that is what gives it a sequence number
//    and versions; a write that does not is invisible to sync anyway), so HubDigestListener
//    gathers the changes per owner and table and Hub writes them into fb_owner_digests before it
//    commits: one upsert per owner and table a transaction touches, where a trigger would cost an
//    upsert and a function call with every column per row (measured: 1.6x the time of writing
//    the rows). A trigger keeps deletes of live rows tracked; tombstones are not digested, so
//    purging them (compaction) does not even fire it.
//
// InstallDigestTriggers runs on every open. It rewrites the triggers, and recomputes every digest
// from the data, when they are not the ones this build generates (first open, upgrade, new
// columns) or when some are missing (dropped by another program, whose writes then escaped them).
//
// Thread safety: a DigestContext belongs to its Db's thread.
#ifndef FIELDBOOK_SRC_DIGEST_TRACKER_H_
#define FIELDBOOK_SRC_DIGEST_TRACKER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fieldbook/catalog.h"
#include "fieldbook/change_set.h"
#include "fieldbook/row_digest.h"
#include "fieldbook/status.h"
#include "merge_engine.h"

namespace fieldbook {

class Db;
class SqlDb;

struct DigestDelta {
  int table_code = 0;
  uint32_t bucket = 0;
  int64_t rows = 0;
  uint64_t sum = 0;  // added modulo 2^64
};

// Digest changes of capture-suspended replica writes, per (table code, bucket), not yet written.
class DigestDeltas {
 public:
  static constexpr int kMaxTableCode = 63;

  void Add(int table_code, uint32_t bucket, int64_t rows, uint64_t sum);
  bool empty() const { return dirty_.empty(); }
  void Clear();
  // Forgets the deltas of one slot (it is being recomputed).
  void Drop(int table_code, uint32_t bucket);
  // The slots touched, in the order first touched (a slot whose changes cancel out is included).
  std::vector<DigestDelta> Entries() const;

 private:
  struct Slot {
    int64_t rows = 0;
    uint64_t sum = 0;
    bool dirty = false;
  };
  std::vector<Slot> slots_;  // index table_code * kReplicaDigestBuckets + bucket
  std::vector<size_t> dirty_;
};

enum class DigestRole { kReplica, kHub };

struct DigestContext {
  DigestRole role = DigestRole::kReplica;
  DigestDeltas deltas;
  // Deltas were dropped by a commit that did not flush them: recompute before trusting fb_digests.
  bool stale = false;
  RowDigester digester;  // reused by the SQL functions and the listener
};

// Registers the digest functions (and, on a replica, the commit and rollback hooks that guard the
// deltas) on `db`. `context` must outlive `db`.
Status RegisterDigestFunctions(Db& db, DigestContext* context);

struct DigestInstall {
  bool rewritten = false;  // the triggers were (re)created and the digests recomputed
  // They had been installed before and were found changed or missing: writes may have escaped
  // them (another program), so the data deserve a verification against the hub.
  bool tampered = false;
};

// Installs the role's digest triggers unless the current ones are in place (see the file comment).
Result<DigestInstall> InstallDigestTriggers(Db& db, const Catalog& catalog, DigestContext& context);

// One row as digests see it.
struct RowImage {
  std::string row_id;
  bool live = false;    // not a tombstone
  std::string key;      // its bucket key as text: customer (NULL as ""), or its own id
  uint64_t digest = 0;  // when live
};
RowImage DigestRow(const TableInfo& table, const std::string& row_id,
                   const std::vector<Value>& values, RowDigester& digester);

// Replica: puts the rows MergeEngine writes (pulls, with capture suspended) into the deltas.
class DigestListener final : public RowWriteListener {
 public:
  explicit DigestListener(DigestContext& context) : context_(context) {}
  void Before(const TableInfo& table, const std::string& row_id,
              const std::vector<Value>& values) override;
  void After(const TableInfo& table, const std::string& row_id, bool created,
             const std::vector<Value>& values) override;

 private:
  DigestContext& context_;
  RowImage before_;
  bool has_before_ = false;
};

// Hub: gathers the changes of the rows MergeEngine writes per (owner, table code); Flush() adds
// them to fb_owner_digests inside the writing transaction (on either backend of the storage seam:
// PostgreSQL has no trigger or registered function, so the instance that writes a row adds its
// digest, wrapping the sum modulo 2^64 as SQLite's fb_digest_wrap does), Clear() forgets them
// (rollback). With set_record_keys, it also keeps each written row's bucket key (its customer)
// until TakeKey asks for it: a change log names the customer of every row changed.
class HubDigestListener final : public RowWriteListener {
 public:
  explicit HubDigestListener(DigestContext& context) : context_(context) {}
  void Before(const TableInfo& table, const std::string& row_id,
              const std::vector<Value>& values) override;
  void After(const TableInfo& table, const std::string& row_id, bool created,
             const std::vector<Value>& values) override;
  Status Flush(SqlDb& db);
  Status Flush(Db& db);
  void Clear() {
    deltas_.clear();
    keys_.clear();
  }
  void set_record_keys(bool record) { record_keys_ = record; }
  // The bucket key of the row After() last saw as `row_id` of `table` (and forgets it); "" when
  // none was recorded.
  std::string TakeKey(const TableInfo& table, const std::string& row_id);

 private:
  void Add(int table_code, const std::string& owner, int64_t rows, uint64_t sum);

  DigestContext& context_;
  RowImage before_;
  bool has_before_ = false;
  std::map<std::pair<std::string, int>, std::pair<int64_t, uint64_t>> deltas_;
  bool record_keys_ = false;
  std::map<std::pair<int, std::string>, std::string> keys_;  // (table code, row id) -> key
};

// Replica: subtracts, in the deltas, the settled live rows whose bucket key is `key` (a customer
// about to be purged) from every table of a customer. Call before deleting them.
Status SubtractOwnerRows(Db& db, const Catalog& catalog, DigestContext& context,
                         const std::string& key);

// Replica: adds, in the deltas, those of `rows` (table code, row id) that no longer have a
// pending local write, as they are now. Call after deleting outbox entries.
Status AddSettledRows(Db& db, const Catalog& catalog, DigestContext& context,
                      const std::vector<std::pair<int, std::string>>& rows);

// Replica: every slot to zero (a rebuild removes every row). Call inside its transaction.
Status ClearReplicaDigests(Db& db, DigestContext& context);

// Replica: writes the pending deltas into fb_digests. Call inside the transaction that made them.
Status FlushDigestDeltas(Db& db, DigestContext& context);

// Replica: recomputes fb_digests from the (settled, live) rows, for every slot or only for the
// (table code, bucket) slots in `only`; clears the deltas of the slots it recomputes (all of them
// when `only` is null) and, when recomputing everything, the stale mark. Call inside a transaction.
using DigestSlots = std::set<std::pair<int, uint32_t>>;
Status RecomputeReplicaDigests(Db& db, const Catalog& catalog, DigestContext& context,
                               const DigestSlots* only = nullptr);

// Replica: the non-empty slots of fb_digests, ordered by table code and bucket.
Result<std::vector<BucketDigest>> ReadReplicaDigests(Db& db);

// Hub: recomputes fb_owner_digests from the rows. Call inside a transaction. On PostgreSQL the
// rows of one table are read in one result (a recompute is an operator's repair, not a routine).
Status RecomputeHubDigests(Db& db, const Catalog& catalog, DigestContext& context);
Status RecomputeHubDigests(SqlDb& db, const Catalog& catalog, DigestContext& context);

}  // namespace fieldbook

#endif  // FIELDBOOK_SRC_DIGEST_TRACKER_H_

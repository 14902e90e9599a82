// Internal to Replica (replica.h), whose implementation is split by step: replica.cc (open, purge,
// rebuild and restore bookkeeping), replica_push.cc (PreparePush, AcknowledgePush),
// replica_pull.cc (ApplyPull and its batches), replica_verify.cc (digests and repair),
// replica_review.cc (the review list). What they share: the private state behind Replica::in_
// and the outbox folded per row.
//
// Thread safety: as Replica (one thread).
#ifndef FIELDBOOK_SHARED_SRC_REPLICA_INTERNALS_H_
#define FIELDBOOK_SHARED_SRC_REPLICA_INTERNALS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "change_capture.h"
#include "column_versions.h"
#include "digest_tracker.h"
#include "fieldbook/replica.h"
#include "merge_engine.h"

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
  std::vector<std::pair<std::string, int64_t>> search_floor;
  // Tables that were empty when this snapshot's bulk inserts began here (by table code), valid
  // until the snapshot ends: their rows are inserted without being looked for first.
  std::vector<bool> fresh;
  bool fresh_valid = false;
};

namespace replica_internal {

using RowKey = std::pair<int, std::string>;  // (table code, row id)

struct PendingRow {
  uint64_t mask = 0;
  std::vector<Hlc> hlc;  // per column, the newest pending write
};

// The outbox folded per row: which columns have unpushed writes, and their newest Hlc.
Result<std::map<RowKey, PendingRow>> LoadPending(Db& db, const Catalog& catalog,
                                                 bool unassigned_only);

}  // namespace replica_internal
}  // namespace fieldbook

#endif  // FIELDBOOK_SHARED_SRC_REPLICA_INTERNALS_H_

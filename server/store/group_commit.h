// GroupCommit: the one writer of devices' pushes. Pushes that arrive while a commit is running
// wait in a queue and are then applied together in ONE transaction (group commit), so the cost
// of the commit's fsync (WAL with synchronous=FULL) is shared by all of them:
//  * each push keeps its own savepoint inside the batch's transaction (ServerStore::ApplyRepPush
//    nests): a push the store refuses (a set id of another replica, a gate error) rolls back
//    alone and gets its own error; its batch-mates commit;
//  * each push keeps its idempotency: its answer is stored with it (fb_applied_sets), inside the
//    same transaction;
//  * Push() returns only once the batch's COMMIT has returned, i.e. the push is durable before it
//    is acknowledged; when the COMMIT fails, every push of the batch gets that error and nothing
//    of it is kept.
// On PostgreSQL the same holds per instance (the in-process lock makes one batch at a time); across
// instances the batches of several processes are ordered by the database: each holds the hub's
// counter row (fb_hub_seq) from its first sequence number to its COMMIT (docs/postgres.md,
// "Cursors that never skip a row"). A batch whose connection is lost fails whole (kUnavailable,
// 503 + Retry-After); the devices push again and their stored answers keep that idempotent.
// No thread of its own: the first waiting caller leads: it takes the store's lock (LockFn, the
// server's writer lock, which other writers take too), begins the transaction and takes the hub's
// counters (on PostgreSQL: waits for the counter row, held by another instance's batch until its
// COMMIT), then everything queued by then (at most max_batch), applies it, commits and wakes the
// others; the next waiting caller leads the next. Choosing the batch only once the counters are
// held lets the pushes that arrived during that wait join it (two instances' batches take the
// row in turn: each batch then holds what queued during the other's), rather than wait a turn.
//
// Thread safety: thread-safe; Push may be called from any number of threads.
#ifndef FIELDBOOK_SERVER_GROUP_COMMIT_H_
#define FIELDBOOK_SERVER_GROUP_COMMIT_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "fieldbook/change_set.h"
#include "fieldbook/status.h"
#include "store/server_store.h"

namespace fieldbook::server {

class GroupCommit {
 public:
  using LockFn = std::function<std::unique_lock<std::mutex>()>;
  // `store` is the writer's store, used only under `lock_store`'s lock. At most `max_batch`
  // pushes per transaction.
  GroupCommit(ServerStore& store, LockFn lock_store, size_t max_batch = 64)
      : store_(store), lock_store_(std::move(lock_store)), max_batch_(max_batch) {}

  // Applies `set` as `rep`'s push (ServerStore::ApplyRepPush) in the next batch; returns once
  // that batch is committed.
  Result<PushResult> Push(const Principal& rep, const ChangeSet& set);

  struct Stats {
    uint64_t commits = 0;  // batches committed (or attempted)
    uint64_t pushes = 0;   // pushes applied in them
  };
  Stats stats() const;
  // Pushes waiting for the next batch (tests).
  size_t queued() const;

 private:
  struct Job {
    const Principal* rep;
    const ChangeSet* set;
    std::optional<Result<PushResult>> result;
  };
  // With the writer's lock held (and not mu_): the batch's transaction, with the hub's counters
  // taken (Hub::LockCounters: on PostgreSQL the counter row's lock, as the first push would take
  // it).
  Result<std::unique_ptr<StoreTransaction>> Begin();
  // With the writer's lock held (and not mu_): one answer per job, in order, in `txn` (Begin's),
  // which it commits (or, when the COMMIT fails, rolls back: every job then gets that error).
  std::vector<Result<PushResult>> RunBatch(const std::deque<Job*>& batch,
                                           std::unique_ptr<StoreTransaction> txn);

  ServerStore& store_;
  LockFn lock_store_;
  const size_t max_batch_;
  mutable std::mutex mu_;  // guards the members below
  std::condition_variable done_;
  std::deque<Job*> queue_;
  bool leading_ = false;  // a caller is applying a batch
  Stats stats_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_GROUP_COMMIT_H_

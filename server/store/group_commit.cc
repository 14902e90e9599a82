#include "store/group_commit.h"

#include <utility>
#include <vector>

namespace fieldbook::server {

Result<PushResult> GroupCommit::Push(const Principal& rep, const ChangeSet& set) {
  Job job{&rep, &set, std::nullopt};
  std::unique_lock lock(mu_);
  queue_.push_back(&job);
  while (!job.result) {
    if (leading_) {
      done_.wait(lock);
      continue;
    }
    // Lead: wait for the writer's lock, begin the batch's transaction and take the hub's
    // counters (on PostgreSQL the counter row, which another instance's batch may hold until its
    // COMMIT), THEN take everything queued by then (this job among it): pushes that came while
    // the last commit, another writer or another instance held the lock join this batch instead
    // of waiting for the next one.
    leading_ = true;
    lock.unlock();
    auto store_lock = lock_store_();
    std::deque<Job*> batch;
    std::vector<Result<PushResult>> results;
    {
      Result<std::unique_ptr<StoreTransaction>> txn = Begin();
      lock.lock();
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      lock.unlock();
      if (txn.ok()) {
        results = RunBatch(batch, std::move(*txn));
      } else {
        results.assign(batch.size(), txn.status());  // a batch that did not begin: Begin's error
      }
    }  // the transaction ends (committed, or rolled back) before the writer's lock is let go
    store_lock.unlock();
    lock.lock();
    // The answers are handed over under mu_: a waiter reads its own only under mu_ too.
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(results[i]);
    ++stats_.commits;
    stats_.pushes += batch.size();
    leading_ = false;
    done_.notify_all();
  }
  return std::move(*job.result);
}

size_t GroupCommit::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Result<std::unique_ptr<StoreTransaction>> GroupCommit::Begin() {
  FB_ASSIGN_OR_RETURN(std::unique_ptr<StoreTransaction> txn, store_.BeginWrite());
  // The hub's counters, for the whole batch (Hub::LockCounters): on PostgreSQL the counter row's
  // lock, held until the transaction ends (waits while another instance's batch holds it);
  // SQLite's write transaction is the lock already.
  FB_RETURN_IF_ERROR(store_.hub().LockCounters());
  return txn;
}

std::vector<Result<PushResult>> GroupCommit::RunBatch(const std::deque<Job*>& batch,
                                                      std::unique_ptr<StoreTransaction> txn) {
  std::vector<Result<PushResult>> results;
  results.reserve(batch.size());
  for (Job* job : batch) results.push_back(store_.ApplyRepPush(*job->rep, *job->set));
  // Durable before acknowledged: the answers go out only after this COMMIT has returned.
  Status committed = txn->Commit();
  if (!committed.ok()) {
    txn.reset();  // rolled back: nothing of the batch is kept
    store_.ForgetUncommitted();
    for (auto& result : results) {
      if (result.ok()) result = committed;
    }
  }
  return results;
}

GroupCommit::Stats GroupCommit::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace fieldbook::server

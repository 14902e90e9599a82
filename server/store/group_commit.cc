#include "store/group_commit.h"

#include <utility>

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
    // Lead: wait for the writer's lock first, then take everything queued by then (this job
    // among it): pushes that came while the last commit or another writer held the lock.
    leading_ = true;
    lock.unlock();
    auto store_lock = lock_store_();
    lock.lock();
    std::deque<Job*> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    RunBatch(batch);
    store_lock.unlock();
    lock.lock();
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

void GroupCommit::RunBatch(std::deque<Job*>& batch) {
  auto txn = store_.BeginWrite();
  if (!txn.ok()) {
    for (Job* job : batch) job->result = txn.status();
    return;
  }
  for (Job* job : batch) job->result = store_.ApplyRepPush(*job->rep, *job->set);
  // Durable before acknowledged: the answers go out only after this COMMIT has returned.
  Status committed = (*txn)->Commit();
  if (!committed.ok()) {
    txn->reset();  // rolled back: nothing of the batch is kept
    store_.ForgetUncommitted();
    for (Job* job : batch) {
      if (job->result->ok()) job->result = committed;
    }
  }
}

GroupCommit::Stats GroupCommit::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace fieldbook::server

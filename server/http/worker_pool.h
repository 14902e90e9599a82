// WorkerPool: the bounded pool of threads that run request handlers off the HTTP I/O threads.
// A session posts its handler here and resumes on its own strand with the answer (http_session.cc),
// so a slow handler (a sync waiting for the store, a large export) never stalls the I/O threads
// that read requests and answer /healthz and /metrics. The queue is bounded: TryPost refuses a
// job when `threads + max_queued` jobs are already running or waiting (the session answers 503
// with Retry-After: admission control, docs/server.md "Limits").
//
// Thread safety: thread-safe. TryPost may be called from any thread; Join waits for the jobs
// posted before it and must not be called from a job.
#ifndef FIELDBOOK_SERVER_WORKER_POOL_H_
#define FIELDBOOK_SERVER_WORKER_POOL_H_

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>

namespace fieldbook::server {

class WorkerPool {
 public:
  // `threads` >= 1; `max_queued`: jobs waiting for a busy pool at most (0: none wait).
  WorkerPool(size_t threads, size_t max_queued);
  ~WorkerPool();  // Join()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `job` on a pool thread; false (and `job` dropped unrun) when the queue is full. A job
  // must not throw.
  bool TryPost(std::function<void()> job);
  // Jobs posted and not finished (running or waiting).
  size_t pending() const { return pending_.load(); }
  size_t threads() const { return threads_; }
  size_t max_queued() const { return max_queued_; }
  void Join();

 private:
  const size_t threads_;
  const size_t max_queued_;
  std::atomic<size_t> pending_{0};
  boost::asio::thread_pool pool_;
};

// The default number of handler threads for `cores` cores: handlers mostly wait (for the disk's
// fsync, for the store's writer), so several per core, at least 4.
size_t DefaultWorkerThreads(unsigned cores);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_WORKER_POOL_H_

#include "http/worker_pool.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

namespace fieldbook::server {

WorkerPool::WorkerPool(size_t threads, size_t max_queued)
    : threads_(std::max<size_t>(threads, 1)),
      max_queued_(max_queued),
      pool_(std::max<size_t>(threads, 1)) {}

WorkerPool::~WorkerPool() { Join(); }

bool WorkerPool::TryPost(std::function<void()> job) {
  // Reserve a place first, so that concurrent posts never overshoot the bound.
  size_t now = pending_.load();
  do {
    if (now >= threads_ + max_queued_) return false;
  } while (!pending_.compare_exchange_weak(now, now + 1));
  boost::asio::post(pool_, [this, job = std::move(job)] {
    job();
    pending_.fetch_sub(1);
  });
  return true;
}

void WorkerPool::Join() { pool_.join(); }

size_t DefaultWorkerThreads(unsigned cores) { return std::max<size_t>(4, size_t{4} * cores); }

}  // namespace fieldbook::server

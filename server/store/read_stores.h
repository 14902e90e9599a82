// ReadStores: a small pool of read connections to the server's database (each a ServerStore of
// its own on the same file, SQLite WAL), so that pulls and other reads run concurrently with each
// other and with the one writer (group_commit.h). A reader reads inside one snapshot
// transaction (ServerStore::BeginRead): it sees exactly the transactions committed before it
// began, never a later one, and never blocks the writer.
//
// Readers never write: a pull that must record something (the rep's first sync of the day, a
// replica verification) asks the writer.
//
// Thread safety: thread-safe. Acquire() waits for a free reader; a Lease (and its store) belongs
// to the thread holding it.
#ifndef FIELDBOOK_SERVER_READ_STORES_H_
#define FIELDBOOK_SERVER_READ_STORES_H_

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fieldbook/hub.h"
#include "fieldbook/status.h"
#include "store/server_store.h"

namespace fieldbook::server {

class ReadStores {
 public:
  // `count` >= 1 connections to `path` (an existing, migrated database).
  static Result<std::unique_ptr<ReadStores>> Open(const std::string& path, WallClock& wall,
                                                  const HubOptions& options, size_t count);

  class Lease {
   public:
    Lease(ReadStores& pool, ServerStore* store) : pool_(&pool), store_(store) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), store_(other.store_) {
      other.store_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (store_ != nullptr) pool_->Return(store_);
    }
    ServerStore& operator*() const { return *store_; }
    ServerStore* operator->() const { return store_; }

   private:
    ReadStores* pool_;
    ServerStore* store_;
  };

  // A free reader; waits until one is returned when all are in use.
  Lease Acquire();
  size_t size() const { return stores_.size(); }

 private:
  ReadStores() = default;
  void Return(ServerStore* store);

  std::vector<std::unique_ptr<ServerStore>> stores_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<ServerStore*> free_;  // guarded by mu_
};

// The default number of read connections for `cores` cores: reads are CPU-bound.
size_t DefaultReadConnections(unsigned cores);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_READ_STORES_H_

// ReadStores: a small pool of read connections to the server's database (each a ServerStore of
// its own on the same file, SQLite WAL; or its own PostgreSQL connection), so that pulls and other
// reads run concurrently with each other and with the one writer (group_commit.h). A reader reads
// inside one snapshot transaction (ServerStore::BeginRead; PostgreSQL's REPEATABLE READ): it sees
// exactly the transactions committed before it began, never a later one, and never blocks the
// writer.
//
// Readers never write, on either backend. On SQLite an authorizer on each read connection refuses
// any statement that would change the database (SQLITE_AUTH, "not authorized", when it is
// prepared); on PostgreSQL each reader's session is read-only (default_transaction_read_only, set
// once the store is open and again whenever its connection is made again: PgDb::SetReadOnly), so
// the server refuses the statement ("cannot execute ... in a read-only transaction", SQLSTATE
// 25006); a connection made again whose set-up failed serves nothing until the next lease makes it
// again (PgDb::Reconnect). Either way the refusal is noted on the lease (Lease::TakeWriteRefused),
// so a caller whose read turned out to need a write (a legacy token re-hashed, a handler that
// records something) does it again on the writer. A pull that must record something (the rep's
// first sync of the day, a replica verification) asks the writer directly.
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
  ~ReadStores();

  // One read connection; `write_refused` is set by its SQLite authorizer, on the leasing thread
  // (PostgreSQL's refusals are noted by its PgDb).
  struct Reader {
    std::unique_ptr<ServerStore> store;
    bool write_refused = false;
  };

  class Lease {
   public:
    Lease(ReadStores& pool, Reader* reader) : pool_(&pool), reader_(reader) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), reader_(other.reader_) {
      other.reader_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (reader_ != nullptr) pool_->Return(reader_);
    }
    ServerStore& operator*() const { return *reader_->store; }
    ServerStore* operator->() const { return reader_->store.get(); }
    // Whether a statement that would write was refused since the last call (and clears it).
    bool TakeWriteRefused();

   private:
    ReadStores* pool_;
    Reader* reader_;
  };

  // A free reader, its PostgreSQL connection made again if it was lost (ServerStore::Reconnect);
  // waits until one is returned when all are in use.
  Lease Acquire();
  size_t size() const { return readers_.size(); }
  // Connections leased now.
  size_t in_use();

 private:
  ReadStores() = default;
  void Return(Reader* reader);

  std::vector<std::unique_ptr<Reader>> readers_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<Reader*> free_;  // guarded by mu_
};

// The default number of read connections for `cores` cores: reads are CPU-bound.
size_t DefaultReadConnections(unsigned cores);

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_READ_STORES_H_

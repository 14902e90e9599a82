#include "store/read_stores.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "store/pg/pg_sql_db.h"

namespace fieldbook::server {

namespace {

// The read connections' authorizer: anything that would change the database file is refused
// (and noted); reads, the snapshot's BEGIN/COMMIT, savepoints and the temp schema are allowed.
int RefuseWrites(void* reader, int action, const char* /*a*/, const char* /*b*/,
                 const char* database, const char* /*trigger*/) {
  switch (action) {
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_ALTER_TABLE:
    case SQLITE_REINDEX:
    case SQLITE_ANALYZE:
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_VTABLE:
      if (database != nullptr && std::strcmp(database, "temp") == 0) return SQLITE_OK;
      static_cast<ReadStores::Reader*>(reader)->write_refused = true;
      return SQLITE_DENY;
    case SQLITE_PRAGMA:  // query_only and the like are fine; a writing PRAGMA is caught above
    default:
      return SQLITE_OK;
  }
}

bool OnSqlite(const ReadStores::Reader& reader) {
  return reader.store->sql().dialect() == SqlDialect::kSqlite;
}

// A PostgreSQL reader's connection (nullptr on SQLite).
pg::PgDb* PgConnection(const ReadStores::Reader& reader) {
  auto* sql = dynamic_cast<pg::PgSqlDb*>(&reader.store->sql());
  return sql == nullptr ? nullptr : &sql->db();
}

}  // namespace

Result<std::unique_ptr<ReadStores>> ReadStores::Open(const std::string& path, WallClock& wall,
                                                     const HubOptions& options, size_t count) {
  std::unique_ptr<ReadStores> pool(new ReadStores());
  for (size_t i = 0; i < std::max<size_t>(count, 1); ++i) {
    auto reader = std::make_unique<Reader>();
    FB_ASSIGN_OR_RETURN(reader->store, ServerStore::Open(path, wall, options));
    // Set after Open (which may migrate): from here on this connection only reads.
    if (OnSqlite(*reader)) {
      sqlite3_set_authorizer(reader->store->hub().db().raw(), RefuseWrites, reader.get());
    } else if (pg::PgDb* db = PgConnection(*reader)) {
      FB_RETURN_IF_ERROR(db->SetReadOnly());  // kept when Acquire makes it again
    }
    pool->free_.push_back(reader.get());
    pool->readers_.push_back(std::move(reader));
  }
  return pool;
}

ReadStores::~ReadStores() {
  for (auto& reader : readers_) {
    if (OnSqlite(*reader))
      sqlite3_set_authorizer(reader->store->hub().db().raw(), nullptr, nullptr);
  }
}

ReadStores::Lease ReadStores::Acquire() {
  std::unique_lock lock(mu_);
  returned_.wait(lock, [&] { return !free_.empty(); });
  Reader* reader = free_.back();
  free_.pop_back();
  lock.unlock();
  // A lost PostgreSQL connection is made again before the reader is used (a no-op otherwise);
  // when that fails, the reader's first statement answers kUnavailable.
  (void)reader->store->Reconnect();
  return Lease(*this, reader);
}

bool ReadStores::Lease::TakeWriteRefused() {
  pg::PgDb* db = PgConnection(*reader_);
  const bool refused_there = db != nullptr && db->TakeWriteRefused();
  const bool refused = reader_->write_refused || refused_there;
  reader_->write_refused = false;
  return refused;
}

void ReadStores::Return(Reader* reader) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(reader);
  }
  returned_.notify_one();
}

size_t ReadStores::in_use() {
  std::lock_guard lock(mu_);
  return readers_.size() - free_.size();
}

size_t DefaultReadConnections(unsigned cores) { return std::max<unsigned>(2, cores); }

}  // namespace fieldbook::server

#include "store/client_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "fieldbook/sqlite_db.h"
#include "lang/store_errors.h"
#include "store/rows.h"

namespace fieldbook::client {

using internal::ParseInt;
using internal::Stmt;

// -----------------------------------------------------------------------------------------------
// Opening.

Result<std::unique_ptr<ClientStore>> ClientStore::Open(const std::string& path, WallClock& wall,
                                                       const ReplicaOptions& options) {
  const bool on_disk = !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0;
  if (on_disk) {
    // Created 0600 before SQLite opens it, so the WAL and shared-memory files SQLite makes next
    // to it get the same mode.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return StoreError(
          StatusCode::kIo, "err_cannot_open_replica",
          {{"path", path}, {"why", OsReason(std::error_code(errno, std::generic_category()))}});
    }
    ::close(fd);
  }
  FB_ASSIGN_OR_RETURN(std::unique_ptr<Replica> replica, Replica::Open(path, wall, options));
  if (on_disk) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string file = path + suffix;
      if (::chmod(file.c_str(), 0600) != 0 && errno != ENOENT) {
        return StoreError(
            StatusCode::kIo, "err_cannot_restrict",
            {{"path", file}, {"why", OsReason(std::error_code(errno, std::generic_category()))}});
      }
    }
  }
  return std::unique_ptr<ClientStore>(new ClientStore(wall, std::move(replica)));
}

ClientStore::ClientStore(WallClock& wall, std::unique_ptr<Replica> replica)
    : wall_(wall),
      replica_(std::move(replica)),
      settings_(replica_->db()),
      grades_(*replica_, wall_, settings_),
      customers_(*replica_, wall_, settings_, grades_),
      search_(replica_->db()),
      facts_(*replica_, wall_, settings_, grades_),
      visits_(*replica_, wall_, settings_, facts_),
      care_(replica_->db(), settings_),
      orders_(*replica_, wall_, settings_, grades_, facts_),
      tasks_(*replica_, wall_, settings_),
      plan_(replica_->db()),
      pool_(*replica_, wall_, settings_) {}

ClientStore::~ClientStore() = default;

std::string ClientStore::NowIso() { return internal::NowIso(wall_); }

std::string ClientStore::Today() { return internal::TodayOf(wall_); }

// -----------------------------------------------------------------------------------------------
// Status.

Result<StoreStatus> ClientStore::GetStatus() {
  StoreStatus st;
  FB_ASSIGN_OR_RETURN(ClientSettings settings, Settings());
  st.replica_id = replica_->replica_id();
  st.server_url = settings.server_url;
  st.rep_id = settings.rep_id;
  st.rep_name = settings.rep_name;
  st.has_token = !settings.device_token.empty();
  FB_ASSIGN_OR_RETURN(st.pending_writes, replica_->PendingWriteCount());
  FB_ASSIGN_OR_RETURN(std::string last, settings_.Get("last_sync_ms"));
  int64_t v = 0;
  if (ParseInt(last, &v)) st.last_sync_ms = v;
  FB_ASSIGN_OR_RETURN(std::string skew, settings_.Get("last_sync_skew_ms"));
  if (ParseInt(skew, &v)) st.clock_skew_ms = v;
  st.cursor = replica_->cursor();
  {
    FB_ASSIGN_OR_RETURN(Statement * raw,
                        replica_->db().Prepare("SELECT count(*) FROM customers WHERE deleted = 0"));
    Stmt s(raw);
    FB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) st.customers = s->Int(0);
  }
  FB_ASSIGN_OR_RETURN(st.review, replica_->ReviewList());
  FB_ASSIGN_OR_RETURN(st.deferred_evictions, replica_->DeferredEvictions());
  return st;
}

Result<uint64_t> ClientStore::DataVersion() {
  FB_ASSIGN_OR_RETURN(Statement * raw, replica_->db().Prepare("PRAGMA data_version"));
  Stmt s(raw);
  FB_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? static_cast<uint64_t>(s->Int(0)) : uint64_t{0};
}

Status ClientStore::RecordSync(int64_t clock_skew_ms) {
  FB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(replica_->db()));
  FB_RETURN_IF_ERROR(settings_.Put("last_sync_ms", std::to_string(wall_.NowMs())));
  FB_RETURN_IF_ERROR(settings_.Put("last_sync_skew_ms", std::to_string(clock_skew_ms)));
  return txn->Commit();
}

}  // namespace fieldbook::client

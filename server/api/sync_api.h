// SyncApi: POST /v1/sync, a rep's device pushing one change set and pulling the next page
// (Cap'n Proto SyncRequest -> SyncResponse, Content-Type application/x-fieldbook-sync). The
// request is decoded and checked before the store is touched; the push is applied under the
// rep's scope (ServerStore::ApplyRepPush), then the pull answers a snapshot page, a feed page, a
// rebuild, and, once the device is caught up, replica verification (docs/sync.md).
// Errors: 400 malformed or out of range, 403 a manager, 405 not POST, 413 too large, the push's
// own refusal through the one Status->HTTP mapping (http_status.h), 500 a store failure (logged).
//
// Concurrency (docs/server.md, "Concurrency"): the push goes to the one writer, which commits the
// pushes that arrive together in one transaction (GroupCommit); the pull then reads on a read
// connection (ReadStores) inside one snapshot that begins after the push's commit, so it sees the
// push and every change committed before. Without readers (tests, tools) everything runs on the
// writer under its lock. A pull that must write (the rep's first sync of the day) asks the
// writer; one carrying a replica verification runs whole on the writer.
//
// Thread safety: Handle may be called from many threads at once.
#ifndef FIELDBOOK_SERVER_SYNC_API_H_
#define FIELDBOOK_SERVER_SYNC_API_H_

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "fieldbook/change_set_codec.h"
#include "http/http_types.h"
#include "http/metrics.h"
#include "store/device_activity.h"
#include "store/group_commit.h"
#include "store/read_stores.h"
#include "store/server_store.h"
#include "store/verification_store.h"

namespace fieldbook::server {

inline constexpr const char* kSyncContentType = "application/x-fieldbook-sync";

struct SyncApiOptions {
  size_t default_page_rows = 1000;
  size_t max_page_rows = 5000;
  DecodeLimits limits;               // on what a device may send
  VerificationOptions verification;  // replica verification (verification_store.h)
};

// Where SyncApi reads and writes.
struct SyncStores {
  ServerStore& writer;
  // Takes the writer's lock.
  std::function<std::unique_lock<std::mutex>()> lock_writer;
  GroupCommit* group = nullptr;   // null: each push applied alone under the lock
  ReadStores* readers = nullptr;  // null: pulls read on the writer under the lock
  // Writes the devices' last syncs when due (takes the writer's lock then only).
  std::function<void()> flush_activity;
};

// An answer other than 200.
struct SyncFailure {
  int status;
  std::string code;
  std::string message;
};

class SyncApi {
 public:
  SyncApi(SyncStores stores, Metrics& metrics, WallClock& wall, DeviceActivity& activity,
          SyncApiOptions options)
      : stores_(std::move(stores)),
        metrics_(metrics),
        wall_(wall),
        activity_(activity),
        options_(options) {}

  HttpResponse Handle(const HttpRequest& request, const Principal& rep);

 private:
  Result<PushResult> Push(const Principal& rep, const ChangeSet& set);
  // The pull part of the answer, read from `store` (inside the caller's snapshot or lock);
  // `note`: record the rep's sync there too (the writer).
  std::optional<SyncFailure> Pull(ServerStore& store, bool note, const SyncRequest& req,
                                  const Principal& rep, SyncResponse& response);

  SyncStores stores_;
  Metrics& metrics_;
  WallClock& wall_;
  DeviceActivity& activity_;
  SyncApiOptions options_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_SYNC_API_H_

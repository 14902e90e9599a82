// SyncApi: POST /v1/sync, a rep's device pushing one change set and pulling the next page
// (Cap'n Proto SyncRequest -> SyncResponse, Content-Type application/x-fieldbook-sync). The
// request is decoded and checked before the store is touched; the push is applied under the
// rep's scope (ServerStore::ApplyRepPush), then the pull answers a snapshot page, a feed page, a
// rebuild, and, once the device is caught up, replica verification (docs/sync.md).
// Errors: 400 malformed or out of range, 403 a manager, 405 not POST, 413 too large, the push's
// own refusal through the one Status->HTTP mapping (http_status.h), 500 a store failure (logged).
//
// Thread safety: Handle may be called from many threads; it takes the store's lock (LockFn) for
// the store steps only, and notes device activity (thread-safe) before.
#ifndef FIELDBOOK_SERVER_SYNC_API_H_
#define FIELDBOOK_SERVER_SYNC_API_H_

#include <cstddef>
#include <functional>
#include <mutex>

#include "fieldbook/change_set_codec.h"
#include "http/http_types.h"
#include "http/metrics.h"
#include "store/device_activity.h"
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

class SyncApi {
 public:
  // Takes the store's lock and does what is due under it first (the devices' last syncs).
  using LockFn = std::function<std::unique_lock<std::mutex>()>;
  SyncApi(ServerStore& store, Metrics& metrics, WallClock& wall, DeviceActivity& activity,
          LockFn lock_store, SyncApiOptions options)
      : store_(store),
        metrics_(metrics),
        wall_(wall),
        activity_(activity),
        lock_store_(std::move(lock_store)),
        options_(options) {}

  HttpResponse Handle(const HttpRequest& request, const Principal& rep);

 private:
  ServerStore& store_;
  Metrics& metrics_;
  WallClock& wall_;
  DeviceActivity& activity_;
  LockFn lock_store_;
  SyncApiOptions options_;
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_SYNC_API_H_

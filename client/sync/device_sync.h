// DeviceSync: one whole sync of a rep's device with its server, the sequence both `fieldbook-cli
// sync` and the app's Sync button run:
//   1. the replica's integrity (replica_health.h): a quick check before every push, and at least
//      hourly otherwise; a damaged replica never pushes;
//   2. the change sets: push and pull rounds (sync_engine.h), with the public pool's claims and
//      releases riding along (PoolSync, pool_sync.h) when the links include the pool;
//   3. search catch-up: pulled rows are indexed in large batches while pages are stored, and the
//      rest before the change sets' step returns, whether or not it completed;
//   4. bookkeeping: once the change sets are exchanged, the time of the sync and the clock skew go
//      into the store's settings (ClientStore::RecordSync);
//   5. the server's reports for the rep are fetched and kept (rep_reports.h);
//   6. the review list asks what became of the edits held for review (review_status.h).
// A failure in steps 1 to 4 is the sync's failure, and loses nothing (sync_engine.h); steps 5 and
// 6 run only after a successful exchange, and their failures are reported, not fatal.
//
// The store knows nothing of this: it offers the writes DeviceSync needs (RecordSync,
// search().Update(), the pool's requests) and never includes anything from client/sync/.
//
// Thread safety: not thread-safe; runs on the thread that owns the ClientStore (the CLI's main
// thread, the app's worker). The links must outlive the call; the change-set transport is also
// used by the engine's prefetch thread (sync_engine.h).
#ifndef FIELDBOOK_CLIENT_SYNC_DEVICE_SYNC_H_
#define FIELDBOOK_CLIENT_SYNC_DEVICE_SYNC_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fieldbook/status.h"
#include "store/client_store.h"
#include "sync/http_client.h"
#include "sync/pool_sync.h"
#include "sync/sync_engine.h"

namespace fieldbook::client {

// The server's routes one whole sync uses. `changes` is required; a part left empty is skipped.
struct ServerLinks {
  SyncTransport* changes = nullptr;  // POST /v1/sync
  PoolTransport* pool = nullptr;     // /v1/pool...; null: the pool's requests wait
  // The server's reports for `today` (the rep's local date), in the form FetchServerReports
  // returns and ClientStore::SaveServerReports keeps.
  std::function<Result<std::string>(const std::string& today)> reports;
  // Asks the server about the held edits of the open review items and records the answers;
  // returns how many items were resolved (RefreshReviewStatus).
  std::function<Result<size_t>(Replica& replica)> review;
};

// ServerLinks over HTTP(S) to the device's server: settings.server_url with the device token,
// trusting settings.ca_file when set. Owns its connections (kept open between syncs).
class HttpServerLinks {
 public:
  // kInvalidArgument when the server URL or the CA file is not usable.
  static Result<std::unique_ptr<HttpServerLinks>> Create(const ClientSettings& settings,
                                                         HttpClientOptions options = {});
  ServerLinks links();

 private:
  HttpServerLinks() = default;
  std::string token_;
  std::unique_ptr<HttpSyncTransport> changes_;
  std::unique_ptr<HttpPoolTransport> pool_;
  std::unique_ptr<HttpClient> api_;  // reports and review status, one request at a time
};

struct DeviceSyncReport {
  SyncReport sync;                         // the change sets, with the pool's counts
  std::vector<PoolRequest> pool_answered;  // pool requests the server answered, in that order
  bool reports_refreshed = false;
  std::string reports_error;  // why they were not ("" when refreshed or not asked)
  size_t review_resolved = 0;
  std::string review_error;  // why the review list was not brought up to date ("": it was)
  // Both errors as values when they came as one (a server's refusal: its code and values), to be
  // shown in the rep's language (lang/store_errors.h SayError).
  std::optional<Phrase> reports_error_phrase, review_error_phrase;
};

class DeviceSync {
 public:
  // `store` must outlive the DeviceSync. Keep one per store (the app does): the hourly integrity
  // check counts from the last one this object made.
  explicit DeviceSync(ClientStore& store) : store_(store) {}

  // Steps 1 to 6 over `links`.
  Result<DeviceSyncReport> Run(const ServerLinks& links, const SyncOptions& options = {});

  // Steps 1 to 4 only: the change sets over `transport`, `extension` (may be null) riding along.
  Result<SyncReport> ExchangeChanges(SyncTransport& transport, const SyncOptions& options = {},
                                     SyncExtension* extension = nullptr);

  // Step 1 on its own (the CLI checks before it says anything else): kCorrupt for a damaged
  // replica. Counts as the check for the hourly rule.
  Status CheckReplica();

 private:
  static constexpr uint64_t kQuickCheckEveryMs = 3600 * 1000;

  ClientStore& store_;
  uint64_t last_quick_check_ms_ = 0;  // the last integrity check (0: never)
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_SYNC_DEVICE_SYNC_H_

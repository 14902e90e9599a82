// SyncEngine: one sync of a rep's replica with the server — push the outbox and pull every page
// until both are done, in round trips of one SyncRequest each — and SyncTransport, the wire it
// runs over (HttpSyncTransport: POST /v1/sync).
//
// Guarantees: a failed round trip loses nothing (unacknowledged pushes stay pending and are resent
// byte for byte: the bytes stored when the set was made go out as they are, to a hub that reads
// wire version 4, see docs/sync.md "Pushing"; the cursor only moves after a page is stored);
// refused rows go to the review list and never block the rest; a customer that moved to another rep
// is purged only after this device's pending writes for it are acknowledged; when the server says
// the cursor is too old, the device pushes everything it has, then rebuilds from a fresh snapshot.
// A first sync and every rebuild receive a snapshot of the rep's scope, resumable after a kill at
// any page; when the server was restored from a backup, the device first pushes again every write
// of its own it still holds (the server keeps what it has and takes what it lost), then rebuilds.
//
// While a pulled page is being stored, the engine already asks for the next one (the same
// request the next round trip would send: no push, the cursor the page leads to), so a long pull
// costs about the larger of the network's and the device's time rather than their sum.
//
// Thread safety: not thread-safe; runs on the thread that owns the Replica. The transport is
// called one request at a time, but that prefetch runs on a helper thread of its own.
#ifndef FIELDBOOK_CLIENT_SYNC_ENGINE_H_
#define FIELDBOOK_CLIENT_SYNC_ENGINE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "fieldbook/change_set.h"
#include "fieldbook/replica.h"
#include "fieldbook/status.h"
#include "sync/http_client.h"

namespace fieldbook::client {

// One request at a time, possibly from a thread other than the engine's (see above).
class SyncTransport {
 public:
  virtual ~SyncTransport() = default;
  virtual Result<SyncResponse> Exchange(const SyncRequest& request) = 0;
};

class HttpSyncTransport final : public SyncTransport {
 public:
  static Result<std::unique_ptr<HttpSyncTransport>> Create(const std::string& server_url,
                                                           const std::string& token,
                                                           HttpClientOptions options = {});
  // Non-2xx answers become Status values carrying the server's message: 401 -> kRejected
  // ("the server refused the device token"), 403 -> kRejected, 400 -> kInvalidArgument,
  // 409 -> kConflict, 413 -> kResourceExhausted, 5xx -> kUnavailable.
  Result<SyncResponse> Exchange(const SyncRequest& request) override;

 private:
  explicit HttpSyncTransport(std::unique_ptr<HttpClient> http) : http_(std::move(http)) {}
  std::unique_ptr<HttpClient> http_;  // sends the device token
};

struct SyncOptions {
  // Rows asked for per page: page_rows at first; while the server says there is more and round
  // trips take under grow_below, each page asks for twice as many, up to max_page_rows (the
  // server's own cap is 5,000); a round trip over shrink_above halves it again, down to
  // page_rows, so that a slow link stays well inside the HTTP timeout.
  uint32_t page_rows = 1000;
  int max_round_trips = 100000;  // a bound, so a misbehaving server cannot loop us forever
  // Request the next page while storing this one (at most one request in flight).
  bool prefetch = true;
  uint32_t max_page_rows = 5000;
  std::chrono::milliseconds grow_below{2000};
  std::chrono::milliseconds shrink_above{8000};
  // A long pull is stored in batches (docs/sync.md, "Storing a long pull"): while the server says
  // there is more, pages go into one open transaction until it holds batch_rows rows or has been
  // open for batch_time; the last page of the pull, a push, a rebuild or the end of the sync
  // (also by an error) commit it. A kill loses only the uncommitted pages, which the next sync
  // asks for again. batch_rows = 0 commits every page.
  uint32_t batch_rows = 60000;
  std::chrono::milliseconds batch_time{2500};
};

struct SyncReport {
  int round_trips = 0;
  size_t rows_pushed = 0;
  size_t rows_rejected = 0;
  size_t pages = 0;
  size_t rows_received = 0;
  size_t customers_evicted = 0;
  size_t evictions_deferred = 0;
  bool rebuilt = false;
  // The server had been restored from a backup (docs/sync.md, "Restores"): this device's own
  // writes were sent again (rows_repushed rows held some) before it was rebuilt.
  bool server_restored = false;
  size_t rows_repushed = 0;
  uint64_t cursor = 0;
  int64_t hub_clock_skew_ms = 0;  // local wall clock minus the hub's, at the last round trip
  // Verification (docs/sync.md, "Verification and repair"): the server compared this device's
  // digests with its own, and re-sent the buckets that differed.
  bool verified = false;
  size_t buckets_repaired = 0;
  size_t rows_repaired = 0;  // rows rewritten with the server's values (missing or edited here)
  size_t rows_removed = 0;   // rows the server does not have
  // The public pool (issue #7), when a PoolSync (pool_sync.h) rode along: requests answered by
  // the server this time, and whether the device's copy of the pool was refreshed. pool_error
  // says why part of it could not be done (the requests wait for the next sync); it does not fail
  // the sync.
  size_t pool_granted = 0;
  size_t pool_refused = 0;
  bool pool_refreshed = false;
  std::string pool_error;
  // pool_error as a value when it came as one (a server's refusal: its code and values), to be
  // shown in the rep's language (lang/store_errors.h SayError).
  std::optional<Phrase> pool_error_phrase;
};

// Told about pulled pages once they are stored (their transaction committed: one page, or the
// pages of a batch, see SyncOptions::batch_rows, with their stats summed), on the engine's thread,
// so derived local state (the client's search index) can catch up. An error ends the sync with
// that error; the pages themselves stay stored.
class PullObserver {
 public:
  virtual ~PullObserver() = default;
  virtual Status PageStored(const PullStats& stats) = 0;
};

// Work that rides along a sync without being a change set (the public pool's claims and
// releases, pool_sync.h). AfterRounds runs on the engine's thread once every local write is pushed
// and every page pulled; `rounds` runs the push/pull rounds again, for when the extension changed
// what the server lets this device hold. An error from it ends the sync with that error.
class SyncExtension {
 public:
  virtual ~SyncExtension() = default;
  virtual Status AfterRounds(SyncReport& report, const std::function<Status()>& rounds) = 0;
};

class SyncEngine {
 public:
  // `observer` and `extension` may be null; they must outlive the engine.
  SyncEngine(Replica& replica, SyncTransport& transport, SyncOptions options = {},
             PullObserver* observer = nullptr, SyncExtension* extension = nullptr)
      : replica_(replica),
        transport_(transport),
        options_(options),
        observer_(observer),
        extension_(extension) {}

  Result<SyncReport> SyncOnce();

 private:
  // Push and pull round trips until the outbox is empty and the pull is complete.
  Status Rounds(SyncReport& report);
  // Puts the next push, if any, into `request`: as the set's stored bytes (push_bytes) when
  // `as_bytes` (the hub reads wire version 4), else the set inline (decoded from them).
  Status PreparePush(SyncRequest& request, bool as_bytes);
  Status RoundsInBatches(SyncReport& report);
  // Commits the open pull batch, if any, and tells the observer what it stored.
  Status CommitBatch();

  struct Batch {
    PullStats stats;  // summed over its pages
    size_t pages = 0;
    std::chrono::steady_clock::time_point opened;
  };

  Replica& replica_;
  SyncTransport& transport_;
  SyncOptions options_;
  PullObserver* observer_;
  SyncExtension* extension_;
  Batch batch_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_SYNC_ENGINE_H_

// SyncEngine: one sync of a rep's replica with the server — push the outbox and pull every page
// until both are done, in round trips of one SyncRequest each — and SyncTransport, the wire it
// runs over (HttpSyncTransport: POST /v1/sync).
//
// Guarantees: a failed round trip loses nothing (unacknowledged pushes stay pending and are resent
// byte for byte; the cursor only moves after a page is stored); refused rows go to the review list
// and never block the rest; a customer that moved to another rep is purged only after this
// device's pending writes for it are acknowledged; when the server says the cursor is too old, the
// device pushes everything it has, then rebuilds from a fresh snapshot.
//
// Thread safety: not thread-safe; runs on the thread that owns the Replica.
#ifndef FIELDBOOK_CLIENT_SYNC_ENGINE_H_
#define FIELDBOOK_CLIENT_SYNC_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "fieldbook/change_set.h"
#include "fieldbook/replica.h"
#include "fieldbook/status.h"
#include "http_client.h"

namespace fieldbook::client {

class SyncTransport {
 public:
  virtual ~SyncTransport() = default;
  virtual Result<SyncResponse> Exchange(const SyncRequest& request) = 0;
};

class HttpSyncTransport final : public SyncTransport {
 public:
  static Result<std::unique_ptr<HttpSyncTransport>> Create(const std::string& server_url,
                                                           const std::string& token,
                                                           const HttpClientOptions& options = {});
  // Non-2xx answers become Status values carrying the server's message: 401 -> kRejected
  // ("the server refused the device token"), 403 -> kRejected, 400 -> kInvalidArgument,
  // 409 -> kConflict, 413 -> kResourceExhausted, 5xx -> kUnavailable.
  Result<SyncResponse> Exchange(const SyncRequest& request) override;

 private:
  HttpSyncTransport(std::unique_ptr<HttpClient> http, std::string token)
      : http_(std::move(http)), token_(std::move(token)) {}
  std::unique_ptr<HttpClient> http_;
  std::string token_;
};

struct SyncOptions {
  uint32_t page_rows = 1000;
  int max_round_trips = 100000;  // a bound, so a misbehaving server cannot loop us forever
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
  uint64_t cursor = 0;
  int64_t hub_clock_skew_ms = 0;  // local wall clock minus the hub's, at the last round trip
};

class SyncEngine {
 public:
  SyncEngine(Replica& replica, SyncTransport& transport, SyncOptions options = {})
      : replica_(replica), transport_(transport), options_(options) {}

  Result<SyncReport> SyncOnce();

 private:
  Replica& replica_;
  SyncTransport& transport_;
  SyncOptions options_;
};

}  // namespace fieldbook::client

#endif  // FIELDBOOK_CLIENT_SYNC_ENGINE_H_

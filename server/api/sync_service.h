// SyncService: the server's router — what the server does with each HTTP request. It admits a
// request on its header (routes.h, the authenticator auth/request_auth.h) and dispatches it to the
// route's handler: health and metrics (http/health.h), the sync exchange (sync_api.h), the JSON
// APIs. Routes:
//   POST /v1/sync     a rep's device pushes one change set and pulls the next page (Cap'n Proto
//                     SyncRequest -> SyncResponse, Content-Type application/x-fieldbook-sync)
//   GET  /v1/whoami   the rep (or manager) a token belongs to: {"rep","name","role"}
//   GET  /healthz     liveness and the hub's sequence number
//   GET  /metrics     Prometheus text
//   /v1/admin/...     the managers' JSON API (admin_api.h); GET /v1/conflicts for reps
//   /v1/pool...       the public pool for reps; /v1/admin/{assignment,pool}... (assignment_api.h)
//   GET /v1/reports/  grading reports for a rep's device, scoped to that rep (report_api.h)
//   /, /console/...   the manager's console's files (console_assets.h), without authentication
//   /v1/admin/{login,logout,session}   console sessions (console_api.h)
// The /v1/admin/ routes and /v1/whoami take a manager's bearer token or a console session cookie
// (then, for any method but GET and HEAD, with its X-CSRF-Token: 403 `csrf` otherwise).
// Errors are JSON bodies: 401 missing, unknown or revoked token or disabled rep; 403 wrong role;
// 400 malformed input; 409 a set id reused by another device; 413 over a size limit; 503 (with
// Retry-After) the database is out of reach for now (PostgreSQL: a lost connection, which the
// next request's store connects again: ServerStore::Reconnect); 500 a bug (logged).
//
// Admit() judges a request on its header, before its body is read: unknown routes are 404, a
// missing or bad token 401, a manager on /v1/sync 403 — none of them costs a body read. It also
// picks the route's body limit: the sync limit (DecodeLimits::max_message_bytes) for /v1/sync,
// json_body_limit for the JSON APIs, nothing for /healthz and /metrics. JSON bodies are parsed
// before the store's lock is taken (HttpRequest::json). GET /healthz never waits for the store:
// when the store is busy it answers with the last sequence number it read ("store":"busy").
//
// Concurrency (docs/server.md, "Concurrency"): the store given is the writer, used under one
// mutex (the time requests wait for it is recorded in Metrics); devices' pushes reach it through
// group commit (group_commit.h). With read connections (SyncServiceOptions::readers), device
// tokens are checked, pulls read and every GET of the admin, pool and report routes (lists,
// reports, exports) is answered there, each in one read snapshot, concurrently with each other
// and with the writer; the other routes run on the writer. Readers never write (their
// connections are query_only).
// Locks are taken in one order only: a read connection (ReadStores::Acquire), then the writer's
// mutex; never a read connection while holding the writer's mutex.
//
// Thread safety: Admit and Handle are called from many worker threads at once.
#ifndef FIELDBOOK_SERVER_SYNC_SERVICE_H_
#define FIELDBOOK_SERVER_SYNC_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "api/console_api.h"
#include "api/console_assets.h"
#include "api/import_api.h"
#include "api/nightly_api.h"
#include "api/routes.h"
#include "api/sync_api.h"
#include "auth/request_auth.h"
#include "fieldbook/change_set_codec.h"
#include "http/health.h"
#include "http/http_types.h"
#include "http/metrics.h"
#include "store/device_activity.h"
#include "store/server_store.h"
#include "store/verification_store.h"

namespace fieldbook::server {

struct SyncServiceOptions {
  size_t default_page_rows = 1000;
  size_t max_page_rows = 5000;
  DecodeLimits limits;                // on what a device may send
  size_t json_body_limit = 1u << 20;  // admin and pool JSON bodies
  ImportApiOptions import;            // spreadsheet uploads (import_api.h)
  VerificationOptions verification;   // replica verification (verification_store.h)
  // Devices' last syncs are written at most this often (device_activity.h), before a manager
  // lists devices, and at shutdown.
  int64_t device_flush_interval_ms = 30000;
  ConsoleOptions console;  // console sessions and login back-off (console_api.h)
  // The console's files; null: console paths answer 404 `console_not_installed`.
  std::shared_ptr<const ConsoleAssets> console_assets;
  // Runs the nightly job on request (POST /v1/admin/nightly/run); null: that route answers 503.
  std::shared_ptr<NightlyLauncher> nightly_launcher;
  // Read connections (read_stores.h) for pulls and device authentication; null: everything runs
  // on the writer under its lock (tests, tools).
  std::shared_ptr<ReadStores> readers;
  size_t max_push_batch = 64;  // pushes committed together at most (group_commit.h)
  // Whether /healthz reads the hub's sequence number (when the writer is free). False on
  // PostgreSQL: /healthz is then the process's liveness alone ("store":"not_read"), never a
  // query to a database that every instance shares.
  bool health_reads_store = true;
};

class SyncService final : public RequestHandler {
 public:
  SyncService(ServerStore& store, Metrics& metrics, WallClock& wall,
              SyncServiceOptions options = {});
  ~SyncService() override;  // writes the devices' last syncs not written yet
  HttpAdmission Admit(const HttpRequest& head) override;
  HttpResponse Handle(const HttpRequest& request) override;

  // Holds the store's lock until the returned lock is released: what a long sync or admin
  // action does to everyone else (tests use it to prove who does not wait).
  std::unique_lock<std::mutex> LockStoreForTesting() { return LockStore(); }

 private:
  // The pool, report and admin routes on `store`: the writer (with mu_ held) or a reader (in a
  // read snapshot, for GETs).
  HttpResponse Dispatch(ServerStore& store, Route route, const HttpRequest& req,
                        const Principal& who);
  void FlushDeviceActivity(bool force);  // with mu_ held
  // Writes the devices' last syncs when the flush interval has passed (takes mu_ then only).
  void FlushDeviceActivityIfDue();
  void WriteDeviceActivity(std::vector<DeviceSync> due);  // with mu_ held
  // mu_, with the wait recorded in metrics_.
  std::unique_lock<std::mutex> LockStore();

  ServerStore& store_;
  Metrics& metrics_;
  WallClock& wall_;
  SyncServiceOptions options_;
  std::mutex mu_;  // guards store_
  DeviceActivity activity_;
  std::unique_ptr<ConsoleApi> console_;
  RequestAuthenticator auth_;  // with mu_ held
  HealthEndpoint health_;
  GroupCommit group_;
  SyncApi sync_;
  std::vector<uint64_t> gauges_;  // registered in metrics_ (the push queue, readers in use)
  ImportJobs imports_;            // last: its job (using the store and mu_) stops and ends first
};

}  // namespace fieldbook::server

#endif  // FIELDBOOK_SERVER_SYNC_SERVICE_H_

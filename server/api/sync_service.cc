#include "api/sync_service.h"

#include <any>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>

#include "api/admin_api.h"
#include "api/assignment_api.h"
#include "api/http_json.h"
#include "api/http_status.h"
#include "api/import_api.h"
#include "api/report_api.h"
#include "api/routes.h"
#include "auth/auth.h"
#include "fieldbook/json.h"
#include "http/log.h"
#include "store/verification_store.h"

namespace fieldbook::server {

SyncService::SyncService(ServerStore& store, Metrics& metrics, WallClock& wall,
                         SyncServiceOptions options)
    : store_(store),
      metrics_(metrics),
      wall_(wall),
      options_(options),
      activity_(options.device_flush_interval_ms),
      console_(std::make_unique<ConsoleApi>(
          store, wall, [this] { return LockStore(); }, options.console)),
      auth_(store, [this](const HttpRequest& request) { return console_->SessionOf(request); }),
      health_(metrics, options.health_reads_store
                           ? HealthEndpoint::SeqProbe([this]() -> std::optional<Result<uint64_t>> {
                               std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
                               if (!lock.owns_lock()) return std::nullopt;
                               return store_.hub().LatestSeq();
                             })
                           : HealthEndpoint::SeqProbe()),
      group_(
          store, [this] { return LockStore(); }, options.max_push_batch),
      sync_(SyncStores{store, [this] { return LockStore(); }, &group_, options.readers.get(),
                       [this] { FlushDeviceActivityIfDue(); }},
            metrics, wall, activity_,
            SyncApiOptions{options.default_page_rows, options.max_page_rows, options.limits,
                           options.verification}),
      imports_(wall) {
  gauges_.push_back(metrics_.AddGauge("fieldbook_pushes_waiting",
                                      "Pushes waiting for the next group commit.",
                                      [this] { return static_cast<int64_t>(group_.queued()); }));
  if (ReadStores* readers = options_.readers.get()) {
    gauges_.push_back(metrics_.AddGauge(
        "fieldbook_read_connections_in_use", "Read connections leased by a request now.",
        [readers] { return static_cast<int64_t>(readers->in_use()); }));
  }
}

SyncService::~SyncService() {
  imports_.Stop();  // a running import stops between batches
  for (uint64_t id : gauges_) metrics_.RemoveGauge(id);
  std::lock_guard<std::mutex> lock(mu_);
  FlushDeviceActivity(/*force=*/true);
}

void SyncService::FlushDeviceActivity(bool force) {
  WriteDeviceActivity(activity_.TakeDue(static_cast<int64_t>(wall_.NowMs()), force));
}

void SyncService::FlushDeviceActivityIfDue() {
  std::vector<DeviceSync> due = activity_.TakeDue(static_cast<int64_t>(wall_.NowMs()), false);
  if (due.empty()) return;
  auto lock = LockStore();
  WriteDeviceActivity(std::move(due));
}

void SyncService::WriteDeviceActivity(std::vector<DeviceSync> due) {
  if (due.empty()) return;
  Status s = store_.RecordDeviceSyncs(due);
  if (!s.ok()) {
    LogEvent("warn", "device_activity_not_saved", {{"error", s.ToString()}});
    activity_.Restore(due);
  }
}

std::unique_lock<std::mutex> SyncService::LockStore() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  metrics_.StoreLockWaited(std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start));
  // A PostgreSQL connection an earlier request found lost is made again here; when that fails
  // too, the caller's first statement answers kUnavailable (503 + Retry-After).
  Status reconnected = store_.Reconnect();
  if (!reconnected.ok()) LogEvent("warn", "reconnect_failed", {{"error", reconnected.ToString()}});
  return lock;
}

namespace {

HttpResponse CsrfRefused() { return JsonError(403, "csrf", Phrase{"http_csrf", {}}); }

// A token check that failed on the server: 503 (retry) when the database is out of reach for
// now, else 500.
HttpResponse AuthFailed(const Status& s) {
  if (s.code() == StatusCode::kUnavailable) return StatusResponse(s);
  return JsonError(500, "internal", Phrase{"http_auth_failed", {}});
}

// Bodies of the JSON APIs are objects a few levels deep; deeper nesting is refused while parsing.
constexpr size_t kMaxJsonDepth = 32;

}  // namespace

HttpAdmission SyncService::Admit(const HttpRequest& head) {
  const std::string path = PathOf(head.target);
  const Route route = RouteOf(path);
  HttpAdmission admission;
  admission.route = RouteName(route);
  switch (route) {
    case Route::kHealth:
    case Route::kMetrics:
      admission.body_limit = 0;
      return admission;
    case Route::kConsole:  // read-only files: anything but GET and HEAD is 405 before its body
      admission.body_limit = 0;
      if (head.method != "GET" && head.method != "HEAD") {
        admission.response = options_.console_assets ? options_.console_assets->Serve(head)
                                                     : ServeWithoutAssets(head);
      }
      return admission;
    case Route::kSession:  // console_api.h authenticates these itself
      admission.body_limit = kLoginBodyLimit;
      return admission;
    case Route::kNone:
      admission.response = JsonError(404, "not_found", Phrase{"http_no_route", {{"path", path}}});
      return admission;
    case Route::kSync:
      if (head.method != "POST") {
        admission.response =
            JsonError(405, "method_not_allowed", Phrase{"http_use_post", {{"path", "/v1/sync"}}});
        return admission;
      }
      admission.body_limit = options_.limits.max_message_bytes;
      break;
    case Route::kImport:
      admission.body_limit = options_.import.max_upload_bytes;
      admission.body_to_file = true;  // streamed to disk (import_api.h)
      break;
    default:
      admission.body_limit = options_.json_body_limit;
      break;
  }
  // Authenticated on the header: a request without a valid token never gets its body read.
  bool by_session = false;
  const std::string token = BearerToken(head.authorization);
  Result<std::optional<Principal>> principal = std::optional<Principal>();
  bool checked = false;
  if (options_.readers && !token.empty()) {
    // A device's token is checked on a read connection, concurrently with everyone else; a token
    // whose check has to write (a legacy hash stored again keyed) is checked on the writer.
    ReadStores::Lease reader = options_.readers->Acquire();
    principal = reader->Authenticate(token);
    checked = principal.ok() || !reader.TakeWriteRefused();
  }
  if (!checked) {
    auto lock = LockStore();
    principal = auth_.Authenticate(head, SessionsAllowed(route, path), &by_session);
  }
  if (!principal.ok()) {
    LogEvent("error", "auth_failed", {{"error", principal.status().ToString()}});
    admission.response = AuthFailed(principal.status());
    return admission;
  }
  std::optional<Principal>& who = *principal;
  if (!who) {
    admission.response = JsonError(401, "unauthorized", Phrase{"http_unauthorized", {}});
    return admission;
  }
  if (by_session && !ConsoleApi::CsrfOk(head)) {
    admission.response = CsrfRefused();
    return admission;
  }
  if (route == Route::kSync && who->is_manager()) {
    admission.response = JsonError(403, "forbidden", Phrase{"http_managers_not_sync", {}});
    return admission;
  }
  if (route == Route::kImport && !who->is_manager()) {
    admission.response = JsonError(403, "forbidden", Phrase{"http_admin_needs_manager", {}});
    return admission;
  }
  admission.context = std::move(*who);
  return admission;
}

HttpResponse SyncService::Handle(const HttpRequest& request) {
  const std::string path = PathOf(request.target);
  const Route route = RouteOf(path);
  if (route == Route::kHealth) return health_.Health();
  if (route == Route::kMetrics) return health_.MetricsText();
  if (route == Route::kNone)
    return JsonError(404, "not_found", Phrase{"http_no_route", {{"path", path}}});
  if (route == Route::kConsole) {
    return options_.console_assets ? options_.console_assets->Serve(request)
                                   : ServeWithoutAssets(request);
  }
  if (route == Route::kSession) return console_->Handle(request);

  // JSON bodies are parsed here, before the store's lock is taken.
  std::optional<HttpRequest> with_json;
  if (route == Route::kPool || route == Route::kAdmin) {
    if (request.body.size() > options_.json_body_limit) {
      return JsonError(
          413, "body_too_large",
          Phrase{"http_json_too_large", {{"limit", std::to_string(options_.json_body_limit)}}});
    }
    if (!request.body.empty()) {
      boost::system::error_code ec;
      boost::json::value parsed = ReadJson(request.body, ec, kMaxJsonDepth);
      // Not JSON (or nested too deep): the route answers, with its own size limit first, and
      // sees a null body, never the text to parse again.
      if (ec) parsed = nullptr;
      with_json.emplace(request);
      with_json->json = std::make_shared<const boost::json::value>(std::move(parsed));
    }
  }
  const HttpRequest& req = with_json ? *with_json : request;
  std::optional<Principal> admitted;
  if (const Principal* p = std::any_cast<Principal>(&request.admitted)) admitted = *p;
  if (!admitted) {  // not through Admit() (called directly)
    auto lock = LockStore();
    bool by_session = false;
    auto principal = auth_.Authenticate(req, SessionsAllowed(route, path), &by_session);
    if (!principal.ok()) {
      LogEvent("error", "auth_failed", {{"error", principal.status().ToString()}});
      return AuthFailed(principal.status());
    }
    if (!*principal) {
      return JsonError(401, "unauthorized", Phrase{"http_unauthorized", {}});
    }
    if (by_session && !ConsoleApi::CsrfOk(req)) return CsrfRefused();
    admitted = std::move(**principal);
  }
  const Principal& who = *admitted;
  if (route == Route::kSync) return sync_.Handle(req, who);  // takes the stores it needs
  if (route == Route::kWhoami) {
    boost::json::object body{{"rep", who.rep_id}, {"name", who.name}, {"role", who.role}};
    return HttpResponse{200, "application/json", WriteJson(body), {}};
  }
  if (route == Route::kImport) {  // takes the lock itself, one batch at a time
    return HandleImportRequest(
        store_, wall_, req, who, [this] { return LockStore(); }, &imports_);
  }
  const bool devices = route == Route::kAdmin && path.rfind("/v1/admin/devices", 0) == 0;
  if (options_.readers && req.method == "GET") {
    // A read (a list, a report, an export) runs on a read connection in one snapshot: it never
    // waits for pushes or admin writes, nor they for it.
    if (devices) {  // the devices' last syncs noted in memory are written first
      auto lock = LockStore();
      FlushDeviceActivity(/*force=*/true);
    }
    {
      ReadStores::Lease reader = options_.readers->Acquire();
      auto snapshot = reader->BeginRead();
      if (!snapshot.ok()) return StatusResponse(snapshot.status());
      HttpResponse response = Dispatch(*reader, route, req, who);
      if (!reader.TakeWriteRefused()) return response;
    }
    // This read wanted to write something (readers refuse): answered by the writer instead.
    LogEvent("info", "read_on_writer", {{"route", path}});
  }
  auto lock = LockStore();
  if (devices) FlushDeviceActivity(/*force=*/true);
  return Dispatch(store_, route, req, who);
}

HttpResponse SyncService::Dispatch(ServerStore& store, Route route, const HttpRequest& req,
                                   const Principal& who) {
  if (route == Route::kPool) return HandleAssignmentRequest(store, wall_, req, who);
  if (route == Route::kReports) return HandleReportRequest(store, req, who, wall_);
  if (auto r = HandleNightlyLaunchRequest(options_.nightly_launcher.get(), store, req, who, wall_))
    return *r;
  return HandleAdminRequest(store, req, who, wall_);
}

}  // namespace fieldbook::server

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
#include "api/http_status.h"
#include "api/import_api.h"
#include "api/report_api.h"
#include "api/snapshot_token.h"
#include "auth/auth.h"
#include "fieldbook/json.h"
#include "http/log.h"
#include "store/verification_store.h"

namespace fieldbook::server {

namespace {

// Numbers the hub stores or compares as SQLite integers (signed 64-bit) must fit one: a cursor
// of 2^63 would wrap negative and re-send the whole scope. Returns why a request is refused, or "".
std::string OutOfRange(const SyncRequest& req) {
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  if (req.pull_cursor > kMax) {
    return "pull cursor " + std::to_string(req.pull_cursor) + " is out of range (0.." +
           std::to_string(kMax) + ")";
  }
  if (req.has_push) {
    if (req.push.cursor > kMax) {
      return "push cursor " + std::to_string(req.push.cursor) + " is out of range";
    }
    for (size_t r = 0; r < req.push.rows.size(); ++r) {
      for (size_t c = 0; c < req.push.rows[r].columns.size(); ++c) {
        const Hlc hlc = req.push.rows[r].columns[c].hlc;
        if (hlc.packed() > kMax) {
          return "push row " + std::to_string(r) + " column " + std::to_string(c) + ": timestamp " +
                 std::to_string(hlc.packed()) + " is out of range";
        }
      }
    }
  }
  for (size_t i = 0; i < req.digests.size(); ++i) {
    if (req.digests[i].rows > kMax) {
      return "digest " + std::to_string(i) + ": row count " + std::to_string(req.digests[i].rows) +
             " is out of range";
    }
  }
  return "";
}

}  // namespace

SyncService::SyncService(ServerStore& store, Metrics& metrics, WallClock& wall,
                         SyncServiceOptions options)
    : store_(store),
      metrics_(metrics),
      wall_(wall),
      options_(options),
      activity_(options.device_flush_interval_ms),
      console_(std::make_unique<ConsoleApi>(
          store, wall, [this] { return LockStore(); }, options.console)) {}

SyncService::~SyncService() {
  std::lock_guard<std::mutex> lock(mu_);
  FlushDeviceActivity(/*force=*/true);
}

void SyncService::FlushDeviceActivity(bool force) {
  std::vector<DeviceSync> due = activity_.TakeDue(static_cast<int64_t>(wall_.NowMs()), force);
  if (due.empty()) return;
  Status s = store_.RecordDeviceSyncs(due);
  if (!s.ok()) {
    LogEvent("warn", "device_activity_not_saved", {{"error", s.ToString()}});
    activity_.Restore(due);
  }
}

Result<std::optional<Principal>> SyncService::Authenticate(const HttpRequest& request,
                                                           bool sessions, bool* by_session) {
  *by_session = false;
  const std::string token = BearerToken(request.authorization);
  if (!token.empty()) return store_.Authenticate(token);
  if (!sessions || request.cookie.empty()) return std::optional<Principal>();
  auto who = console_->SessionOf(request);
  if (who.ok() && *who) *by_session = true;
  return who;
}

std::unique_lock<std::mutex> SyncService::LockStore() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  metrics_.StoreLockWaited(std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start));
  return lock;
}

namespace {

enum class Route {
  kHealth,
  kMetrics,
  kSync,
  kWhoami,
  kPool,
  kImport,
  kAdmin,
  kReports,
  kConsole,
  kSession,
  kNone
};

Route RouteOf(const std::string& path) {
  if (path == "/healthz") return Route::kHealth;
  if (ConsoleAssets::IsConsolePath(path)) return Route::kConsole;
  if (ConsoleApi::IsSessionRoute(path)) return Route::kSession;
  if (path == "/metrics") return Route::kMetrics;
  if (path == "/v1/sync") return Route::kSync;
  if (path == "/v1/whoami") return Route::kWhoami;
  if (IsAssignmentRoute(path)) return Route::kPool;  // assignment and the pool (assignment_api.h)
  if (IsImportRoute(path)) return Route::kImport;    // spreadsheets (import_api.h)
  if (path.rfind("/v1/admin/", 0) == 0 || path == "/v1/conflicts" ||
      path == "/v1/conflicts/status") {
    return Route::kAdmin;
  }
  if (path.rfind("/v1/reports/", 0) == 0) return Route::kReports;
  return Route::kNone;
}

// The route's name in metrics: a small fixed set.
const char* RouteName(Route route) {
  switch (route) {
    case Route::kHealth:
      return "healthz";
    case Route::kMetrics:
      return "metrics";
    case Route::kSync:
      return "sync";
    case Route::kWhoami:
      return "whoami";
    case Route::kPool:
      return "pool";
    case Route::kImport:
      return "import";
    case Route::kAdmin:
      return "admin";
    case Route::kReports:
      return "reports";
    case Route::kConsole:
      return "console";
    case Route::kSession:
      return "session";
    case Route::kNone:
      break;
  }
  return "not_found";
}

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

// A console session cookie stands for a manager's token on the managers' routes only.
bool SessionsAllowed(Route route, const std::string& path) {
  return route == Route::kWhoami ||
         ((route == Route::kAdmin || route == Route::kPool || route == Route::kImport) &&
          path.rfind("/v1/admin/", 0) == 0);
}

HttpResponse CsrfRefused() {
  return JsonError(403, "csrf",
                   "a console session's changes need its X-CSRF-Token (GET /v1/admin/session)");
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
      admission.response = JsonError(404, "not_found", "no route " + path);
      return admission;
    case Route::kSync:
      if (head.method != "POST") {
        admission.response = JsonError(405, "method_not_allowed", "use POST for /v1/sync");
        return admission;
      }
      admission.body_limit = options_.limits.max_message_bytes;
      break;
    case Route::kImport:
      admission.body_limit = options_.import.max_upload_bytes;
      break;
    default:
      admission.body_limit = options_.json_body_limit;
      break;
  }
  // Authenticated on the header: a request without a valid token never gets its body read.
  std::optional<Principal> who;
  bool by_session = false;
  {
    auto lock = LockStore();
    auto principal = Authenticate(head, SessionsAllowed(route, path), &by_session);
    if (!principal.ok()) {
      LogEvent("error", "auth_failed", {{"error", principal.status().ToString()}});
      admission.response = JsonError(500, "internal", "authentication failed on the server");
      return admission;
    }
    who = std::move(*principal);
  }
  if (!who) {
    admission.response = JsonError(401, "unauthorized",
                                   "missing, unknown or revoked device token, or a disabled rep");
    return admission;
  }
  if (by_session && !ConsoleApi::CsrfOk(head)) {
    admission.response = CsrfRefused();
    return admission;
  }
  if (route == Route::kSync && who->is_manager()) {
    admission.response = JsonError(
        403, "forbidden", "managers steer through /v1/admin; /v1/sync is for reps' devices");
    return admission;
  }
  if (route == Route::kImport && !who->is_manager()) {
    admission.response = JsonError(403, "forbidden", "the admin API needs a manager's token");
    return admission;
  }
  admission.context = std::move(*who);
  return admission;
}

HttpResponse SyncService::Health() {
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (lock.owns_lock()) {
    auto seq = store_.hub().LatestSeq();
    lock.unlock();
    if (!seq.ok()) return JsonError(503, "unhealthy", seq.status().ToString());
    last_seq_.store(static_cast<int64_t>(*seq));
    boost::json::object body{{"status", "ok"}, {"seq", *seq}, {"store", "idle"}};
    return HttpResponse{200, "application/json", WriteJson(body), {}};
  }
  // The store is busy (a sync, an admin action, the nightly job): alive all the same; the last
  // sequence number read stands in.
  boost::json::object body{{"status", "ok"}, {"seq", last_seq_.load()}, {"store", "busy"}};
  return HttpResponse{200, "application/json", WriteJson(body), {}};
}

HttpResponse SyncService::Handle(const HttpRequest& request) {
  const std::string path = PathOf(request.target);
  const Route route = RouteOf(path);
  if (route == Route::kHealth) return Health();
  if (route == Route::kMetrics) {
    return HttpResponse{200, "text/plain; version=0.0.4", metrics_.RenderPrometheus(), {}};
  }
  if (route == Route::kNone) return JsonError(404, "not_found", "no route " + path);
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
          "JSON bodies are limited to " + std::to_string(options_.json_body_limit) + " bytes");
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
  // An uploaded sheet goes to a temporary file before the store's lock is taken.
  std::string upload;
  if (route == Route::kImport && !request.body.empty()) {
    auto saved = SaveUpload(request.body);
    if (!saved.ok()) return JsonError(500, "internal", saved.status().message());
    upload = *saved;
  }
  struct RemoveUpload {
    std::string path;
    ~RemoveUpload() {
      if (!path.empty()) std::remove(path.c_str());
    }
  } remove_upload{upload};

  std::optional<Principal> admitted;
  if (const Principal* p = std::any_cast<Principal>(&request.admitted)) admitted = *p;
  auto lock = LockStore();
  bool by_session = false;
  if (!admitted) {  // not through Admit() (called directly)
    auto principal = Authenticate(req, SessionsAllowed(route, path), &by_session);
    if (!principal.ok()) {
      LogEvent("error", "auth_failed", {{"error", principal.status().ToString()}});
      return JsonError(500, "internal", "authentication failed on the server");
    }
    if (!*principal) {
      return JsonError(401, "unauthorized",
                       "missing, unknown or revoked device token, or a disabled rep");
    }
    if (by_session && !ConsoleApi::CsrfOk(req)) return CsrfRefused();
    admitted = std::move(**principal);
  }
  const Principal& who = *admitted;
  if (route == Route::kPool) return HandleAssignmentRequest(store_, wall_, req, who);
  if (route == Route::kImport) return HandleImportRequest(store_, wall_, req, who, upload);
  if (route == Route::kAdmin) {
    if (path.rfind("/v1/admin/devices", 0) == 0) FlushDeviceActivity(/*force=*/true);
    return HandleAdminRequest(store_, req, who, wall_);
  }
  if (route == Route::kReports) return HandleReportRequest(store_, req, who, wall_);
  if (route == Route::kWhoami) {
    boost::json::object body{{"rep", who.rep_id}, {"name", who.name}, {"role", who.role}};
    return HttpResponse{200, "application/json", WriteJson(body), {}};
  }
  lock.unlock();
  return HandleSync(req, who);
}

HttpResponse SyncService::HandleSync(const HttpRequest& request, const Principal& rep) {
  const auto start = std::chrono::steady_clock::now();
  auto fail = [&](int status, const std::string& code, const std::string& message) {
    metrics_.SyncCompleted(std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start),
                           0, 0, false);
    if (status >= 500) LogEvent("error", "sync_failed", {{"rep", rep.rep_id}, {"error", message}});
    return JsonError(status, code, message);
  };
  if (request.method != "POST") return fail(405, "method_not_allowed", "use POST for /v1/sync");
  if (rep.is_manager()) {
    return fail(403, "forbidden",
                "managers steer through /v1/admin; /v1/sync is for reps' devices");
  }
  auto decoded = DecodeSyncRequest(request.body, options_.limits);
  if (!decoded.ok()) {
    const bool too_big = decoded.status().code() == StatusCode::kResourceExhausted;
    return fail(too_big ? 413 : 400, too_big ? "too_large" : "malformed",
                decoded.status().message());
  }
  const SyncRequest& req = *decoded;
  if (req.replica_id.empty()) return fail(400, "malformed", "sync request has no replica id");
  if (req.has_push && req.push.replica_id != req.replica_id) {
    return fail(400, "malformed", "the pushed set names another replica than the request");
  }
  if (std::string bad = OutOfRange(req); !bad.empty()) return fail(400, "out_of_range", bad);

  activity_.Note(rep.device_id, static_cast<int64_t>(wall_.NowMs()),
                 AddressWithoutPort(request.remote));
  SyncResponse response;
  {
    auto lock = LockStore();
    FlushDeviceActivity(/*force=*/false);
    if (req.has_push) {
      auto pushed = store_.ApplyRepPush(rep, req.push);
      if (!pushed.ok())
        return fail(HttpStatusFor(pushed.status().code(), HttpWire::kSync), "push_refused",
                    pushed.status().message());
      response.has_push_result = true;
      response.push_result = std::move(*pushed);
    }
    auto floor = store_.HistoryFloor();
    if (!floor.ok()) return fail(500, "internal", floor.status().ToString());
    auto epoch = store_.Epoch();
    if (!epoch.ok()) return fail(500, "internal", epoch.status().ToString());
    auto latest = store_.hub().LatestSeq();
    if (!latest.ok()) return fail(500, "internal", latest.status().ToString());
    response.epoch = *epoch;
    size_t limit = req.page_limit == 0 ? options_.default_page_rows : req.page_limit;
    limit = std::min(limit, options_.max_page_rows);
    // The device rebuilds from a snapshot (docs/sync.md). Its push (above) has landed first, so
    // nothing unsynced is lost.
    auto rebuild = [&](bool restored) {
      response.rebuild = true;
      response.restored = restored;
      response.pull.replica_id = store_.hub().hub_id();
      response.pull.set_id = "rebuild";
      response.pull.cursor = req.pull_cursor;
    };
    // Devices that know snapshots (wire version 3) start and resume them; older ones pull from 0.
    const bool snapshots = req.schema_version >= 3;
    if (snapshots && ((req.epoch != 0 && req.epoch != *epoch) || req.pull_cursor > *latest)) {
      // The hub was restored from a backup: history this device saw is gone. It pushes its own
      // writes again (the hub may have lost some it acknowledged), then rebuilds.
      rebuild(/*restored=*/true);
    } else if (snapshots && (req.pull_cursor == 0 || !req.snapshot_token.empty())) {
      SnapshotPosition from{.seq = *latest};
      bool restart = false;
      if (!req.snapshot_token.empty()) {
        auto token = ParseSnapshotToken(req.snapshot_token, store_.hub().catalog().tables().size(),
                                        options_.limits.max_id_bytes);
        if (!token.ok()) return fail(400, "malformed", token.status().message());
        // A snapshot older than the floor may miss what compaction forgot since (scope events,
        // tombstones): start a new one. The floor never passes the latest sequence, so a new
        // snapshot always starts at or above it and the device finishes.
        restart =
            token->epoch != *epoch || token->position.seq < *floor || token->position.seq > *latest;
        from = token->position;
      }
      if (restart) {
        rebuild(/*restored=*/false);
      } else {
        auto page = store_.SnapshotForRep(rep.rep_id, from, limit);
        if (!page.ok()) return fail(500, "internal", page.status().ToString());
        response.snapshot = true;
        response.pull = std::move(page->changes);
        response.pull.set_id = "snapshot-" + std::to_string(from.seq);
        if (page->next) {
          response.snapshot_token = EncodeSnapshotToken(SnapshotToken{*epoch, *page->next});
          response.more = true;
          response.pull.cursor = 0;
        } else {
          // Complete: the device pulls the changes after S from here on.
          response.pull.cursor = from.seq;
          response.more = from.seq < *latest;
        }
      }
    } else if (req.pull_cursor != 0 && req.pull_cursor < *floor) {
      // The scope history this cursor needs is gone.
      rebuild(/*restored=*/false);
    } else {
      auto page = store_.PullForRep(rep.rep_id, req.pull_cursor, limit);
      if (!page.ok()) return fail(500, "internal", page.status().ToString());
      response.pull = std::move(page->changes);
      response.more = page->more;
      // Verification (docs/sync.md, "Verification and repair"), once the device is caught up.
      if (!response.more) {
        VerificationStore verification(store_, wall_, options_.verification);
        // The digests describe the device as of its cursor: they are comparable with the hub's
        // only when this page brought it nothing.
        bool partial = false;
        if (req.has_digests && response.pull.rows.empty() &&
            response.pull.evicted_customers.empty()) {
          auto check = verification.Check(DigestReport{
              rep.rep_id, req.replica_id, req.digest_buckets, req.digest_schema, req.digests});
          if (!check.ok()) return fail(500, "internal", check.status().ToString());
          response.digests_checked = check->compared;
          partial = check->more;
          if (check->compared) {
            response.repair_buckets = std::move(check->repair_buckets);
            response.repair = std::move(check->repair);
          }
          LogEvent(check->buckets_mismatched > 0 ? "warn" : "info", "replica_verified",
                   {{"rep", rep.rep_id},
                    {"replica", req.replica_id},
                    {"outcome", check->outcome},
                    {"buckets_compared", std::to_string(check->buckets_compared)},
                    {"buckets_resent", std::to_string(response.repair_buckets.size())},
                    {"rows_resent", std::to_string(response.repair.rows.size())}});
        }
        auto ask = verification.Wanted(rep.rep_id, req.replica_id);
        if (!ask.ok()) return fail(500, "internal", ask.status().ToString());
        // A repair cut short by its size continues with the next request's digests, whether or
        // not the check had been asked for.
        response.verify = ask->verify || partial;
        response.verify_deep = ask->deep;
      }
    }
  }
  response.hub_time_ms = wall_.NowMs();
  std::string body = EncodeSyncResponse(response);
  metrics_.SyncCompleted(std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - start),
                         response.push_result.rows_accepted, response.push_result.rejections.size(),
                         true);
  return HttpResponse{200, kSyncContentType, std::move(body), {}};
}

}  // namespace fieldbook::server

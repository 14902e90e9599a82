#include "api/nightly_api.h"

#include <boost/json.hpp>

#include "api/http_json.h"
#include "nightly/nightly_report.h"
#include "store/nightly_store.h"
#include "store/pool_store.h"

namespace fieldbook::server {

namespace {

constexpr const char* kPrefix = "/v1/admin/nightly/";
constexpr const char* kRunPath = "/v1/admin/nightly/run";
constexpr size_t kMaxRunBody = 1024;

boost::json::value TimeOrNull(int64_t ms) {
  return ms > 0 ? boost::json::value(IsoTime(ms)) : boost::json::value(nullptr);
}

boost::json::object StateJson(const NightlyLauncher::State& s) {
  return boost::json::object{
      {"running", s.running},
      {"by", s.by.empty() ? boost::json::value(nullptr) : boost::json::value(s.by)},
      {"started", TimeOrNull(s.started_ms)},
      {"finished", TimeOrNull(s.finished_ms)},
      {"run", s.run_id > 0 ? boost::json::value(s.run_id) : boost::json::value(nullptr)},
      {"outcome", s.outcome.empty() ? boost::json::value(nullptr) : boost::json::value(s.outcome)},
      {"error", s.error.empty() ? boost::json::value(nullptr) : boost::json::value(s.error)}};
}

// The lease when someone holds it now (not expired), else nullopt.
Result<std::optional<LeaseInfo>> LiveLease(ServerStore& store, int64_t now_ms) {
  NightlyStore nightly(store);
  FB_ASSIGN_OR_RETURN(std::optional<LeaseInfo> lease, nightly.Lease());
  if (!lease || lease->holder.empty() || lease->expires_ms <= now_ms) {
    return std::optional<LeaseInfo>();
  }
  return lease;
}

}  // namespace

std::optional<HttpResponse> HandleNightlyAdminRequest(ServerStore& store,
                                                      const HttpRequest& request,
                                                      const Principal& caller) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path.rfind(kPrefix, 0) != 0) return std::nullopt;
  if (!caller.is_manager()) {
    return JsonError(403, "forbidden", Phrase{"http_admin_needs_manager", {}});
  }
  if (path != "/v1/admin/nightly/runs") {
    return JsonError(404, "not_found", "no admin route " + request.method + " " + path,
                     Phrase{"http_no_route", {{"path", request.method + " " + path}}});
  }
  if (request.method != "GET") {
    return JsonError(405, "method_not_allowed", Phrase{"http_use_get", {{"path", path}}});
  }
  const std::optional<int64_t> last = IntParam(request.target, "last", 1, 100, 10);
  if (!last) return BadIntParam("last", 1, 100);
  NightlyStore nightly(store);
  auto runs = nightly.Runs(static_cast<size_t>(*last));
  if (!runs.ok()) return JsonError(500, "internal", runs.status().ToString());
  boost::json::array out;
  for (const NightlyRunRecord& run : *runs) out.push_back(NightlyRunJson(run));
  return JsonResponse(boost::json::object{{"runs", out}});
}

std::optional<HttpResponse> HandleNightlyLaunchRequest(NightlyLauncher* launcher,
                                                       ServerStore& store,
                                                       const HttpRequest& request,
                                                       const Principal& caller, WallClock& wall) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path != kRunPath) return std::nullopt;
  if (!caller.is_manager()) {
    return JsonError(403, "forbidden", Phrase{"http_admin_needs_manager", {}});
  }
  const bool get = request.method == "GET";
  if (!get && request.method != "POST") {
    return JsonError(405, "method_not_allowed", std::string("use GET or POST for ") + kRunPath,
                     Phrase{"http_use_methods", {{"methods", "GET, POST"}, {"path", kRunPath}}});
  }
  if (launcher == nullptr) {
    return JsonError(503, "unavailable", Phrase{"http_nightly_off", {}});
  }
  const int64_t now = static_cast<int64_t>(wall.NowMs());
  auto lease = LiveLease(store, now);
  if (!lease.ok()) return StatusResponse(lease.status());
  boost::json::value lease_json = nullptr;
  if (*lease) {
    lease_json = boost::json::object{{"holder", (*lease)->holder},
                                     {"run", (*lease)->run_id},
                                     {"expires", IsoTime((*lease)->expires_ms)}};
  }
  if (get) {
    return JsonResponse(
        boost::json::object{{"state", StateJson(launcher->Now())}, {"lease", lease_json}});
  }
  if (request.body.size() > kMaxRunBody) {
    return JsonError(413, "too_large", Phrase{"http_body_limit_kib", {{"kib", "1"}}});
  }
  if (!request.body.empty()) {
    boost::json::value parsed;
    const boost::json::value& v = RequestJson(request, parsed);
    if (!v.is_object() || !v.as_object().empty()) {
      return JsonError(400, "malformed", Phrase{"http_body_empty_object", {}});
    }
  }
  // A run going on here: refused with what the launcher's one read of its state says.
  auto running = [](const Status& refusal) {
    return JsonError(409, "nightly_running", refusal.message(), *refusal.phrase());
  };
  if (const NightlyLauncher::State state = launcher->Now(); state.running) {
    return running(NightlyLauncher::RunningRefusal(state));
  }
  if (*lease) {
    return JsonError(409, "nightly_running",
                     Phrase{"http_nightly_lease",
                            {{"run", std::to_string((*lease)->run_id)},
                             {"holder", (*lease)->holder},
                             {"until", IsoTime((*lease)->expires_ms)}}});
  }
  Status started = launcher->Start(caller.rep_id, now);
  // Another request started one between the look above and this start: Start's refusal names
  // that run, as Start saw it (a second look could find it ended already).
  if (started.code() == StatusCode::kConflict) return running(started);
  if (!started.ok()) return StatusResponse(started);
  return JsonResponse(boost::json::object{{"started", true}, {"state", StateJson(launcher->Now())}},
                      202);
}

}  // namespace fieldbook::server

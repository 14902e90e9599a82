#include "api/device_api.h"

#include <variant>

#include "api/http_json.h"
#include "store/pool_store.h"
#include "store/setup_codes.h"

namespace fieldbook::server {

namespace {

constexpr size_t kMaxBodyBytes = 8 * 1024;

struct DeviceBody {
  std::string rep;
  std::string device;
  int64_t id = 0;
  int64_t ttl_seconds = 0;  // setup codes: how long the code is valid (0: the default)
};

// The body's fields among rep (required), device and id (and ttl_seconds for a setup code); a 400
// for anything else.
std::variant<DeviceBody, HttpResponse> ReadBody(const HttpRequest& request, bool device_fields,
                                                bool code_fields = false) {
  if (request.body.size() > kMaxBodyBytes) {
    return JsonError(413, "too_large", Phrase{"http_body_limit_8k", {}});
  }
  // SyncService parsed the body before taking the store's lock (request.json); a request that did
  // not come through it is parsed here.
  boost::json::value parsed;
  const boost::json::value& v = RequestJson(request, parsed);
  if (!v.is_object()) return JsonError(400, "malformed", Phrase{"http_body_not_object", {}});
  DeviceBody out;
  bool has_rep = false;
  for (const auto& kv : v.as_object()) {
    const std::string key(kv.key());
    const boost::json::value& f = kv.value();
    if (key == "rep" || (device_fields && key == "device")) {
      if (!f.is_string() || f.as_string().empty() || f.as_string().size() > 64) {
        return JsonError(400, "invalid_field", Phrase{"http_field_text", {{"field", key}}});
      }
      (key == "rep" ? out.rep : out.device) = std::string(f.as_string());
      has_rep = has_rep || key == "rep";
    } else if (device_fields && key == "id") {
      if (!f.is_int64() || f.as_int64() <= 0) {
        return JsonError(400, "invalid_field", Phrase{"http_field_id", {}});
      }
      out.id = f.as_int64();
    } else if (code_fields && key == "ttl_seconds") {
      if (!f.is_int64() || f.as_int64() < 1 || f.as_int64() > 24 * 3600) {
        return JsonError(400, "invalid_field", Phrase{"http_field_ttl", {}});
      }
      out.ttl_seconds = f.as_int64();
    } else {
      return JsonError(400, "invalid_field", Phrase{"http_unknown_field", {{"field", key}}});
    }
  }
  if (!has_rep)
    return JsonError(400, "missing_field", Phrase{"http_missing_field", {{"field", "rep"}}});
  return out;
}

}  // namespace

boost::json::object DeviceJson(const DeviceInfo& d) {
  boost::json::object o{{"id", d.id},
                        {"rep", d.rep_id},
                        {"device", d.device},
                        {"created", IsoTime(d.created_ms)},
                        {"revoked", d.revoked},
                        {"last_sync", nullptr},
                        {"last_address", nullptr}};
  if (d.revoked) {
    o["revoked_at"] = d.revoked_ms > 0 ? boost::json::value(IsoTime(d.revoked_ms)) : nullptr;
    o["revoked_by"] = d.revoked_by;
  }
  if (d.last_sync_ms > 0) o["last_sync"] = IsoTime(d.last_sync_ms);
  if (!d.last_address.empty()) o["last_address"] = d.last_address;
  return o;
}

std::optional<HttpResponse> HandleDeviceAdminRequest(ServerStore& store, const HttpRequest& request,
                                                     const std::string& actor) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (path == "/v1/admin/devices" && get) {
    auto devices = store.ListDevices(QueryParam(request.target, "rep"));
    if (!devices.ok()) return StatusResponse(devices.status());
    boost::json::array out;
    for (const DeviceInfo& d : *devices) out.push_back(DeviceJson(d));
    return JsonResponse(boost::json::object{{"devices", out}});
  }
  const bool issue = path == "/v1/admin/devices";
  const bool code = path == "/v1/admin/devices/code";
  const bool revoke = path == "/v1/admin/devices/revoke";
  const bool disable = path == "/v1/admin/reps/disable";
  const bool enable = path == "/v1/admin/reps/enable";
  if (!issue && !code && !revoke && !disable && !enable) return std::nullopt;
  if (!post) return JsonError(405, "method_not_allowed", Phrase{"http_use_post", {{"path", path}}});
  auto body = ReadBody(request, issue || code || revoke, code);
  if (auto* bad = std::get_if<HttpResponse>(&body)) return *bad;
  const DeviceBody& b = std::get<DeviceBody>(body);
  if (issue) {
    if (b.id != 0) return JsonError(400, "invalid_field", Phrase{"http_new_device_no_id", {}});
    auto issued = store.IssueDeviceToken(b.rep, b.device, actor);
    if (!issued.ok()) return StatusResponse(issued.status());
    boost::json::object o = DeviceJson(issued->first);
    o["token"] = issued->second;
    return JsonResponse(o);
  }
  if (code) {
    if (b.id != 0) return JsonError(400, "invalid_field", Phrase{"http_new_device_no_id", {}});
    auto issued = SetupCodes(store).Issue(
        b.rep, b.device, actor,
        b.ttl_seconds > 0 ? b.ttl_seconds * 1000 : SetupCodes::kDefaultTtlMs);
    if (!issued.ok()) return StatusResponse(issued.status());
    return JsonResponse(boost::json::object{{"code", issued->code},
                                            {"rep", issued->rep_id},
                                            {"device", issued->device},
                                            {"expires", IsoTime(issued->expires_ms)},
                                            {"expires_ms", issued->expires_ms}});
  }
  if (revoke) {
    if (b.device.empty() && b.id == 0) {
      return JsonError(400, "missing_field", Phrase{"http_name_the_device", {}});
    }
    auto revoked = store.RevokeDevice(b.rep, b.device, b.id, actor);
    if (!revoked.ok()) return StatusResponse(revoked.status());
    return JsonResponse(DeviceJson(*revoked));
  }
  return JsonResponseIf(disable ? store.DisableRep(b.rep, actor) : store.EnableRep(b.rep, actor),
                        boost::json::object{{"ok", true}, {"rep", b.rep}, {"active", enable}});
}

}  // namespace fieldbook::server
